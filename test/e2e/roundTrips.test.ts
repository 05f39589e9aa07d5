// What each interaction costs in round trips: database commands and Web API calls, counted on the
// app's own connection and at the local Slack. The README keeps the same figures; a change that adds
// a round trip to one of these fails here first.
import type { TestWorkspace } from '../support/testApp.js';
import { countedTestApp, until, type Cost } from '../support/roundTrips.js';
import { messageFromResponse, nextResponse, openedViewId, viewText } from '../support/flows.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';
import { REPLAN_JOB } from '../../src/services/replans.js';
import { SCHEDULES_PER_PAGE } from '../../views/scheduleList.js';

// Only what the interactions send: the dispatcher polls in the background and may fall inside a measure.
const counted = countedTestApp({ requestsOnly: true });

/** The most each interaction may cost (the README's table). */
// Commands, clicks and submissions include the replay check (one insert into requestclaims).
/** What the replan job a Save queues costs when no lead follows the schedule: one find of its leads. */
const REPLAN_WITHOUT_LEADS = 1;
const BUDGET = {
  listPage: { db: 3, slack: 0 },
  // The first page after a schedule changed rebuilds the stored list: claim it, read the summaries, fill it in.
  listPageRebuilt: { db: 3 + 3, slack: 0 },
  typeAhead: { db: 1, slack: 0 },
  openEditor: { db: 4, slack: 1 },
  keystroke: { db: 4, slack: 1 },
  add: { db: 4, slack: 1 },
  save: { db: 11 + REPLAN_WITHOUT_LEADS, slack: 1 },
} as const;

function within(cost: Cost, budget: { db: number; slack: number }): void {
  // The lists in the message say which round trips there were when this fails.
  expect({ db: cost.db.length <= budget.db ? 'ok' : cost.db, slack: cost.slack.length <= budget.slack ? 'ok' : cost.slack }).toEqual({ db: 'ok', slack: 'ok' });
}

async function workspaceWithSchedules(count: number): Promise<{ ws: TestWorkspace; ownedName: string }> {
  const ws = counted.app.workspace();
  await counted.app.services.workspaces.ensureSeeded(ws.ref);
  const recommended = (await counted.app.services.schedules.findByName(ws.ref, RECOMMENDED))!;
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
  for (let i = 0; i < count; i++) await counted.app.services.schedules.clone(alex, recommended.id, { name: `Drip ${String(i).padStart(2, '0')}`, description: '' });
  return { ws, ownedName: 'Drip 00' };
}

test('a list page, a type-ahead query, opening the editor, an editor keystroke, an Add and a Save each stay within their round trips', async () => {
  const { ws, ownedName } = await workspaceWithSchedules(SCHEDULES_PER_PAGE + 3);
  const slack = ws.as('UALEX');
  // users.info is asked once per user for a few minutes: warm it, as any earlier command would.
  await slack.command(`view ${RECOMMENDED}`);
  await nextResponse(counted.app.fake, 0, (p) => JSON.stringify(p.body).includes('your time zone'));

  let since = counted.app.fake.responses.length;
  const firstPage = await counted.trips.measure(async () => {
    await slack.command('list');
    await nextResponse(counted.app.fake, since);
  });
  within(firstPage, BUDGET.listPageRebuilt);
  const shown = () => JSON.stringify(messageFromResponse(counted.app.fake, ws.channelId, 'Followup schedules').blocks);
  // System schedules first, then by name: the first page ends at Drip 12, the second holds the rest.
  expect(shown()).toContain(`Schedules 1–${SCHEDULES_PER_PAGE} · page 1 · more on the next page`);
  expect(shown()).toContain('Drip 12');
  expect(shown()).not.toContain('Drip 13');
  since = counted.app.fake.responses.length;
  const secondPage = await counted.trips.measure(async () => {
    await slack.blockAction({ message: messageFromResponse(counted.app.fake, ws.channelId, 'Followup schedules'), actionId: 'schedule_list.page.next' });
    await nextResponse(counted.app.fake, since);
  });
  within(secondPage, BUDGET.listPage);
  // The last page knows the total without a count.
  expect(shown()).toContain(`${SCHEDULES_PER_PAGE + 5} schedules · page 2 of 2`);
  expect(['Drip 13', 'Drip 14', 'Drip 15', 'Drip 16', 'Drip 17'].every((name) => shown().includes(name))).toBe(true);
  expect(shown()).not.toContain('Drip 12');
  expect(shown()).not.toContain('Recommended');

  since = counted.app.fake.calls.length;
  await slack.command('clone');
  const cloneId = await openedViewId(counted.app.fake, 'views.open', since);
  await until(() => viewText(counted.app.fake, cloneId).length > 0 && JSON.stringify(counted.app.fake.view(cloneId).blocks).includes('clone.source_select'), 'the clone modal');
  const typeAhead = await counted.trips.measure(async () => {
    const res = await slack.blockSuggestion({ viewId: cloneId, actionId: 'clone.source_select', value: 'drip' });
    expect(res.options.length).toBe(SCHEDULES_PER_PAGE + 3);
  });
  within(typeAhead, BUDGET.typeAhead);

  since = counted.app.fake.calls.length;
  let viewId = '';
  const openEditor = await counted.trips.measure(async () => {
    await slack.command(`edit ${ownedName}`);
    viewId = await openedViewId(counted.app.fake, 'views.open', since);
    await until(() => JSON.stringify(counted.app.fake.view(viewId).blocks).includes('editor.add_end'), 'the editor');
  });
  within(openEditor, BUDGET.openEditor);
  const blocks = () => (counted.app.fake.view(viewId).blocks ?? []) as { block_id?: string }[];
  const firstRow = /^row\.([a-z0-9]+)\.\d+\.after$/.exec(blocks().find((b) => /\.after$/.test(b.block_id ?? ''))!.block_id!)![1]!;

  const updatesBefore = () => counted.app.fake.callsTo('views.update').filter((c) => c.args.view_id === viewId && c.response.ok === true).length;
  let updates = updatesBefore();
  const keystroke = await counted.trips.measure(async () => {
    await slack.blockAction({ viewId, actionId: `editor.after.${firstRow}`, value: '3' });
    await until(() => updatesBefore() > updates, 'the editor re-rendered after a keystroke');
  });
  within(keystroke, BUDGET.keystroke);

  updates = updatesBefore();
  const add = await counted.trips.measure(async () => {
    await slack.blockAction({ viewId, actionId: 'editor.add_end' });
    await until(() => updatesBefore() > updates && blocks().filter((b) => /\.after$/.test(b.block_id ?? '')).length === 8, 'the added step');
  });
  within(add, BUDGET.add);
  // A new step is a custom message with none picked yet: make it a tone, so the Save can succeed.
  const addedRow = /^row\.([a-z0-9]+)\.\d+\.after$/.exec(blocks().filter((b) => /\.after$/.test(b.block_id ?? '')).at(-1)!.block_id!)![1]!;
  updates = updatesBefore();
  await slack.blockAction({ viewId, actionId: `editor.type.${addedRow}`, selectedOption: 'Hopeful' });
  await until(() => updatesBefore() > updates, 'the retyped step');

  // The Save queues a replan of the schedule's leads, which this process's job worker may start at
  // once, inside or after the Save's window: the measure waits for it too, so the count is the same
  // either way (the Save's own commands plus the job's, with no lead to move).
  const replanJobs = counted.app.runtime.connection.db!.collection('agendaJobs');
  const replansDone = () => replanJobs.countDocuments({ name: REPLAN_JOB, lastFinishedAt: { $ne: null } });
  const replansBefore = await replansDone();
  const save = await counted.trips.measure(async () => {
    await slack.viewSubmission(viewId);
    await until(() => viewText(counted.app.fake, viewId).includes('is saved'), 'the saved confirmation');
    const deadline = Date.now() + 5000;
    while ((await replansDone()) <= replansBefore) {
      if (Date.now() > deadline) throw new Error('the replan job the Save queued did not finish');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  within(save, BUDGET.save);
  if (process.env.SHOW_ROUND_TRIPS) console.log(JSON.stringify({ firstPage, typeAhead, openEditor, keystroke, add, save }, null, 1));
  const saved = (await counted.app.services.schedules.findByName(ws.ref, ownedName))!;
  expect(saved.steps).toHaveLength(8);
  expect(saved.steps[0]!.afterDays).toBe(3);
});

test('users.info is asked once per user for a few minutes, and never answers for another workspace', async () => {
  const first = counted.app.workspace();
  const second = counted.app.workspace();
  await counted.app.services.workspaces.ensureSeeded(first.ref);
  await counted.app.services.workspaces.ensureSeeded(second.ref);
  const askedFor = (user: string) => counted.app.fake.callsTo('users.info').filter((c) => c.args.user === user).length;

  const inFirst = first.as('USAMEID', { tz: 'America/New_York' });
  let since = counted.app.fake.responses.length;
  await inFirst.command(`view ${RECOMMENDED}`);
  expect((await nextResponse(counted.app.fake, since)).text).toContain('your time zone (America/New_York');
  since = counted.app.fake.responses.length;
  await inFirst.command(`view ${RECOMMENDED}`);
  expect((await nextResponse(counted.app.fake, since)).text).toContain('your time zone (America/New_York');
  expect(askedFor('USAMEID')).toBe(1);

  // The same user id in another workspace is another person.
  const inSecond = second.as('USAMEID', { tz: 'Asia/Tokyo' });
  since = counted.app.fake.responses.length;
  await inSecond.command(`view ${RECOMMENDED}`);
  expect((await nextResponse(counted.app.fake, since)).text).toContain('your time zone (Asia/Tokyo');
  expect(askedFor('USAMEID')).toBe(2);
});

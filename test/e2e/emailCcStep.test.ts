// The Email CC first step ("your own email"): shown as the start in the editor and in View, and
// kept first and unchanged by the services whatever the clicks, quick or forged, say.
import { fixedClock } from '../../src/clock.js';
import { OWN_EMAIL } from '../../src/services/domain.js';
import { storedHundredths } from '../../src/services/steps.js';
import { daysOfHundredths } from '../../src/services/calendar.js';
import type { ScheduleDoc } from '../../src/db/models.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import type { SlackDriver } from '../support/slackDriver.js';
import type { JsonObject } from '../support/fakeSlack.js';
import { nextResponse, updated, viewText } from '../support/flows.js';
import { openCopyInEditor, rowBlock as rowBlockIn, rowKeys as rowKeysIn, stepHeads as stepHeadsIn } from '../support/editor.js';

// Tuesday 7 April 2026, 05:00 UTC: still Monday 6 April, 19:00, in Honolulu (UTC−10).
const NOW = '2026-04-07T05:00:00Z';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock: fixedClock(NOW) });
});
afterAll(() => app.stop());

const rowKeys = (viewId: string) => rowKeysIn(app.fake, viewId);
const rowBlock = (viewId: string, key: string, part: 'head' | 'actions' | 'after') => rowBlockIn(app.fake, viewId, key, part);
const stepHeads = (viewId: string) => stepHeadsIn(app.fake, viewId);
const openCopyOfEmailCc = (slack: SlackDriver, name: string) => openCopyInEditor(app.fake, slack, 'Recommended for Email CC', name);

/** Sends a click and waits for the editor to show its outcome. */
async function andRerendered(viewId: string, click: () => Promise<{ status: number }>): Promise<void> {
  const since = app.fake.calls.length;
  expect((await click()).status).toBe(200);
  await updated(app.fake, viewId, since);
}

async function storedSteps(teamId: string, name: string): Promise<string[]> {
  const doc = await app.services.models.Schedule.findOne({ workspace: teamId, name }).lean<ScheduleDoc>();
  return doc!.steps.map((s) => `${s.type} ${daysOfHundredths(storedHundredths(s))}`);
}

describe('the Email CC first step', () => {
  test('the editor shows step 1 as your own email, the start (Day 0 in your time zone), with no type, message, after days, moves or delete', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'Pacific/Honolulu' });
    const viewId = await openCopyOfEmailCc(slack, 'CC nudges');
    const [r1, r2] = rowKeys(viewId) as [string, string];
    const heads = stepHeads(viewId);

    expect(heads[0]).toBe('*Step 1* · Your own email, sent by you with the assistant in CC (never sent by the app)\nDay 0 · Mon 6 Apr · the start: the followups count from it');
    // The followups count from Monday 19:00 in Honolulu (in UTC it is already Tuesday): + 1 day is
    // Tuesday 19:00, after closing (default hours 09:00-17:00), so Wednesday's opening.
    expect(heads[1]).toBe('*Step 2* · Gentle · Generated\nDay 2 · Wed 8 Apr _(moved 1 day to working time)_');
    expect(heads[2]).toContain('Day 4 · Fri 10 Apr');
    expect(heads[3]).toContain('Day 7 · Mon 13 Apr');
    // Nothing to change on step 1 but adding a step below it.
    expect(rowBlock(viewId, r1, 'head')?.accessory).toBeUndefined();
    expect(rowBlock(viewId, r1, 'after')).toBeUndefined();
    expect(rowBlock(viewId, r1, 'actions')?.elements?.map((e) => e.action_id)).toEqual([`editor.add.${r1}`]);
    // Nothing moves above it.
    expect(rowBlock(viewId, r2, 'head')?.accessory?.options?.map((o) => o.value)).toEqual(['down']);
    expect(rowBlock(viewId, r2, 'after')?.label?.text).toBe('Step 2: after days (from your own email)');
    expect(viewText(app.fake, viewId)).toContain('your own email + 6 followups · 21 days');
  });

  test('View shows step 1 as your own email on Day 0 in the viewer’s time zone, and the followups after it; the list counts them', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'Pacific/Honolulu' });
    const since = app.fake.responses.length;
    await slack.command('view Recommended for Email CC');
    const details = await nextResponse(app.fake, since);
    expect(details.text).toContain('your own email + 6 followups · 21 days');
    expect(details.text).toContain('*1.* Your own email, sent by you with the assistant in CC (never sent by the app)\nDay 0 · Mon 6 Apr · the start: the followups count from it\n');
    expect(details.text).not.toContain('after 0 days');
    expect(details.text).toContain('*2.* Gentle · Generated\nDay 2 · Wed 8 Apr _(moved 1 day to working time)_ · after 1 day');
    expect(details.text).toContain('*3.* Appreciative · Generated\nDay 4 · Fri 10 Apr · after 2 days');

    const listed = app.fake.responses.length;
    await slack.command('list');
    expect((await nextResponse(app.fake, listed)).text).toContain('your own email + 6 followups · 21 days · System');
  });

  test('forged clicks that move, retype or delete the own email, or move step 2 above it, change nothing on screen or in the saved schedule', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'Pacific/Honolulu' });
    const viewId = await openCopyOfEmailCc(slack, 'Forged');
    const [r1, r2] = rowKeys(viewId) as [string, string];
    const before = stepHeads(viewId);
    const forged: JsonObject[] = [
      { type: 'overflow', action_id: `editor.move.${r1}`, block_id: `row.${r1}.0.head`, selected_option: { text: { type: 'plain_text', text: 'Move down' }, value: 'down' } },
      { type: 'overflow', action_id: `editor.move.${r2}`, block_id: `row.${r2}.0.head`, selected_option: { text: { type: 'plain_text', text: 'Move up' }, value: 'up' } },
      { type: 'button', action_id: `editor.delete.${r1}`, block_id: `row.${r1}.0.actions`, value: r1, text: { type: 'plain_text', text: 'Delete' } },
      {
        type: 'static_select',
        action_id: `editor.type.${r1}`,
        block_id: `row.${r1}.0.actions`,
        selected_option: { text: { type: 'plain_text', text: 'Candid (generated)' }, value: 'Candid' },
      },
    ];
    for (const action of forged) {
      await andRerendered(viewId, () => slack.forgedBlockAction({ viewId, action }));
      expect(stepHeads(viewId)).toEqual(before);
    }
    expect((await slack.viewSubmission(viewId)).outcome).toMatchObject({ action: 'update' });
    expect(await storedSteps(ws.ref.teamId, 'Forged')).toEqual([`${OWN_EMAIL} 0`, 'Gentle 1', 'Appreciative 2', 'Hopeful 3', 'Assertive 4', 'Cautionary 5', 'Curious 6']);
  });

  test('two quick Move up clicks on step 3 move it to step 2, never above the own email', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'Pacific/Honolulu' });
    const viewId = await openCopyOfEmailCc(slack, 'Quick moves');
    const [r1, r2, r3] = rowKeys(viewId) as [string, string, string];
    // Both clicks are made on the same screen, before either re-render arrives.
    const first = slack.blockAction({ viewId, actionId: `editor.move.${r3}`, selectedOption: 'up' });
    const second = slack.blockAction({ viewId, actionId: `editor.move.${r3}`, selectedOption: 'up' });
    expect((await Promise.all([first, second])).map((r) => r.status)).toEqual([200, 200]);
    const deadline = Date.now() + 3000;
    while (rowKeys(viewId)[1] !== r3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(rowKeys(viewId).slice(0, 3)).toEqual([r1, r3, r2]);
    expect(stepHeads(viewId)[0]).toContain('Your own email');
    expect((await slack.viewSubmission(viewId)).outcome).toMatchObject({ action: 'update' });
    expect((await storedSteps(ws.ref.teamId, 'Quick moves')).slice(0, 3)).toEqual([`${OWN_EMAIL} 0`, 'Appreciative 2', 'Gentle 1']);
  });
});

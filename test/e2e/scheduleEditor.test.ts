// The "make your own schedule" flow, end to end through signed requests and the local Slack.
import { fixedClock } from '../../src/clock.js';
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import type { SlackDriver } from '../support/slackDriver.js';
import type { JsonObject } from '../support/fakeSlack.js';
import { blocksText, modalOpenedWith, nextResponse, openedViewId, postedTo, updated, viewText } from '../support/flows.js';
import { DEFAULTS, scheduleBlockId } from '../../views/defaultsModal.js';

// Monday 6 April 2026, 09:00 in New York.
const NOW = '2026-04-06T13:00:00Z';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock: fixedClock(NOW) });
});
afterAll(() => app.stop());

function stateOf(viewId: string) {
  return app.fake.view(viewId).state.values;
}

/** The editor's row keys, in order, as the user sees them. */
function rowKeys(viewId: string): string[] {
  const blocks = (app.fake.view(viewId).blocks ?? []) as { block_id?: string }[];
  return blocks.flatMap((b) => {
    const m = /^row\.([a-z0-9]+)\.\d+\.head$/.exec(b.block_id ?? '');
    return m ? [m[1]!] : [];
  });
}

function blockIdOf(viewId: string, key: string, part: 'head' | 'actions' | 'after'): string {
  const blocks = (app.fake.view(viewId).blocks ?? []) as { block_id?: string }[];
  const found = blocks.find((b) => new RegExp(`^row\\.${key}\\.\\d+\\.${part}$`).test(b.block_id ?? ''));
  if (!found?.block_id) throw new Error(`no ${part} block for row ${key}`);
  return found.block_id;
}

function stepHeads(viewId: string): string[] {
  const blocks = (app.fake.view(viewId).blocks ?? []) as { block_id?: string; text?: { text: string } }[];
  return blocks.filter((b) => /\.head$/.test(b.block_id ?? '')).map((b) => b.text?.text ?? '');
}

/** Clicks an editor action and waits for the editor to be re-rendered. */
async function clickAndWait(slack: SlackDriver, viewId: string, opts: Parameters<SlackDriver['blockAction']>[0]) {
  const since = app.fake.calls.length;
  const res = await slack.blockAction({ viewId, ...opts });
  expect(res.status).toBe(200);
  await updated(app.fake, viewId, since);
}

async function cloneRecommended(ws: TestWorkspace, slack: SlackDriver, name: string): Promise<string> {
  const since = app.fake.calls.length;
  await slack.command('clone Recommended');
  const viewId = await openedViewId(app.fake, 'views.open', since);
  app.fake.typeInto(viewId, 'clone.name', 'clone.name_input', name);
  const res = await slack.viewSubmission(viewId);
  expect(res.outcome).toMatchObject({ action: 'update' });
  void ws;
  return viewId;
}

describe('the make-your-own-schedule flow', () => {
  test('list, clone Recommended by typing part of its name, edit steps with a new custom message, watch dates move, view, add, delete, save, make it an assistant’s default, then view the result', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'America/New_York', name: 'alex' });
    await app.services.workspaces.ensureSeeded(ws.ref);
    const ava = await app.services.assistants.create({ workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false }, { name: 'Ava', notificationChannel: '', timeZone: 'America/New_York', offDays: [6, 0] });

    // 1. List.
    let since = app.fake.responses.length;
    await slack.command('list');
    const list = await nextResponse(app.fake, since);
    expect(list.text).toContain('Recommended');
    expect(list.text).toContain('Recommended for Email CC');
    expect(list.text).toContain('7 steps · 22 days · System');

    // 2. Pick Recommended by typing part of its name.
    let calls = app.fake.calls.length;
    await slack.command('clone');
    const viewId = await openedViewId(app.fake, 'views.open', calls);
    const suggestions = await slack.blockSuggestion({ viewId, actionId: 'clone.source_select', value: 'COMMEND' });
    const labels = suggestions.options.map((o) => (o.text as { text: string }).text);
    expect(labels).toEqual(['Recommended (system)', 'Recommended for Email CC (system)']);
    app.fake.typeInto(viewId, 'clone.source', 'clone.source_select', suggestions.options[0]);

    // 3. Clone with a new name and description: the modal becomes the step editor for the copy.
    app.fake.typeInto(viewId, 'clone.name', 'clone.name_input', 'Q4 push');
    app.fake.typeInto(viewId, 'clone.description', 'clone.description_input', 'For Q4 enterprise leads');
    const cloned = await slack.viewSubmission(viewId);
    expect(cloned.outcome).toMatchObject({ action: 'update' });
    expect(app.fake.view(viewId).callback_id).toBe('schedule_edit');
    expect(stateOf(viewId)['editor.name']?.['editor.name_input']).toMatchObject({ value: 'Q4 push' });
    expect(stepHeads(viewId)[0]).toContain('*Step 1* · Candid · Generated\nDay 1 · Tue 7 Apr');
    expect(stepHeads(viewId)[3]).toContain('Day 7 · Mon 13 Apr');
    const [r1, r2, r3, , r5] = rowKeys(viewId) as [string, string, string, string, string];

    // 4. Change step 1 to a custom message, creating the message from inside the editor.
    await clickAndWait(slack, viewId, { actionId: `editor.type.${r1}`, selectedOption: 'custom' });
    expect(stepHeads(viewId)[0]).toContain('Custom message · _no message picked_');
    const menu = await slack.blockSuggestion({ viewId, actionId: `editor.message.${r1}`, value: '' });
    expect(menu.options[0]).toMatchObject({ value: 'new' });
    calls = app.fake.calls.length;
    await slack.blockAction({ viewId, actionId: `editor.message.${r1}`, selectedOption: menu.options[0] as { text: { type: string; text: string }; value: string } });
    const newMessageId = await openedViewId(app.fake, 'views.push', calls);
    app.fake.typeInto(newMessageId, 'message.name', 'message.name_input', 'Pricing nudge');
    app.fake.typeInto(newMessageId, 'message.subject', 'message.subject_input', 'Pricing for {{company|your team}}');
    app.fake.typeInto(newMessageId, 'message.body', 'message.body_input', 'Hi {{first_name|there}}, here is our pricing.');
    calls = app.fake.calls.length;
    const created = await slack.viewSubmission(newMessageId);
    expect(created.outcome).toMatchObject({ action: 'close' });
    await updated(app.fake, viewId, calls);
    expect(stepHeads(viewId)[0]).toContain('Custom message · *Pricing nudge* — “Pricing for {{company|your team}}”');
    const r1Message = stateOf(viewId)[blockIdOf(viewId, r1, 'actions')]?.[`editor.message.${r1}`];
    expect(r1Message).toMatchObject({ selected_option: { value: expect.stringMatching(/^[0-9a-f]{24}$/) } });

    // 5. Change after days and see the example dates move (step 2 and every later step).
    await clickAndWait(slack, viewId, { actionId: `editor.after.${r2}`, value: '3' });
    expect(stepHeads(viewId)[1]).toContain('Day 4 · Fri 10 Apr');
    // Step 3 (+2) lands on Sunday 12 April and moves to Monday; later steps count from Monday.
    expect(stepHeads(viewId)[2]).toContain('Day 7 · Mon 13 Apr _(moved 1 day to working time)_');
    expect(stepHeads(viewId)[3]).toContain('Day 10 · Thu 16 Apr');

    // 6. View a message: rendered for the sample lead.
    calls = app.fake.calls.length;
    await slack.blockAction({ viewId, actionId: `editor.view.${r1}` });
    const previewId = await openedViewId(app.fake, 'views.push', calls);
    const preview = viewText(app.fake, previewId);
    expect(preview).toContain('Pricing for Acme Corp');
    expect(preview).toContain('Hi Jamie, here is our pricing.');
    await slack.viewClosed(previewId);

    // 7. Add a step below step 3, then delete step 5.
    await clickAndWait(slack, viewId, { actionId: `editor.add.${r3}` });
    expect(rowKeys(viewId)).toHaveLength(8);
    const added = rowKeys(viewId)[3]!;
    await clickAndWait(slack, viewId, { actionId: `editor.type.${added}`, selectedOption: 'Hopeful' });
    app.fake.typeInto(viewId, blockIdOf(viewId, added, 'after'), `editor.after.${added}`, '0.5');
    await clickAndWait(slack, viewId, { actionId: `editor.delete.${r5}` });
    expect(rowKeys(viewId)).toHaveLength(7);

    // 8. Save.
    const saved = await slack.viewSubmission(viewId);
    expect(saved.outcome).toMatchObject({ action: 'update' });
    expect(viewText(app.fake, viewId)).toContain('*Q4 push* is saved: 7 steps over 20.5 days.');
    const schedule = (await app.services.schedules.findByName(ws.ref, 'q4 push'))!;
    expect(schedule.description).toBe('For Q4 enterprise leads');
    expect(schedule.steps.map((s) => `${s.type} ${s.afterDays}`)).toEqual([
      'custom 1', 'Gentle 3', 'Appreciative 2', 'Hopeful 0.5', 'Hopeful 3', 'Cautionary 5', 'Curious 6',
    ]);
    expect(schedule.steps[0]!.customMessageId).not.toBeNull();
    // The saved editor's draft is left for the hourly purge, so a repeated Save answers "saved" too.
    expect(await app.services.models.Draft.countDocuments({ workspace: ws.ref.teamId })).toBe(1);

    // 9. Make it Ava's default for new leads: the conversation is told, and the list says so.
    const defaultCommand = await slack.command('default Ava');
    const makeDefault = await modalOpenedWith(app.fake, defaultCommand.triggerId);
    const choices = await slack.blockSuggestion({ viewId: makeDefault.id, actionId: DEFAULTS.scheduleAction, value: 'q4' });
    app.fake.typeInto(makeDefault.id, scheduleBlockId(ava.id), DEFAULTS.scheduleAction, choices.options[0]);
    expect((await slack.viewSubmission(makeDefault.id)).outcome?.action).toBe('close');
    expect((await postedTo(app.fake, defaultCommand.responseUrl)).text).toContain('made *Q4 push* the default schedule for *Ava*');
    since = app.fake.responses.length;
    await slack.command('list');
    expect((await nextResponse(app.fake, since)).text).toContain('default for Ava');

    // 10. `/schedule view` shows the saved result.
    since = app.fake.responses.length;
    await slack.command('view Q4 push');
    const details = await nextResponse(app.fake, since);
    expect(details.text).toContain('Q4 push');
    expect(details.text).toContain('*1.* Custom message · *Pricing nudge* — “Pricing for {{company|your team}}”');
    expect(details.text).toContain('Day 1 · Tue 7 Apr');
    expect(details.text).toContain('*4.* Hopeful · Generated');
    expect(details.text).toContain('7 steps · 20.5 days · Owner <@UALEX>');
  });

  test('values typed in several rows survive an add, a delete, viewing a message and a message creation', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const viewId = await cloneRecommended(ws, slack, 'Typed');
    const [r1, r2, r3, r4, , r6, r7] = rowKeys(viewId) as string[];

    // Typed, but not yet sent to the app (no Enter, no dispatch yet).
    app.fake.typeInto(viewId, 'editor.name', 'editor.name_input', 'Typed renamed');
    app.fake.typeInto(viewId, blockIdOf(viewId, r1!, 'after'), `editor.after.${r1}`, '2.5');
    app.fake.typeInto(viewId, blockIdOf(viewId, r6!, 'after'), `editor.after.${r6}`, '9');

    await clickAndWait(slack, viewId, { actionId: `editor.add.${r2}` });
    const added = rowKeys(viewId)[2]!;
    await clickAndWait(slack, viewId, { actionId: `editor.type.${added}`, selectedOption: 'Hopeful' });
    await clickAndWait(slack, viewId, { actionId: `editor.delete.${r4}` });
    app.fake.typeInto(viewId, blockIdOf(viewId, r7!, 'after'), `editor.after.${r7}`, '11');

    // Viewing a message pushes a modal on top; closing it comes back to the editor as it was.
    let calls = app.fake.calls.length;
    await slack.blockAction({ viewId, actionId: `editor.view.${r6}` });
    const preview = await openedViewId(app.fake, 'views.push', calls);
    expect(viewText(app.fake, preview)).toContain('Cautionary (generated)');
    await slack.viewClosed(preview);

    // Create a message for (what is now) step 4 from inside the editor.
    await clickAndWait(slack, viewId, { actionId: `editor.type.${r3}`, selectedOption: 'custom' });
    calls = app.fake.calls.length;
    await slack.blockAction({ viewId, actionId: `editor.message.${r3}`, selectedOption: { text: '➕ Create new custom message…', value: 'new' } });
    const pushed = await openedViewId(app.fake, 'views.push', calls);
    app.fake.typeInto(pushed, 'message.name', 'message.name_input', 'Typed message');
    app.fake.typeInto(pushed, 'message.body', 'message.body_input', 'Hello {{first_name}}');
    calls = app.fake.calls.length;
    await slack.viewSubmission(pushed);
    await updated(app.fake, viewId, calls);

    // What the user sees still holds every value typed.
    const state = stateOf(viewId);
    expect(state['editor.name']?.['editor.name_input']).toMatchObject({ value: 'Typed renamed' });
    expect(state[blockIdOf(viewId, r1!, 'after')]?.[`editor.after.${r1}`]).toMatchObject({ value: '2.5' });
    expect(state[blockIdOf(viewId, r6!, 'after')]?.[`editor.after.${r6}`]).toMatchObject({ value: '9' });
    expect(state[blockIdOf(viewId, r7!, 'after')]?.[`editor.after.${r7}`]).toMatchObject({ value: '11' });

    const saved = await slack.viewSubmission(viewId);
    expect(saved.outcome).toMatchObject({ action: 'update' });
    const schedule = (await app.services.schedules.findByName(ws.ref, 'Typed renamed'))!;
    expect(schedule.steps.map((s) => `${s.type} ${s.afterDays}`)).toEqual([
      'Candid 2.5', 'Gentle 1', 'Hopeful 1', 'custom 2', 'Assertive 4', 'Cautionary 9', 'Curious 11',
    ]);
  });

  test('two changes sent at the same moment both end up on screen and in the saved schedule', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const viewId = await cloneRecommended(ws, slack, 'Quick hands');
    const [r1, r2] = rowKeys(viewId) as [string, string];
    const since = app.fake.calls.length;
    // Both payloads carry the same view hash: whichever update lands second must not be lost.
    await Promise.all([
      slack.blockAction({ viewId, actionId: `editor.type.${r1}`, selectedOption: 'Curious' }),
      slack.blockAction({ viewId, actionId: `editor.type.${r2}`, selectedOption: 'Hopeful' }),
    ]);
    const deadline = Date.now() + 3000;
    while (!(stepHeads(viewId)[0]?.includes('Curious') && stepHeads(viewId)[1]?.includes('Hopeful')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(stepHeads(viewId).slice(0, 2).map((h) => h.split('\n')[0])).toEqual(['*Step 1* · Curious · Generated', '*Step 2* · Hopeful · Generated']);
    expect(app.fake.calls.slice(since).filter((c) => c.method === 'views.update' && c.response.ok)).not.toHaveLength(0);
    await slack.viewSubmission(viewId);
    expect((await app.services.schedules.findByName(ws.ref, 'Quick hands'))!.steps.slice(0, 2).map((s) => s.type)).toEqual(['Curious', 'Hopeful']);
  });

  test('a schedule deleted while it is being edited: the next click says so in the editor', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const viewId = await cloneRecommended(ws, slack, 'Vanishing');
    const [r1] = rowKeys(viewId) as [string];
    const schedule = (await app.services.schedules.findByName(ws.ref, 'Vanishing'))!;
    await app.services.schedules.remove({ workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false }, schedule.id);
    await clickAndWait(slack, viewId, { actionId: `editor.add.${r1}` });
    expect(viewText(app.fake, viewId)).toContain('This schedule was deleted while you were editing it.');
    expect(app.fake.view(viewId).submit ?? null).toBeNull(); // nothing left to save
  });

  test('moving a step down keeps every row’s typed values with its row', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const viewId = await cloneRecommended(ws, slack, 'Moves');
    const [r1, r2] = rowKeys(viewId) as [string, string];
    app.fake.typeInto(viewId, blockIdOf(viewId, r1, 'after'), `editor.after.${r1}`, '4');
    await clickAndWait(slack, viewId, { actionId: `editor.move.${r1}`, selectedOption: 'down' });
    expect(rowKeys(viewId).slice(0, 2)).toEqual([r2, r1]);
    expect(stepHeads(viewId)[0]).toContain('*Step 1* · Gentle');
    await slack.viewSubmission(viewId);
    const schedule = (await app.services.schedules.findByName(ws.ref, 'Moves'))!;
    expect(schedule.steps.slice(0, 2).map((s) => `${s.type} ${s.afterDays}`)).toEqual(['Gentle 1', 'Candid 4']);
  });

  test('dates can be previewed for an assistant, following its time zone and off days', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'America/New_York' });
    const actor = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
    // Friday and Saturday off, in Dubai.
    const ava = await app.services.assistants.create(actor, { name: 'Ava', notificationChannel: '', timeZone: 'Asia/Dubai', offDays: [5, 6] });
    const viewId = await cloneRecommended(ws, slack, 'Dubai');
    await clickAndWait(slack, viewId, { actionId: 'editor.preview_for', selectedOption: { text: 'Assistant: Ava', value: ava.id } });
    const heads = stepHeads(viewId);
    // 17:00 Monday in Dubai: +1 Tue 17:00 is closing time → Wed 8 09:00, +1 Thu 9, +2 Sat 11 → Sunday 12 (Fri/Sat off).
    expect(heads[0]).toContain('Day 2 · Wed 8 Apr _(moved 1 day to working time)_');
    expect(heads[2]).toContain('Day 6 · Sun 12 Apr _(moved 1 day to working time)_');
    expect(viewText(app.fake, viewId)).toContain("Ava's calendar (Asia/Dubai, Friday and Saturday off, 09:00–17:00)");
  });

  test('the message type and "Preview dates for" menus offer their choices when opened and narrow them as the user types', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'America/New_York' });
    const actor = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
    const ava = await app.services.assistants.create(actor, { name: 'Ava', notificationChannel: '', timeZone: 'Asia/Dubai', offDays: [5, 6] });
    await app.services.assistants.create(actor, { name: 'Bo', notificationChannel: '', timeZone: 'UTC', offDays: [6, 0] });
    const elsewhere = app.workspace();
    const zed = await app.services.assistants.create({ ...actor, workspace: elsewhere.ref }, { name: 'Zed', notificationChannel: '', timeZone: 'Asia/Tokyo', offDays: [] });
    const viewId = await cloneRecommended(ws, slack, 'Menus');
    const [r1] = rowKeys(viewId) as [string];
    const labels = (res: { options: JsonObject[] }) => res.options.map((o) => (o.text as { text: string }).text);
    const picked = (res: { options: JsonObject[] }, i: number) => res.options[i] as { text: JsonObject; value: string };
    const elementOf = (actionId: string) =>
      ((app.fake.view(viewId).blocks ?? []) as { elements?: { action_id?: string; initial_option?: { value: string } }[] }[]).flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId);

    const types = await slack.blockSuggestion({ viewId, actionId: `editor.type.${r1}`, value: '' });
    expect(labels(types)).toEqual(['Custom message', ...['Candid', 'Gentle', 'Appreciative', 'Hopeful', 'Assertive', 'Cautionary', 'Curious'].map((t) => `${t} (generated)`)]);
    const curious = await slack.blockSuggestion({ viewId, actionId: `editor.type.${r1}`, value: 'CUR' });
    expect(labels(curious)).toEqual(['Curious (generated)']);
    await clickAndWait(slack, viewId, { actionId: `editor.type.${r1}`, selectedOption: picked(curious, 0) });
    expect(stepHeads(viewId)[0]).toContain('*Step 1* · Curious · Generated');
    expect(elementOf(`editor.type.${r1}`)?.initial_option?.value).toBe('Curious');

    // Only this workspace's assistants, the viewer's own time zone always first.
    expect(labels(await slack.blockSuggestion({ viewId, actionId: 'editor.preview_for', value: '' }))).toEqual(['My time zone', 'Assistant: Ava', 'Assistant: Bo']);
    const forAva = await slack.blockSuggestion({ viewId, actionId: 'editor.preview_for', value: 'av' });
    expect(labels(forAva)).toEqual(['My time zone', 'Assistant: Ava']);
    await clickAndWait(slack, viewId, { actionId: 'editor.preview_for', selectedOption: picked(forAva, 1) });
    expect(viewText(app.fake, viewId)).toContain("Ava's calendar (Asia/Dubai, Friday and Saturday off");
    expect(elementOf('editor.preview_for')?.initial_option?.value).toBe(ava.id);

    // Another workspace's assistant, picked by a forged request: the dates follow the viewer's own calendar.
    const since = app.fake.calls.length;
    await slack.forgedBlockAction({
      viewId,
      action: { type: 'external_select', block_id: 'editor.preview', action_id: 'editor.preview_for', selected_option: { text: { type: 'plain_text', text: 'Assistant: Zed' }, value: zed.id } },
    });
    await updated(app.fake, viewId, since);
    expect(viewText(app.fake, viewId)).toContain('your time zone (America/New_York');
    expect(viewText(app.fake, viewId)).not.toContain('Zed');
    expect(elementOf('editor.preview_for')?.initial_option?.value).toBe('me');
  });

  test('dates previewed for an assistant follow its business hours, public holidays and extra off dates too', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'America/New_York' });
    const actor = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
    const ava = await app.services.assistants.createSettings(
      actor,
      { name: 'Ava', timeZone: 'Europe/Amsterdam', businessHours: { open: '08:00', close: '12:00' }, holidays: { country: 'NL', region: null }, extraOffDates: ['2026-04-08'] },
      { channels: null },
    );
    const viewId = await cloneRecommended(ws, slack, 'Amsterdam');
    await clickAndWait(slack, viewId, { actionId: 'editor.preview_for', selectedOption: { text: 'Assistant: Ava', value: ava.id } });
    const heads = stepHeads(viewId);
    // Mon 6 Apr 15:00 in Amsterdam + 1 = Tue 15:00, after closing (12:00); Wed 8 is a day off → Thu 9 08:00.
    expect(heads[0]).toContain('Day 3 · Thu 9 Apr _(moved 2 days to working time)_');
    // … +5 = Sat 25 Apr; Mon 27 Apr is King's Day, a public holiday → Tue 28.
    expect(heads[5]).toContain('Day 22 · Tue 28 Apr _(moved 3 days to working time)_');
    expect(viewText(app.fake, viewId)).toContain("Ava's calendar (Europe/Amsterdam, Saturday and Sunday off, 08:00–12:00, public holidays of NL, 1 extra off date)");
  });

  test('a message viewed while previewing for an assistant is signed with its signature', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'America/New_York' });
    const actor = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
    const ava = await app.services.assistants.createSettings(actor, { name: 'Ava', timeZone: 'UTC', senderName: 'Ava Stone', signature: 'Ava Stone\nSales, Example Inc.' }, { channels: null });
    const viewId = await cloneRecommended(ws, slack, 'Signed');
    await clickAndWait(slack, viewId, { actionId: 'editor.preview_for', selectedOption: { text: 'Assistant: Ava', value: ava.id } });
    const [r1] = rowKeys(viewId) as [string];
    const calls = app.fake.calls.length;
    await slack.blockAction({ viewId, actionId: `editor.view.${r1}` });
    const preview = await openedViewId(app.fake, 'views.push', calls);
    expect(viewText(app.fake, preview)).toContain('Ava Stone\nSales, Example Inc.');
  });

  test('cancelling the editor throws the draft away and leaves the schedule as it was', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const viewId = await cloneRecommended(ws, slack, 'Cancelled');
    const before = await app.services.schedules.findByName(ws.ref, 'Cancelled');
    const [r1] = rowKeys(viewId) as [string];
    await clickAndWait(slack, viewId, { actionId: `editor.delete.${r1}` });
    const closed = await slack.viewClosed(viewId);
    expect(closed?.status).toBe(200);
    const deadline = Date.now() + 3000;
    while ((await app.services.models.Draft.countDocuments({ workspace: ws.ref.teamId })) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await app.services.models.Draft.countDocuments({ workspace: ws.ref.teamId })).toBe(0);
    expect(await app.services.models.DraftRevision.countDocuments({ workspace: ws.ref.teamId })).toBe(0);
    expect(await app.services.schedules.findByName(ws.ref, 'Cancelled')).toEqual(before);
  });

  test('a 20-step schedule opens in the editor within Slack’s limits, with no way to add a 21st', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const viewId = await cloneRecommended(ws, slack, 'Long');
    for (let i = 7; i < 20; i++) {
      const last = rowKeys(viewId).at(-1)!;
      await clickAndWait(slack, viewId, { actionId: `editor.add.${last}` });
    }
    expect(rowKeys(viewId)).toHaveLength(20);
    const blocks = app.fake.view(viewId).blocks as unknown[];
    expect(blocks.length).toBeLessThanOrEqual(100);
    expect(viewText(app.fake, viewId)).toContain('20 steps is the most a schedule can have.');
    expect(blocksText(blocks)).not.toContain('Add below');
    const rows = rowKeys(viewId);
    for (const key of rows.slice(7)) {
      await clickAndWait(slack, viewId, { actionId: `editor.type.${key}`, selectedOption: 'Curious' });
    }
    const res = await slack.viewSubmission(viewId);
    expect(res.outcome).toMatchObject({ action: 'update' });
    expect((await app.services.schedules.findByName(ws.ref, 'Long'))!.steps).toHaveLength(20);

    // And `/schedule edit` opens it again (views.open is where Slack would refuse an oversized view).
    const calls = app.fake.calls.length;
    await slack.command('edit Long');
    await openedViewId(app.fake, 'views.open', calls);
    const since = app.fake.responses.length;
    await slack.command('view Long');
    expect((await nextResponse(app.fake, since)).text).toContain('*20.* Curious');
  });
});

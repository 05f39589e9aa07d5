// `/schedule default [assistant]` end to end: the Make default modal, its type-ahead selects, switching
// assistants, saving, and the confirmation posted in the conversation.
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { modalOpenedWith, modalsOpenedWith, postedTo, textOf, updatedTo } from '../support/flows.js';
import type { FakeView, JsonObject } from '../support/fakeSlack.js';
import { DEFAULTS, emailCcBlockId, scheduleBlockId } from '../../views/defaultsModal.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

const actor = (ws: TestWorkspace, userId: string) => ({ workspace: ws.ref, userId, name: userId, isAdmin: false });

/** A workspace where UALEX added Ava and cloned "Q4 push" (for new leads) and "CC nudges" (for Email CC leads). */
async function setUp() {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  const alex = actor(ws, 'UALEX');
  const recommended = (await app.services.schedules.findByName(ws.ref, 'Recommended'))!;
  const recommendedCc = (await app.services.schedules.findByName(ws.ref, 'Recommended for Email CC'))!;
  const q4 = await app.services.schedules.clone(alex, recommended.id, { name: 'Q4 push', description: '' });
  const ccNudges = await app.services.schedules.clone(alex, recommendedCc.id, { name: 'CC nudges', description: '' });
  const ava = await app.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0] });
  return { ws, ava, recommended, recommendedCc, q4, ccNudges };
}

function selected(view: FakeView, blockId: string, actionId: string): JsonObject | null {
  return (view.state.values[blockId]?.[actionId]?.selected_option as JsonObject | null | undefined) ?? null;
}

/** What the three selects show: the assistant, the schedule for new leads, the one for Email CC leads. */
function shown(view: FakeView, assistantId: string) {
  const label = (o: JsonObject | null) => (o ? textOf(o.text) : null);
  return {
    assistant: label(selected(view, DEFAULTS.assistantBlock, DEFAULTS.assistantAction)),
    schedule: label(selected(view, scheduleBlockId(assistantId), DEFAULTS.scheduleAction)),
    emailCc: label(selected(view, emailCcBlockId(assistantId), DEFAULTS.emailCcAction)),
  };
}

const labels = (options: JsonObject[]) => options.map((o) => textOf(o.text));

describe('/schedule default', () => {
  test('make default end to end: Email CC choices are Email CC schedules only, saving updates the assistant and tells the conversation', async () => {
    const { ws, ava, q4, ccNudges } = await setUp();
    const slack = ws.as('UALEX');
    const res = await slack.command('default ava');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    expect(textOf(modal.title)).toBe('Make default');
    expect(shown(modal, ava.id)).toEqual({ assistant: 'Ava', schedule: 'Recommended (system)', emailCc: 'Recommended for Email CC (system)' });

    const forEmailCc = await slack.blockSuggestion({ viewId: modal.id, actionId: DEFAULTS.emailCcAction, value: '' });
    expect(labels(forEmailCc.options)).toEqual(['CC nudges', 'Recommended for Email CC (system)']);
    const forNewLeads = await slack.blockSuggestion({ viewId: modal.id, actionId: DEFAULTS.scheduleAction, value: '' });
    expect(labels(forNewLeads.options)).toEqual(['Q4 push', 'Recommended (system)']);
    const typed = await slack.blockSuggestion({ viewId: modal.id, actionId: DEFAULTS.scheduleAction, value: 'push' });
    expect(labels(typed.options)).toEqual(['Q4 push']);

    app.fake.typeInto(modal.id, scheduleBlockId(ava.id), DEFAULTS.scheduleAction, typed.options[0]);
    app.fake.typeInto(modal.id, emailCcBlockId(ava.id), DEFAULTS.emailCcAction, forEmailCc.options.find((o) => o.value === ccNudges.id));
    expect((await slack.viewSubmission(modal.id)).outcome?.action).toBe('close');

    const confirmation = await postedTo(app.fake, res.responseUrl);
    expect(confirmation.body.response_type).toBe('in_channel');
    expect(confirmation.text).toContain(':white_check_mark: <@UALEX> made *Q4 push* the default schedule for *Ava* (Email CC leads: *CC nudges*).');
    // In the conversation for everyone, not only for the user who typed the command.
    const posted = app.fake.messages.find((m) => m.channel === ws.channelId && (m.text ?? '').includes('made *Q4 push* the default'));
    expect(posted).toMatchObject({ ephemeral: false, via: 'response_url' });

    expect(await app.services.assistants.get(ws.ref, ava.id)).toMatchObject({ defaultScheduleId: q4.id, defaultEmailCcScheduleId: ccNudges.id });
  });

  test('picking another assistant shows that assistant’s defaults, even over a pick made for the first', async () => {
    const { ws, ava, q4, ccNudges } = await setUp();
    await app.services.assistants.setDefaults(actor(ws, 'UALEX'), ava.id, { scheduleId: q4.id, emailCcScheduleId: ccNudges.id });
    const ben = await app.services.assistants.create(actor(ws, 'UALEX'), { name: 'Ben', notificationChannel: '', timeZone: 'UTC', offDays: [] });
    const slack = ws.as('UALEX');
    const res = await slack.command('default Ava');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    expect(shown(modal, ava.id)).toEqual({ assistant: 'Ava', schedule: 'Q4 push', emailCc: 'CC nudges' });

    // The user changes Ava's schedule in the form, then switches to Ben.
    const options = await slack.blockSuggestion({ viewId: modal.id, actionId: DEFAULTS.scheduleAction, value: 'recommended' });
    app.fake.typeInto(modal.id, scheduleBlockId(ava.id), DEFAULTS.scheduleAction, options.options[0]);
    await slack.blockAction({ viewId: modal.id, actionId: DEFAULTS.assistantAction, selectedOption: ben.id });
    const forBen = await updatedTo(app.fake, modal.id, scheduleBlockId(ben.id));
    expect(shown(forBen, ben.id)).toEqual({ assistant: 'Ben', schedule: 'Recommended (system)', emailCc: 'Recommended for Email CC (system)' });

    await slack.blockAction({ viewId: modal.id, actionId: DEFAULTS.assistantAction, selectedOption: ava.id });
    const backToAva = await updatedTo(app.fake, modal.id, scheduleBlockId(ava.id));
    expect(shown(backToAva, ava.id)).toEqual({ assistant: 'Ava', schedule: 'Q4 push', emailCc: 'CC nudges' });
  });

  test('a schedule of the wrong kind is refused on its field and nothing changes', async () => {
    const { ws, ava, recommended, recommendedCc, q4, ccNudges } = await setUp();
    const slack = ws.as('UALEX');
    const res = await slack.command('default Ava');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    // Picks no menu offers (a stale form, or a crafted request): a plain schedule for Email CC leads and the other way round.
    app.fake.typeInto(modal.id, emailCcBlockId(ava.id), DEFAULTS.emailCcAction, { text: 'Q4 push', value: q4.id });
    app.fake.typeInto(modal.id, scheduleBlockId(ava.id), DEFAULTS.scheduleAction, { text: 'CC nudges', value: ccNudges.id });
    const submitted = await slack.viewSubmission(modal.id);
    expect(submitted.outcome?.action === 'errors' && submitted.outcome.errors).toEqual({
      [emailCcBlockId(ava.id)]: '“Q4 push” is not an Email CC schedule. Pick one made for Email CC leads.',
      [scheduleBlockId(ava.id)]: '“CC nudges” is for Email CC leads: its first step is never sent. Pick it below instead.',
    });
    expect(app.fake.isOpen(modal.id)).toBe(true);
    expect(await app.services.assistants.get(ws.ref, ava.id)).toMatchObject({ defaultScheduleId: recommended.id, defaultEmailCcScheduleId: recommendedCc.id });
    expect(app.fake.responses.filter((p) => p.url === res.responseUrl)).toEqual([]);
  });

  test('someone who may not change the assistant is told who can, and nothing changes', async () => {
    const { ws, ava, recommended, q4 } = await setUp();
    ws.as('UALEX', { name: 'alex.r' });
    const bea = ws.as('UBEA');
    const res = await bea.command('default Ava');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    app.fake.typeInto(modal.id, scheduleBlockId(ava.id), DEFAULTS.scheduleAction, { text: 'Q4 push', value: q4.id });
    const submitted = await bea.viewSubmission(modal.id);
    expect(submitted.outcome?.action === 'errors' && submitted.outcome.errors).toEqual({
      // Modal errors are plain text: the person is named, not mentioned.
      [DEFAULTS.assistantBlock]: 'Only alex.r, who owns Ava, or a workspace admin or owner can change this assistant.',
    });
    expect((await app.services.assistants.get(ws.ref, ava.id)).defaultScheduleId).toBe(recommended.id);
  });

  test('with no assistant yet, says to add one first', async () => {
    const res = await app.workspace().as('UALEX').command('default');
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('Add an assistant first with `/schedule assistant add`.');
    expect(modalsOpenedWith(app.fake, res.triggerId)).toBe(0);
  });

  test('an unknown name opens the modal saying so, with nothing picked; the only assistant is picked when no name is given', async () => {
    const { ws, ava } = await setUp();
    const slack = ws.as('UALEX');
    const unknown = await slack.command('default Zed');
    const modal = await modalOpenedWith(app.fake, unknown.triggerId);
    expect(textOf(modal.blocks)).toContain('No assistant is named “Zed”. Pick one below.');
    expect(shown(modal, 'none')).toEqual({ assistant: null, schedule: null, emailCc: null });

    const noName = await slack.command('default');
    expect(shown(await modalOpenedWith(app.fake, noName.triggerId), ava.id)).toEqual({
      assistant: 'Ava',
      schedule: 'Recommended (system)',
      emailCc: 'Recommended for Email CC (system)',
    });
  });

  test('the schedules offered are the workspace’s own', async () => {
    await setUp(); // a workspace with its own Q4 push and CC nudges
    const other = app.workspace();
    await app.services.workspaces.ensureSeeded(other.ref);
    await app.services.assistants.create(actor(other, 'UDANA'), { name: 'Ava', notificationChannel: '', timeZone: 'UTC', offDays: [] });
    const dana = other.as('UDANA');
    const res = await dana.command('default Ava');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    const offered = await dana.blockSuggestion({ viewId: modal.id, actionId: DEFAULTS.scheduleAction, value: '' });
    expect(labels(offered.options)).toEqual(['Recommended (system)']);
    const offeredCc = await dana.blockSuggestion({ viewId: modal.id, actionId: DEFAULTS.emailCcAction, value: '' });
    expect(labels(offeredCc.options)).toEqual(['Recommended for Email CC (system)']);
  });
});

// `/schedule assistant add | edit | list` end to end: signed requests into the running app, the
// local Slack rendering and validating every modal and message, the real database behind.
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { modalOpenedWith, modalsOpenedWith, postedTo, textOf } from '../support/flows.js';
import type { FakeView, JsonObject } from '../support/fakeSlack.js';
import type { AssistantInput } from '../../src/services/assistants.js';
import { ASSISTANT } from '../../views/assistantModal.js';
import { ASSISTANT_LIST } from '../../views/assistantList.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

const actor = (ws: TestWorkspace, userId: string, isAdmin = false) => ({ workspace: ws.ref, userId, name: userId, isAdmin });

/** An assistant added the way the modal adds it (system schedules seeded first, as the first request does). */
async function addAssistant(ws: TestWorkspace, userId: string, input: Partial<AssistantInput> & { name: string }) {
  await app.services.workspaces.ensureSeeded(ws.ref);
  return app.services.assistants.create(actor(ws, userId), { notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0], ...input });
}

const assistantCount = (ws: TestWorkspace) => app.services.models.Assistant.countDocuments({ workspace: ws.ref.teamId });

function picked(view: FakeView, blockId: string, actionId: string): JsonObject {
  return view.state.values[blockId]?.[actionId] ?? {};
}

/** The off days ticked, as the user reads them. */
function tickedDays(view: FakeView): string[] {
  const options = (picked(view, ASSISTANT.offDaysBlock, ASSISTANT.offDaysAction).selected_options ?? []) as JsonObject[];
  return options.map((o) => textOf(o.text));
}

describe('/schedule assistant add', () => {
  test('the modal starts in the user’s Slack time zone with the weekend off; type-ahead finds Berlin; Add saves it and confirms', async () => {
    const ws = app.workspace();
    const alex = ws.as('UALEX', { tz: 'America/Chicago' });
    const res = await alex.command('assistant add');
    expect(res.status).toBe(200);
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    expect(textOf(modal.title)).toBe('Add an assistant');
    expect(picked(modal, ASSISTANT.timeZoneBlock, ASSISTANT.timeZoneAction).selected_option).toMatchObject({ value: 'America/Chicago' });
    expect(tickedDays(modal)).toEqual(['Saturday', 'Sunday']);

    const suggestions = await alex.blockSuggestion({ viewId: modal.id, actionId: ASSISTANT.timeZoneAction, value: 'berlin' });
    const berlin = suggestions.options.find((o) => o.value === 'Europe/Berlin');
    expect(berlin).toBeDefined();
    expect(textOf(berlin)).toMatch(/^Europe\/Berlin \(UTC\+0[12]:00\)$/);
    // Any part of the name: "york" finds America/New_York.
    const york = await alex.blockSuggestion({ viewId: modal.id, actionId: ASSISTANT.timeZoneAction, value: 'new york' });
    expect(york.options.map((o) => o.value)).toContain('America/New_York');

    app.fake.typeInto(modal.id, ASSISTANT.nameBlock, ASSISTANT.nameAction, 'Ava');
    app.fake.typeInto(modal.id, ASSISTANT.timeZoneBlock, ASSISTANT.timeZoneAction, berlin);
    app.fake.typeInto(modal.id, ASSISTANT.channelBlock, ASSISTANT.channelAction, ws.channelId);
    const submitted = await alex.viewSubmission(modal.id);
    expect(submitted.outcome?.action).toBe('close');

    expect(await app.services.assistants.findByName(ws.ref, 'Ava')).toMatchObject({
      name: 'Ava',
      timeZone: 'Europe/Berlin',
      offDays: [0, 6],
      notificationChannel: ws.channelId,
      createdBy: 'UALEX',
    });
    const confirmation = await postedTo(app.fake, res.responseUrl);
    expect(confirmation.text).toContain(`:white_check_mark: Added assistant *Ava* (Europe/Berlin, Saturday and Sunday off). Notifications go to <#${ws.channelId}>.`);
    expect(confirmation.text).toContain('New leads follow *Recommended*');
  });

  test('a blank name, a name already taken and seven off days are each shown on their field, and nothing is saved', async () => {
    const ws = app.workspace();
    await addAssistant(ws, 'UALEX', { name: 'Ava' });
    const alex = ws.as('UALEX');
    const res = await alex.command('assistant add');
    const modal = await modalOpenedWith(app.fake, res.triggerId);

    // An empty name never leaves Slack: the input is required.
    await expect(alex.viewSubmission(modal.id)).rejects.toThrow(/client_validation/);

    app.fake.typeInto(modal.id, ASSISTANT.nameBlock, ASSISTANT.nameAction, '   ');
    let submitted = await alex.viewSubmission(modal.id);
    expect(submitted.outcome).toMatchObject({ action: 'errors', errors: { [ASSISTANT.nameBlock]: 'Give the assistant a name.' } });

    app.fake.typeInto(modal.id, ASSISTANT.nameBlock, ASSISTANT.nameAction, ' ava ');
    submitted = await alex.viewSubmission(modal.id);
    expect(submitted.outcome).toMatchObject({ action: 'errors', errors: { [ASSISTANT.nameBlock]: 'An assistant named “ava” already exists. Pick another name.' } });

    app.fake.typeInto(modal.id, ASSISTANT.nameBlock, ASSISTANT.nameAction, 'Ben');
    app.fake.typeInto(modal.id, ASSISTANT.offDaysBlock, ASSISTANT.offDaysAction, ['1', '2', '3', '4', '5', '6', '0']);
    submitted = await alex.viewSubmission(modal.id);
    expect(submitted.outcome).toMatchObject({ action: 'errors' });
    expect(submitted.outcome?.action === 'errors' && submitted.outcome.errors).toEqual({
      [ASSISTANT.offDaysBlock]: 'Leave at least one working day: followups are only sent on working days.',
    });

    expect(app.fake.isOpen(modal.id)).toBe(true);
    expect(await assistantCount(ws)).toBe(1);
    expect(await app.services.assistants.findByName(ws.ref, 'Ben')).toBeNull();
    expect(app.fake.responses.filter((p) => p.url === res.responseUrl)).toEqual([]);
  });
});

describe('/schedule assistant edit', () => {
  test('refused to someone who neither added the assistant nor is an admin, naming who can; an admin edits it', async () => {
    const ws = app.workspace();
    await addAssistant(ws, 'UALEX', { name: 'Ava', notificationChannel: ws.channelId });

    const bea = ws.as('UBEA');
    const refused = await bea.command('assistant edit Ava');
    const answer = await postedTo(app.fake, refused.responseUrl);
    expect(answer.text).toContain('Only <@UALEX>, who owns Ava, or a workspace admin or owner can change this assistant.');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(modalsOpenedWith(app.fake, refused.triggerId)).toBe(0);

    const cara = ws.as('UCARA', { isAdmin: true });
    const res = await cara.command('assistant edit ava');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    expect(textOf(modal.title)).toBe('Edit assistant');
    expect(picked(modal, ASSISTANT.nameBlock, ASSISTANT.nameAction).value).toBe('Ava');
    expect(picked(modal, ASSISTANT.channelBlock, ASSISTANT.channelAction).selected_conversation).toBe(ws.channelId);
    expect(picked(modal, ASSISTANT.timeZoneBlock, ASSISTANT.timeZoneAction).selected_option).toMatchObject({ value: 'Europe/Berlin' });
    expect(tickedDays(modal)).toEqual(['Saturday', 'Sunday']);

    app.fake.typeInto(modal.id, ASSISTANT.offDaysBlock, ASSISTANT.offDaysAction, ['5', '6']);
    expect((await cara.viewSubmission(modal.id)).outcome?.action).toBe('close');

    expect(await app.services.assistants.findByName(ws.ref, 'Ava')).toMatchObject({ offDays: [5, 6], createdBy: 'UALEX', timeZone: 'Europe/Berlin' });
    const confirmation = await postedTo(app.fake, res.responseUrl);
    expect(confirmation.text).toContain('Saved assistant *Ava* (Europe/Berlin, Friday and Saturday off)');
  });

  test('an unknown name says so and names the assistants there are', async () => {
    const ws = app.workspace();
    await addAssistant(ws, 'UALEX', { name: 'Ava' });
    await addAssistant(ws, 'UALEX', { name: 'Ben' });
    const res = await ws.as('UALEX').command('assistant edit Zed');
    const answer = await postedTo(app.fake, res.responseUrl);
    expect(answer.text).toContain('No assistant is named “Zed”. Assistants: *Ava*, *Ben*.');
    expect(modalsOpenedWith(app.fake, res.triggerId)).toBe(0);
    const typo = await ws.as('UALEX').command('assistant edit Avva');
    expect((await postedTo(app.fake, typo.responseUrl)).text).toContain('No assistant is named “Avva”. Close matches: *Ava*. `/schedule assistant list`');
  });
});

describe('/schedule assistant list', () => {
  test('shows each assistant’s time zone, off days, notification channel and default schedules', async () => {
    const ws = app.workspace();
    const ava = await addAssistant(ws, 'UALEX', { name: 'Ava', notificationChannel: ws.channelId });
    await addAssistant(ws, 'UALEX', { name: 'Ben', timeZone: 'America/New_York', offDays: [] });
    const recommended = await app.services.schedules.findByName(ws.ref, 'Recommended');
    const q4 = await app.services.schedules.clone(actor(ws, 'UALEX'), recommended!.id, { name: 'Q4 push', description: '' });
    const cc = await app.services.schedules.findByName(ws.ref, 'Recommended for Email CC');
    await app.services.assistants.setDefaults(actor(ws, 'UALEX'), ava.id, { scheduleId: q4.id, emailCcScheduleId: cc!.id });

    const res = await ws.as('UBEA').command('assistant list');
    const list = await postedTo(app.fake, res.responseUrl);
    expect(list.body.response_type).toBe('ephemeral');
    expect(list.text).toContain(
      `*Ava* · Europe/Berlin · Saturday and Sunday off\nNotifications: <#${ws.channelId}>\nDefault schedule: *Q4 push* · Email CC leads: *Recommended for Email CC*`,
    );
    expect(list.text).toContain('*Ben* · America/New_York · no off days\nNotifications: _no channel yet_\nDefault schedule: *Recommended* · Email CC leads: *Recommended for Email CC*');
    expect(list.text).toContain('2 assistants');
  });

  test('with none yet, says how to add one', async () => {
    const res = await app.workspace().as('UALEX').command('assistant list');
    const list = await postedTo(app.fake, res.responseUrl);
    expect(list.text).toContain('No assistants yet. Add one with `/schedule assistant add`');
  });

  test('many assistants come in pages of 20, and Next shows the rest', async () => {
    const ws = app.workspace();
    for (let i = 1; i <= 25; i++) await addAssistant(ws, 'UALEX', { name: `Assistant ${String(i).padStart(2, '0')}` });
    const alex = ws.as('UALEX');
    const res = await alex.command('assistant list');
    const first = await postedTo(app.fake, res.responseUrl);
    expect(first.text).toContain('*Assistant 20*');
    expect(first.text).not.toContain('*Assistant 21*');
    expect(first.text).toContain('25 assistants · page 1 of 2');

    const message = app.fake.messages.find((m) => m.channel === ws.channelId && m.text === 'Assistants (25)');
    const click = await alex.blockAction({ message: message!, actionId: `${ASSISTANT_LIST.page}.next` });
    const second = await postedTo(app.fake, click.responseUrl!);
    expect(second.body.replace_original).toBe(true);
    expect(second.text).toContain('*Assistant 25*');
    expect(second.text).not.toContain('*Assistant 20*');
  });
});

describe('workspaces', () => {
  test('two workspaces never see each other’s assistants', async () => {
    const one = app.workspace();
    const two = app.workspace();
    await addAssistant(one, 'UALEX', { name: 'Ava' });

    const list = await two.as('UDANA').command('assistant list');
    expect((await postedTo(app.fake, list.responseUrl)).text).toContain('No assistants yet.');

    const edit = await two.as('UDANA', { isAdmin: true }).command('assistant edit Ava');
    expect((await postedTo(app.fake, edit.responseUrl)).text).toContain('No assistant is named “Ava”, and there are none yet.');
    expect(modalsOpenedWith(app.fake, edit.triggerId)).toBe(0);

    // The same name is free in the other workspace.
    await expect(addAssistant(two, 'UDANA', { name: 'Ava' })).resolves.toMatchObject({ name: 'Ava' });
    expect(await assistantCount(one)).toBe(1);
  });
});

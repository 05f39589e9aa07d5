// `/schedule assistant add | edit | list` end to end: signed requests into the running app, the
// local Slack rendering and validating every modal and message, the real database behind.
import { insertAssistantBeforeSettings } from '../support/db.js';
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { modalOpenedWith, modalsOpenedWith, postedTo, textOf, updatedTo } from '../support/flows.js';
import type { FakeView, JsonObject } from '../support/fakeSlack.js';
import type { AssistantInput } from '../../src/services/assistants.js';
import { ASSISTANT, regionBlockId } from '../../views/assistantModal.js';
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

describe('assistant settings in the modal', () => {
  /** Opens Add, fills every setting as a user would (pickers included) and returns the modal. */
  async function fillEverySetting(ws: TestWorkspace, userId: string, channelId: string) {
    const user = ws.as(userId, { tz: 'Europe/Berlin' });
    const res = await user.command('assistant add');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    // Defaults a user starts from: 09:00-17:00, the weekend off, no holidays, 100 a day, them as the owner.
    expect(picked(modal, ASSISTANT.opensBlock, ASSISTANT.opensAction).selected_time).toBe('09:00');
    expect(picked(modal, ASSISTANT.closesBlock, ASSISTANT.closesAction).selected_time).toBe('17:00');
    expect(picked(modal, ASSISTANT.countryBlock, ASSISTANT.countryAction).selected_option).toMatchObject({ value: 'none' });
    expect(picked(modal, ASSISTANT.dailyLimitBlock, ASSISTANT.dailyLimitAction).value).toBe('100');
    expect(picked(modal, ASSISTANT.ownerBlock, ASSISTANT.ownerAction).selected_user).toBe(userId);

    app.fake.typeInto(modal.id, ASSISTANT.nameBlock, ASSISTANT.nameAction, 'Ava');
    app.fake.typeInto(modal.id, ASSISTANT.senderNameBlock, ASSISTANT.senderNameAction, 'Ava Stone');
    app.fake.typeInto(modal.id, ASSISTANT.senderEmailBlock, ASSISTANT.senderEmailAction, 'ava@example.com');
    app.fake.typeInto(modal.id, ASSISTANT.signatureBlock, ASSISTANT.signatureAction, 'Ava Stone\nSales, Example GmbH');
    app.fake.typeInto(modal.id, ASSISTANT.opensBlock, ASSISTANT.opensAction, '08:30');
    app.fake.typeInto(modal.id, ASSISTANT.closesBlock, ASSISTANT.closesAction, '16:00');
    app.fake.typeInto(modal.id, ASSISTANT.offDaysBlock, ASSISTANT.offDaysAction, ['0']);
    await user.blockAction({ viewId: modal.id, actionId: ASSISTANT.countryAction, selectedOption: { text: 'Germany (DE)', value: 'DE' } });
    await updatedTo(app.fake, modal.id, regionBlockId('DE'));
    // The region type-ahead offers the regions of the country picked above.
    const regions = await user.blockSuggestion({ viewId: modal.id, actionId: ASSISTANT.regionAction, value: 'bay' });
    expect(regions.options.map((o) => textOf(o))).toEqual(['Whole country', 'Bayern (BY)']);
    app.fake.typeInto(modal.id, regionBlockId('DE'), ASSISTANT.regionAction, regions.options[1]);
    app.fake.typeInto(modal.id, ASSISTANT.offDatesBlock, ASSISTANT.offDatesAction, '2027-12-24\n2027-12-27 to 2027-12-31');
    app.fake.typeInto(modal.id, ASSISTANT.dailyLimitBlock, ASSISTANT.dailyLimitAction, '250');
    app.fake.typeInto(modal.id, ASSISTANT.channelBlock, ASSISTANT.channelAction, channelId);
    return { user, res, modal };
  }

  test('every setting is saved from the modal and shown in /schedule assistant list', async () => {
    const ws = app.workspace();
    const { user, res, modal } = await fillEverySetting(ws, 'UALEX', ws.channelId);
    expect((await user.viewSubmission(modal.id)).outcome?.action).toBe('close');
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('Added assistant *Ava* (Europe/Berlin, Sunday off)');

    const list = await postedTo(app.fake, (await user.command('assistant list')).responseUrl);
    expect(list.text).toContain(
      '*Ava* · Europe/Berlin · 08:30–16:00 · Sunday off · public holidays of Germany, Bayern · also off 2027-12-24, 2027-12-27 to 2027-12-31\n' +
        `Sender: Ava Stone &lt;ava@example.com&gt; · up to 250 a day · owner <@UALEX>\nNotifications: <#${ws.channelId}>`,
    );
    const saved = await app.services.assistants.findByName(ws.ref, 'Ava');
    expect(saved).toMatchObject({ signature: 'Ava Stone\nSales, Example GmbH', extraOffDates: ['2027-12-24', '2027-12-27', '2027-12-28', '2027-12-29', '2027-12-30', '2027-12-31'] });
  });

  test('picking another country empties the region and offers that country’s regions; what was typed elsewhere stays', async () => {
    const ws = app.workspace();
    const { user, modal } = await fillEverySetting(ws, 'UALEX', ws.channelId);
    await user.blockAction({ viewId: modal.id, actionId: ASSISTANT.countryAction, selectedOption: { text: 'United States of America (US)', value: 'US' } });
    const view = await updatedTo(app.fake, modal.id, regionBlockId('US'));
    expect(view.state.values[regionBlockId('DE')]).toBeUndefined();
    expect(textOf(picked(view, regionBlockId('US'), ASSISTANT.regionAction).selected_option)).toBe('Whole country');
    expect(picked(view, ASSISTANT.senderEmailBlock, ASSISTANT.senderEmailAction).value).toBe('ava@example.com');
    expect(picked(view, ASSISTANT.opensBlock, ASSISTANT.opensAction).selected_time).toBe('08:30');
    const regions = await user.blockSuggestion({ viewId: modal.id, actionId: ASSISTANT.regionAction, value: 'cali' });
    expect(regions.options.map((o) => o.value)).toEqual(['-', 'US:CA']);
    app.fake.typeInto(modal.id, regionBlockId('US'), ASSISTANT.regionAction, regions.options[1]);
    app.fake.typeInto(modal.id, ASSISTANT.timeZoneBlock, ASSISTANT.timeZoneAction, { text: 'America/Los_Angeles', value: 'America/Los_Angeles' });
    expect((await user.viewSubmission(modal.id)).outcome?.action).toBe('close');
    expect(await app.services.assistants.findByName(ws.ref, 'Ava')).toMatchObject({ holidays: { country: 'US', region: 'CA' }, timeZone: 'America/Los_Angeles', senderEmail: 'ava@example.com' });
  });

  test('edit shows every saved setting as it was entered, and saving it unchanged keeps them', async () => {
    const ws = app.workspace();
    const added = await fillEverySetting(ws, 'UALEX', ws.channelId);
    await added.user.viewSubmission(added.modal.id);
    const before = await app.services.assistants.findByName(ws.ref, 'Ava');

    const res = await added.user.command('assistant edit Ava');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    expect(picked(modal, ASSISTANT.senderEmailBlock, ASSISTANT.senderEmailAction).value).toBe('ava@example.com');
    expect(picked(modal, ASSISTANT.signatureBlock, ASSISTANT.signatureAction).value).toBe('Ava Stone\nSales, Example GmbH');
    expect(picked(modal, ASSISTANT.opensBlock, ASSISTANT.opensAction).selected_time).toBe('08:30');
    expect(picked(modal, ASSISTANT.countryBlock, ASSISTANT.countryAction).selected_option).toMatchObject({ value: 'DE' });
    expect(textOf(picked(modal, regionBlockId('DE'), ASSISTANT.regionAction).selected_option)).toBe('Bayern (BY)');
    expect(picked(modal, ASSISTANT.offDatesBlock, ASSISTANT.offDatesAction).value).toBe('2027-12-24\n2027-12-27 to 2027-12-31');
    expect(picked(modal, ASSISTANT.dailyLimitBlock, ASSISTANT.dailyLimitAction).value).toBe('250');

    expect((await added.user.viewSubmission(modal.id)).outcome?.action).toBe('close');
    const after = await app.services.assistants.findByName(ws.ref, 'Ava');
    const { version: _b, updatedAt: _bu, updatedByName: _bn, ...kept } = before!;
    expect(after).toMatchObject({ ...kept, version: 2 });
  });

  test('an unknown time zone, closing before opening, a region of another country, a limit out of range, a malformed date and a channel the app is not in are each shown on their field; nothing is saved until they are fixed', async () => {
    const ws = app.workspace();
    const outside = `C${ws.channelId.slice(1, 6)}OUT`;
    app.fake.addChannel({ id: outside, teamId: ws.ref.teamId, name: 'outside', botIsMember: false });
    const { user, res, modal } = await fillEverySetting(ws, 'UALEX', outside);
    // A zone no picker offers (a forged option), hours the wrong way round, a region of the US while
    // Germany is picked, a limit of 10,001 and a date that is no date.
    app.fake.typeInto(modal.id, ASSISTANT.timeZoneBlock, ASSISTANT.timeZoneAction, { text: 'Mars', value: 'Mars/Olympus_Mons' });
    app.fake.typeInto(modal.id, ASSISTANT.opensBlock, ASSISTANT.opensAction, '18:00');
    app.fake.typeInto(modal.id, ASSISTANT.closesBlock, ASSISTANT.closesAction, '09:00');
    app.fake.typeInto(modal.id, regionBlockId('DE'), ASSISTANT.regionAction, { text: 'California (CA)', value: 'US:CA' });
    app.fake.typeInto(modal.id, ASSISTANT.dailyLimitBlock, ASSISTANT.dailyLimitAction, '10001');
    app.fake.typeInto(modal.id, ASSISTANT.offDatesBlock, ASSISTANT.offDatesAction, '2027-12-24\n31.12.2027');

    const submitted = await user.viewSubmission(modal.id);
    expect(submitted.outcome?.action === 'errors' && submitted.outcome.errors).toEqual({
      [ASSISTANT.timeZoneBlock]: '“Mars/Olympus_Mons” is not a time zone I know. Pick one such as America/New_York or Europe/Berlin.',
      [ASSISTANT.closesBlock]: 'Closing (09:00) must be after opening (18:00).',
      [regionBlockId('DE')]: '“CA” is not a region of Germany I know public holidays for. Use one of its region codes, such as BB, BE, BW, or none for the whole country.',
      [ASSISTANT.dailyLimitBlock]: 'The daily send limit is a whole number from 1 to 10,000.',
      [ASSISTANT.offDatesBlock]: '“31.12.2027” is not a date: write it as YYYY-MM-DD, for example 2027-12-24.',
      [ASSISTANT.channelBlock]: 'The app is not in that channel, so it could not post there. Invite it first (in the channel, type /invite and the app’s name), then save again.',
    });
    expect(await assistantCount(ws)).toBe(0);

    // Fixed but for the limit, and the channel is still one the app is not in.
    app.fake.typeInto(modal.id, ASSISTANT.timeZoneBlock, ASSISTANT.timeZoneAction, { text: 'Europe/Berlin', value: 'Europe/Berlin' });
    app.fake.typeInto(modal.id, ASSISTANT.opensBlock, ASSISTANT.opensAction, '08:00');
    app.fake.typeInto(modal.id, regionBlockId('DE'), ASSISTANT.regionAction, { text: 'Whole country', value: '-' });
    app.fake.typeInto(modal.id, ASSISTANT.dailyLimitBlock, ASSISTANT.dailyLimitAction, '0');
    app.fake.typeInto(modal.id, ASSISTANT.offDatesBlock, ASSISTANT.offDatesAction, '2027-12-24, 2027-12-31');
    const limitAndChannel = await user.viewSubmission(modal.id);
    expect(limitAndChannel.outcome?.action === 'errors' && limitAndChannel.outcome.errors).toEqual({
      [ASSISTANT.dailyLimitBlock]: 'The daily send limit is a whole number from 1 to 10,000.',
      [ASSISTANT.channelBlock]: 'The app is not in that channel, so it could not post there. Invite it first (in the channel, type /invite and the app’s name), then save again.',
    });
    expect(await assistantCount(ws)).toBe(0);

    // Once the app is invited, the same channel is accepted.
    app.fake.joinChannel(outside);
    app.fake.typeInto(modal.id, ASSISTANT.dailyLimitBlock, ASSISTANT.dailyLimitAction, '10000');
    expect((await user.viewSubmission(modal.id)).outcome?.action).toBe('close');
    expect(await app.services.assistants.findByName(ws.ref, 'Ava')).toMatchObject({
      notificationChannel: outside,
      dailyLimit: 10_000,
      holidays: { country: 'DE', region: null },
      businessHours: { open: '08:00', close: '09:00' },
      extraOffDates: ['2027-12-24', '2027-12-31'],
    });
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('Added assistant *Ava*');
  });

  test('a country no picker offers (a forged submission) is refused on the country', async () => {
    const ws = app.workspace();
    const { user, modal } = await fillEverySetting(ws, 'UALEX', ws.channelId);
    const submitted = await user.forgedViewSubmission(modal.id, {
      [ASSISTANT.countryBlock]: { [ASSISTANT.countryAction]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Atlantis' }, value: 'XA' } } },
    });
    expect(submitted.outcome?.action === 'errors' && submitted.outcome.errors).toEqual({
      [ASSISTANT.countryBlock]: '“XA” is not a country I know public holidays for. Use its ISO code in capitals, such as DE or US.',
    });
    expect(await assistantCount(ws)).toBe(0);
  });

  test('a private channel the app was not invited to is one it cannot see', async () => {
    const ws = app.workspace();
    const secret = `G${ws.channelId.slice(1, 6)}SEC`;
    app.fake.addChannel({ id: secret, teamId: ws.ref.teamId, name: 'secret', isPrivate: true, botIsMember: false });
    const { user, modal } = await fillEverySetting(ws, 'UALEX', secret);
    const submitted = await user.viewSubmission(modal.id);
    expect(submitted.outcome?.action === 'errors' && submitted.outcome.errors).toEqual({
      [ASSISTANT.channelBlock]: 'The app can’t see that channel: it is private and the app was not invited to it, or it was deleted. Invite the app to it, or pick another channel.',
    });
  });

  test('hours closing at midnight (24:00, set through the API) show as 23:59 and stay 24:00 when left so', async () => {
    const ws = app.workspace();
    const alex = actor(ws, 'UALEX');
    await app.services.workspaces.ensureSeeded(ws.ref);
    await app.services.assistants.createSettings(alex, { name: 'Night', timeZone: 'UTC', businessHours: { open: '18:00', close: '24:00' } }, { channels: null });
    const user = ws.as('UALEX');
    const modal = await modalOpenedWith(app.fake, (await user.command('assistant edit Night')).triggerId);
    expect(picked(modal, ASSISTANT.closesBlock, ASSISTANT.closesAction).selected_time).toBe('23:59');
    app.fake.typeInto(modal.id, ASSISTANT.dailyLimitBlock, ASSISTANT.dailyLimitAction, '20');
    expect((await user.viewSubmission(modal.id)).outcome?.action).toBe('close');
    expect(await app.services.assistants.findByName(ws.ref, 'Night')).toMatchObject({ businessHours: { open: '18:00', close: '24:00' }, dailyLimit: 20 });
  });

  test('an assistant saved before these settings existed opens with the defaults', async () => {
    const ws = app.workspace();
    await insertAssistantBeforeSettings(app.services, ws.ref);
    const res = await ws.as('UALEX').command('assistant edit Old Ava');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    expect(picked(modal, ASSISTANT.opensBlock, ASSISTANT.opensAction).selected_time).toBe('09:00');
    expect(picked(modal, ASSISTANT.closesBlock, ASSISTANT.closesAction).selected_time).toBe('17:00');
    expect(picked(modal, ASSISTANT.dailyLimitBlock, ASSISTANT.dailyLimitAction).value).toBe('100');
    expect(picked(modal, ASSISTANT.ownerBlock, ASSISTANT.ownerAction).selected_user).toBe('UALEX');
    expect(tickedDays(modal)).toEqual(['Sunday']);
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
  test('shows each assistant’s calendar, sender, limit, owner, notification channel and default schedules', async () => {
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
      `*Ava* · Europe/Berlin · 09:00–17:00 · Saturday and Sunday off · no public holidays\nSender: _no sender email yet_ · up to 100 a day · owner <@UALEX>\nNotifications: <#${ws.channelId}>\nDefault schedule: *Q4 push* · Email CC leads: *Recommended for Email CC*`,
    );
    expect(list.text).toContain(
      '*Ben* · America/New_York · 09:00–17:00 · no off days · no public holidays\nSender: _no sender email yet_ · up to 100 a day · owner <@UALEX>\nNotifications: _no channel yet_\nDefault schedule: *Recommended* · Email CC leads: *Recommended for Email CC*',
    );
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

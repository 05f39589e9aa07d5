// Every validation and permission rule, seen where the user is, with the database unchanged.
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import type { SlackDriver } from '../support/slackDriver.js';
import { messageFromResponse, modalsOpenedWith, nextResponse, openedViewId, postedTo, updated } from '../support/flows.js';
import { RECOMMENDED, RECOMMENDED_EMAIL_CC } from '../../src/services/workspaces.js';
import { syncScheduleSummaries } from '../../src/services/scheduleSummaries.js';
import type { Actor } from '../../src/services/domain.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

function actor(ws: TestWorkspace, userId: string, isAdmin = false): Actor {
  return { workspace: ws.ref, userId, name: userId, isAdmin };
}

/** A schedule `owner` cloned from Recommended, straight through the service. */
async function ownedSchedule(ws: TestWorkspace, owner: string, name: string) {
  await app.services.workspaces.ensureSeeded(ws.ref);
  const recommended = (await app.services.schedules.findByName(ws.ref, RECOMMENDED))!;
  return app.services.schedules.clone(actor(ws, owner), recommended.id, { name, description: '' });
}

async function openEditor(slack: SlackDriver, name: string): Promise<string> {
  const calls = app.fake.calls.length;
  await slack.command(`edit ${name}`);
  return openedViewId(app.fake, 'views.open', calls);
}

function rowKeys(viewId: string): string[] {
  return ((app.fake.view(viewId).blocks ?? []) as { block_id?: string }[]).flatMap((b) => {
    const m = /^row\.([a-z0-9]+)\.\d+\.head$/.exec(b.block_id ?? '');
    return m ? [m[1]!] : [];
  });
}

function afterBlock(viewId: string, key: string): string {
  const block = ((app.fake.view(viewId).blocks ?? []) as { block_id?: string }[]).find((b) => new RegExp(`^row\\.${key}\\.\\d+\\.after$`).test(b.block_id ?? ''));
  return block!.block_id!;
}

async function submitErrors(slack: SlackDriver, viewId: string): Promise<Record<string, string>> {
  const res = await slack.viewSubmission(viewId);
  expect(res.outcome?.action).toBe('errors');
  return (res.outcome as { errors: Record<string, string> }).errors;
}

async function ephemeral(slack: SlackDriver, text: string): Promise<string> {
  const since = app.fake.responses.length;
  // Its own answer (by its response_url), not another command's that arrives later under load.
  const { responseUrl } = await slack.command(text);
  return (await nextResponse(app.fake, since, (post) => post.url === responseUrl)).text;
}

describe('Save validates, field by field, and writes nothing', () => {
  test('a blank or duplicate name (any case) is refused on the name field', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const mine = await ownedSchedule(ws, 'UALEX', 'Mine');
    const viewId = await openEditor(slack, 'Mine');
    app.fake.typeInto(viewId, 'editor.name', 'editor.name_input', '   ');
    expect(await submitErrors(slack, viewId)).toEqual({ 'editor.name': 'Give the schedule a name.' });
    app.fake.typeInto(viewId, 'editor.name', 'editor.name_input', 'RECOMMENDED');
    expect(await submitErrors(slack, viewId)).toEqual({ 'editor.name': 'A schedule named “RECOMMENDED” already exists. Pick another name.' });
    expect(await app.services.schedules.get(ws.ref, mine.id)).toEqual(mine);
  });

  test('a schedule with no steps is refused', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const mine = await ownedSchedule(ws, 'UALEX', 'Empty');
    const viewId = await openEditor(slack, 'Empty');
    for (const key of rowKeys(viewId)) {
      const since = app.fake.calls.length;
      await slack.blockAction({ viewId, actionId: `editor.delete.${key}` });
      await updated(app.fake, viewId, since);
    }
    expect(rowKeys(viewId)).toEqual([]);
    expect(await submitErrors(slack, viewId)).toEqual({ 'editor.name': 'A schedule needs at least one step.' });
    expect(await app.services.schedules.get(ws.ref, mine.id)).toEqual(mine);
  });

  test('after days with more than two decimals is refused on that step; over 365 or negative never leaves the input', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const mine = await ownedSchedule(ws, 'UALEX', 'Decimals');
    const viewId = await openEditor(slack, 'Decimals');
    const [r1, r2] = rowKeys(viewId) as [string, string];
    app.fake.typeInto(viewId, afterBlock(viewId, r2), `editor.after.${r2}`, '1.125');
    expect(await submitErrors(slack, viewId)).toEqual({ [afterBlock(viewId, r2)]: 'Step 2: use at most two decimals, e.g. 1.25.' });
    // The input itself allows 0 to 365 (Slack's client refuses the rest before sending).
    app.fake.typeInto(viewId, afterBlock(viewId, r1), `editor.after.${r1}`, '366');
    await expect(slack.viewSubmission(viewId)).rejects.toThrow(/365/);
    app.fake.typeInto(viewId, afterBlock(viewId, r1), `editor.after.${r1}`, '-1');
    await expect(slack.viewSubmission(viewId)).rejects.toThrow();
    expect(await app.services.schedules.get(ws.ref, mine.id)).toEqual(mine);
  });

  test('a custom step with no message, and one whose message was deleted meanwhile, are refused on their rows', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const mine = await ownedSchedule(ws, 'UALEX', 'Messages');
    const doomed = await app.services.customMessages.create(actor(ws, 'UALEX'), { name: 'Doomed', subject: '', body: 'Hello' });
    const viewId = await openEditor(slack, 'Messages');
    const [r1, r2] = rowKeys(viewId) as [string, string];
    for (const key of [r1, r2]) {
      const since = app.fake.calls.length;
      await slack.blockAction({ viewId, actionId: `editor.type.${key}`, selectedOption: 'custom' });
      await updated(app.fake, viewId, since);
    }
    const since = app.fake.calls.length;
    await slack.blockAction({ viewId, actionId: `editor.message.${r2}`, selectedOption: { text: 'Doomed', value: doomed.id } });
    await updated(app.fake, viewId, since);
    await app.services.models.CustomMessage.deleteOne({ name: 'Doomed' });
    expect(await submitErrors(slack, viewId)).toEqual({
      [afterBlock(viewId, r1)]: 'Step 1 is a custom message: pick the message to send.',
      [afterBlock(viewId, r2)]: 'The message picked for step 2 was deleted. Pick another.',
    });
    expect(await app.services.schedules.get(ws.ref, mine.id)).toEqual(mine);
  });

  test('if someone else saved since the editor opened, Save refuses and names who and when', async () => {
    const ws = app.workspace();
    const alex = ws.as('UALEX', { tz: 'Europe/London' });
    const boss = ws.as('UBOSS', { isAdmin: true, name: 'bo', realName: 'Bo Admin' });
    await ownedSchedule(ws, 'UALEX', 'Shared');
    const alexView = await openEditor(alex, 'Shared');
    const bossView = await openEditor(boss, 'Shared');
    app.fake.typeInto(bossView, 'editor.description', 'editor.description_input', 'Bo was here');
    expect((await boss.viewSubmission(bossView)).outcome?.action).toBe('update');
    const afterBoss = await app.services.schedules.findByName(ws.ref, 'Shared');

    app.fake.typeInto(alexView, 'editor.description', 'editor.description_input', 'Alex was here');
    const errors = await submitErrors(alex, alexView);
    expect(errors['editor.name']).toMatch(/^bo saved “Shared” at \d\d:\d\d on \w{3} \d{1,2} \w{3} \(Europe\/London\), after you opened this editor\. Your changes were not saved/);
    expect(await app.services.schedules.findByName(ws.ref, 'Shared')).toEqual(afterBoss);
  });
});

describe('Clone and New custom message validate in the modal, and create nothing', () => {
  test('the copy needs a name no schedule has, and a description of at most 500 characters', async () => {
    const ws = app.workspace();
    const alex = ws.as('UALEX');
    const calls = app.fake.calls.length;
    await alex.command('clone Recommended');
    const viewId = await openedViewId(app.fake, 'views.open', calls);
    app.fake.typeInto(viewId, 'clone.name', 'clone.name_input', 'recommended FOR email cc');
    expect(await submitErrors(alex, viewId)).toEqual({ 'clone.name': 'A schedule named “recommended FOR email cc” already exists. Pick another name.' });
    app.fake.typeInto(viewId, 'clone.name', 'clone.name_input', '   ');
    expect(await submitErrors(alex, viewId)).toEqual({ 'clone.name': 'Give the schedule a name.' });
    expect((await app.services.schedules.list(ws.ref)).map((s) => s.name)).toEqual([RECOMMENDED, RECOMMENDED_EMAIL_CC]);
  });

  test('a custom message needs a name no message has, a body, and tokens that exist', async () => {
    const ws = app.workspace();
    const alex = ws.as('UALEX');
    await app.services.workspaces.ensureSeeded(ws.ref);
    await app.services.customMessages.create(actor(ws, 'USAM'), { name: 'Pricing', subject: '', body: 'Hi' });
    const calls = app.fake.calls.length;
    await alex.command('message new');
    const viewId = await openedViewId(app.fake, 'views.open', calls);
    app.fake.typeInto(viewId, 'message.name', 'message.name_input', 'PRICING');
    app.fake.typeInto(viewId, 'message.subject', 'message.subject_input', 'For {{compnay}}');
    app.fake.typeInto(viewId, 'message.body', 'message.body_input', '   ');
    const errors = await submitErrors(alex, viewId);
    expect(errors).toEqual({
      'message.name': 'A custom message named “PRICING” already exists. Pick another name.',
      'message.subject': expect.stringMatching(/^\{\{compnay\}\} is not a token I know\. Use one of: \{\{first_name\}\}/),
      'message.body': 'Write the message.',
    });
    expect((await app.services.customMessages.list(ws.ref)).map((m) => m.name)).toEqual(['Pricing']);
  });
});

describe('permissions', () => {
  test('only the creator or an admin may edit; everyone else is told who can, and may clone', async () => {
    const ws = app.workspace();
    await ownedSchedule(ws, 'UALEX', 'Alex only');
    const sam = ws.as('USAM');
    const calls = app.fake.calls.length;
    const text = await ephemeral(sam, 'edit Alex only');
    expect(text).toContain('Only <@UALEX>, who created “Alex only”, or a workspace admin or owner can change it. You can clone it instead.');
    expect(app.fake.calls.slice(calls).filter((c) => c.method === 'views.open')).toHaveLength(0);
    expect(await app.services.models.Draft.countDocuments({ workspace: ws.ref.teamId })).toBe(0);
    const admin = ws.as('UADMIN', { isOwner: true });
    await openEditor(admin, 'Alex only');
  });

  test('system schedules cannot be edited, renamed or deleted: the answer says to clone them', async () => {
    const ws = app.workspace();
    const admin = ws.as('UADMIN', { isAdmin: true });
    for (const command of [`edit ${RECOMMENDED}`, `rename ${RECOMMENDED}`, `delete ${RECOMMENDED_EMAIL_CC}`]) {
      expect(await ephemeral(admin, command)).toMatch(/is a system schedule and can't be changed\. Clone it to make your own copy\./);
    }
    expect((await app.services.schedules.list(ws.ref)).map((s) => s.name)).toEqual([RECOMMENDED, RECOMMENDED_EMAIL_CC]);
  });

  test('rename: only the owner or an admin, not to a taken name; the new name shows in the list', async () => {
    const ws = app.workspace();
    const mine = await ownedSchedule(ws, 'UALEX', 'Old name');
    expect(await ephemeral(ws.as('USAM'), 'rename Old name')).toContain('Only <@UALEX>');
    const alex = ws.as('UALEX');
    const calls = app.fake.calls.length;
    await alex.command('rename old NAME');
    const viewId = await openedViewId(app.fake, 'views.open', calls);
    app.fake.typeInto(viewId, 'rename.name', 'rename.name_input', 'recommended for email cc');
    expect(await submitErrors(alex, viewId)).toEqual({ 'rename.name': 'A schedule named “recommended for email cc” already exists. Pick another name.' });
    expect((await app.services.schedules.get(ws.ref, mine.id)).name).toBe('Old name');
    app.fake.typeInto(viewId, 'rename.name', 'rename.name_input', 'New name');
    expect((await alex.viewSubmission(viewId)).outcome?.action).toBe('update');
    expect(await ephemeral(alex, 'list')).toContain('*New name*');
  });

  test('delete asks first, refuses while the schedule is an assistant’s default, then deletes', async () => {
    const ws = app.workspace();
    const mine = await ownedSchedule(ws, 'UALEX', 'Doomed');
    const emailCc = (await app.services.schedules.findByName(ws.ref, RECOMMENDED_EMAIL_CC))!;
    const ava = await app.services.assistants.create(actor(ws, 'UALEX'), { name: 'Ava', notificationChannel: '', timeZone: 'UTC', offDays: [6, 0] });
    await app.services.assistants.setDefaults(actor(ws, 'UALEX'), ava.id, { scheduleId: mine.id, emailCcScheduleId: emailCc.id });

    expect(await ephemeral(ws.as('USAM'), 'delete Doomed')).toContain('Only <@UALEX>');
    const alex = ws.as('UALEX');
    expect(await ephemeral(alex, 'delete Doomed')).toContain("Delete *Doomed* and its 7 steps? This can't be undone.");
    let since = app.fake.responses.length;
    await alex.blockAction({ message: messageFromResponse(app.fake, ws.channelId, 'Delete “Doomed”?'), actionId: 'schedule_delete.confirm' });
    expect((await nextResponse(app.fake, since)).text).toContain('“Doomed” is the default schedule of Ava. Choose another default for Ava first, then delete it. Use `/schedule default Ava`.');
    expect(await app.services.schedules.findByName(ws.ref, 'Doomed')).toEqual(mine);

    const recommended = (await app.services.schedules.findByName(ws.ref, RECOMMENDED))!;
    await app.services.assistants.setDefaults(actor(ws, 'UALEX'), ava.id, { scheduleId: recommended.id, emailCcScheduleId: emailCc.id });
    expect(await ephemeral(alex, 'delete Doomed')).toContain('Delete *Doomed*');
    since = app.fake.responses.length;
    await alex.blockAction({ message: messageFromResponse(app.fake, ws.channelId, 'Delete “Doomed”?'), actionId: 'schedule_delete.confirm' });
    expect((await nextResponse(app.fake, since)).text).toContain('Deleted *Doomed*');
    expect(await app.services.schedules.findByName(ws.ref, 'Doomed')).toBeNull();
  });

  test('a name that matches nothing says so and lists close matches, typos included', async () => {
    const ws = app.workspace();
    await ownedSchedule(ws, 'UALEX', 'Enterprise push');
    const text = await ephemeral(ws.as('UALEX'), 'view enterprize push');
    expect(text).toContain('No schedule is named “enterprize push”. Close matches: *Enterprise push*.');
    const calls = app.fake.calls.length;
    await ws.as('UALEX').command('clone Recomended');
    const viewId = await openedViewId(app.fake, 'views.open', calls);
    const modal = JSON.stringify(app.fake.view(viewId).blocks);
    expect(modal).toContain('No schedule is named “Recomended”. Close matches: *Recommended*, *Recommended for Email CC*.');
    expect(await ephemeral(ws.as('UALEX'), 'view Recomended for emial CC')).toContain(
      'No schedule is named “Recomended for emial CC”. Close matches: *Recommended for Email CC*. `/schedule list` shows them all.',
    );
  });
});

describe('list and workspaces', () => {
  test('the list’s Edit, Clone and View buttons open the editor, the clone modal with the schedule picked, and its steps', async () => {
    const ws = app.workspace();
    const mine = await ownedSchedule(ws, 'UALEX', 'Listed');
    const alex = ws.as('UALEX');
    await ephemeral(alex, 'list');
    const listMessage = () => messageFromResponse(app.fake, ws.channelId, 'Followup schedules');
    let calls = app.fake.calls.length;
    await alex.blockAction({ message: listMessage(), actionId: `schedule_list.edit.${mine.id}` });
    const editor = await openedViewId(app.fake, 'views.open', calls);
    expect(app.fake.view(editor).callback_id).toBe('schedule_edit');

    calls = app.fake.calls.length;
    await alex.blockAction({ message: listMessage(), actionId: `schedule_list.clone.${mine.id}` });
    const cloneView = await openedViewId(app.fake, 'views.open', calls);
    expect(app.fake.view(cloneView).state.values['clone.source']?.['clone.source_select']).toMatchObject({ selected_option: { value: mine.id } });

    const since = app.fake.responses.length;
    await alex.blockAction({ message: listMessage(), actionId: `schedule_list.view.${mine.id}` });
    expect((await nextResponse(app.fake, since)).text).toContain('*7.* Curious · Generated');
  });

  test('hundreds of schedules: the list pages, and the clone picker finds any by part of its name', async () => {
    const ws = app.workspace();
    await app.services.workspaces.ensureSeeded(ws.ref);
    const recommended = (await app.services.schedules.findByName(ws.ref, RECOMMENDED))!;
    await app.services.models.Schedule.insertMany(
      Array.from({ length: 230 }, (_, i) => ({
        workspace: ws.ref.teamId,
        name: `Campaign ${String(i).padStart(3, '0')}`,
        nameKey: `campaign ${String(i).padStart(3, '0')}`,
        steps: recommended.steps,
        createdBy: 'UALEX',
        updatedBy: 'UALEX',
      })),
    );
    await syncScheduleSummaries(app.services.models, { workspace: ws.ref.teamId });
    const alex = ws.as('UALEX');
    const text = await ephemeral(alex, 'list');
    expect(text).toContain('Schedules 1–15 · page 1 · more on the next page');
    const since = app.fake.responses.length;
    await alex.blockAction({ message: messageFromResponse(app.fake, ws.channelId, 'Followup schedules'), actionId: 'schedule_list.page.next' });
    await nextResponse(app.fake, since);
    expect(JSON.stringify(messageFromResponse(app.fake, ws.channelId, 'Followup schedules').blocks)).toContain('Schedules 16–30 · page 2 · more on the next page');

    const calls = app.fake.calls.length;
    await alex.command('clone');
    const viewId = await openedViewId(app.fake, 'views.open', calls);
    const found = await alex.blockSuggestion({ viewId, actionId: 'clone.source_select', value: 'AIGN 21' });
    expect(found.options.map((o) => (o.text as { text: string }).text)).toEqual(Array.from({ length: 10 }, (_, i) => `Campaign ${210 + i}`));
    const all = await alex.blockSuggestion({ viewId, actionId: 'clone.source_select', value: '' });
    expect(all.options).toHaveLength(100);
  });

  test('two workspaces using the app at once never see each other’s schedules or messages', async () => {
    const a = app.workspace();
    const b = app.workspace();
    await Promise.all([ephemeral(a.as('UALEX'), 'list'), ephemeral(b.as('UBEA'), 'list')]);
    await ownedSchedule(a, 'UALEX', 'Only in A');
    await app.services.customMessages.create(actor(a, 'UALEX'), { name: 'A message', subject: '', body: 'Hi' });
    expect(await ephemeral(b.as('UBEA'), 'list')).not.toContain('Only in A');
    const viewReply = await ephemeral(b.as('UBEA'), 'view Only in A');
    expect(viewReply).toContain('No schedule is named “Only in A”');
    expect(viewReply).not.toContain('*Only in A*'); // not offered as a close match either

    const calls = app.fake.calls.length;
    await b.as('UBEA').command('clone');
    const viewId = await openedViewId(app.fake, 'views.open', calls);
    const options = await b.as('UBEA').blockSuggestion({ viewId, actionId: 'clone.source_select', value: 'only' });
    expect(options.options).toEqual([]);
    // Something only A has (B has a Recommended of its own): B's editor finds nothing by that name.
    const edit = await b.as('UBEA').command('edit Only in A');
    const editReply = (await postedTo(app.fake, edit.responseUrl)).text;
    expect(editReply).toContain('No schedule is named “Only in A”');
    expect(editReply).not.toContain('*Only in A*');
    expect(modalsOpenedWith(app.fake, edit.triggerId)).toBe(0);
    expect((await app.services.customMessages.search(b.ref, '')).map((m) => m.name)).toEqual([]);
  });
});

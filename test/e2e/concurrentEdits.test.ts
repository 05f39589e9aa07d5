// Two people with the same form open, and Save pressed twice: what each is told, in Slack.
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { modalOpenedWith, openedViewId, textOf } from '../support/flows.js';
import { CUSTOM_MESSAGE } from '../../views/customMessageModal.js';
import { ASSISTANT } from '../../views/assistantModal.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

const actor = (ws: TestWorkspace, userId: string) => ({ workspace: ws.ref, userId, name: userId, isAdmin: false });
const SAVED_MEANWHILE = (who: string, what: string) =>
  new RegExp(`^${who} saved “${what}” at \\d\\d:\\d\\d on \\w{3} \\d{1,2} \\w{3} \\(America/New_York\\), after you opened this form\\. Your changes were not saved: close it and open it again to see theirs\\.$`);

test('a custom message saved by someone else after the modal opened is not overwritten: the later Save says who saved and when', async () => {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  await app.services.customMessages.create(actor(ws, 'UALEX'), { name: 'Pricing', subject: 'Old subject', body: 'Old body' });
  const alex = ws.as('UALEX', { name: 'Alex' });
  const cara = ws.as('UCARA', { name: 'Cara', isAdmin: true });
  const alexModal = await modalOpenedWith(app.fake, (await alex.command('message edit Pricing')).triggerId);
  const caraModal = await modalOpenedWith(app.fake, (await cara.command('message edit Pricing')).triggerId);

  app.fake.typeInto(caraModal.id, CUSTOM_MESSAGE.subjectBlock, CUSTOM_MESSAGE.subjectAction, 'New subject');
  expect((await cara.viewSubmission(caraModal.id)).outcome?.action).toBe('close');
  app.fake.typeInto(alexModal.id, CUSTOM_MESSAGE.bodyBlock, CUSTOM_MESSAGE.bodyAction, 'New body');
  const refused = await alex.viewSubmission(alexModal.id);

  expect(refused.outcome?.action === 'errors' && refused.outcome.errors[CUSTOM_MESSAGE.nameBlock]).toMatch(SAVED_MEANWHILE('Cara', 'Pricing'));
  expect(app.fake.isOpen(alexModal.id)).toBe(true);
  expect(await app.services.customMessages.findByName(ws.ref, 'Pricing')).toMatchObject({ subject: 'New subject', body: 'Old body', version: 2 });
});

test('an assistant saved by someone else after the modal opened is not overwritten: the later Save says who saved and when', async () => {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  await app.services.assistants.create(actor(ws, 'UALEX'), { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0] });
  const alex = ws.as('UALEX', { name: 'Alex' });
  const cara = ws.as('UCARA', { name: 'Cara', isAdmin: true });
  const alexModal = await modalOpenedWith(app.fake, (await alex.command('assistant edit Ava')).triggerId);
  const caraModal = await modalOpenedWith(app.fake, (await cara.command('assistant edit Ava')).triggerId);

  app.fake.typeInto(caraModal.id, ASSISTANT.offDaysBlock, ASSISTANT.offDaysAction, ['5', '6']);
  expect((await cara.viewSubmission(caraModal.id)).outcome?.action).toBe('close');
  app.fake.typeInto(alexModal.id, ASSISTANT.nameBlock, ASSISTANT.nameAction, 'Ava Sales');
  const refused = await alex.viewSubmission(alexModal.id);

  expect(refused.outcome?.action === 'errors' && refused.outcome.errors[ASSISTANT.nameBlock]).toMatch(SAVED_MEANWHILE('Cara', 'Ava'));
  expect(await app.services.assistants.findByName(ws.ref, 'Ava')).toMatchObject({ offDays: [5, 6], version: 2 });
  expect(await app.services.assistants.findByName(ws.ref, 'Ava Sales')).toBeNull();
});

test('Save pressed twice in the step editor: both answer “Schedule saved”, and the schedule is saved once', async () => {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  const recommended = (await app.services.schedules.findByName(ws.ref, 'Recommended'))!;
  const mine = await app.services.schedules.clone(actor(ws, 'UALEX'), recommended.id, { name: 'Mine', description: '' });
  const alex = ws.as('UALEX', { name: 'Alex' });
  const since = app.fake.calls.length;
  await alex.command('edit Mine');
  const editorId = await openedViewId(app.fake, 'views.open', since);
  app.fake.typeInto(editorId, 'editor.description', 'editor.description_input', 'Saved once');

  const both = await Promise.all([alex.viewSubmission(editorId), alex.viewSubmission(editorId)]);

  for (const submitted of both) {
    expect(submitted.outcome).toMatchObject({ action: 'update' });
    expect(textOf((submitted.body as { view?: { title?: unknown } }).view?.title)).toBe('Schedule saved');
  }
  expect(await app.services.schedules.get(ws.ref, mine.id)).toMatchObject({ description: 'Saved once', version: mine.version + 1 });
});

// Replanning end to end: a Save in the step editor or in the assistant modal says how many active
// leads the change affects, and the replan job then moves their unsent followups.
import { fixedClock } from '../../src/clock.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';
import type { AddLeadResult } from '../../src/services/leads/index.js';
import { ASSISTANT } from '../../views/assistantModal.js';
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { blocksText, modalOpenedWith, nextResponse, viewText } from '../support/flows.js';
import { rowBlock, rowKeys } from '../support/editor.js';

// Monday 1 March 2027, 09:00 in New York.
const NOW = '2027-03-01T14:00:00Z';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock: fixedClock(NOW) });
});
afterAll(() => app.stop());

/** Ava (New York, weekends off, 09:00-17:00), Alex's “Mine” (Gentle after 1, 1, 2, 3 days) and three leads on it, one paused. */
async function setUp(ws: TestWorkspace) {
  await app.services.workspaces.ensureSeeded(ws.ref);
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
  const ava = await app.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'America/New_York', offDays: [6, 0] });
  let mine = await app.services.schedules.clone(alex, (await app.services.schedules.findByName(ws.ref, RECOMMENDED))!.id, { name: 'Mine', description: '' });
  const steps = [1, 1, 2, 3].map((afterDays) => ({ type: 'Gentle' as const, customMessageId: null, afterDays }));
  mine = await app.services.schedules.save(alex, mine.id, { name: 'Mine', description: '', steps, baseVersion: mine.version });
  const results = await app.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, ['a', 'b', 'c'].map((n) => ({ email: `${n}@acme.example` })));
  const ids = results.map((r: AddLeadResult) => (r.ok ? r.leadId : ''));
  await app.services.leads.pause(alex, ids[2]!);
  return { ids };
}

async function firstPlanned(ws: TestWorkspace, leadId: string): Promise<string> {
  return (await app.services.leads.get(ws.ref, leadId)).enrollment!.followups[0]!.plannedAt.toISOString();
}

/** Waits (with a deadline) until the replan job has moved lead `leadId`'s first followup to `iso`. */
async function replannedTo(ws: TestWorkspace, leadId: string, iso: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await firstPlanned(ws, leadId)) !== iso) {
    if (Date.now() > deadline) throw new Error(`lead ${leadId} was not replanned to ${iso}: ${await firstPlanned(ws, leadId)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('Save in the step editor says how many active leads the change affects, and their followups are replanned after it', async () => {
  const ws = app.workspace();
  const slack = ws.as('UALEX', { tz: 'America/New_York', name: 'alex' });
  const { ids } = await setUp(ws);
  expect(await firstPlanned(ws, ids[0]!)).toBe('2027-03-02T14:00:00.000Z'); // Tuesday 09:00

  const opened = await slack.command('edit Mine');
  const editor = await modalOpenedWith(app.fake, opened.triggerId);
  const first = rowKeys(app.fake, editor.id)[0]!;
  app.fake.typeInto(editor.id, rowBlock(app.fake, editor.id, first, 'after')!.block_id!, `editor.after.${first}`, '2');
  const saved = await slack.viewSubmission(editor.id);

  expect(saved.outcome).toMatchObject({ action: 'update' });
  expect(viewText(app.fake, editor.id)).toContain(
    'This change affects *2 active leads*: their unsent followups are being planned again, each from its last sent followup (or its start).',
  );
  // Monday 09:00 + 2 days: Wednesday 09:00, for the active leads and the paused one alike.
  for (const id of ids) await replannedTo(ws, id, '2027-03-03T14:00:00.000Z');
});

test('Save in the assistant modal with new hours says how many active leads it affects, and replans them in the new hours', async () => {
  const ws = app.workspace();
  const slack = ws.as('UALEX', { tz: 'America/New_York', name: 'alex' });
  const { ids } = await setUp(ws);

  const since = app.fake.responses.length;
  const opened = await slack.command('assistant edit Ava');
  const modal = await modalOpenedWith(app.fake, opened.triggerId);
  app.fake.typeInto(modal.id, ASSISTANT.opensBlock, ASSISTANT.opensAction, '10:30');
  const saved = await slack.viewSubmission(modal.id);

  expect(saved.outcome).not.toMatchObject({ action: 'errors' });
  // The confirmation goes to the command's response_url.
  const confirmation = await nextResponse(app.fake, since, (post) => blocksText((post.body as { blocks?: unknown }).blocks ?? []).includes('Saved assistant'));
  expect(confirmation.text).toContain('This change affects *2 active leads*: their unsent followups are being planned again');
  // Tuesday 09:00 is now before opening: Tuesday 10:30.
  for (const id of ids) await replannedTo(ws, id, '2027-03-02T15:30:00.000Z');
});

// App Home's delivery section, through the local Slack: opening the Home tab publishes, per
// assistant, today's sends, what is due next, held followups and failures, within Slack's limits.
import type { EnrollmentDoc } from '../../src/db/models.js';
import type { NoticeInput } from '../../src/services/notices/types.js';
import { startOfLocalDay } from '../../src/services/deliveryOverview.js';
import { blocksText, homeOpened } from '../support/flows.js';
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

/** Opens `userId`'s Home tab and returns the view Slack was asked to publish. */
async function openHome(ws: TestWorkspace, userId: string) {
  const slack = ws.as(userId);
  const since = app.fake.calls.length;
  expect((await slack.signedPost(homeOpened(ws.ref.teamId, userId), { contentType: 'application/json' })).status).toBe(200);
  const publish = await app.fake.waitForCall('views.publish', (c) => app.fake.calls.indexOf(c) >= since && c.args.user_id === userId);
  expect(publish.response.ok).toBe(true);
  const blocks = (publish.args.view as { blocks: unknown[] }).blocks;
  return { blocks, text: blocksText(blocks) };
}

async function setUp() {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'Alex', isAdmin: true };
  const ben = { workspace: ws.ref, userId: 'UBEN', name: 'Ben', isAdmin: false };
  const ava = await app.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [], senderName: 'Ava Stone', senderEmail: 'ava@acme.example' });
  const bob = await app.services.assistants.create(ben, { name: 'Bob', notificationChannel: '', timeZone: 'America/New_York', offDays: [], senderName: 'Bob', senderEmail: 'bob@acme.example' });
  const leads = Array.from({ length: 7 }, (_, i) => ({ email: `lead${i}@lead.example`, firstName: `Lead${i}`, lastName: 'Rivera', company: `Co${i}` }));
  // Started a day apart, so their first followups fall due in that order.
  const added = [];
  for (const [i, lead] of leads.entries()) {
    const [result] = await app.services.leads.addLeads(alex, { assistantId: ava.id, start: new Date(Date.now() + (i + 1) * 24 * 3600_000) }, [lead]);
    if (!result?.ok) throw new Error('not added');
    added.push(result);
  }
  return { ws, alex, ava, bob, added };
}

function notice(ws: TestWorkspace, assistantId: string, enrollmentId: string, leadId: string, kind: NoticeInput['kind'], at: Date, fields: Partial<NoticeInput> = {}): NoticeInput {
  return { workspace: ws.ref, assistantId, enrollmentId, leadId, kind, step: 1, totalSteps: 7, lead: { name: 'Jamie Rivera', company: 'Globex', email: 'jamie@lead.example' }, subject: 'Quick question', preview: 'Hi Jamie', nextPlannedAt: null, detail: null, at, ...fields };
}

test('each assistant shows today’s sends, the next followups due, held followups and failures; the viewer’s own assistants first', async () => {
  const { ws, alex, ava, bob, added } = await setUp();
  const now = new Date();
  const today = startOfLocalDay(now, 'Europe/Berlin');
  const earlierToday = new Date(Math.max(today.getTime(), now.getTime() - 60_000));
  const yesterday = new Date(today.getTime() - 3600_000);
  const record = (n: NoticeInput) => app.services.notices.record(n);
  const [a0, a1, a2, a3, a4] = added;
  for (const [i, e] of [a0!, a1!, a2!].entries()) await record(notice(ws, ava.id, e.enrollmentId, e.leadId, 'sent', new Date(earlierToday.getTime() + (i + 1) * 1000), { step: i + 1, subject: `Subject ${i}` }));
  await record(notice(ws, ava.id, a3!.enrollmentId, a3!.leadId, 'not_delivered', earlierToday, { step: 2 }));
  await record(notice(ws, ava.id, a4!.enrollmentId, a4!.leadId, 'sent', yesterday, { step: 4 }));
  // Held: one still paused, one resumed since (no longer held).
  await record(notice(ws, ava.id, a1!.enrollmentId, a1!.leadId, 'held', earlierToday, { step: 2, detail: 'first_name', lead: { name: 'Held Lead', company: '', email: 'h@lead.example' } }));
  await app.services.leads.pause(alex, a1!.leadId);
  await record(notice(ws, ava.id, a2!.enrollmentId, a2!.leadId, 'held', earlierToday, { step: 2, detail: 'company', lead: { name: 'Resumed Lead', company: '', email: 'r@lead.example' } }));
  await record(notice(ws, ava.id, a3!.enrollmentId, a3!.leadId, 'bounced', earlierToday, { step: 3, detail: '550 5.1.1 No such user', lead: { name: 'Gone Lead', company: '', email: 'g@lead.example' } }));
  await record(notice(ws, ava.id, a4!.enrollmentId, a4!.leadId, 'failed', new Date(now.getTime() - 8 * 24 * 3600_000), { detail: 'old failure' }));

  const { text } = await openHome(ws, 'UALEX');
  expect(text).toContain('*Delivery*');
  expect(text).toContain('*Ava* · 4 followups sent today (1 not delivered: no SMTP server is configured, they are in the outbox) · Europe/Berlin');
  // The last three sends, newest first (the outbox one is older).
  expect([...text.matchAll(/· (Subject \d) ·/g)].map((m) => m[1])).toEqual(['Subject 2', 'Subject 1', 'Subject 0']);
  expect(text).toMatch(/• Jamie Rivera \(Globex\) · followup 3 of 7 · Subject 2 · <!date\^\d+\^\{date_short_pretty\} \{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC>/);
  expect(text).not.toContain('followup 4 of 7'); // yesterday's send
  // Due next: the soonest five of the six active leads (Lead1 is paused), then "more".
  const due = text.slice(text.indexOf('*Due next*'), text.indexOf('…and more'));
  expect([...due.matchAll(/• (Lead\d) Rivera \(Co\d\) · followup 1 of 7 · <!date\^(\d+)\^/g)].map((m) => m[1])).toEqual(['Lead0', 'Lead2', 'Lead3', 'Lead4', 'Lead5']);
  const nextDue = (await app.services.models.Enrollment.findById(a0!.enrollmentId).lean<EnrollmentDoc>())!.nextDueAt!;
  expect(due).toContain(`<!date^${Math.floor(nextDue.getTime() / 1000)}^`);
  expect(text).toContain('*Held* (paused: a field the message needs is empty)\n• Held Lead · followup 2 of 7 · missing first_name');
  expect(text).not.toContain('Resumed Lead');
  expect(text).toContain('*Failures* (last 7 days)\n• Gone Lead · followup 3 of 7 · bounced: 550 5.1.1 No such user');
  expect(text).not.toContain('old failure');
  expect(text).toContain('*Bob* · nothing sent today · America/New_York');
  expect(text.indexOf('*Ava*')).toBeLessThan(text.indexOf('*Bob*'));
  // Ben sees his own assistant first.
  const bens = await openHome(ws, 'UBEN');
  expect(bens.text.indexOf('*Bob*')).toBeLessThan(bens.text.indexOf('*Ava*'));
  expect(bob.owner).toBe('UBEN');
});

test('many assistants and schedules stay within Slack’s 100 blocks: the rest are counted', async () => {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'Alex', isAdmin: true };
  for (let i = 0; i < 12; i++) await app.services.assistants.create(alex, { name: `Assistant ${String(i).padStart(2, '0')}`, notificationChannel: '', timeZone: 'UTC', offDays: [] });
  const recommended = (await app.services.schedules.list(ws.ref)).find((s) => s.name === 'Recommended')!;
  for (let i = 0; i < 32; i++) await app.services.schedules.clone(alex, recommended.id, { name: `Copy ${i}`, description: '' });
  const { blocks, text } = await openHome(ws, 'UALEX');
  expect(blocks.length).toBeLessThanOrEqual(100);
  expect(text).toContain('*Assistant 09*');
  expect(text).not.toContain('*Assistant 10*');
  expect(text).toContain('…and 2 more assistants');
});

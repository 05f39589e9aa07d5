// Delivery in the running app (`npm start`'s runtime: the Agenda dispatcher job polling), with a
// real SMTP server on loopback, the local Slack and an injected clock: a due followup arrives by
// email with its tokens filled, from the assistant, and the next one in its thread; a workspace
// that removed the app gets nothing sent, quietly.
import { startTestApp, type TestApp } from '../support/testApp.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer.js';
import { deliveryWorkspace, ids, movableClock } from '../services/delivery/support.js';
import { until } from '../support/until.js';

const clock = movableClock();
let app: TestApp;
let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await startTestApp({ clock, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://followups.example.com' } });
});
afterAll(async () => {
  await app?.stop();
  await smtp?.close();
});

test('a due followup arrives by email from the assistant with its tokens filled and an unsubscribe link; the next one follows in its thread', async () => {
  const ws = app.workspace();
  const { alex, ava, mine } = await deliveryWorkspace(app.services, { notificationChannel: ws.channelId }, undefined, ws.ref);
  const [jamie] = ids(await app.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'jamie@globex.example', firstName: 'Jamie', lastName: 'Rivera', company: 'Globex' }]));
  const lead = await app.services.models.Lead.findById(jamie!.leadId).lean();
  const toJamie = () => smtp.received.filter((m) => m.to[0]?.address === 'jamie@globex.example');

  clock.set('2027-03-02T14:00:00Z'); // Tuesday 09:00 in New York: the first followup is due
  await until('the first email', () => toJamie().length === 1);
  const [first] = toJamie();
  expect(first).toMatchObject({
    from: { name: 'Ava Stone', address: 'ava@acme.example' },
    to: [{ name: 'Jamie Rivera', address: 'jamie@globex.example' }],
    subject: 'Quick question, Jamie',
    messageId: `<followup.${jamie!.enrollmentId}.1@acme.example>`,
    inReplyTo: null,
  });
  expect(first!.text).toContain('Hi Jamie,\n\nDoes Globex still look after its followups by hand?\n\nAva Stone\nAcme');
  expect(first!.header('List-Unsubscribe')).toContain(`https://followups.example.com/unsubscribe/${lead!.unsubscribeToken}`);
  await until('the send recorded', async () => (await app.services.leads.get(ws.ref, jamie!.leadId)).enrollment!.followups[0]!.sentAt !== null);
  expect((await app.services.leads.get(ws.ref, jamie!.leadId)).enrollment!.nextDueAt).toEqual(new Date('2027-03-04T14:00:00Z'));
  expect(await app.services.models.Notice.countDocuments({ enrollmentId: jamie!.enrollmentId, kind: 'sent' })).toBe(1);

  clock.set('2027-03-04T14:00:00Z'); // Thursday 09:00: the second
  await until('the second email', () => toJamie().length === 2);
  expect(toJamie()[1]).toMatchObject({ subject: 'Re: Quick question, Jamie', inReplyTo: first!.messageId, references: [first!.messageId] });
  await until('the enrollment completed', async () => (await app.services.leads.get(ws.ref, jamie!.leadId)).enrollment!.state === 'completed');
  expect(toJamie()).toHaveLength(2);
});

test('a workspace that removed the app gets nothing sent: its due leads pause as an uninstall pauses them, quietly', async () => {
  const ws = app.workspace({ installed: false });
  const { alex, ava, mine } = await deliveryWorkspace(app.services, {}, undefined, ws.ref);
  const [lead] = ids(await app.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id, start: new Date(clock.now().getTime() - 3 * 86_400_000) }, [{ email: 'gone@removed.example', firstName: 'Gone', company: 'Removed' }]));
  await until('the lead paused', async () => (await app.services.leads.get(ws.ref, lead!.leadId)).enrollment!.state === 'paused');
  expect((await app.services.leads.get(ws.ref, lead!.leadId)).enrollment!.history.at(-1)).toMatchObject({ action: 'paused', reason: 'app uninstalled' });
  expect(smtp.received.filter((m) => m.to[0]?.address === 'gone@removed.example')).toHaveLength(0);
  expect((await app.services.installations.stoppedJobs(ws.ref)).last).toMatchObject({ name: 'delivery.dispatch' });
});

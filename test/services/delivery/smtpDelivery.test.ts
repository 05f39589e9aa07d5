// The dispatcher and the real mailer against a real SMTP server on loopback (test/support/smtpServer.ts),
// counting what the server received: SMTP down for an hour then up delivers every followup once, in
// order per lead and in its thread; a 5xx refusal of a recipient stops that lead as bounced only.
import type { EnrollmentDoc } from '../../../src/db/models.js';
import { openTestDatabase, type TestDatabase } from '../../support/db.js';
import { startSmtpServer, type ReceivedEmail, type TestSmtpServer } from '../../support/smtpServer.js';
import { deliveryWorkspace, ids, movableClock, MONDAY_9AM } from './support.js';

const clock = movableClock();
let smtp: TestSmtpServer;
let db: TestDatabase;
beforeAll(async () => {
  smtp = await startSmtpServer();
  db = await openTestDatabase(clock, { delivery: { smtpUrl: smtp.url, publicUrl: 'https://followups.example.com' } });
});
afterAll(async () => {
  await db.services.mailer.close();
  await db.close();
  await smtp.close();
});

const MINUTE = 60_000;
/** Step of a followup Message-ID (`<followup.<enrollment>.<step>@domain>`). */
const stepOf = (email: ReceivedEmail) => Number(/\.(\d+)@/.exec(email.messageId ?? '')?.[1]);
const receivedBy = (address: string) => smtp.received.filter((email) => email.envelope.to.includes(address));

/** Runs the dispatcher every 5 minutes of the test's clock from `from` to `to`. */
async function dispatchEvery5Minutes(from: Date, to: Date): Promise<void> {
  for (let at = from.getTime(); at <= to.getTime(); at += 5 * MINUTE) {
    clock.set(new Date(at));
    await db.services.delivery.dispatch();
  }
}

test('SMTP down for an hour, then up: every followup is delivered once, in order per lead and in its thread', async () => {
  // Three steps 0.01 day (14.4 minutes) apart: while the server is down, each lead's whole schedule falls due.
  const { alex, ava } = await deliveryWorkspace(db.services, {}, (introId) => [
    { type: 'custom', customMessageId: introId, afterDays: 0.01 },
    { type: 'Gentle', customMessageId: null, afterDays: 0.01 },
    { type: 'Curious', customMessageId: null, afterDays: 0.01 },
  ]);
  const schedule = (await db.services.schedules.findByName(alex.workspace, 'Mine'))!;
  clock.set(MONDAY_9AM);
  const emails = ['ana', 'ben', 'cai', 'dee'].map((name) => `${name}@outage.example`);
  const leads = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: schedule.id }, emails.map((email) => ({ email, firstName: email.slice(0, 3), company: 'Outage' }))));
  const before = smtp.received.length;

  await smtp.down();
  try {
    await dispatchEvery5Minutes(MONDAY_9AM, new Date(MONDAY_9AM.getTime() + 60 * MINUTE));
  } finally {
    await smtp.up();
  }
  expect(smtp.received.length).toBe(before);

  await dispatchEvery5Minutes(new Date(MONDAY_9AM.getTime() + 65 * MINUTE), new Date(MONDAY_9AM.getTime() + 4 * 60 * MINUTE));
  const delivered = smtp.received.slice(before);
  expect(delivered).toHaveLength(emails.length * 3);
  expect(new Set(delivered.map((email) => email.messageId)).size).toBe(emails.length * 3);
  for (const [i, address] of emails.entries()) {
    const thread = receivedBy(address);
    expect(thread.map(stepOf)).toEqual([1, 2, 3]);
    expect(thread.map((email) => email.messageId)).toEqual([1, 2, 3].map((step) => `<followup.${leads[i]!.enrollmentId}.${step}@acme.example>`));
    expect(thread[1]!.inReplyTo).toBe(thread[0]!.messageId);
    expect(thread[2]!.references).toEqual([thread[0]!.messageId, thread[1]!.messageId]);
    expect(thread[2]!.subject).toBe(`Re: ${thread[0]!.subject}`);
  }
  const enrollments = await db.services.models.Enrollment.find({ _id: { $in: leads.map((lead) => lead.enrollmentId) } }).lean<EnrollmentDoc[]>();
  expect(enrollments.map((enrollment) => enrollment.state)).toEqual(emails.map(() => 'completed'));
});

test('a 5xx refusal of one recipient stops that lead as bounced, and the other leads’ followups go out', async () => {
  const { alex, ava, mine } = await deliveryWorkspace(db.services);
  clock.set(MONDAY_9AM);
  const [gone, here] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, ['gone', 'here'].map((name) => ({ email: `${name}@bounce.example`, firstName: name, company: 'Bounce' }))));
  smtp.rejectRecipient('gone@bounce.example', 550);

  clock.set('2027-03-02T14:00:00Z'); // Tuesday 09:00 in New York: step 1 is due
  await db.services.delivery.dispatch();
  const goneEnrollment = await db.services.models.Enrollment.findById(gone!.enrollmentId).lean<EnrollmentDoc>();
  expect(goneEnrollment).toMatchObject({ state: 'stopped', stopReason: 'bounced', nextDueAt: null });
  expect(receivedBy('gone@bounce.example')).toHaveLength(0);
  expect(receivedBy('here@bounce.example').map((email) => email.messageId)).toEqual([`<followup.${here!.enrollmentId}.1@acme.example>`]);
  const notice = await db.services.models.Notice.findOne({ enrollmentId: gone!.enrollmentId, kind: 'bounced' }).lean();
  expect(notice?.detail).toContain('550');
});

// The dispatcher with the database gone in the middle of a batch: processes (each its own connection,
// the first always through a proxy the test stops), a real SMTP server on loopback, an injected clock.
// The emails a process had handed to the SMTP server when the database went away must not go out a
// second time when it comes back, even when the claim timeout has passed meanwhile and another
// process is there to take the claims over; and nothing may be left unsent or unrecorded.
import type { SendClaimDoc } from '../../../src/db/deliveryModels.js';
import type { NoticeDoc } from '../../../src/db/noticeModels.js';
import { DEFAULT_CLAIM_TIMEOUT_MS } from '../../../src/services/delivery/index.js';
import { openTestDatabase, testDatabaseUri, uniqueName, type TestDatabase } from '../../support/db.js';
import { startDatabaseProxy, type DatabaseProxy } from '../../support/dbProxy.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtpServer.js';
import { deliveryWorkspace, ids, movableClock, MONDAY_9AM } from './support.js';
import { until } from '../../support/until.js';

const LEADS = 20;
/** Sends one dispatcher has in flight at most (services/delivery/dispatcher.ts). */
const IN_FLIGHT = 8;
/** How long the database stays down: longer than a process waits for it on one operation (db/connection.ts). */
const OUTAGE_MS = 4_000;

const clock = movableClock();
let smtp: TestSmtpServer;
let proxy: DatabaseProxy;
/** Through the proxy. */
let first: TestDatabase;
let second: TestDatabase;
/** Straight to the database: a process the proxy does not cut off. */
let direct: TestDatabase;
beforeAll(async () => {
  smtp = await startSmtpServer();
  proxy = await startDatabaseProxy(testDatabaseUri());
  const dbName = uniqueName('test');
  const delivery = { smtpUrl: smtp.url, publicUrl: 'https://followups.example.com' };
  first = await openTestDatabase(clock, { databaseUri: proxy.uri, dbName, delivery });
  second = await openTestDatabase(clock, { databaseUri: proxy.uri, dbName, delivery });
  direct = await openTestDatabase(clock, { dbName, delivery });
});
afterAll(async () => {
  await proxy?.start().catch(() => {});
  for (const db of [second, direct]) {
    await db?.services.mailer.close();
    await db?.connection.close();
  }
  await first?.services.mailer.close();
  await first?.close();
  await proxy?.close();
  await smtp?.close();
});
beforeEach(() => clock.set(MONDAY_9AM));

/** LEADS leads of Ava (New York), each with its first followup due now (Tuesday 09:00), at `domain`. */
async function dueFollowups(domain: string) {
  const { ws, alex, ava, mine } = await deliveryWorkspace(direct.services);
  const leads = ids(
    await direct.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, Array.from({ length: LEADS }, (_, i) => ({ email: `lead${i}@${domain}`, firstName: `Lee${i}`, company: 'Down' }))),
  );
  clock.set('2027-03-02T14:00:00Z');
  return { ws, leads, expected: leads.map((l) => `<followup.${l.enrollmentId}.1@acme.example>`) };
}

const passTheClaimTimeout = () => clock.set(new Date(clock.now().getTime() + DEFAULT_CLAIM_TIMEOUT_MS + 60_000));

/** Every followup reached the SMTP server exactly once, and is recorded: claim sent, enrollment moved on to the next one, one notice. */
async function expectEachSentOnce({ ws, leads, expected }: Awaited<ReturnType<typeof dueFollowups>>, domain: string) {
  const received = smtp.received.filter((m) => m.to[0]?.address.endsWith(`@${domain}`)).map((m) => m.messageId);
  expect([...received].sort()).toEqual([...expected].sort());
  for (const lead of leads) {
    const { enrollment } = await direct.services.leads.get(ws, lead.leadId);
    expect(enrollment).toMatchObject({ state: 'active' });
    expect(enrollment!.followups[0]).toMatchObject({ outcome: 'sent', sentAt: expect.any(Date) });
    expect(enrollment!.nextDueAt).toEqual(enrollment!.followups[1]!.plannedAt);
    expect(await direct.services.models.SendClaim.findById(`${lead.enrollmentId}:1`).lean<SendClaimDoc>()).toMatchObject({ state: 'sent' });
    expect(await direct.services.models.Notice.find({ enrollmentId: lead.enrollmentId }).lean<NoticeDoc[]>()).toEqual([expect.objectContaining({ kind: 'sent', step: 1 })]);
  }
}

test('the database stops while a batch is being emailed and stays down past the claim timeout: every followup reaches the SMTP server exactly once, and each ends sent with its enrollment moved on', async () => {
  const due = await dueFollowups('down.example');

  const run = first.services.delivery.dispatch();
  await smtp.waitForCount(smtp.received.length + 1, 30_000);
  await proxy.stop();
  const downAt = Date.now();
  // The process goes on emailing what it had claimed (the SMTP server needs no database).
  await until('the emails in flight', async () => smtp.received.filter((m) => m.to[0]?.address.endsWith('@down.example')).length >= IN_FLIGHT);
  // Down past the claim timeout: when the database is back, a claim the first process could not mark
  // sent looks abandoned to anyone who reads it.
  passTheClaimTimeout();
  await new Promise((resolve) => setTimeout(resolve, downAt + OUTAGE_MS - Date.now()));
  await proxy.start();

  // The second process's dispatcher runs at once, beside the first one's unfinished run.
  await Promise.all([run.catch(() => {}), second.services.delivery.dispatch()]);
  // Later runs of both, after another claim timeout, find nothing left to send.
  passTheClaimTimeout();
  await second.services.delivery.dispatch();
  await first.services.delivery.dispatch();
  await expectEachSentOnce(due, 'down.example');
}, 120_000);

test('a process cut off from the database after emailing, while another still reaches it and takes its claims over: the emails it sent are not sent again', async () => {
  const due = await dueFollowups('cut.example');

  const run = first.services.delivery.dispatch();
  await smtp.waitForCount(smtp.received.length + 1, 30_000);
  await proxy.stop();
  await until('the emails in flight', async () => smtp.received.filter((m) => m.to[0]?.address.endsWith('@cut.example')).length >= IN_FLIGHT);
  // The claim timeout passes: the other process takes every claim over while the first cannot write.
  passTheClaimTimeout();
  const other = direct.services.delivery.dispatch();
  await until('the takeovers', async () => (await direct.services.models.SendTakeover.countDocuments({ workspace: due.ws.teamId })) >= LEADS);
  // The first process reaches the database again before the taker sends.
  await proxy.start();

  await Promise.all([run.catch(() => {}), other]);
  passTheClaimTimeout();
  await direct.services.delivery.dispatch();
  await first.services.delivery.dispatch();
  await expectEachSentOnce(due, 'cut.example');
}, 120_000);

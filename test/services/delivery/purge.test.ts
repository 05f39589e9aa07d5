// The purge of what delivery keeps only to get each send right (services/delivery/purge.ts), with
// an injected clock, on the real database and a real SMTP server on loopback: old send claims of
// followups that are over go with their takeovers, daily slots once their day is over everywhere,
// posting slots once a minute old; what a followup still needs stays; and a purge racing senders
// never makes a followup go out twice (counted at the SMTP server).
import type { Clock } from '../../../src/clock.js';
import type { SendClaimDoc } from '../../../src/db/deliveryModels.js';
import { noticeSlot } from '../../../src/db/noticeModels.js';
import { DEFAULT_CLAIM_TIMEOUT_MS } from '../../../src/services/delivery/index.js';
import { createDeliveryPurge } from '../../../src/services/delivery/purge.js';
import { openTestDatabase, type TestDatabase } from '../../support/db.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtpServer.js';
import { deliveryWorkspace, ids, movableClock, MONDAY_9AM } from './support.js';

const PUBLIC_URL = 'https://followups.example.com';
const clock = movableClock();
/** Real time as the notices' posting slots see it, moved by the test. */
const wall = movableClock(new Date());
let smtp: TestSmtpServer;
let db: TestDatabase;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});
// A database of its own per test: the purge's cursors assume time only moves forward, and each test starts on Monday again.
beforeEach(async () => {
  clock.set(MONDAY_9AM);
  db = await openTestDatabase(clock, { delivery: { smtpUrl: smtp.url, publicUrl: PUBLIC_URL } });
});
afterEach(async () => {
  await db.services.mailer.close();
  await db.close();
});

/** Tuesday 2 March 2027 at a New York wall time (EST, UTC-5). */
const tuesday = (time: string) => new Date(`2027-03-02T${time}:00-05:00`);
const purgeWith = (services: TestDatabase['services'], at: Clock = clock) => createDeliveryPurge(services.models, at, { claimTimeoutMs: DEFAULT_CLAIM_TIMEOUT_MS, wallClock: wall }).purge();
const claimOf = (enrollmentId: string) => db.services.models.SendClaim.findById(`${enrollmentId}:1`).lean<SendClaimDoc>();
const messageIdOf = (enrollmentId: string, step = 1) => `<followup.${enrollmentId}.${step}@acme.example>`;
const received = (messageId: string) => smtp.received.filter((m) => m.messageId === messageId).length;
const secondProcess = () => openTestDatabase(clock, { dbName: db.connection.name, delivery: { smtpUrl: smtp.url, publicUrl: PUBLIC_URL } });

/** What a process that died leaves: its claim on step 1 of the enrollment, made at `at`. */
async function claimLeftBy(enrollmentId: string, workspace: string, at: Date, fields: Partial<SendClaimDoc> = {}) {
  await db.services.models.SendClaim.create({
    _id: `${enrollmentId}:1`,
    workspace,
    enrollmentId,
    step: 1,
    messageId: messageIdOf(enrollmentId),
    generation: 0,
    owner: 'dead-host:1:abc',
    claimedAt: at,
    state: 'sending',
    attempts: 0,
    ...fields,
  });
}

test('a send claim goes with its takeovers once its followup is recorded and a day has passed; recent ones, and old ones a followup still needs, stay', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
  const add = async (name: string, start?: Date) => ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id, ...(start ? { start } : {}) }, [{ email: `${name}@purge.example`, firstName: name, company: 'Purge' }]))[0]!;
  const sent = await add('sent');
  const takenOver = await add('takenover');
  const stale = await add('stale');
  const accepted = await add('accepted');
  const recent = await add('recent', tuesday('09:00')); // due Wednesday 09:00
  // Another workspace's lead, paused between the poll and its claim: its claim is released.
  const other = await deliveryWorkspace(db.services);
  const [paused] = ids(await db.services.leads.addLeads(other.alex, { assistantId: other.ava.id, scheduleId: other.mine.id }, [{ email: 'paused@purge.example', firstName: 'Pat', company: 'Purge' }]));

  // Tuesday 09:00: processes that died leave claims before sending; one lead is sent; the other workspace's is paused between the poll and its claim.
  clock.set(tuesday('09:00'));
  await claimLeftBy(takenOver.enrollmentId, ws.teamId, tuesday('09:00'));
  await claimLeftBy(stale.enrollmentId, ws.teamId, tuesday('09:00'));
  expect(await db.services.delivery.sendFollowup(sent.enrollmentId, 1)).toBe('sent');
  // And one died after the SMTP server accepted its email, before recording it.
  await claimLeftBy(accepted.enrollmentId, ws.teamId, tuesday('09:00'), { state: 'sent', sentAt: tuesday('09:00'), delivered: true, subject: 'Quick question, accepted', preview: 'Hi' });
  // (This run reaches only the other workspace.)
  await db.services.delivery.dispatch({ installed: async (w) => w.teamId === other.ws.teamId && (await db.services.leads.pause(other.alex, paused!.leadId), true) });
  expect((await claimOf(paused!.enrollmentId))!.state).toBe('released');
  // After the stale-claim timeout, one of the dead process's claims is taken over and sent (a takeover document, generation 1).
  clock.set(new Date(tuesday('09:00').getTime() + DEFAULT_CLAIM_TIMEOUT_MS + 60_000));
  expect(await db.services.delivery.sendFollowup(takenOver.enrollmentId, 1)).toBe('sent');
  expect(await db.services.models.SendTakeover.exists({ _id: `${takenOver.enrollmentId}:1#1` })).toBeTruthy();

  // Wednesday 08:30, under a day after the first claims: nothing goes.
  clock.set('2027-03-03T13:30:00Z');
  expect(await purgeWith(db.services)).toMatchObject({ claims: 0, takeovers: 0 });
  clock.set('2027-03-03T14:00:00Z'); // Wednesday 09:00
  expect(await db.services.delivery.sendFollowup(recent.enrollmentId, 1)).toBe('sent');
  // Wednesday 12:00: 27 hours after the first claims.
  clock.set('2027-03-03T17:00:00Z');
  // (Which run deleted the takeover is not counted here: the app's own purge job may run beside this call.)
  expect(await purgeWith(db.services)).toMatchObject({ claims: 2, keptClaims: 3 });
  expect(await claimOf(sent.enrollmentId)).toBeNull();
  expect(await claimOf(takenOver.enrollmentId)).toBeNull();
  expect(await db.services.models.SendTakeover.exists({ _id: `${takenOver.enrollmentId}:1#1` })).toBeNull();
  // Kept: the claim a takeover still has to send, the one sent but not recorded, the paused lead's, the recent one.
  for (const kept of [stale, accepted, paused!, recent]) expect(await claimOf(kept.enrollmentId)).not.toBeNull();
  // Running it again (or in another process at once) changes nothing more.
  expect(await purgeWith(db.services)).toMatchObject({ claims: 0, takeovers: 0 });

  // What the kept claims are for: the stale one is sent once, the accepted one only recorded; the purged ones are never sent again.
  await db.services.delivery.dispatch();
  await db.services.leads.resume(other.alex, paused!.leadId);
  clock.set('2027-03-04T15:00:00Z');
  await db.services.delivery.dispatch();
  for (const lead of [sent, takenOver, stale, accepted, paused!, recent]) expect(await db.services.delivery.sendFollowup(lead.enrollmentId, 1)).toBe('not_due');
  expect([sent, takenOver, stale, paused!, recent].map((l) => received(messageIdOf(l.enrollmentId)))).toEqual([1, 1, 1, 1, 1]);
  expect(received(messageIdOf(accepted.enrollmentId))).toBe(0);
  expect((await db.services.leads.get(ws, accepted.leadId)).enrollment!.followups[0]).toMatchObject({ sentAt: tuesday('09:00'), outcome: 'sent' });
});

test('a takeover won by a process that died before it wrote the claim no longer blocks the followup after the purge', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
  const [lead] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'stuck@purge.example', firstName: 'Stu', company: 'Purge' }]));
  clock.set(tuesday('09:00'));
  await claimLeftBy(lead!.enrollmentId, ws.teamId, tuesday('09:00'));
  // The dead taker won generation 1, then died before writing it into the claim.
  await db.services.models.SendTakeover.create({ _id: `${lead!.enrollmentId}:1#1`, workspace: ws.teamId, at: tuesday('09:06'), owner: 'dead-host:2:def' });
  clock.set(tuesday('12:00'));
  expect(await db.services.delivery.sendFollowup(lead!.enrollmentId, 1)).toBe('busy');
  clock.set('2027-03-03T16:00:00Z'); // Wednesday 11:00, a day and more after
  await purgeWith(db.services);
  expect(await db.services.delivery.sendFollowup(lead!.enrollmentId, 1)).toBe('sent');
  expect(received(messageIdOf(lead!.enrollmentId))).toBe(1);
});

test('a purge in the middle of a send (after the poll read the followup, before it was claimed) never sends it twice', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
  const leads = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, Array.from({ length: 12 }, (_, i) => ({ email: `race${i}@purge.example`, firstName: `R${i}`, company: 'Race' }))));
  clock.set(tuesday('09:00'));
  // Half were claimed by a process that died before sending; a takeover finishes them.
  for (const lead of leads.slice(0, 6)) await claimLeftBy(lead.enrollmentId, ws.teamId, tuesday('09:00'));
  clock.set(tuesday('09:30'));
  const other = await secondProcess();
  try {
    // Between this dispatcher's poll and its claims: another process sends every one of them, a day
    // goes by, and two purges run at once. Then this dispatcher claims what it read as due.
    await db.services.delivery.dispatch({
      installed: async () => {
        await Promise.all(leads.map((l) => other.services.delivery.sendFollowup(l.enrollmentId, 1)));
        clock.set('2027-03-03T17:00:00Z');
        await Promise.all([purgeWith(db.services), purgeWith(other.services)]);
        return true;
      },
    });
    await Promise.all([db.services.delivery.dispatch(), other.services.delivery.dispatch(), purgeWith(other.services)]);
  } finally {
    await other.services.mailer.close();
    await other.connection.close();
  }
  expect(leads.map((l) => received(messageIdOf(l.enrollmentId)))).toEqual(leads.map(() => 1));
});

test('daily send slots go once their day is over in every time zone; the daily limit holds until then', async () => {
  // Samoa's neighbour at UTC-11: its Tuesday ends Wednesday 11:00 UTC.
  const { alex, ava, mine } = await deliveryWorkspace(db.services, { name: 'Limited', dailyLimit: 2, timeZone: 'Pacific/Pago_Pago' });
  const leads = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id, start: new Date('2027-03-01T20:00:00Z') }, ['a', 'b', 'c'].map((n) => ({ email: `${n}@slots.example`, firstName: n, company: 'Slots' }))));
  const slotsOf = (day: string) => db.services.models.DailySendSlot.countDocuments({ assistantId: ava.id, day });
  clock.set('2027-03-02T20:00:00Z'); // Tuesday 09:00 in Pago Pago
  expect(await db.services.delivery.sendFollowup(leads[0]!.enrollmentId, 1)).toBe('sent');
  await purgeWith(db.services);
  expect(await slotsOf('2027-03-02')).toBe(1);
  clock.set('2027-03-03T03:00:00Z'); // Tuesday 16:00 there, Wednesday in UTC
  await purgeWith(db.services);
  expect(await db.services.delivery.sendFollowup(leads[1]!.enrollmentId, 1)).toBe('sent');
  expect(await db.services.delivery.sendFollowup(leads[2]!.enrollmentId, 1)).toBe('rolled');
  expect(await slotsOf('2027-03-02')).toBe(2);

  clock.set('2027-03-04T23:00:00Z');
  await purgeWith(db.services);
  expect(await slotsOf('2027-03-02')).toBe(2);
  clock.set('2027-03-05T00:00:00Z');
  expect(await purgeWith(db.services)).toMatchObject({ dailySlots: 2 });
  expect(await slotsOf('2027-03-02')).toBe(0);
});

test('posting slots go once a few minutes old; slots of this second and the last minute stay', async () => {
  const { NoticeSlot } = db.services.models;
  const now = new Date();
  wall.set(now);
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const slots = { hour: ago(3_600_000), fiveMinutes: ago(300_000), thirtySeconds: ago(30_000), now };
  for (const [name, at] of Object.entries(slots)) await NoticeSlot.create(noticeSlot(`post|T1|C1|${name}`, at));
  // One from before slots had their minute.
  await NoticeSlot.collection.insertOne({ _id: 'post|T1|C1|legacy' as never, at: ago(7_200_000) });
  await purgeWith(db.services);
  expect((await NoticeSlot.find({ _id: /^post\|T1\|C1\|/ }).lean()).map((s) => s._id).sort()).toEqual(['post|T1|C1|now', 'post|T1|C1|thirtySeconds']);
  wall.set(new Date(now.getTime() + 240_000));
  await purgeWith(db.services);
  expect(await NoticeSlot.countDocuments({ _id: /^post\|T1\|C1\|/ })).toBe(0);
});

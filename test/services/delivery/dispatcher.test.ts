// The dispatcher in the services, on the real database, with an injected clock: what goes out when,
// from whom, in which thread; what is checked again at send time (state, working time, daily
// limit, tokens, sender); exactly once with two dispatchers at once and after a process died.
import { Types } from 'mongoose';
import type { NoticeDoc } from '../../../src/db/noticeModels.js';
import type { SendClaimDoc } from '../../../src/db/deliveryModels.js';
import { DEFAULT_CLAIM_TIMEOUT_MS } from '../../../src/services/delivery/index.js';
import { openTestDatabase, type TestDatabase } from '../../support/db.js';
import { deliveryWorkspace, ids, movableClock, MONDAY_9AM, recordingMailer } from './support.js';

const clock = movableClock();
const mail = recordingMailer();
const PUBLIC_URL = 'https://followups.example.com';
let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase(clock, { delivery: { mailer: mail.mailer, publicUrl: PUBLIC_URL } });
});
afterAll(() => db.close());
beforeEach(() => {
  clock.set(MONDAY_9AM);
  mail.answer(() => ({ ok: true, delivered: true }));
});

/** Tuesday 2 March 2027 at a New York wall time (EST, UTC-5). */
const tuesday = (time: string) => new Date(`2027-03-02T${time}:00-05:00`);
const sentTo = (email: string) => mail.sent.filter((m) => m.to.email === email);
const enrollmentOf = async (ws: { teamId: string }, leadId: string) => (await db.services.leads.get(ws, leadId)).enrollment!;
/** A second process: its own connection and services on the same database. */
const secondProcess = () => openTestDatabase(clock, { dbName: db.connection.name, delivery: { mailer: mail.mailer, publicUrl: PUBLIC_URL } });
const noticesOf = (enrollmentId: string) => db.services.models.Notice.find({ enrollmentId }).sort({ at: 1 }).lean<NoticeDoc[]>();

test('a due followup is emailed from the assistant with every token filled, the next one in the same thread at its planned time', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
  const [jamie] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'jamie@globex.example', firstName: 'Jamie', lastName: 'Rivera', company: 'Globex' }]));
  const lead = await db.services.models.Lead.findById(jamie!.leadId).lean();

  await db.services.delivery.dispatch();
  expect(sentTo('jamie@globex.example')).toHaveLength(0); // due Tuesday 09:00

  clock.set(tuesday('09:00'));
  await db.services.delivery.dispatch();
  const [first] = sentTo('jamie@globex.example');
  expect(first).toEqual({
    workspace: ws.teamId,
    messageId: `<followup.${jamie!.enrollmentId}.1@acme.example>`,
    from: { name: 'Ava Stone', email: 'ava@acme.example' },
    to: { name: 'Jamie Rivera', email: 'jamie@globex.example' },
    subject: 'Quick question, Jamie',
    text: 'Hi Jamie,\n\nDoes Globex still look after its followups by hand?\n\nAva Stone\nAcme',
    html: expect.stringContaining('<p>Hi Jamie,</p>'),
    inReplyTo: null,
    references: [],
    unsubscribeUrl: `${PUBLIC_URL}/unsubscribe/${lead!.unsubscribeToken}`,
  });
  let enrollment = await enrollmentOf(ws, jamie!.leadId);
  expect(enrollment.followups[0]).toMatchObject({ sentAt: tuesday('09:00'), outcome: 'sent' });
  // Tuesday + 2 days: Thursday 09:00.
  expect(enrollment.nextDueAt).toEqual(new Date('2027-03-04T14:00:00Z'));
  expect(await noticesOf(jamie!.enrollmentId)).toEqual([
    expect.objectContaining({ kind: 'sent', step: 1, totalSteps: 2, subject: 'Quick question, Jamie', preview: 'Hi Jamie,\nDoes Globex still look after its followups by hand?\nAva Stone', nextPlannedAt: new Date('2027-03-04T14:00:00Z'), lead: { name: 'Jamie Rivera', company: 'Globex', email: 'jamie@globex.example' } }),
  ]);

  // Run again the same day, and on Wednesday: nothing more.
  await db.services.delivery.dispatch();
  clock.set('2027-03-03T15:00:00Z');
  await db.services.delivery.dispatch();
  expect(sentTo('jamie@globex.example')).toHaveLength(1);

  clock.set('2027-03-04T14:00:00Z');
  await db.services.delivery.dispatch();
  const [, second] = sentTo('jamie@globex.example');
  expect(second).toMatchObject({
    messageId: `<followup.${jamie!.enrollmentId}.2@acme.example>`,
    subject: 'Re: Quick question, Jamie',
    inReplyTo: first!.messageId,
    references: [first!.messageId],
  });
  expect(second!.text).toContain('Ava Stone\nAcme');
  enrollment = await enrollmentOf(ws, jamie!.leadId);
  expect(enrollment).toMatchObject({ state: 'completed', nextDueAt: null });
  expect(enrollment.history.at(-1)).toMatchObject({ action: 'completed' });
  expect((await noticesOf(jamie!.enrollmentId)).map((n) => [n.kind, n.step, n.nextPlannedAt])).toEqual([
    ['sent', 1, new Date('2027-03-04T14:00:00Z')],
    ['sent', 2, null],
  ]);
});

test('paused and stopped leads get nothing when their time comes; a resumed one gets it after', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
  const [active, paused, stopped] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, ['a', 'p', 's'].map((n) => ({ email: `${n}@paused.example`, firstName: n.toUpperCase(), company: 'Initech' }))));
  await db.services.leads.pause(alex, paused!.leadId);
  await db.services.leads.stop(alex, stopped!.leadId, 'not_interested');

  clock.set(tuesday('10:00'));
  await db.services.delivery.dispatch();
  expect(mail.sent.filter((m) => m.to.email.endsWith('@paused.example')).map((m) => m.to.email)).toEqual(['a@paused.example']);
  expect(await db.services.delivery.sendFollowup(paused!.enrollmentId, 1)).toBe('not_due');

  await db.services.leads.resume(alex, paused!.leadId); // a day paused: due Wednesday 10:00
  await db.services.delivery.dispatch();
  expect(sentTo('p@paused.example')).toHaveLength(0);
  clock.set('2027-03-03T15:00:00Z');
  await db.services.delivery.dispatch();
  expect(sentTo('p@paused.example')).toHaveLength(1);
  expect(sentTo('s@paused.example')).toHaveLength(0);
  expect((await enrollmentOf(ws, active!.leadId)).followups[0]!.sentAt).toEqual(tuesday('10:00'));
});

test('a pause that lands after the poll read the enrollment, just before the send, is honoured', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
  const [lead] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'late-pause@paused.example', firstName: 'Lee', company: 'Initech' }]));
  clock.set(tuesday('09:00'));
  // Asked between the poll and the claim: the pause lands right there.
  await db.services.delivery.dispatch({ installed: async () => (await db.services.leads.pause(alex, lead!.leadId), true) });
  expect(sentTo('late-pause@paused.example')).toHaveLength(0);
  expect(await enrollmentOf(ws, lead!.leadId)).toMatchObject({ state: 'paused' });
  expect(await db.services.models.SendClaim.findById(`${lead!.enrollmentId}:1`).lean()).toMatchObject({ state: 'released' });
});

test('a lead who unsubscribed, bounced or replied (also with another assistant) gets nothing more', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
  const bea = await db.services.assistants.create(alex, { name: 'Bea', notificationChannel: '', timeZone: 'America/New_York', offDays: [6, 0], senderEmail: 'bea@acme.example' });
  const [withAva] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'gone@hooli.example', firstName: 'Gone', company: 'Hooli' }]));
  ids(await db.services.leads.addLeads(alex, { assistantId: bea.id, scheduleId: mine.id }, [{ email: 'gone@hooli.example', firstName: 'Gone', company: 'Hooli' }]));
  // Unsubscribed through Bea's email: the stop names Bea only.
  await db.services.leads.stop(alex, withAva!.leadId, 'unsubscribed', { assistantId: bea.id });

  clock.set(tuesday('09:00'));
  expect(await db.services.delivery.sendFollowup(withAva!.enrollmentId, 1)).toBe('stopped');
  expect(sentTo('gone@hooli.example')).toHaveLength(0);
  expect(await enrollmentOf(ws, withAva!.leadId)).toMatchObject({ state: 'stopped', stopReason: 'unsubscribed' });
});

/** Tuesday 09:30: two processes dispatch at once while each also sends half of `leads`' first followups directly. */
async function dispatchAndSendFromTwoProcesses(leads: readonly { enrollmentId: string }[]): Promise<void> {
  const other = await secondProcess();
  try {
    clock.set(tuesday('09:30'));
    await Promise.all([
      db.services.delivery.dispatch(),
      other.services.delivery.dispatch(),
      ...leads.map((l, i) => (i % 2 ? db : other).services.delivery.sendFollowup(l.enrollmentId, 1)),
    ]);
  } finally {
    await other.connection.close();
  }
}

test('two dispatchers and direct sends at once email each due followup exactly once', async () => {
  const { alex, ava, mine } = await deliveryWorkspace(db.services);
  const leads = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, Array.from({ length: 30 }, (_, i) => ({ email: `race${i}@race.example`, firstName: `R${i}`, company: 'Race' }))));
  await dispatchAndSendFromTwoProcesses(leads);
  const raced = mail.sent.filter((m) => m.to.email.endsWith('@race.example'));
  expect(raced).toHaveLength(30);
  expect(new Set(raced.map((m) => m.messageId)).size).toBe(30);
  expect(await db.services.models.Notice.countDocuments({ enrollmentId: { $in: leads.map((l) => l.enrollmentId) }, kind: 'sent' })).toBe(30);
});

test('two dispatchers and direct sends at once keep the assistant’s daily limit: exactly that many go out, the rest roll to the next working day', async () => {
  const { ava, alex, mine } = await deliveryWorkspace(db.services, { name: 'Capped', dailyLimit: 12 });
  const leads = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, Array.from({ length: 30 }, (_, i) => ({ email: `cap${i}@cap.example`, firstName: `C${i}`, company: 'Cap' }))));
  await dispatchAndSendFromTwoProcesses(leads);
  const capped = mail.sent.filter((m) => m.to.email.endsWith('@cap.example'));
  expect(capped).toHaveLength(12);
  expect(new Set(capped.map((m) => m.messageId)).size).toBe(12);
  expect(await db.services.models.DailySendSlot.countDocuments({ assistantId: ava.id })).toBe(12);
  const rolled = await Promise.all(leads.map((l) => enrollmentOf({ teamId: alex.workspace.teamId }, l.leadId)));
  // Wednesday 09:00 in New York: the next working day's opening.
  expect(rolled.filter((e) => e.nextDueAt?.getTime() === new Date('2027-03-03T14:00:00Z').getTime())).toHaveLength(18);
});

describe('a process that died', () => {
  async function claimLeftBy(enrollmentId: string, workspace: string, fields: Partial<SendClaimDoc>) {
    await db.services.models.SendClaim.create({
      _id: `${enrollmentId}:1`,
      workspace,
      enrollmentId,
      step: 1,
      messageId: '<left-by-dead-process@acme.example>',
      generation: 0,
      owner: 'dead-host:1:abc',
      claimedAt: tuesday('09:00'),
      state: 'sending',
      attempts: 0,
      ...fields,
    });
  }

  test('between claim and send: the next run takes the claim over after the timeout and sends it once, with the same Message-ID, also with two runs at once', async () => {
    const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
    const leads = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, Array.from({ length: 10 }, (_, i) => ({ email: `died${i}@claim.example`, firstName: 'Dee', company: 'Claim' }))));
    for (const [i, lead] of leads.entries()) await claimLeftBy(lead.enrollmentId, ws.teamId, { messageId: `<left-by-dead-process-${i}@acme.example>` });
    const died = () => mail.sent.filter((m) => m.to.email.endsWith('@claim.example') && m.to.email.startsWith('died'));

    clock.set(tuesday('09:01'));
    await db.services.delivery.dispatch();
    expect(died()).toHaveLength(0); // it may still be sending
    clock.set(new Date(tuesday('09:00').getTime() + DEFAULT_CLAIM_TIMEOUT_MS + 1000));
    const other = await secondProcess();
    try {
      await Promise.all([db.services.delivery.dispatch(), other.services.delivery.dispatch(), ...leads.map((l) => other.services.delivery.sendFollowup(l.enrollmentId, 1))]);
    } finally {
      await other.connection.close();
    }
    await db.services.delivery.dispatch();
    expect(died().map((m) => m.messageId).sort()).toEqual(leads.map((_, i) => `<left-by-dead-process-${i}@acme.example>`).sort());
    for (const lead of leads) expect((await enrollmentOf(ws, lead.leadId)).followups[0]!.sentAt).not.toBeNull();
  });

  test('after the SMTP server accepted it: the next run records it and tells the channel, and sends nothing', async () => {
    const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
    const [lead] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'accepted@claim.example', firstName: 'Ace', company: 'Claim' }]));
    await claimLeftBy(lead!.enrollmentId, ws.teamId, { state: 'sent', sentAt: tuesday('09:00'), delivered: true, subject: 'Quick question, Ace', preview: 'Hi Ace,' });

    clock.set(tuesday('09:00'));
    await db.services.delivery.dispatch();
    expect(sentTo('accepted@claim.example')).toHaveLength(0);
    const enrollment = await enrollmentOf(ws, lead!.leadId);
    expect(enrollment.followups[0]).toMatchObject({ sentAt: tuesday('09:00'), outcome: 'sent' });
    expect(enrollment.nextDueAt).toEqual(new Date('2027-03-04T14:00:00Z'));
    expect((await noticesOf(lead!.enrollmentId)).map((n) => [n.kind, n.subject])).toEqual([['sent', 'Quick question, Ace']]);
    expect((await db.services.models.Enrollment.findById(lead!.enrollmentId).lean())!.thread).toEqual({ subject: 'Quick question, Ace', messageIds: ['<left-by-dead-process@acme.example>'] });
  });
});

test('a followup due while the app was down goes at once inside working time, else at the next opening; later ones keep their spacing', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
  const [late, evening] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, ['late', 'evening'].map((n) => ({ email: `${n}@down.example`, firstName: n, company: 'Down' }))));

  clock.set(tuesday('16:30'));
  expect(await db.services.delivery.sendFollowup(late!.enrollmentId, 1)).toBe('sent');
  // Sent 7½ hours late: the next one counts its 2 days from the send, Thursday 16:30.
  expect((await enrollmentOf(ws, late!.leadId)).followups.map((f) => f.plannedAt)).toEqual([tuesday('09:00'), new Date('2027-03-04T21:30:00Z')]);

  clock.set(tuesday('18:00'));
  expect(await db.services.delivery.sendFollowup(evening!.enrollmentId, 1)).toBe('rescheduled');
  expect(sentTo('evening@down.example')).toHaveLength(0);
  const moved = await enrollmentOf(ws, evening!.leadId);
  // Wednesday's opening, and Friday 09:00 for the next.
  expect(moved.followups.map((f) => f.plannedAt)).toEqual([new Date('2027-03-03T14:00:00Z'), new Date('2027-03-05T14:00:00Z')]);
  expect(moved.history.at(-1)).toMatchObject({ action: 'replanned', reason: 'due outside working hours' });
  clock.set('2027-03-03T14:00:00Z');
  await db.services.delivery.dispatch();
  expect(sentTo('evening@down.example')).toHaveLength(1);
});

test('beyond the daily limit the followup and the lead’s later ones roll to the next working day’s opening, oldest due first', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services, { name: 'Limited', dailyLimit: 2 });
  // Due Tuesday 09:00, 09:05 and 09:10 (added five minutes apart).
  const added = [];
  for (const [i, name] of ['first', 'second', 'third'].entries()) {
    added.push(...ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id, start: new Date(MONDAY_9AM.getTime() + i * 5 * 60_000) }, [{ email: `${name}@limit.example`, firstName: name, company: 'Limit' }])));
  }
  clock.set(tuesday('09:20'));
  await db.services.delivery.dispatch();
  expect(mail.sent.filter((m) => m.to.email.endsWith('@limit.example')).map((m) => m.to.email).sort()).toEqual(['first@limit.example', 'second@limit.example']);
  const rolled = await enrollmentOf(ws, added[2]!.leadId);
  expect(rolled.followups.map((f) => f.plannedAt)).toEqual([new Date('2027-03-03T14:00:00Z'), new Date('2027-03-05T14:00:00Z')]);
  expect(rolled.history.at(-1)).toMatchObject({ action: 'replanned', reason: 'Limited’s daily limit of 2 was reached' });

  clock.set('2027-03-03T14:00:00Z');
  await db.services.delivery.dispatch();
  expect(sentTo('third@limit.example')).toHaveLength(1);
});

test('a 5xx rejection stops the lead as bounced and says so; a temporary failure is tried again later, with the same Message-ID, and sent once', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
  const [bounce, flaky] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, ['bounce', 'flaky'].map((n) => ({ email: `${n}@fail.example`, firstName: n, company: 'Fail' }))));
  const tried: string[] = [];
  mail.answer((email) => {
    tried.push(`${email.to.email} ${email.messageId}`);
    if (email.to.email === 'bounce@fail.example') return { ok: false, permanent: true, error: '550 5.1.1 <bounce@fail.example>: Recipient address rejected: User unknown' };
    return tried.length <= 2 ? { ok: false, permanent: false, error: 'connect ECONNREFUSED 127.0.0.1:2525' } : { ok: true, delivered: true };
  });

  clock.set(tuesday('09:00'));
  await db.services.delivery.dispatch();
  expect(await enrollmentOf(ws, bounce!.leadId)).toMatchObject({ state: 'stopped', stopReason: 'bounced', nextDueAt: null });
  expect((await enrollmentOf(ws, bounce!.leadId)).followups[0]!.outcome).toBe('bounced');
  expect(await noticesOf(bounce!.enrollmentId)).toEqual([expect.objectContaining({ kind: 'bounced', detail: '550 5.1.1 <bounce@fail.example>: Recipient address rejected: User unknown' })]);
  expect(sentTo('flaky@fail.example')).toHaveLength(0);

  await db.services.delivery.dispatch(); // too soon for the retry
  clock.set(tuesday('09:01'));
  await db.services.delivery.dispatch();
  clock.set(tuesday('09:30'));
  await db.services.delivery.dispatch();
  const flakyId = `<followup.${flaky!.enrollmentId}.1@acme.example>`;
  expect(tried.filter((t) => t.startsWith('flaky@'))).toEqual([`flaky@fail.example ${flakyId}`, `flaky@fail.example ${flakyId}`]);
  expect(sentTo('flaky@fail.example').map((m) => m.messageId)).toEqual([flakyId]);
  expect(tried.filter((t) => t.startsWith('bounce@'))).toHaveLength(1);
});

test('a token without a value holds the followup: the enrollment pauses, its history and a notice name the field', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
  const [nameless] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'nameless@held.example', company: 'Held' }]));
  clock.set(tuesday('09:00'));
  expect(await db.services.delivery.sendFollowup(nameless!.enrollmentId, 1)).toBe('held');
  expect(sentTo('nameless@held.example')).toHaveLength(0);
  const held = await enrollmentOf(ws, nameless!.leadId);
  expect(held.state).toBe('paused');
  expect(held.history.at(-1)).toMatchObject({ action: 'paused', reason: 'followup 1 needs a value for first_name', by: 'system' });
  expect(await noticesOf(nameless!.enrollmentId)).toEqual([expect.objectContaining({ kind: 'held', detail: 'first_name', step: 1 })]);
});

test('an assistant without a sender email holds its followups and says so', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services, { name: 'Senderless', senderEmail: null });
  const [lead] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'nobody@held.example', firstName: 'No', company: 'Held' }]));
  clock.set(tuesday('09:00'));
  await db.services.delivery.dispatch();
  expect(sentTo('nobody@held.example')).toHaveLength(0);
  expect((await enrollmentOf(ws, lead!.leadId)).history.at(-1)).toMatchObject({ action: 'paused', reason: 'Senderless has no sender email: set one with /schedule assistant edit, then resume' });
  expect(await noticesOf(lead!.enrollmentId)).toEqual([expect.objectContaining({ kind: 'held', detail: 'sender email' })]);
});

test('an Email CC lead never gets the first step (the user sent it); its first followup is step 2', async () => {
  const { ws, alex, ava, mine } = await deliveryWorkspace(db.services);
  const [cc] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, emailCc: true }, [{ email: 'cc@copied.example', firstName: 'Cee', company: 'Copied' }]));
  const planned = (await enrollmentOf(ws, cc!.leadId)).followups;
  expect(planned[0]!.step).toBe(2);
  clock.set(planned[0]!.plannedAt);
  await db.services.delivery.dispatch();
  expect(sentTo('cc@copied.example').map((m) => m.messageId)).toEqual([`<followup.${cc!.enrollmentId}.2@acme.example>`]);
  expect(await noticesOf(cc!.enrollmentId)).toEqual([expect.objectContaining({ kind: 'sent', step: 1, totalSteps: planned.length })]);
});

test('an enrollment the poll cannot read (a damaged document) is counted as an error and does not hold back the others in its batch', async () => {
  const { alex, ava, mine } = await deliveryWorkspace(db.services);
  const [jamie] = ids(await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'jamie@damaged.example', firstName: 'Jamie', lastName: 'Rivera', company: 'Globex' }, { email: 'sam@damaged.example', firstName: 'Sam', lastName: 'Lee', company: 'Initech' }]));
  // Written outside the app (a hand edit, a bad migration): its followups are no longer a list.
  await db.services.models.Enrollment.collection.updateOne({ _id: new Types.ObjectId(jamie!.enrollmentId) }, { $set: { followups: 'damaged' } });

  clock.set(tuesday('09:00'));
  const report = await db.services.delivery.dispatch();
  expect(sentTo('sam@damaged.example')).toHaveLength(1);
  expect(sentTo('jamie@damaged.example')).toHaveLength(0);
  expect(report.results.error).toBe(1);
});

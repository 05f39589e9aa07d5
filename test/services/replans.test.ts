// Replanning in the services: a schedule edit replans the unsent followups of the leads following
// it from their last sent followup (or start); a replan run twice changes nothing; a pause, resume
// or stop that lands while a replan runs is never undone; a schedule leads follow can't be deleted.
import type { Clock } from '../../src/clock.js';
import { DomainError } from '../../src/services/domain.js';
import type { AddLeadResult } from '../../src/services/leads/index.js';
import type { ReplanRequest } from '../../src/services/replans.js';
import type { StepInput } from '../../src/services/schedules.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';
import { actorIn, newWorkspace, openTestDatabase, RACE_ROUNDS, RACE_TIMEOUT_MS, thrown, type TestDatabase } from '../support/db.js';

/** A clock the test moves. Monday 1 March 2027, 09:00 in New York (EST). */
const clock = { at: new Date('2027-03-01T14:00:00Z'), now() { return new Date(this.at); } } satisfies Clock & { at: Date };

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase(clock);
});
afterAll(() => db.close());

const gentle = (afterDays: number): StepInput => ({ type: 'Gentle', customMessageId: null, afterDays });

/** A workspace with Ava (New York, weekends off) and Alex's schedule “Mine”: Gentle after 1, 1, 2 and 3 days. */
async function setUp() {
  clock.at = new Date('2027-03-01T14:00:00Z');
  const ws = newWorkspace();
  await db.services.workspaces.ensureSeeded(ws);
  const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
  const ava = await db.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'America/New_York', offDays: [6, 0] });
  const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
  let mine = await db.services.schedules.clone(alex, recommended.id, { name: 'Mine', description: '' });
  mine = await db.services.schedules.save(alex, mine.id, { name: 'Mine', description: '', steps: [1, 1, 2, 3].map(gentle), baseVersion: mine.version });
  return { ws, alex, ava, mine };
}

function leadIdOf(result: AddLeadResult | undefined): string {
  if (!result?.ok) throw new Error(`expected the lead to be added: ${JSON.stringify(result)}`);
  return result.leadId;
}

async function enrollment(ws: ReturnType<typeof newWorkspace>, leadId: string) {
  return (await db.services.leads.get(ws, leadId)).enrollment!;
}

const planned = (followups: readonly { plannedAt: Date; sentAt: Date | null }[]) => followups.map((f) => `${f.plannedAt.toISOString()}${f.sentAt ? ` sent ${f.sentAt.toISOString()}` : ''}`);

/** Marks followup `index` sent at `at` (delivery is a later issue; this is what it will record). */
async function markSent(enrollmentId: string, index: number, at: Date): Promise<void> {
  await db.services.models.Enrollment.updateOne({ _id: enrollmentId }, { $set: { [`followups.${index}.sentAt`]: at, [`followups.${index}.outcome`]: 'sent' } });
}

describe('a schedule edit replans the leads following it', () => {
  test('edited mid-way, only the unsent followups move, counted from the last sent one; a paused lead is replanned and stays paused; a stopped one is left alone', async () => {
    const { ws, alex, ava, mine } = await setUp();
    const [a, b, c] = await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'a@acme.example' }, { email: 'b@acme.example' }, { email: 'c@acme.example' }]);
    const [jamie, paused, stopped] = [leadIdOf(a), leadIdOf(b), leadIdOf(c)];
    const before = await enrollment(ws, jamie);
    // From Mon 09:00: Tue 09:00, Wed 09:00, Fri 09:00, then Fri + 3 = Mon 8 Mar 09:00.
    expect(planned(before.followups)).toEqual(['2027-03-02T14:00:00.000Z', '2027-03-03T14:00:00.000Z', '2027-03-05T14:00:00.000Z', '2027-03-08T14:00:00.000Z']);
    // The first two were sent, the second late: Wednesday 11:00.
    await markSent(before.id, 0, new Date('2027-03-02T14:00:00Z'));
    await markSent(before.id, 1, new Date('2027-03-03T16:00:00Z'));
    await db.services.leads.pause(alex, paused);
    await db.services.leads.stop(alex, stopped, 'replied');
    const stoppedBefore = await enrollment(ws, stopped);
    clock.at = new Date('2027-03-03T17:00:00Z'); // Wednesday 12:00

    const saved = await db.services.schedules.save(alex, mine.id, { name: 'Mine', description: '', steps: [1, 1, 0.5, 1].map(gentle), baseVersion: mine.version });

    expect(saved.replan).toEqual({ activeLeads: 1, rulesChanged: true });
    const after = await enrollment(ws, jamie);
    expect(planned(after.followups)).toEqual([
      '2027-03-02T14:00:00.000Z sent 2027-03-02T14:00:00.000Z',
      '2027-03-03T14:00:00.000Z sent 2027-03-03T16:00:00.000Z',
      // Wed 11:00 (the last sent) + 0.5 = Wed 23:00, after closing: Thursday 09:00; + 1 = Friday 09:00.
      '2027-03-04T14:00:00.000Z',
      '2027-03-05T14:00:00.000Z',
    ]);
    expect(after.nextDueAt).toEqual(new Date('2027-03-04T14:00:00Z'));
    expect(after.history.at(-1)).toEqual({ at: clock.at, by: 'UALEX', byName: 'Alex', action: 'replanned', reason: '“Mine” was edited' });
    // Paused on Monday, before any send: planned again from its start (its resume shifts this plan).
    const pausedAfter = await enrollment(ws, paused);
    expect(pausedAfter.state).toBe('paused');
    expect(planned(pausedAfter.followups)).toEqual(['2027-03-02T14:00:00.000Z', '2027-03-03T14:00:00.000Z', '2027-03-04T14:00:00.000Z', '2027-03-05T14:00:00.000Z']);
    expect(await enrollment(ws, stopped)).toEqual(stoppedBefore);
  });

  test('a followup whose new time has already gone by is due now, at working time, and the later ones count from it; a pause since the last send still counts', async () => {
    const { ws, alex, ava, mine } = await setUp();
    const [a, b] = await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'a@acme.example' }, { email: 'b@acme.example' }]);
    const [late, wasPaused] = [leadIdOf(a), leadIdOf(b)];
    // Tuesday 09:00: the first followups go out.
    for (const lead of [late, wasPaused]) await markSent((await enrollment(ws, lead)).id, 0, new Date('2027-03-02T14:00:00Z'));
    // Paused on Tuesday 10:00 and resumed on Thursday 10:00: two days paused.
    clock.at = new Date('2027-03-02T15:00:00Z');
    await db.services.leads.pause(alex, wasPaused);
    clock.at = new Date('2027-03-04T15:00:00Z');
    await db.services.leads.resume(alex, wasPaused);
    // Thursday 14:00: step 2 becomes 0.25 days after step 1.
    clock.at = new Date('2027-03-04T19:00:00Z');

    await db.services.schedules.save(alex, mine.id, { name: 'Mine', description: '', steps: [1, 0.25, 2, 3].map(gentle), baseVersion: mine.version });

    // Tue 09:00 + 0.25 = Tue 15:00, gone by: now (Thu 14:00); + 2 = Sat 14:00, off: Mon 8 Mar 09:00; + 3 = Thu 11 Mar 09:00.
    expect(planned((await enrollment(ws, late)).followups).slice(1)).toEqual(['2027-03-04T19:00:00.000Z', '2027-03-08T14:00:00.000Z', '2027-03-11T14:00:00.000Z']);
    // Tue 15:00 + the two days paused = Thu 15:00; + 2 = Sat: Mon 09:00; + 3 = Thu 09:00.
    expect(planned((await enrollment(ws, wasPaused)).followups).slice(1)).toEqual(['2027-03-04T20:00:00.000Z', '2027-03-08T14:00:00.000Z', '2027-03-11T14:00:00.000Z']);
  });

  test('a save that changes only the name or description says the active leads keep their planned times, and writes nothing to them', async () => {
    const { ws, alex, ava, mine } = await setUp();
    const [a] = await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'a@acme.example' }]);
    const before = await enrollment(ws, leadIdOf(a));
    const saved = await db.services.schedules.save(alex, mine.id, { name: 'Mine renamed', description: 'new words', steps: mine.steps, baseVersion: mine.version });
    expect(saved.replan).toEqual({ activeLeads: 1, rulesChanged: false });
    expect(await enrollment(ws, leadIdOf(a))).toEqual(before);
  });

  test('a replan run twice (a job retried) changes nothing the second time', async () => {
    const { ws, alex, ava, mine } = await setUp();
    const results = await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'a@acme.example' }, { email: 'b@acme.example' }]);
    await db.services.models.Schedule.updateOne({ _id: mine.id }, { $set: { 'steps.0.afterHundredths': 200 }, $inc: { version: 1 } });
    const request: ReplanRequest = { workspace: ws, of: { scheduleId: mine.id }, reason: '“Mine” was edited', by: { userId: 'UALEX', name: 'Alex' } };

    expect(await db.services.replans.run(request)).toEqual({ replanned: 2, unchanged: 0 });
    const once = await Promise.all(results.map((r) => enrollment(ws, leadIdOf(r))));
    expect(once[0]!.followups[0]!.plannedAt).toEqual(new Date('2027-03-03T14:00:00Z'));
    expect(await db.services.replans.run(request)).toEqual({ replanned: 0, unchanged: 2 });
    expect(await Promise.all(results.map((r) => enrollment(ws, leadIdOf(r))))).toEqual(once);
  });
});

describe('a replan racing a pause, resume or stop', () => {
  test(
    'never undoes it: whichever writes first, the lead ends paused, active or stopped as asked, with the new plan',
    async () => {
      const { ws, alex, ava, mine } = await setUp();
      const { Schedule } = db.services.models;
      for (let round = 0; round < RACE_ROUNDS; round++) {
        // A schedule of its own each round, so each replan meets only this round's leads.
        const schedule = await db.services.schedules.clone(alex, mine.id, { name: `Mine ${round}`, description: '' });
        const request: ReplanRequest = { workspace: ws, of: { scheduleId: schedule.id }, reason: 'edited', by: { userId: 'UALEX', name: 'Alex' } };
        const results = await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: schedule.id }, ['pause', 'resume', 'stop'].map((what) => ({ email: `${what}.${round}@acme.example` })));
        const [toPause, toResume, toStop] = results.map(leadIdOf) as [string, string, string];
        await db.services.leads.pause(alex, toResume);
        // Step 1 becomes 2 days instead of 1: Wednesday 09:00 instead of Tuesday.
        await Schedule.updateOne({ _id: schedule.id }, { $set: { 'steps.0.afterHundredths': 200 }, $inc: { version: 1 } });
        const firstAt = '2027-03-03T14:00:00.000Z';

        await Promise.all([
          db.services.replans.run(request),
          db.services.leads.pause(alex, toPause),
          db.services.leads.resume(alex, toResume),
          db.services.leads.stop(alex, toStop, 'replied'),
        ]);

        const [paused, resumed, stopped] = await Promise.all([enrollment(ws, toPause), enrollment(ws, toResume), enrollment(ws, toStop)]);
        expect([paused.state, resumed.state, stopped.state]).toEqual(['paused', 'active', 'stopped']);
        // The paused and the resumed lead have the new plan, in either order (the clock stands still: no time paused).
        expect([paused.followups[0]!.plannedAt.toISOString(), resumed.followups[0]!.plannedAt.toISOString()]).toEqual([firstAt, firstAt]);
        for (const e of [paused, resumed, stopped]) expect(new Set(e.history.map((h) => h.action))).toContain(e === paused ? 'paused' : e === resumed ? 'resumed' : 'stopped');
      }
    },
    RACE_TIMEOUT_MS,
  );
});

describe('deleting a schedule leads follow', () => {
  test('is refused with how many follow it and where to move them; once none do, it goes', async () => {
    const { ws, alex, ava, mine } = await setUp();
    const results = await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'a@acme.example' }, { email: 'b@acme.example' }, { email: 'c@acme.example' }]);
    const [a, b, c] = results.map(leadIdOf) as [string, string, string];
    await db.services.leads.pause(alex, b);

    const refused = await thrown(db.services.schedules.remove(alex, mine.id));
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).message).toBe(
      '“Mine” can\'t be deleted: 3 leads follow it (1 of them paused). Move them to another schedule first: stop each with /schedule lead stop <email> and add them again with /schedule lead add, picking the other schedule (/schedule lead list shows who follows what).',
    );
    expect((refused as DomainError).details.following).toBe(3);
    expect(await db.services.schedules.get(ws, mine.id)).toMatchObject({ name: 'Mine' });

    await db.services.leads.stop(alex, a, 'replied');
    await db.services.leads.stop(alex, c, 'bounced');
    expect((await thrown(db.services.schedules.remove(alex, mine.id)) as DomainError).message).toBe(
      '“Mine” can\'t be deleted: 1 lead follows it, paused. Move that lead to another schedule first: stop it with /schedule lead stop <email> and add it again with /schedule lead add, picking the other schedule (/schedule lead list shows who follows what).',
    );
    await db.services.leads.stop(alex, b, 'other');
    await db.services.schedules.remove(alex, mine.id);
    expect(await db.services.schedules.findByName(ws, 'Mine')).toBeNull();
  });

  test('racing a lead being added: either the delete is refused or the add is, never a lead following a deleted schedule', async () => {
    for (let round = 0; round < RACE_ROUNDS / 5; round++) {
      const { ws, alex, ava, mine } = await setUp();
      const [added, removed] = await Promise.allSettled([
        db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: `lead${round}@acme.example` }]),
        db.services.schedules.remove(alex, mine.id),
      ]);
      const scheduleLeft = (await db.services.schedules.get(ws, mine.id).catch(() => null)) !== null;
      const following = await db.services.models.Enrollment.countDocuments({ scheduleId: mine.id, state: { $in: ['active', 'paused'] } });
      if (scheduleLeft) {
        // The lead came first: the delete counted it and was refused.
        expect(added.status === 'fulfilled' && added.value[0]?.ok).toBe(true);
        expect(removed.status).toBe('rejected');
        expect(following).toBe(1);
      } else {
        // The delete came first: the add was refused, naming the schedule, and no lead follows it.
        expect(removed.status).toBe('fulfilled');
        expect(added.status).toBe('rejected');
        expect(following).toBe(0);
      }
    }
  }, RACE_TIMEOUT_MS);
});

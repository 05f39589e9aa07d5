// Deleting a schedule while someone makes it an assistant's default: whatever the interleaving,
// the default never points at a missing schedule, and the one who loses is told why.
import { openTestDatabase, newWorkspace, actorIn, RACE_ROUNDS, RACE_TIMEOUT_MS, type TestDatabase } from '../support/db.js';
import { DomainError, ValidationError } from '../../src/services/domain.js';
import { RECOMMENDED, RECOMMENDED_EMAIL_CC } from '../../src/services/workspaces.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());


test(
  `delete and make default at the same moment: one wins, the other is told why, and the default always exists (${RACE_ROUNDS} rounds, both orders)`,
  async () => {
    const ws = newWorkspace();
    await db.services.workspaces.ensureSeeded(ws);
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const bo = actorIn(ws, 'UBO', { name: 'Bo' });
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const emailCc = (await db.services.schedules.findByName(ws, RECOMMENDED_EMAIL_CC))!;
    const wins = { remove: 0, makeDefault: 0 };
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const doomed = await db.services.schedules.clone(alex, recommended.id, { name: `Doomed ${round}`, description: '' });
      const ava = await db.services.assistants.create(bo, { name: `Ava ${round}`, notificationChannel: '', timeZone: 'Europe/Paris', offDays: [6, 0] });
      const remove = () => db.services.schedules.remove(alex, doomed.id);
      const makeDefault = () => db.services.assistants.setDefaults(bo, ava.id, { scheduleId: doomed.id, emailCcScheduleId: emailCc.id });
      // Which is sent first alternates. The second follows after a lag growing by round (0 ms in the first
      // rounds, the same moment), so both interleavings happen however fast either side is on this machine.
      const lag = Math.floor(round / 2) * 10;
      const after = <T,>(work: () => Promise<T>) => new Promise<void>((resolve) => setTimeout(resolve, lag)).then(work);
      const [removed, madeDefault] =
        round % 2 === 0
          ? await Promise.allSettled([remove(), after(makeDefault)])
          : await Promise.allSettled([makeDefault(), after(remove)]).then(([d, r]) => [r, d] as const);

      const stored = await db.services.assistants.get(ws, ava.id);
      const stillThere = await db.services.models.Schedule.exists({ _id: doomed.id });
      if (removed.status === 'fulfilled') {
        wins.remove++;
        // The schedule is gone, so the default was not made, and Bo is told the pick is gone.
        expect(stillThere).toBeNull();
        expect(madeDefault.status).toBe('rejected');
        const reason = (madeDefault as PromiseRejectedResult).reason;
        expect(reason).toBeInstanceOf(ValidationError);
        expect((reason as ValidationError).errors).toEqual({ schedule: 'Pick the schedule for new leads (the one you picked may have been deleted).' });
        expect(stored.defaultScheduleId).toBe(recommended.id);
      } else {
        wins.makeDefault++;
        // The default was made first: the delete is refused, naming the assistant.
        expect(madeDefault.status).toBe('fulfilled');
        expect(stillThere).not.toBeNull();
        expect(removed.reason).toBeInstanceOf(DomainError);
        expect(removed.reason).toMatchObject({ code: 'in_use', details: { defaultFor: [`Ava ${round}`] } });
        expect(stored.defaultScheduleId).toBe(doomed.id);
      }
      // Whatever happened: both defaults are schedules that exist.
      for (const id of [stored.defaultScheduleId, stored.defaultEmailCcScheduleId]) {
        expect(await db.services.models.Schedule.exists({ _id: id })).not.toBeNull();
      }
    }
    // Both outcomes happened, so the test went through both interleavings.
    expect(wins.remove).toBeGreaterThan(0);
    expect(wins.makeDefault).toBeGreaterThan(0);
  },
  RACE_TIMEOUT_MS,
);

test('a lock left by a crashed process is taken over; one held now makes the delete wait and then say to try again', async () => {
  const ws = newWorkspace();
  await db.services.workspaces.ensureSeeded(ws);
  const alex = actorIn(ws, 'UALEX');
  const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
  const [stuck, busy] = await Promise.all(
    ['Stuck', 'Busy'].map((name) => db.services.schedules.clone(alex, recommended.id, { name, description: '' })),
  );
  const { Lock } = db.services.models;
  await Lock.create({ _id: `schedule:${stuck!.id}`, token: 'crashed', claimedAt: new Date(Date.now() - 60_000) });
  await db.services.schedules.remove(alex, stuck!.id);
  expect(await db.services.schedules.findByName(ws, 'Stuck')).toBeNull();

  await Lock.create({ _id: `schedule:${busy!.id}`, token: 'someone', claimedAt: new Date() });
  await expect(db.services.schedules.remove(alex, busy!.id)).rejects.toMatchObject({
    code: 'conflict',
    message: 'Someone else is changing this schedule right now. Nothing was changed: try again in a moment.',
  });
  expect(await db.services.schedules.findByName(ws, 'Busy')).not.toBeNull();
  // Theirs, untouched: only its holder removes a lock.
  expect(await Lock.findById(`schedule:${busy!.id}`)).toMatchObject({ token: 'someone' });
});

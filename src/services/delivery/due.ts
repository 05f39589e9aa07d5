// Finding what is due without reading every planned followup. FerretDB v1 pushes only equalities
// down to PostgreSQL: `{state: 'active', nextDueAt: {$lte: now}}` sends every active enrollment
// to FerretDB to be decoded and filtered in Go (37 s for 100,000 here), every poll. So each
// enrollment carries `dueHour` (leads/plan.ts: the hour of `nextDueAt`, never before the hour it
// was written in), and the dispatcher asks for one hour at a time by equality: the current hour,
// the one before (a writer's clock may lag a little), and any older hour not yet found empty,
// which the cursor remembers. An older hour only fills when the dispatcher falls behind (the app
// was down, SMTP was away): writes never land in the past, so an hour found empty stays empty.
// On real MongoDB the `{state, dueHour, nextDueAt}` index serves the same query.
import type { Clock } from '../../clock.js';
import { bulkUpdate, type EnrollmentDoc, type Models } from '../../db/models.js';
import { dueHourOf } from '../leads/plan.js';
import { runOnce } from '../migrations.js';

export const HOUR_MS = 3_600_000;
const CURSOR_ID = 'due';

export function hourOf(at: Date): number {
  return Math.floor(at.getTime() / HOUR_MS);
}

/** The due-hour buckets to ask about now, oldest first. */
export async function hoursToPoll(models: Models, now: Date): Promise<number[]> {
  const current = hourOf(now);
  const cursor = await models.DeliveryCursor.findById(CURSOR_ID).lean<{ fromHour: number }>();
  // No cursor yet (a new database: nothing due in the past), or a cursor ahead of the clock (a clock
  // set back, in tests): from the hour before now's.
  const from = Math.min(cursor?.fromHour ?? current - 1, current - 1);
  const hours: number[] = [];
  for (let h = from; h <= current; h++) hours.push(h);
  return hours;
}

/**
 * Records that due-hour buckets before `hour` hold nothing due. Only ever moves forward, and never
 * past the hour before now's, the slack for writers whose clock lags.
 */
export async function advanceCursor(models: Models, hour: number, now: Date): Promise<void> {
  const to = Math.min(hour, hourOf(now) - 1);
  await models.DeliveryCursor.updateOne({ _id: CURSOR_ID }, { $max: { fromHour: to }, $set: { at: now } }, { upsert: true });
}

/** Fills in `dueHour` for enrollments from before delivery (safe to run twice: only those without one change). */
export async function migrateDueHours(models: Models, clock: Clock): Promise<number> {
  return runOnce(
    models,
    clock,
    'dueHour.v1',
    async () => {
      // Every bucket the migration fills is this hour's or later: the dispatcher starts here.
      await models.DeliveryCursor.updateOne({ _id: CURSOR_ID }, { $setOnInsert: { fromHour: hourOf(clock.now()) - 1, at: clock.now() } }, { upsert: true });
      let changed = 0;
      for (;;) {
        const batch = await models.Enrollment.find({ dueHour: { $exists: false } }, { _id: 1, nextDueAt: 1 }).limit(500).lean<Pick<EnrollmentDoc, '_id' | 'nextDueAt'>[]>();
        if (!batch.length) return changed;
        const now = clock.now();
        changed += await bulkUpdate(
          models.Enrollment,
          batch.map((e) => ({ updateOne: { filter: { _id: e._id, dueHour: { $exists: false } }, update: { $set: { dueHour: dueHourOf(e.nextDueAt ?? null, now) } } } })),
          { timestamps: false },
        );
      }
    },
    0,
  );
}

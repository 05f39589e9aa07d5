// A schedule's steps as stored and as read. After days are stored as integer hundredths of a day
// (`afterHundredths`), so sums and comparisons are exact; services and views read them as days too.
// Releases before this one stored a float `afterDays`: documents are migrated once at start, and a
// step still in the old shape (an older process wrote it mid-deploy) is read through the same rule.
import type { Types } from 'mongoose';
import { hundredthsOfDays, daysOfHundredths } from './calendar.js';
import { bulkUpdate, type Models, type StepDoc } from '../db/models.js';
import type { StepType } from './domain.js';

/** A step as a save gives it: after days as decimal days (at most two decimals), as typed or sent. */
export interface StepInput {
  readonly type: StepType;
  readonly customMessageId: string | null;
  readonly afterDays: number;
}

/** A step as stored schedules give it: both the exact hundredths and the days they make. */
export interface Step extends StepInput {
  /** After days in hundredths of a day (1.5 days → 150): what the calendar plans with. */
  readonly afterHundredths: number;
}

/** A stored step's after days in hundredths, whichever release wrote it. */
export function storedHundredths(step: Pick<StepDoc, 'afterHundredths' | 'afterDays'>): number {
  if (typeof step.afterHundredths === 'number') return step.afterHundredths;
  // An older release's float: at most two decimals were ever accepted, so rounding recovers them.
  return Math.round((step.afterDays ?? 0) * 100);
}

export function stepOfDoc(doc: StepDoc): Step {
  const afterHundredths = storedHundredths(doc);
  return {
    type: doc.type,
    customMessageId: doc.customMessageId ? String(doc.customMessageId) : null,
    afterDays: daysOfHundredths(afterHundredths),
    afterHundredths,
  };
}

/** The stored shape of a step (after days already checked to have at most two decimals). */
export function stepDoc(type: StepType, customMessageId: Types.ObjectId | null, afterDays: number): StepDoc {
  return { type, customMessageId, afterHundredths: hundredthsOfDays(afterDays) };
}

/** A stored step rewritten in this release's shape: hundredths only. */
function migratedStep(step: StepDoc): StepDoc {
  return { type: step.type, customMessageId: step.customMessageId ?? null, afterHundredths: storedHundredths(step) };
}

const BATCH = 500;

/**
 * Rewrites every schedule whose steps still carry float after days with integer hundredths. Idempotent
 * (a migrated step is left alone) and safe with two processes at once (both write the same steps). A
 * schedule saved by an older process while this runs is left as that process wrote it: the write is
 * filtered on the version read, and readers convert the old shape anyway. The version stays, so an
 * editor opened before the migration still saves. Returns how many schedules it rewrote.
 */
export async function migrateAfterHundredths(models: Models): Promise<number> {
  const { Schedule } = models;
  let changed = 0;
  let pending: Parameters<typeof Schedule.bulkWrite>[0] = [];
  const flush = async () => {
    if (!pending.length) return;
    changed += await bulkUpdate(Schedule, pending, { timestamps: false });
    pending = [];
  };
  const cursor = Schedule.find({}, { steps: 1, version: 1 }).lean<{ _id: Types.ObjectId; steps: StepDoc[]; version?: number }>().cursor();
  for await (const doc of cursor) {
    if (doc.steps.every((s) => typeof s.afterHundredths === 'number' && s.afterDays === undefined)) continue;
    pending.push({
      updateOne: { filter: { _id: doc._id, version: doc.version ?? null }, update: { $set: { steps: doc.steps.map(migratedStep) } }, timestamps: false },
    });
    if (pending.length >= BATCH) await flush();
  }
  await flush();
  return changed;
}

// The small summary document the schedule list and the type-ahead read, one per schedule (see
// ScheduleSummaryDoc for why). Only the services write schedules, and each write is followed by
// `syncScheduleSummary`. FerretDB has no transactions, so the summary is written from the schedule
// as read, then the schedule is read again: if it changed meanwhile (another save, a rename, a
// delete), the summary is written again. Whoever wrote the schedule last therefore also leaves the
// summary matching it, whatever order the writes of two processes land in.
import { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, type Models, type ScheduleDoc, type ScheduleSummaryDoc, type StepDoc } from '../db/models.js';
import { storedHundredths } from './steps.js';
import { ownEmailStep, withOwnEmailFirst } from './emailCc.js';
import { runOnce } from './migrations.js';

type SummaryFields = Omit<ScheduleSummaryDoc, '_id'>;

/** Total after days of stored steps, summed in exact hundredths. */
export function storedTotalDays(steps: readonly StepDoc[]): number {
  return steps.reduce((sum, s) => sum + storedHundredths(s), 0) / 100;
}

/** A schedule's summary, its steps read through the Email CC rule as everywhere else. */
export function summaryOf(doc: ScheduleDoc): SummaryFields {
  const steps = withOwnEmailFirst(doc.emailCc, doc.steps, ownEmailStep);
  return {
    workspace: doc.workspace,
    name: doc.name,
    nameKey: doc.nameKey,
    description: doc.description ?? '',
    system: doc.system ?? false,
    emailCc: doc.emailCc ?? false,
    stepCount: steps.length,
    totalDays: storedTotalDays(steps),
    createdBy: doc.createdBy,
    version: doc.version ?? 1,
  };
}

const sameSummary = (a: ScheduleDoc | null, b: ScheduleDoc | null) => JSON.stringify(a && summaryOf(a)) === JSON.stringify(b && summaryOf(b));

/**
 * Brings the summary of schedule `id` in line with the schedule (removes it when the schedule is
 * gone), and returns the schedule as last read. `known` is the schedule as the caller just wrote
 * it, which saves the first read.
 */
export async function syncScheduleSummary(models: Models, id: Types.ObjectId, known?: ScheduleDoc | null): Promise<ScheduleDoc | null> {
  const { Schedule, ScheduleSummary } = models;
  const read = () => Schedule.findOne({ _id: id }).lean<ScheduleDoc>();
  let doc = known === undefined ? await read() : known;
  // Each round follows a change someone else made meanwhile, and they sync after it too: a few suffice.
  for (let round = 0; round < 5; round++) {
    try {
      if (doc) await ScheduleSummary.replaceOne({ _id: id }, summaryOf(doc), { upsert: true });
      else await ScheduleSummary.deleteOne({ _id: id });
    } catch (error) {
      // Two upserts of a new summary at once (FerretDB upserts query, then insert): read and write again.
      if (!isDuplicateKeyError(error)) throw error;
    }
    const now = await read();
    if (sameSummary(doc, now)) return now;
    doc = now;
  }
  return doc;
}

/**
 * Writes the summaries of the schedules matching `filter` (all of them by default), in bulk, then
 * checks each against its schedule as above. For schedules written without one: a database from
 * before summaries existed (run once at start), or data loaded in bulk (benchmarks, tests).
 */
export async function syncScheduleSummaries(models: Models, filter: Record<string, unknown> = {}): Promise<number> {
  const { Schedule, ScheduleSummary } = models;
  const docs = await Schedule.find(filter).lean<ScheduleDoc[]>();
  for (let i = 0; i < docs.length; i += 500) {
    await ScheduleSummary.bulkWrite(
      docs.slice(i, i + 500).map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: summaryOf(doc), upsert: true } })),
      { ordered: false },
    ).catch((error: unknown) => {
      // Another process inserted some of them first (it checks its own, as this one does below).
      if (!isDuplicateKeyError(error)) throw error;
    });
  }
  const now = new Map((await Schedule.find({ _id: { $in: docs.map((d) => d._id) } }).lean<ScheduleDoc[]>()).map((d) => [String(d._id), d]));
  for (const doc of docs) if (!sameSummary(doc, now.get(String(doc._id)) ?? null)) await syncScheduleSummary(models, doc._id);
  return docs.length;
}

/**
 * Brings every summary in line with its schedule, and removes summaries whose schedule is gone:
 * what an older release's process wrote during a rolling deploy (it writes schedules only), or a
 * process that died between a schedule and its summary. Run hourly (jobs). Returns how many it fixed.
 */
export async function repairScheduleSummaries(models: Models): Promise<number> {
  const { Schedule, ScheduleSummary } = models;
  const [schedules, summaries] = await Promise.all([Schedule.find({}).lean<ScheduleDoc[]>(), ScheduleSummary.find({}).lean<ScheduleSummaryDoc[]>()]);
  const written = new Map(summaries.map((summary) => [String(summary._id), summary]));
  const ids = new Set<string>();
  for (const doc of schedules) {
    const summary = written.get(String(doc._id));
    const wanted = summaryOf(doc);
    if (!summary || (Object.keys(wanted) as (keyof SummaryFields)[]).some((key) => summary[key] !== wanted[key])) ids.add(String(doc._id));
    written.delete(String(doc._id));
  }
  for (const orphan of written.keys()) ids.add(orphan);
  for (const id of ids) await syncScheduleSummary(models, new Types.ObjectId(id));
  return ids.size;
}

/** Summaries for every schedule of a database that had none yet, once per database. */
export function migrateToScheduleSummaries(models: Models, clock: Clock): Promise<number> {
  return runOnce(models, clock, 'scheduleSummaries.v1', () => syncScheduleSummaries(models), 0);
}

// The small documents the schedule list and the type-ahead read, one summary and one name per
// schedule (see ScheduleSummaryDoc and ScheduleNameDoc for why). Only the services write schedules,
// and each write is followed by `syncScheduleSummary`. FerretDB has no transactions, so both are
// written from the schedule as read, then the schedule is read again: if it changed meanwhile
// (another save, a rename, a delete), they are written again. Whoever wrote the schedule last
// therefore also leaves them matching it, whatever order the writes of two processes land in.
import { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, MAX_UPDATES_PER_COMMAND, type Models, type ScheduleDoc, type ScheduleNameDoc, type ScheduleSummaryDoc, type StepDoc } from '../db/models.js';
import { storedHundredths } from './steps.js';
import { ownEmailStep, withOwnEmailFirst } from './emailCc.js';
import { runOnce } from './migrations.js';
import { dropStoredLists } from './scheduleList.js';

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

/** Every 3-character piece of a name key, once each (what a type-ahead of 3 or more characters asks for one of). */
export function trigrams(key: string): string[] {
  const pieces = new Set<string>();
  for (let i = 0; i + 3 <= key.length; i++) pieces.add(key.slice(i, i + 3));
  return [...pieces];
}

function nameOf(doc: ScheduleDoc): Omit<ScheduleNameDoc, '_id'> {
  const { workspace, name, nameKey, system, emailCc } = summaryOf(doc);
  return { workspace, name, nameKey, system, emailCc, trigrams: trigrams(nameKey) };
}

/** The name entry is made of summary fields: equal summaries mean equal entries. */
const sameSummary = (a: ScheduleDoc | null, b: ScheduleDoc | null) => JSON.stringify(a && summaryOf(a)) === JSON.stringify(b && summaryOf(b));

/** The writes that put schedule `id`'s list entries in line with `doc` (null: the schedule is gone). */
function entryWrites(id: Types.ObjectId, doc: ScheduleDoc | null) {
  const filter = { _id: id };
  return doc
    ? { id, workspace: doc.workspace, summary: { replaceOne: { filter, replacement: summaryOf(doc), upsert: true } }, name: { replaceOne: { filter, replacement: nameOf(doc), upsert: true } } }
    : { id, workspace: null, summary: { deleteOne: { filter } }, name: { deleteOne: { filter } } };
}

/**
 * Writes each of `writes` to both collections, in bulk; an upsert another process inserted first is
 * left to it (it checks its own). Then drops the stored lists of the workspaces written to.
 */
async function writeEntries(models: Models, writes: ReturnType<typeof entryWrites>[]): Promise<void> {
  const ignoringDuplicates = (error: unknown) => {
    // Two upserts of a new entry at once (FerretDB upserts query, then insert).
    if (!isDuplicateKeyError(error)) throw error;
  };
  // A gone schedule's workspace is its summary's (one `_id` read per deleted schedule: deletes are rare).
  const gone = writes.filter((w) => w.workspace === null);
  const workspaces = writes.flatMap((w) => (w.workspace === null ? [] : [w.workspace]));
  for (const { id } of gone) {
    const summary = await models.ScheduleSummary.findOne({ _id: id }, { workspace: 1 }).lean<{ workspace: string }>();
    if (summary) workspaces.push(summary.workspace);
  }
  // Summaries and names go out together: half a chunk each, so the two commands hold no more of FerretDB v1's PostgreSQL pool than one (db/local/ferretdb.ts).
  const chunk = MAX_UPDATES_PER_COMMAND / 2;
  for (let i = 0; i < writes.length; i += chunk) {
    const batch = writes.slice(i, i + chunk);
    await Promise.all([
      models.ScheduleSummary.bulkWrite(batch.map((w) => w.summary), { ordered: false }).catch(ignoringDuplicates),
      models.ScheduleName.bulkWrite(batch.map((w) => w.name), { ordered: false }).catch(ignoringDuplicates),
    ]);
  }
  await dropStoredLists(models, workspaces);
}

/**
 * Brings the summary of schedule `id` in line with the schedule (removes it when the schedule is
 * gone), and returns the schedule as last read. `known` is the schedule as the caller just wrote
 * it, which saves the first read.
 */
export async function syncScheduleSummary(models: Models, id: Types.ObjectId, known?: ScheduleDoc | null): Promise<ScheduleDoc | null> {
  const read = () => models.Schedule.findOne({ _id: id }).lean<ScheduleDoc>();
  let doc = known === undefined ? await read() : known;
  // Each round follows a change someone else made meanwhile, and they sync after it too: a few suffice.
  for (let round = 0; round < 5; round++) {
    await writeEntries(models, [entryWrites(id, doc)]);
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
  const { Schedule } = models;
  const docs = await Schedule.find(filter).lean<ScheduleDoc[]>();
  await writeEntries(models, docs.map((doc) => entryWrites(doc._id, doc)));
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
  const [schedules, summaries, names] = await Promise.all([
    models.Schedule.find({}).lean<ScheduleDoc[]>(),
    models.ScheduleSummary.find({}).lean<ScheduleSummaryDoc[]>(),
    models.ScheduleName.find({}).lean<ScheduleNameDoc[]>(),
  ]);
  const writtenSummaries = new Map(summaries.map((summary) => [String(summary._id), summary]));
  const writtenNames = new Map(names.map((name) => [String(name._id), name]));
  const differs = <T extends object>(written: T | undefined, wanted: T) =>
    !written || (Object.keys(wanted) as (keyof T)[]).some((key) => JSON.stringify(written[key]) !== JSON.stringify(wanted[key]));
  const ids = new Set<string>();
  for (const doc of schedules) {
    const id = String(doc._id);
    if (differs(writtenSummaries.get(id), summaryOf(doc)) || differs(writtenNames.get(id), nameOf(doc))) ids.add(id);
    writtenSummaries.delete(id);
    writtenNames.delete(id);
  }
  for (const orphan of [...writtenSummaries.keys(), ...writtenNames.keys()]) ids.add(orphan);
  for (const id of ids) await syncScheduleSummary(models, new Types.ObjectId(id));
  return ids.size;
}

/** Its marker: v2 added the names the type-ahead reads. */
export const SCHEDULE_ENTRIES_MIGRATION = 'scheduleSummaries.v2';

/** Summaries and names for every schedule of a database that had none yet, once per database. */
export function migrateToScheduleSummaries(models: Models, clock: Clock): Promise<number> {
  return runOnce(models, clock, SCHEDULE_ENTRIES_MIGRATION, () => syncScheduleSummaries(models), 0);
}

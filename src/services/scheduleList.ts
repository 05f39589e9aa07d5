// A workspace's schedule list, stored sorted in one document (`schedulelists`, `_id` the workspace),
// so a list page reads one document. FerretDB v1.24 on PostgreSQL pushes the summaries' workspace
// filter down but never a sort (explain: sortPushdown false), nor a limit after a sort: a page
// decoded every summary of the workspace in Go to keep 16. The entries are one JSON text, which
// FerretDB decodes as one value.
//
// Right without transactions: every write of summaries drops the workspace's stored list after it
// (dropStoredLists). A reader finding none claims the rebuild by inserting a document without
// entries (unique `_id`), reads the summaries, then fills the entries in with an update, which
// changes nothing once the document is gone. So a summary written after a rebuild read them is
// followed by a drop after the claim, which removes the list filled or not. A process that dies
// between a summary and its drop, or mid-rebuild, leaves a list at most STORED_LIST_TTL_MS old
// (as does, rarely, a drop and a new claim landing between the read and the write FerretDB makes
// of one update): readers rebuild a list older than that.
import { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, type Models, type ScheduleListDoc, type ScheduleSummaryDoc } from '../db/models.js';

/** How old a stored list may be before a reader rebuilds it (a rebuild costs what a page cost before). */
export const STORED_LIST_TTL_MS = 2 * 60_000;

type StoredEntry = Omit<ScheduleSummaryDoc, '_id' | 'workspace'> & { id: string };

const stored = (docs: readonly ScheduleSummaryDoc[]): string =>
  JSON.stringify(docs.map(({ _id, workspace: _, ...fields }): StoredEntry => ({ id: String(_id), ...fields })));

const summariesOf = (workspace: string, entries: string): ScheduleSummaryDoc[] =>
  (JSON.parse(entries) as StoredEntry[]).map(({ id, ...fields }) => ({ _id: new Types.ObjectId(id), workspace, ...fields }));

/**
 * The workspace's summaries in list order: the stored list, or `readSorted` (the summaries, sorted
 * by the database) when it is missing, being rebuilt by another process, or too old; this reader
 * then rebuilds it.
 */
export async function storedScheduleList(
  models: Models,
  clock: Clock,
  workspace: string,
  readSorted: () => Promise<ScheduleSummaryDoc[]>,
): Promise<ScheduleSummaryDoc[]> {
  const { ScheduleList } = models;
  const now = clock.now();
  const list = await ScheduleList.findOne({ _id: workspace }).lean<ScheduleListDoc>();
  const fresh = list && now.getTime() - list.builtAt.getTime() < STORED_LIST_TTL_MS;
  if (fresh && list.entries !== null) return summariesOf(workspace, list.entries);
  // Another process is rebuilding it: read the summaries, leave the list to it.
  if (fresh) return readSorted();
  if (list) await ScheduleList.deleteOne({ _id: workspace, build: list.build });
  const build = new Types.ObjectId().toHexString();
  const claimed = await ScheduleList.create({ _id: workspace, build, builtAt: now, entries: null }).then(
    () => true,
    (error: unknown) => {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    },
  );
  const docs = await readSorted();
  if (claimed) await ScheduleList.updateOne({ _id: workspace, build }, { $set: { entries: stored(docs) } });
  return docs;
}

/** Drops the stored lists of `workspaces`, after their summaries were written: the next reader rebuilds them. */
export async function dropStoredLists(models: Models, workspaces: Iterable<string>): Promise<void> {
  await Promise.all([...new Set(workspaces)].map((workspace) => models.ScheduleList.deleteOne({ _id: workspace })));
}

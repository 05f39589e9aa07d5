// Everything the app keeps about one workspace, in ONE registry that both `/schedule export` and
// every deletion (`/schedule delete-workspace-data`, and the job 30 days after an uninstall) walk.
// A new per-workspace collection is one line in WORKSPACE_COLLECTIONS (a test fails until it is
// there: test/services/workspaceData.test.ts). Besides the registry's documents, a deletion takes
// what is keyed by them: the version claims of their saves, their locks, and the workspace's Agenda
// jobs. Not workspace data: the installation (it goes with the uninstall itself; an admin's
// deletion keeps the app installed), request and OAuth state claims (a signature or a nonce, nothing
// of the workspace, purged within minutes), migrations.
import type { Model, QueryFilter, Types } from 'mongoose';
import { AGENDA_JOBS_COLLECTION, type Models } from '../db/models.js';
import { workspaceKey, type WorkspaceRef } from './domain.js';
import { scheduleLock } from './locks.js';

/** The claim of running one export (services/workspaceDataRequests.ts). */
export function exportLock(exportId: string): string {
  return `export:${exportId}`;
}

export interface WorkspaceCollection {
  readonly model: keyof Models;
  /** Its section of the export file, or null with why it is left out (it is deleted all the same). */
  readonly exportAs: string | { readonly skipped: 'derived' | 'transient' | 'bookkeeping' };
  /** Fields never exported: secrets. */
  readonly omit?: readonly string[];
  /** Documents keyed by the workspace (`_id` is workspaceKey) rather than carrying a `workspace` field. */
  readonly keyedByWorkspace?: true;
  /** Documents that only name the workspace inside their `_id` (`…|<workspace>|…`). */
  readonly idNamesWorkspace?: true;
  /** Saves of these documents claim versions (VersionClaim.docId). */
  readonly versioned?: true;
  /** The Lock a document may hold (services/locks.ts). */
  readonly lockOf?: (id: string) => string;
}

export const WORKSPACE_COLLECTIONS: readonly WorkspaceCollection[] = [
  { model: 'Schedule', exportAs: 'schedules', versioned: true, lockOf: scheduleLock },
  { model: 'ScheduleSummary', exportAs: { skipped: 'derived' } },
  { model: 'ScheduleName', exportAs: { skipped: 'derived' } },
  { model: 'ScheduleList', exportAs: { skipped: 'derived' }, keyedByWorkspace: true },
  { model: 'CustomMessage', exportAs: 'customMessages', versioned: true },
  { model: 'Assistant', exportAs: 'assistants', versioned: true },
  // The unsubscribe token is the secret of the lead's unsubscribe link.
  { model: 'Lead', exportAs: 'leads', omit: ['unsubscribeToken'] },
  { model: 'Enrollment', exportAs: 'enrollments', versioned: true },
  { model: 'LeadImport', exportAs: 'leadImports' },
  { model: 'LeadImportChunk', exportAs: 'leadImportChunks' },
  { model: 'ApiToken', exportAs: 'apiTokens', omit: ['hash'] },
  { model: 'Draft', exportAs: { skipped: 'transient' } },
  { model: 'DraftRevision', exportAs: { skipped: 'transient' } },
  { model: 'Workspace', exportAs: { skipped: 'bookkeeping' }, keyedByWorkspace: true },
  { model: 'Uninstall', exportAs: { skipped: 'bookkeeping' }, keyedByWorkspace: true },
  { model: 'Notice', exportAs: 'notices' },
  { model: 'NoticeDigest', exportAs: { skipped: 'bookkeeping' } },
  { model: 'NoticeChannel', exportAs: { skipped: 'bookkeeping' } },
  { model: 'NoticeSlot', exportAs: { skipped: 'transient' }, idNamesWorkspace: true },
  { model: 'OutboxEmail', exportAs: 'outbox' },
  { model: 'SendClaim', exportAs: 'sends' },
  { model: 'SendTakeover', exportAs: { skipped: 'bookkeeping' } },
  { model: 'DailySendSlot', exportAs: { skipped: 'bookkeeping' } },
  { model: 'SendClaimRecheck', exportAs: { skipped: 'bookkeeping' } },
  { model: 'WorkspaceExport', exportAs: { skipped: 'bookkeeping' }, lockOf: exportLock },
];

/** The filter that finds a registry collection's documents of one workspace. */
export function workspaceFilter(collection: WorkspaceCollection, ref: WorkspaceRef): QueryFilter<unknown> {
  const key = workspaceKey(ref);
  if (collection.keyedByWorkspace) return { _id: key };
  if (collection.idNamesWorkspace) return { _id: { $regex: `\\|${key.replace(/[^A-Za-z0-9]/g, (c) => `\\${c}`)}\\|` } };
  return { workspace: key };
}

export function modelOf(models: Models, collection: WorkspaceCollection): Model<unknown> {
  return models[collection.model] as unknown as Model<unknown>;
}

/** Ids per round when claims and locks of a collection's documents go: FerretDB v1 filters `$in` in Go, so a huge list would be one slow command. */
const IDS_PER_DELETE = 500;

/**
 * Deletes every document of the workspace; safe to repeat, and a run cut short is finished by the
 * next (claims and locks go before the documents that name them). Returns how many went.
 */
export async function deleteWorkspaceData(models: Models, ref: WorkspaceRef): Promise<number> {
  let deleted = 0;
  for (const collection of WORKSPACE_COLLECTIONS) {
    const model = modelOf(models, collection);
    const filter = workspaceFilter(collection, ref);
    if (collection.versioned || collection.lockOf) {
      let ids: Types.ObjectId[] = [];
      const flush = async () => {
        if (collection.versioned) deleted += (await models.VersionClaim.deleteMany({ docId: { $in: ids } })).deletedCount;
        const { lockOf } = collection;
        if (lockOf) deleted += (await models.Lock.deleteMany({ _id: { $in: ids.map((id) => lockOf(String(id))) } })).deletedCount;
        ids = [];
      };
      for await (const doc of model.find(filter, { _id: 1 }).lean<{ _id: Types.ObjectId }>().cursor({ batchSize: IDS_PER_DELETE })) {
        ids.push(doc._id);
        if (ids.length >= IDS_PER_DELETE) await flush();
      }
      if (ids.length) await flush();
    }
    deleted += (await model.deleteMany(filter)).deletedCount;
  }
  // Jobs waiting for the workspace (imports, replans, sends); a running one finishes on its own.
  const jobs = models.Schedule.db.collection(AGENDA_JOBS_COLLECTION);
  deleted += (await jobs.deleteMany({ 'data.workspace.teamId': ref.teamId, lockedAt: null })).deletedCount;
  return deleted;
}

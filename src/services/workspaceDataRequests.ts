// What a workspace admin asks of the workspace's data as a whole: a copy of all of it
// (`/schedule export`) or its deletion (`/schedule delete-workspace-data`, confirmed by typing a
// phrase). The rules live here: only a workspace admin or owner, and the phrase typed. The work runs
// in a job (a big workspace takes longer than Slack waits for an answer), and is safe to run twice:
// an export is claimed with a unique insert (a Lock) and remembers once its file went out.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, type LockDoc, type Models } from '../db/models.js';
import { assertWorkspaceAdmin, DomainError, ValidationError, workspaceKey, type Actor, type WorkspaceRef } from './domain.js';
import type { JobQueue } from './jobQueue.js';
import type { WorkspaceService } from './workspaces.js';
import { deleteWorkspaceData, exportLock } from './workspaceData.js';
import { exportToFile, type WrittenExport } from './workspaceExport.js';

/** What an admin types to confirm the deletion (a fixed phrase: it reads the same in every workspace and org). */
export const DELETE_CONFIRMATION_PHRASE = 'delete all data';
export const DELETE_WORKSPACE_DATA_JOB = 'workspaces.delete-data';

export interface DeleteWorkspaceDataJob {
  readonly workspace: WorkspaceRef;
  /** The admin who asked: told in their DM with the app once it is done. */
  readonly userId: string;
}

export const EXPORT_WORKSPACE_JOB = 'workspaces.export';

export interface ExportWorkspaceJob {
  readonly workspace: WorkspaceRef;
  readonly exportId: string;
  /** The admin who asked: the file goes to their DM with the app. */
  readonly userId: string;
  /** The command's response_url (valid 30 minutes): where to say so if the DM cannot take the file. */
  readonly responseUrl: string | null;
}

/** An export claimed longer ago than this, and not done, was left by a worker that died: the next run takes it over. */
export const STALE_EXPORT_MS = 15 * 60_000;

/** What a run of the export job may do: send it (holding `token`), nothing (sent already), or wait (another worker is on it). */
export type ExportClaim = { readonly token: string } | 'done' | 'busy';

const ADMINS_ONLY = 'Only a workspace admin or owner can export or delete the workspace’s data.';

export interface WorkspaceDataService {
  /** Refuses anyone but a workspace admin or owner (before a form is even shown). */
  assertAdmin(actor: Actor): void;
  /**
   * Checks the typed phrase and starts the deletion (a job; in line where no job worker runs).
   * A wrong phrase is a `confirmation` field error and deletes nothing.
   */
  requestDeletion(actor: Actor, typed: string): Promise<void>;
  /**
   * Deletes every document of the workspace, then seeds its system schedules again: the app stays
   * installed and usable, as on its first day. Returns how many documents went.
   */
  deleteAll(ref: WorkspaceRef): Promise<number>;
  /** Starts an export of the whole workspace (a job); the file goes to the admin's DM with the app. */
  requestExport(actor: Actor, options: { readonly responseUrl: string | null }): Promise<void>;
  claimExport(ref: WorkspaceRef, exportId: string): Promise<ExportClaim>;
  /** Writes the export file into `dir` (the caller removes it). */
  writeExport(ref: WorkspaceRef, dir: string): Promise<WrittenExport>;
  /** The file went out (or could not be delivered at all): no run sends it again. */
  exportDone(ref: WorkspaceRef, exportId: string, token: string, fileId: string | null): Promise<void>;
  /** Gives the claim back after a failure, so the job's retry can run at once. */
  releaseExport(exportId: string, token: string): Promise<void>;
}

/** Case, surrounding spaces and doubled spaces do not matter; the words do. */
function sameWords(typed: string, phrase: string): boolean {
  return typed.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase() === phrase;
}

export function createWorkspaceDataService(models: Models, clock: Clock, workspaces: WorkspaceService, jobs: JobQueue & { isBound(): boolean }): WorkspaceDataService {
  const { WorkspaceExport, Lock } = models;
  const assertAdmin = (actor: Actor) => assertWorkspaceAdmin(actor, ADMINS_ONLY);
  return {
    assertAdmin,

    async requestDeletion(actor, typed) {
      assertAdmin(actor);
      if (!sameWords(typed, DELETE_CONFIRMATION_PHRASE)) {
        throw new ValidationError({ confirmation: `Type “${DELETE_CONFIRMATION_PHRASE}” to confirm. Nothing was deleted.` });
      }
      const job: DeleteWorkspaceDataJob = { workspace: actor.workspace, userId: actor.userId };
      if (jobs.isBound()) await jobs.now(DELETE_WORKSPACE_DATA_JOB, { ...job });
      else await this.deleteAll(actor.workspace);
    },

    async deleteAll(ref) {
      const deleted = await deleteWorkspaceData(models, ref);
      await workspaces.reseed(ref);
      return deleted;
    },

    async requestExport(actor, { responseUrl }) {
      assertAdmin(actor);
      const exportId = randomUUID();
      await WorkspaceExport.create({ _id: exportId, workspace: workspaceKey(actor.workspace), requestedBy: actor.userId, requestedAt: clock.now() });
      const job: ExportWorkspaceJob = { workspace: actor.workspace, exportId, userId: actor.userId, responseUrl };
      await jobs.now(EXPORT_WORKSPACE_JOB, { ...job });
    },

    async claimExport(ref, exportId) {
      const request = await WorkspaceExport.findOne({ _id: exportId, workspace: workspaceKey(ref) }, { doneAt: 1 }).lean<{ doneAt: Date | null }>();
      // Gone (the workspace's data was deleted meanwhile) or sent: nothing to do.
      if (!request || request.doneAt) return 'done';
      const token = randomUUID();
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await Lock.create({ _id: exportLock(exportId), token, claimedAt: clock.now() });
          return { token };
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
        const holder = await Lock.findById(exportLock(exportId)).lean<LockDoc>();
        if (holder && clock.now().getTime() - holder.claimedAt.getTime() <= STALE_EXPORT_MS) return 'busy';
        if (holder) await Lock.deleteOne({ _id: holder._id, token: holder.token });
      }
      return 'busy';
    },

    writeExport(ref, dir) {
      return exportToFile(models, ref, clock.now(), dir);
    },

    async exportDone(ref, exportId, token, fileId) {
      await WorkspaceExport.updateOne({ _id: exportId, workspace: workspaceKey(ref) }, { $set: { doneAt: clock.now(), fileId } });
      await Lock.deleteOne({ _id: exportLock(exportId), token });
    },

    async releaseExport(exportId, token) {
      await Lock.deleteOne({ _id: exportLock(exportId), token });
    },
  };
}

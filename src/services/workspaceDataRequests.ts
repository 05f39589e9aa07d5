// What a workspace admin asks of the workspace's data as a whole: delete all of it
// (`/schedule delete-workspace-data`, confirmed by typing a phrase). The rules live here: only a
// workspace admin or owner, and only with the phrase typed. The work itself runs in a job (a big
// workspace takes longer than Slack waits for an answer), and is safe to run twice.
import type { Models } from '../db/models.js';
import { DomainError, ValidationError, type Actor, type WorkspaceRef } from './domain.js';
import type { JobQueue } from './jobQueue.js';
import type { WorkspaceService } from './workspaces.js';
import { deleteWorkspaceData } from './workspaceData.js';

/** What an admin types to confirm the deletion (a fixed phrase: it reads the same in every workspace and org). */
export const DELETE_CONFIRMATION_PHRASE = 'delete all data';
export const DELETE_WORKSPACE_DATA_JOB = 'workspaces.delete-data';

export interface DeleteWorkspaceDataJob {
  readonly workspace: WorkspaceRef;
  /** The admin who asked: told in their DM with the app once it is done. */
  readonly userId: string;
}

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
}

/** Case, surrounding spaces and doubled spaces do not matter; the words do. */
function sameWords(typed: string, phrase: string): boolean {
  return typed.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase() === phrase;
}

export function createWorkspaceDataService(models: Models, workspaces: WorkspaceService, jobs: JobQueue & { isBound(): boolean }): WorkspaceDataService {
  const assertAdmin = (actor: Actor) => {
    if (!actor.isAdmin) throw new DomainError('forbidden', ADMINS_ONLY);
  };
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
  };
}

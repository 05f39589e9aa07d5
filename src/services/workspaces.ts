// First use of a workspace: its two read-only system schedules. Idempotent across processes:
// each schedule is a plain insert guarded by the unique (workspace, name) index.
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, type Models, type StepDoc } from '../db/models.js';
import { TONES, workspaceKey, nameKey, type WorkspaceRef } from './domain.js';

export const RECOMMENDED = 'Recommended';
export const RECOMMENDED_EMAIL_CC = 'Recommended for Email CC';
const SYSTEM_USER = 'system';
/** After days of the Recommended tones, in order: Candid 1, Gentle 1, Appreciative 2, … Curious 6. */
const RECOMMENDED_AFTER_DAYS = [1, 1, 2, 3, 4, 5, 6];

export interface WorkspaceService {
  /** Seeds the system schedules the first time a workspace is seen; cheap afterwards. */
  ensureSeeded(ref: WorkspaceRef): Promise<void>;
}

export function recommendedSteps(): StepDoc[] {
  return TONES.map((tone, i) => ({ type: tone, customMessageId: null, afterDays: RECOMMENDED_AFTER_DAYS[i]! }));
}

export function createWorkspaceService(models: Models, clock: Clock): WorkspaceService {
  // Workspaces this process saw seeded: every request checks, so remembering saves a round trip on
  // each. A workspace once seeded stays seeded; a miss only costs the lookup again.
  const seeded = new LRUCache<string, true>({ max: 10_000, ttl: 10 * 60 * 1000 });
  return {
    async ensureSeeded(ref) {
      const workspace = workspaceKey(ref);
      if (seeded.has(workspace)) return;
      if (await models.Workspace.exists({ _id: workspace })) {
        seeded.set(workspace, true);
        return;
      }
      const systemSchedules = [
        {
          name: RECOMMENDED,
          description: 'The recommended schedule for sales followups: seven tones over 22 days.',
          emailCc: false,
          steps: recommendedSteps(),
        },
        {
          name: RECOMMENDED_EMAIL_CC,
          description:
            'For leads whose first email you sent yourself with the assistant in CC: step 1 stands for that email and is never sent; the six followups come after it.',
          emailCc: true,
          // Step 1 is the user's own email (never sent by the app); then the tones, Gentle onwards.
          steps: [{ type: TONES[0], customMessageId: null, afterDays: 0 }, ...recommendedSteps().slice(1)],
        },
      ];
      for (const schedule of systemSchedules) {
        try {
          await models.Schedule.create({
            workspace,
            nameKey: nameKey(schedule.name),
            system: true,
            createdBy: SYSTEM_USER,
            updatedBy: SYSTEM_USER,
            ...schedule,
          });
        } catch (error) {
          // Another request seeded it first.
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
      try {
        await models.Workspace.create({ _id: workspace, teamId: ref.teamId, enterpriseId: ref.enterpriseId ?? null, seededAt: clock.now() });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      seeded.set(workspace, true);
    },
  };
}

// First use of a workspace: its two read-only system schedules, and later improvements to them.
// Each system schedule carries the version of its content; a workspace records the release of
// the system schedules it has, so a request costs one lookup by _id once it is up to date.
// Idempotent across processes: seeding is a plain insert under the unique (workspace, name)
// index, and an upgrade claims the schedule's next version with a unique insert (FerretDB v1
// has no transactions, and runs a filtered update as query-then-write, so a version-checked
// update alone would let two processes both write).
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, type Models, type ScheduleDoc, type StepDoc, type WorkspaceDoc } from '../db/models.js';
import { ConflictError, TONES, workspaceKey, nameKey, type WorkspaceRef } from './domain.js';
import { writeNextVersion } from './versions.js';
import { syncScheduleSummary } from './scheduleSummaries.js';
import { ownEmailStep } from './emailCc.js';
import { stepDoc } from './steps.js';

export const RECOMMENDED = 'Recommended';
export const RECOMMENDED_EMAIL_CC = 'Recommended for Email CC';
const SYSTEM_USER = 'system';
const SYSTEM_NAME = 'Followups';
/** After days of the Recommended tones, in order: Candid 1, Gentle 1, Appreciative 2, … Curious 6. */
const RECOMMENDED_AFTER_DAYS = [1, 1, 2, 3, 4, 5, 6];

export interface SystemSchedule {
  readonly name: string;
  /** Bumped whenever this schedule's content changes; workspaces below it get the new content. */
  readonly version: number;
  readonly description: string;
  readonly emailCc: boolean;
  readonly steps: readonly StepDoc[];
}

export function recommendedSteps(): StepDoc[] {
  return TONES.map((tone, i) => stepDoc(tone, null, RECOMMENDED_AFTER_DAYS[i]!));
}

export const SYSTEM_SCHEDULES: readonly SystemSchedule[] = [
  {
    name: RECOMMENDED,
    version: 1,
    description: 'The recommended schedule for sales followups: seven tones over 22 days.',
    emailCc: false,
    steps: recommendedSteps(),
  },
  {
    name: RECOMMENDED_EMAIL_CC,
    // 2: step 1 became the user's own email (a kind of step) instead of a placeholder tone.
    version: 2,
    description:
      'For leads whose first email you sent yourself with the assistant in CC: step 1 is that email (the app never sends it), and six followups come after it.',
    emailCc: true,
    steps: [ownEmailStep(), ...recommendedSteps().slice(1)],
  },
];

/** The release of the system schedules: the highest of their versions. */
export const SYSTEM_SCHEDULES_VERSION = Math.max(...SYSTEM_SCHEDULES.map((s) => s.version));

export interface WorkspaceService {
  /** Seeds the system schedules the first time a workspace is seen, and upgrades older ones; cheap afterwards. */
  ensureSeeded(ref: WorkspaceRef): Promise<void>;
  /**
   * Seeds again after the workspace's data was deleted. This process forgets it saw the workspace up
   * to date (its cache would skip seeding for minutes); other processes' caches are right again once
   * this has run, since the system schedules exist again.
   */
  reseed(ref: WorkspaceRef): Promise<void>;
}

export function createWorkspaceService(models: Models, clock: Clock, systemSchedules: readonly SystemSchedule[] = SYSTEM_SCHEDULES): WorkspaceService {
  const { Schedule, Workspace } = models;
  const release = Math.max(...systemSchedules.map((s) => s.version));
  // Workspaces this process saw up to date: every request checks, so remembering saves a round trip
  // on each. A workspace once up to date stays so until a new release, which comes with a new process.
  const upToDateHere = new LRUCache<string, true>({ max: 10_000, ttl: 10 * 60 * 1000 });

  function content(definition: SystemSchedule) {
    return {
      name: definition.name,
      nameKey: nameKey(definition.name),
      description: definition.description,
      emailCc: definition.emailCc,
      steps: definition.steps.map((s) => ({ ...s })),
      seedVersion: definition.version,
    };
  }

  /** True once the workspace has this system schedule at `definition.version` or later. */
  async function seedOrUpgrade(ref: WorkspaceRef, definition: SystemSchedule): Promise<boolean> {
    const workspace = workspaceKey(ref);
    const current = await Schedule.findOne({ workspace, system: true, nameKey: nameKey(definition.name) }).lean<ScheduleDoc>();
    if (!current) {
      try {
        const created = await Schedule.create({ workspace, system: true, createdBy: SYSTEM_USER, updatedBy: SYSTEM_USER, ...content(definition) });
        await syncScheduleSummary(models, created._id, created.toObject());
      } catch (error) {
        // Another request seeded it first.
        if (!isDuplicateKeyError(error)) throw error;
      }
      return true;
    }
    if ((current.seedVersion ?? 1) >= definition.version) return true;
    // Claim the schedule's next version: of several processes upgrading at once, one writes (a
    // claim left by a crashed process is taken over). Only the system schedule itself changes:
    // copies are other documents, and keep their steps.
    const system = { workspace: ref, userId: SYSTEM_USER, name: SYSTEM_NAME, isAdmin: true };
    const versioned = { id: String(current._id), name: current.name, version: current.version, updatedByName: current.updatedByName ?? '', updatedAt: current.updatedAt };
    try {
      await writeNextVersion(models, clock, system, 'schedule', versioned, { baseVersion: current.version }, content(definition));
      await syncScheduleSummary(models, current._id);
    } catch (error) {
      if (error instanceof ConflictError) return false; // another process is upgrading it
      throw error;
    }
    return true;
  }

  return {
    async reseed(ref) {
      upToDateHere.delete(workspaceKey(ref));
      await this.ensureSeeded(ref);
    },

    async ensureSeeded(ref) {
      const workspace = workspaceKey(ref);
      if (upToDateHere.has(workspace)) return;
      // By _id alone: the one lookup FerretDB's SQLite backend serves from its index.
      const seeded = await Workspace.findById(workspace, { systemVersion: 1 }).lean<Pick<WorkspaceDoc, 'systemVersion'>>();
      if (seeded && (seeded.systemVersion ?? 1) >= release) {
        upToDateHere.set(workspace, true);
        return;
      }
      let upToDate = true;
      for (const definition of systemSchedules) upToDate = (await seedOrUpgrade(ref, definition)) && upToDate;
      if (!seeded) {
        try {
          await Workspace.create({ _id: workspace, teamId: ref.teamId, enterpriseId: ref.enterpriseId ?? null, seededAt: clock.now(), systemVersion: upToDate ? release : 1 });
          if (upToDate) upToDateHere.set(workspace, true);
          return;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
      // $max: a process still on an older release never lowers it.
      if (!upToDate) return;
      await Workspace.updateOne({ _id: workspace }, { $max: { systemVersion: release } });
      upToDateHere.set(workspace, true);
    },
  };
}

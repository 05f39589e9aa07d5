// Installations of the app ("Add to Slack"), by workspace or by Enterprise Grid org, and what an
// uninstall does to a workspace: its installation goes, its active enrollments pause (nothing is
// sent for a workspace that removed the app), and a reinstall offers to resume them.
// Slack-free: Bolt's InstallationStore (src/installs/) translates to and from these records.
// Tokens stay inside this module and the installs adapters: no other service returns them.
import type { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, type EnrollmentDoc, type Models } from '../db/models.js';
import type { InstallationDoc } from '../db/installationModels.js';
import { DomainError, workspaceKey, workspaceRefOf, type Actor, type WorkspaceRef } from './domain.js';
import type { LeadService } from './leads/index.js';
import { deleteWorkspaceData } from './workspaceData.js';

/** The history reason of an enrollment paused because its workspace removed the app. */
export const UNINSTALL_PAUSE_REASON = 'app uninstalled';
/** An OAuth state is good this long after /slack/install (its claim must be kept as long: older states fail on their own timestamp). */
export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;
/** After an uninstall, the workspace's data is deleted this long after (README, "Data deletion"). */
export const DELETE_AFTER_UNINSTALL_MS = 30 * 24 * 3600_000;
const SYSTEM_ACTOR = { userId: 'system', name: 'Followups', isAdmin: true };

export interface BotCredentials {
  readonly token: string;
  readonly id: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  /** With token rotation. */
  readonly refreshToken?: string;
  /** Unix seconds, with token rotation. */
  readonly expiresAt?: number;
}

export interface InstallationRecord {
  readonly isEnterpriseInstall: boolean;
  readonly team?: { readonly id: string; readonly name?: string };
  readonly enterprise?: { readonly id: string; readonly name?: string };
  readonly enterpriseUrl?: string;
  readonly appId?: string;
  readonly bot: BotCredentials;
  readonly installerUserId: string;
  readonly tokenType?: string;
  readonly authVersion: 'v1' | 'v2';
  readonly metadata?: string;
}

/** Which installation: a workspace's (teamId) or an org's (isEnterpriseInstall with enterpriseId). */
export interface InstallationKey {
  readonly teamId?: string | undefined;
  readonly enterpriseId?: string | undefined;
  readonly isEnterpriseInstall: boolean;
}

export interface InstallationService {
  /** Stores an install (or a reinstall, or Bolt's refreshed tokens) under its one key. */
  save(record: InstallationRecord): Promise<void>;
  find(key: InstallationKey): Promise<InstallationRecord | null>;
  /** The installation that serves a workspace: its own, else its org's org-wide install. */
  forWorkspace(ref: WorkspaceRef): Promise<InstallationRecord | null>;
  remove(key: InstallationKey): Promise<void>;
  /** True the first time an OAuth state's nonce is claimed, false on every replay (all processes). */
  claimState(nonce: string): Promise<boolean>;
  purgeStateClaimsBefore(before: Date): Promise<number>;
  /** Forgets the claims of states too old to be accepted anyway (a periodic job); how many went. */
  purgeExpiredStateClaims(): Promise<number>;
  /**
   * The app was uninstalled (or its tokens revoked) in a workspace, or in a whole org: removes the
   * installation and pauses the active enrollments of every workspace it served. Safe to repeat.
   * An event from before the current installation (`eventTime`: Slack's `event_time`, delivered
   * late or retried after a reinstall) changes nothing: `stale` says so.
   */
  uninstalled(key: InstallationKey, options?: { readonly eventTime?: Date }): Promise<{ readonly paused: number; readonly stale?: boolean }>;
  /** How many enrollments an uninstall paused are still paused (asked from a request: the app is installed again). */
  resumableAfterReinstall(ref: WorkspaceRef): Promise<number>;
  /** Resumes what the uninstall paused (those still paused); how many resumed. */
  resumeAfterReinstall(actor: Actor): Promise<number>;
  /** Leaves them paused and stops offering. */
  dismissResume(ref: WorkspaceRef): Promise<void>;
  /**
   * Deletes every document of each workspace uninstalled more than 30 days ago and not installed
   * again (the daily job); how many documents went. Safe to run twice.
   */
  deleteDataOfUninstalled(): Promise<number>;
  /** Records a job that stopped because the app is not installed in the workspace. */
  jobStopped(ref: WorkspaceRef, job: string): Promise<void>;
  /** How many jobs stopped so, and the last one. */
  stoppedJobs(ref: WorkspaceRef): Promise<{ readonly count: number; readonly last: { readonly name: string; readonly at: Date } | null }>;
}

const idOf = (key: InstallationKey): string | null =>
  key.isEnterpriseInstall ? (key.enterpriseId ? `org:${key.enterpriseId}` : null) : key.teamId ? `team:${key.teamId}` : null;

function toRecord(doc: InstallationDoc): InstallationRecord {
  return {
    isEnterpriseInstall: doc.isEnterpriseInstall,
    ...(doc.teamId ? { team: { id: doc.teamId, ...(doc.teamName ? { name: doc.teamName } : {}) } } : {}),
    ...(doc.enterpriseId ? { enterprise: { id: doc.enterpriseId, ...(doc.enterpriseName ? { name: doc.enterpriseName } : {}) } } : {}),
    ...(doc.enterpriseUrl ? { enterpriseUrl: doc.enterpriseUrl } : {}),
    ...(doc.appId ? { appId: doc.appId } : {}),
    bot: {
      token: doc.botToken,
      id: doc.botId,
      userId: doc.botUserId,
      scopes: doc.botScopes ?? [],
      ...(doc.botRefreshToken ? { refreshToken: doc.botRefreshToken } : {}),
      ...(doc.botExpiresAt !== null && doc.botExpiresAt !== undefined ? { expiresAt: doc.botExpiresAt } : {}),
    },
    installerUserId: doc.installerUserId ?? '',
    ...(doc.tokenType ? { tokenType: doc.tokenType } : {}),
    authVersion: doc.authVersion === 'v1' ? 'v1' : 'v2',
    ...(doc.metadata ? { metadata: doc.metadata } : {}),
  };
}

export function createInstallationService(models: Models, clock: Clock, leads: LeadService): InstallationService {
  const { Installation, OAuthStateClaim, Uninstall, Enrollment, Workspace } = models;

  /** The workspaces an installation served: the one workspace, or every workspace of the org seen so far. */
  async function workspacesOf(key: InstallationKey): Promise<WorkspaceRef[]> {
    if (!key.isEnterpriseInstall) return key.teamId ? [{ teamId: key.teamId, ...(key.enterpriseId ? { enterpriseId: key.enterpriseId } : {}) }] : [];
    const seen = await Workspace.find({ enterpriseId: key.enterpriseId }, { teamId: 1 }).lean<{ teamId: string }[]>();
    return seen.map((w) => ({ teamId: w.teamId, enterpriseId: key.enterpriseId! }));
  }

  async function pauseWorkspace(ref: WorkspaceRef): Promise<number> {
    const workspace = workspaceKey(ref);
    const active = await Enrollment.find({ workspace, state: 'active' }, { _id: 1, leadId: 1, assistantId: 1 }).lean<Pick<EnrollmentDoc, '_id' | 'leadId' | 'assistantId'>[]>();
    // Recorded before pausing, so a repeat after a crash half-way still knows every one to offer back.
    if (active.length) {
      await Uninstall.updateOne(
        { _id: workspace },
        { $set: { enterpriseId: ref.enterpriseId ?? null, uninstalledAt: clock.now() }, $addToSet: { pausedEnrollmentIds: { $each: active.map((e) => String(e._id)) } } },
        { upsert: true },
      );
    } else {
      await Uninstall.updateOne({ _id: workspace }, { $set: { enterpriseId: ref.enterpriseId ?? null, uninstalledAt: clock.now() } }, { upsert: true });
    }
    const actor: Actor = { workspace: ref, ...SYSTEM_ACTOR };
    let paused = 0;
    for (const e of active) {
      try {
        await leads.pause(actor, String(e.leadId), { assistantId: String(e.assistantId), reason: UNINSTALL_PAUSE_REASON });
        paused++;
      } catch (error) {
        // Paused or stopped meanwhile: nothing left to pause.
        if (!(error instanceof DomainError)) throw error;
      }
    }
    return paused;
  }

  return {
    async save(record) {
      const _id = idOf({ isEnterpriseInstall: record.isEnterpriseInstall, teamId: record.team?.id, enterpriseId: record.enterprise?.id });
      if (!_id) throw new Error('An installation names neither its workspace nor its org');
      const fields: Omit<InstallationDoc, '_id' | 'installedAt' | 'updatedAt'> = {
        isEnterpriseInstall: record.isEnterpriseInstall,
        teamId: record.team?.id ?? null,
        teamName: record.team?.name ?? null,
        enterpriseId: record.enterprise?.id ?? null,
        enterpriseName: record.enterprise?.name ?? null,
        enterpriseUrl: record.enterpriseUrl ?? null,
        appId: record.appId ?? null,
        botToken: record.bot.token,
        botId: record.bot.id,
        botUserId: record.bot.userId,
        botScopes: [...record.bot.scopes],
        botRefreshToken: record.bot.refreshToken ?? null,
        botExpiresAt: record.bot.expiresAt ?? null,
        installerUserId: record.installerUserId,
        tokenType: record.tokenType ?? null,
        authVersion: record.authVersion,
        metadata: record.metadata ?? null,
      };
      // A plain upsert by _id: the last writer's tokens win, which is what a reinstall or a refresh wants.
      await Installation.updateOne({ _id }, { $set: fields, $setOnInsert: { installedAt: clock.now() } }, { upsert: true, timestamps: false });
      await Installation.updateOne({ _id }, { $set: { updatedAt: clock.now() } }, { timestamps: false });
      // Installed again: no deletion is due any more (the resume offer stays until answered).
      if (record.isEnterpriseInstall) await Uninstall.updateMany({ enterpriseId: record.enterprise?.id }, { $set: { uninstalledAt: null } });
      else if (record.team) await Uninstall.updateOne({ _id: workspaceKey({ teamId: record.team.id, ...(record.enterprise ? { enterpriseId: record.enterprise.id } : {}) }) }, { $set: { uninstalledAt: null } });
    },

    async find(key) {
      const _id = idOf(key);
      const doc = _id ? await Installation.findById(_id).lean<InstallationDoc>() : null;
      return doc ? toRecord(doc) : null;
    },

    async forWorkspace(ref) {
      const own = await Installation.findById(`team:${ref.teamId}`).lean<InstallationDoc>();
      if (own) return toRecord(own);
      const org = ref.enterpriseId ? await Installation.findById(`org:${ref.enterpriseId}`).lean<InstallationDoc>() : null;
      return org ? toRecord(org) : null;
    },

    async remove(key) {
      const _id = idOf(key);
      if (_id) await Installation.deleteOne({ _id });
    },

    async claimState(nonce) {
      try {
        await OAuthStateClaim.create({ _id: nonce, at: clock.now() });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },

    async purgeStateClaimsBefore(before) {
      const { deletedCount } = await OAuthStateClaim.deleteMany({ at: { $lt: before } });
      return deletedCount;
    },

    async purgeExpiredStateClaims() {
      return this.purgeStateClaimsBefore(new Date(clock.now().getTime() - OAUTH_STATE_TTL_MS));
    },

    async uninstalled(key, options) {
      const _id = idOf(key);
      if (_id && options?.eventTime) {
        const current = await Installation.findById(_id, { installedAt: 1 }).lean<Pick<InstallationDoc, 'installedAt'>>();
        // event_time has whole seconds: only an install in a later second is surely newer than the event.
        if (current && current.installedAt.getTime() >= options.eventTime.getTime() + 1000) return { paused: 0, stale: true };
      }
      const workspaces = await workspacesOf(key);
      if (_id) await Installation.deleteOne({ _id });
      let paused = 0;
      for (const ref of workspaces) paused += await pauseWorkspace(ref);
      return { paused };
    },

    async resumableAfterReinstall(ref) {
      // By _id (every App Home opening asks): most workspaces have no such document at all.
      const doc = await Uninstall.findById(workspaceKey(ref), { pausedEnrollmentIds: 1 }).lean<{ pausedEnrollmentIds: string[] }>();
      if (!doc?.pausedEnrollmentIds.length) return 0;
      return Enrollment.countDocuments({ workspace: workspaceKey(ref), _id: { $in: doc.pausedEnrollmentIds }, state: 'paused' });
    },

    async resumeAfterReinstall(actor) {
      const workspace = workspaceKey(actor.workspace);
      const doc = await Uninstall.findById(workspace).lean<{ pausedEnrollmentIds: string[] }>();
      let resumed = 0;
      for (const id of doc?.pausedEnrollmentIds ?? []) {
        const e = await Enrollment.findOne({ _id: id, workspace }, { leadId: 1, assistantId: 1, state: 1 }).lean<{ leadId: Types.ObjectId; assistantId: Types.ObjectId; state: string }>();
        if (e?.state !== 'paused') continue;
        try {
          await leads.resume(actor, String(e.leadId), { assistantId: String(e.assistantId) });
          resumed++;
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
        }
      }
      await Uninstall.updateOne({ _id: workspace }, { $set: { pausedEnrollmentIds: [], uninstalledAt: null } });
      return resumed;
    },

    async deleteDataOfUninstalled() {
      const cutoff = new Date(clock.now().getTime() - DELETE_AFTER_UNINSTALL_MS);
      const due = await Uninstall.find({ uninstalledAt: { $lte: cutoff } }, { _id: 1 }).lean<{ _id: string }[]>();
      let deleted = 0;
      for (const { _id } of due) {
        const ref = workspaceRefOf(_id);
        if (await this.forWorkspace(ref)) continue; // installed again meanwhile
        deleted += await deleteWorkspaceData(models, ref);
      }
      return deleted;
    },

    async jobStopped(ref, job) {
      await Uninstall.updateOne(
        { _id: workspaceKey(ref) },
        { $set: { lastStoppedJob: { name: job, at: clock.now() } }, $inc: { stoppedJobs: 1 }, $setOnInsert: { enterpriseId: ref.enterpriseId ?? null } },
        { upsert: true },
      );
    },

    async stoppedJobs(ref) {
      const doc = await Uninstall.findById(workspaceKey(ref), { stoppedJobs: 1, lastStoppedJob: 1 }).lean<{ stoppedJobs?: number; lastStoppedJob?: { name: string; at: Date } | null }>();
      return { count: doc?.stoppedJobs ?? 0, last: doc?.lastStoppedJob ?? null };
    },

    async dismissResume(ref) {
      await Uninstall.updateOne({ _id: workspaceKey(ref) }, { $set: { pausedEnrollmentIds: [], uninstalledAt: null } });
    },
  };
}

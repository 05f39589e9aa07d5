// What "Add to Slack" leaves behind: one installation per workspace (or per Enterprise Grid org
// for an org-wide install) with its bot token, and the single-use claims of OAuth states.
// Kept apart from models.ts so the install code stays in one place; createModels mixes them in.
import { Schema, type Connection, type Model } from 'mongoose';
import type { Clock } from '../clock.js';

/**
 * `_id` is `team:<T…>` for a workspace install and `org:<E…>` for an org-wide install: every
 * lookup is by `_id`, the one filter FerretDB v1's SQLite backend serves from its index.
 * Tokens live only here: never logged, never returned by a service or the API.
 */
export interface InstallationDoc {
  _id: string;
  isEnterpriseInstall: boolean;
  teamId: string | null;
  teamName: string | null;
  enterpriseId: string | null;
  enterpriseName: string | null;
  enterpriseUrl: string | null;
  appId: string | null;
  botToken: string;
  botId: string;
  botUserId: string;
  botScopes: string[];
  /** With token rotation: the refresh token and when the bot token expires (Unix seconds). */
  botRefreshToken: string | null;
  botExpiresAt: number | null;
  installerUserId: string;
  tokenType: string | null;
  authVersion: string;
  metadata: string | null;
  installedAt: Date;
  updatedAt: Date;
}

/** A used OAuth state: the unique `_id` makes a replayed state fail to claim, across processes. */
export interface OAuthStateClaimDoc {
  _id: string;
  at: Date;
}

/**
 * Per workspace (workspaceKey), what an uninstall left to undo: when it happened (the 30-day data
 * deletion counts from it) and which enrollments it paused (reinstalling offers to resume those).
 */
export interface UninstallDoc {
  _id: string;
  enterpriseId: string | null;
  uninstalledAt: Date | null;
  pausedEnrollmentIds: string[];
  /** Jobs for the workspace that stopped because the app was not installed: how many, and the last. */
  stoppedJobs: number;
  lastStoppedJob: { name: string; at: Date } | null;
  updatedAt: Date;
}

export interface InstallationModels {
  Installation: Model<InstallationDoc>;
  OAuthStateClaim: Model<OAuthStateClaimDoc>;
  Uninstall: Model<UninstallDoc>;
}

export function createInstallationModels(connection: Connection, clock: Clock): InstallationModels {
  const timestamps = { currentTime: () => clock.now(), createdAt: 'installedAt' as const };
  const installationSchema = new Schema<InstallationDoc>(
    {
      _id: { type: String, required: true },
      isEnterpriseInstall: { type: Boolean, required: true },
      teamId: { type: String, default: null },
      teamName: { type: String, default: null },
      enterpriseId: { type: String, default: null },
      enterpriseName: { type: String, default: null },
      enterpriseUrl: { type: String, default: null },
      appId: { type: String, default: null },
      botToken: { type: String, required: true },
      botId: { type: String, required: true },
      botUserId: { type: String, required: true },
      botScopes: { type: [String], default: [] },
      botRefreshToken: { type: String, default: null },
      botExpiresAt: { type: Number, default: null },
      installerUserId: { type: String, default: '' },
      tokenType: { type: String, default: null },
      authVersion: { type: String, default: 'v2' },
      metadata: { type: String, default: null },
    },
    { timestamps, versionKey: false, collection: 'installations' },
  );
  // An org's workspace installs and its org-wide install (uninstalling an org).
  installationSchema.index({ enterpriseId: 1 });

  const stateClaimSchema = new Schema<OAuthStateClaimDoc>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false, collection: 'oauthstateclaims' });
  stateClaimSchema.index({ at: 1 });

  const uninstallSchema = new Schema<UninstallDoc>(
    {
      _id: { type: String, required: true },
      enterpriseId: { type: String, default: null },
      uninstalledAt: { type: Date, default: null },
      pausedEnrollmentIds: { type: [String], default: [] },
      stoppedJobs: { type: Number, default: 0 },
      lastStoppedJob: { type: new Schema({ name: String, at: Date }, { _id: false }), default: null },
    },
    { timestamps: { currentTime: () => clock.now(), createdAt: false }, versionKey: false, collection: 'uninstalls' },
  );
  uninstallSchema.index({ uninstalledAt: 1 });
  uninstallSchema.index({ enterpriseId: 1 });

  return {
    Installation: connection.model<InstallationDoc>('Installation', installationSchema),
    OAuthStateClaim: connection.model<OAuthStateClaimDoc>('OAuthStateClaim', stateClaimSchema),
    Uninstall: connection.model<UninstallDoc>('Uninstall', uninstallSchema),
  };
}

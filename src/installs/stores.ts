// Bolt's installer, backed by MongoDB: its InstallationStore and StateStore contracts over the
// installations service. Several web processes share nothing in memory: a state is signed with
// SLACK_STATE_SECRET (a forged one fails the signature) and claimed once by a unique insert (a
// replayed one fails the claim, whichever process it reaches).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidStateError, type Installation, type InstallationQuery, type InstallationStore, type InstallURLOptions, type StateStore } from '@slack/oauth';
import { OAUTH_STATE_TTL_MS, type InstallationRecord, type InstallationService } from '../services/installations.js';

/** An install must finish within this long of opening /slack/install (Bolt's cookie lives as long). */
export const STATE_TTL_MS = OAUTH_STATE_TTL_MS;

export function installationStore(installations: InstallationService): InstallationStore {
  return {
    async storeInstallation(installation) {
      await installations.save(toRecord(installation));
    },
    async fetchInstallation(query) {
      const record = query.isEnterpriseInstall
        ? await installations.find({ isEnterpriseInstall: true, enterpriseId: query.enterpriseId })
        : query.teamId
          ? await installations.forWorkspace({ teamId: query.teamId, ...(query.enterpriseId ? { enterpriseId: query.enterpriseId } : {}) })
          : null;
      // Bolt turns this into its authorization failure (the request gets a 401, nothing runs).
      if (!record) throw new Error(`The app is not installed in ${describe(query)}`);
      return toInstallation(record);
    },
    async deleteInstallation(query) {
      await installations.remove({ isEnterpriseInstall: query.isEnterpriseInstall, teamId: query.teamId, enterpriseId: query.enterpriseId });
    },
  };
}

function describe(query: InstallationQuery<boolean>): string {
  return query.isEnterpriseInstall ? `org ${String(query.enterpriseId)}` : `workspace ${String(query.teamId)}`;
}

function toRecord(installation: Installation): InstallationRecord {
  const bot = installation.bot;
  if (!bot) throw new Error('An installation without a bot user: the app asks for bot scopes only');
  return {
    isEnterpriseInstall: installation.isEnterpriseInstall === true,
    ...(installation.team ? { team: { id: installation.team.id, ...(installation.team.name ? { name: installation.team.name } : {}) } } : {}),
    ...(installation.enterprise ? { enterprise: { id: installation.enterprise.id, ...(installation.enterprise.name ? { name: installation.enterprise.name } : {}) } } : {}),
    ...(installation.enterpriseUrl ? { enterpriseUrl: installation.enterpriseUrl } : {}),
    ...(installation.appId ? { appId: installation.appId } : {}),
    bot: {
      token: bot.token,
      id: bot.id,
      userId: bot.userId,
      scopes: bot.scopes,
      ...(bot.refreshToken ? { refreshToken: bot.refreshToken } : {}),
      ...(bot.expiresAt !== undefined ? { expiresAt: bot.expiresAt } : {}),
    },
    installerUserId: installation.user.id,
    ...(installation.tokenType ? { tokenType: installation.tokenType } : {}),
    authVersion: installation.authVersion ?? 'v2',
    ...(installation.metadata ? { metadata: installation.metadata } : {}),
  };
}

function toInstallation(record: InstallationRecord): Installation<'v2', boolean> {
  return {
    team: record.team ? { ...record.team } : undefined,
    enterprise: record.enterprise ? { ...record.enterprise } : undefined,
    // The app asks for no user scopes: there is never a user token.
    user: { id: record.installerUserId, token: undefined, scopes: undefined },
    bot: {
      token: record.bot.token,
      id: record.bot.id,
      userId: record.bot.userId,
      scopes: [...record.bot.scopes],
      ...(record.bot.refreshToken ? { refreshToken: record.bot.refreshToken, expiresAt: record.bot.expiresAt ?? 0 } : {}),
    },
    ...(record.appId ? { appId: record.appId } : {}),
    ...(record.enterpriseUrl ? { enterpriseUrl: record.enterpriseUrl } : {}),
    tokenType: 'bot',
    isEnterpriseInstall: record.isEnterpriseInstall,
    authVersion: 'v2',
    ...(record.metadata ? { metadata: record.metadata } : {}),
  } as Installation<'v2', boolean>;
}

interface StatePayload {
  /** The nonce claimed on use. */
  n: string;
  /** Issued at, milliseconds. */
  t: number;
  o: InstallURLOptions;
}

export function stateStore(installations: InstallationService, secret: string): StateStore {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  return {
    async generateStateParam(installOptions, now) {
      const payload = Buffer.from(JSON.stringify({ n: randomBytes(16).toString('hex'), t: now.getTime(), o: installOptions } satisfies StatePayload)).toString('base64url');
      return `${payload}.${sign(payload)}`;
    },
    async verifyStateParam(now, state) {
      const [payload = '', signature = ''] = state.split('.');
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidStateError('The state was not issued by this app');
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as StatePayload;
      if (now.getTime() - decoded.t > STATE_TTL_MS) throw new InvalidStateError('The state has expired');
      if (!(await installations.claimState(decoded.n))) throw new InvalidStateError('The state was already used');
      return decoded.o;
    },
  };
}

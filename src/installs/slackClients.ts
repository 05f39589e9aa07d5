// A ready WebClient for a workspace, for work that does not come from a Slack request (Agenda jobs:
// imports, sends, notices). Single-workspace mode: the one bot token. Distributed mode: the
// workspace's installation (its own, or its org's), with Bolt refreshing a rotating token first
// and the store keeping the new one. Honours SLACK_API_URL like every client of the app.
import type { Authorize, AuthorizeSourceData } from '@slack/bolt';
import { InstallProvider } from '@slack/oauth';
import { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import { workspaceKey, type WorkspaceRef } from '../services/domain.js';
import { installerParts } from './installer.js';

/** The app is not installed in that workspace (any more): a job for it stops quietly. */
export class NotInstalledError extends Error {
  override name = 'NotInstalledError';
  constructor(readonly workspace: WorkspaceRef) {
    super(`The app is not installed in workspace ${workspaceKey(workspace)}`);
  }
}

export interface ClientOptions {
  /** A rate-limited call throws (with `retryAfter`) instead of waiting: the caller decides (skip a progress update, wait for a summary). */
  readonly rejectRateLimitedCalls?: boolean;
}

export interface SlackClients {
  /** Throws NotInstalledError when the workspace has no installation. */
  forWorkspace(workspace: WorkspaceRef, options?: ClientOptions): Promise<WebClient>;
}

export function createSlackClients(
  config: Config,
  services: Services,
  logger: Logger,
  options: { webApiRetries?: number; /** The app's own authorize (tests: a token per workspace), used instead of the mode's. */ authorize?: Authorize<boolean> } = {},
): SlackClients {
  const clientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    ...(options.webApiRetries !== undefined ? { retryConfig: { retries: options.webApiRetries } } : {}),
  };
  const slack = config.slack;
  const { authorize } = options;
  if (authorize) {
    return {
      async forWorkspace(workspace, extra = {}) {
        const source = { teamId: workspace.teamId, enterpriseId: workspace.enterpriseId, isEnterpriseInstall: false } as AuthorizeSourceData<boolean>;
        const token = (await authorize(source).catch(() => ({ botToken: undefined }))).botToken;
        if (!token) throw new NotInstalledError(workspace);
        return new WebClient(token, { ...clientOptions, ...extra, logger });
      },
    };
  }
  if (slack.mode === 'single-workspace') {
    const client = new WebClient(slack.botToken, { ...clientOptions, logger });
    return {
      forWorkspace: async (_workspace, extra = {}) => (extra.rejectRateLimitedCalls ? new WebClient(slack.botToken, { ...clientOptions, ...extra, logger }) : client),
    };
  }
  // Bolt's own authorize: it fetches the installation, refreshes a token about to expire and stores the new one.
  const installer = new InstallProvider({
    clientId: slack.oauth.clientId,
    clientSecret: slack.oauth.clientSecret,
    ...installerParts(services, slack.oauth),
    logger,
    clientOptions,
  });
  return {
    async forWorkspace(workspace, extra = {}) {
      const installation = await services.installations.forWorkspace(workspace);
      if (!installation) throw new NotInstalledError(workspace);
      const auth = await installer.authorize({
        teamId: workspace.teamId,
        enterpriseId: workspace.enterpriseId,
        isEnterpriseInstall: installation.isEnterpriseInstall,
      });
      if (!auth.botToken) throw new NotInstalledError(workspace);
      // teamId: an org-wide token names the workspace it acts in (WebClient adds team_id to each call).
      return new WebClient(auth.botToken, { ...clientOptions, ...extra, logger, teamId: workspace.teamId });
    },
  };
}

// A ready WebClient for a workspace, for work that does not come from a Slack request (Agenda jobs:
// imports, sends, notices). Single-workspace mode: the one bot token. Distributed mode: the
// workspace's installation (its own, or its org's), with Bolt refreshing a rotating token first
// and the store keeping the new one. Honours SLACK_API_URL like every client of the app.
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

export interface SlackClients {
  /** Throws NotInstalledError when the workspace has no installation. */
  forWorkspace(workspace: WorkspaceRef): Promise<WebClient>;
}

export function createSlackClients(config: Config, services: Services, logger: Logger, options: { webApiRetries?: number } = {}): SlackClients {
  const clientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    ...(options.webApiRetries !== undefined ? { retryConfig: { retries: options.webApiRetries } } : {}),
  };
  const slack = config.slack;
  if (slack.mode === 'single-workspace') {
    const client = new WebClient(slack.botToken, { ...clientOptions, logger });
    return { forWorkspace: async () => client };
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
    async forWorkspace(workspace) {
      const installation = await services.installations.forWorkspace(workspace);
      if (!installation) throw new NotInstalledError(workspace);
      const auth = await installer.authorize({
        teamId: workspace.teamId,
        enterpriseId: workspace.enterpriseId,
        isEnterpriseInstall: installation.isEnterpriseInstall,
      });
      if (!auth.botToken) throw new NotInstalledError(workspace);
      // teamId: an org-wide token names the workspace it acts in (WebClient adds team_id to each call).
      return new WebClient(auth.botToken, { ...clientOptions, logger, teamId: workspace.teamId });
    },
  };
}

// "Add to Slack" with Bolt's own installer: GET /slack/install (the page with the button),
// GET /slack/oauth_redirect (Slack sends the user back with a code), our MongoDB stores, and the
// pages that end the flow. Used only in distributed mode (config.slack.mode).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, type CallbackOptions, type CodedError, type Installation, type InstallationStore, type StateStore } from '@slack/oauth';
import { OAUTH_INSTALL_PATH, OAUTH_REDIRECT_PATH, type OAuthConfig } from '../config.js';
import type { Services } from '../services/index.js';
import { installedPage, installFailedPage, type InstallFailure } from './pages.js';
import { installationStore, stateStore, STATE_TTL_MS } from './stores.js';

/** The bot scopes "Add to Slack" asks for: the same list as manifest.yml's oauth_config.scopes.bot (test/support/fakeOAuth.test.ts checks). */
export const BOT_SCOPES = ['commands', 'users:read', 'channels:read', 'groups:read', 'chat:write', 'files:read', 'files:write'] as const;

/** Slack's authorize page, beside the Web API (SLACK_API_URL moves both; the tests point them at the local Slack). */
export function authorizationUrl(apiUrl: string | undefined): string {
  return apiUrl ? new URL('../oauth/v2/authorize', apiUrl).toString() : 'https://slack.com/oauth/v2/authorize';
}

export interface InstallerParts {
  readonly installationStore: InstallationStore;
  readonly stateStore: StateStore;
}

export function installerParts(services: Services, oauth: OAuthConfig): InstallerParts {
  return { installationStore: installationStore(services.installations), stateStore: stateStore(services.installations, oauth.stateSecret) };
}

/** What Bolt's HTTPReceiver (or SocketModeReceiver) takes to serve the install flow. */
export function receiverInstallOptions(services: Services, oauth: OAuthConfig, apiUrl: string | undefined) {
  const parts = installerParts(services, oauth);
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    scopes: [...BOT_SCOPES],
    installationStore: parts.installationStore,
    ...(oauth.redirectUrl ? { redirectUri: oauth.redirectUrl } : {}),
    installerOptions: {
      stateStore: parts.stateStore,
      stateCookieExpirationSeconds: STATE_TTL_MS / 1000,
      installPath: OAUTH_INSTALL_PATH,
      redirectUriPath: OAUTH_REDIRECT_PATH,
      authorizationUrl: authorizationUrl(apiUrl),
      clientOptions: apiUrl ? { slackApiUrl: apiUrl } : {},
      callbackOptions: installCallbacks(),
    },
  };
}

function installCallbacks(): CallbackOptions {
  return {
    success: (installation: Installation, _options: unknown, _req: IncomingMessage, res: ServerResponse) => {
      const org = installation.isEnterpriseInstall === true;
      const html = installedPage(
        {
          ...(installation.team?.name ? { teamName: installation.team.name } : {}),
          ...(installation.team?.id ? { teamId: installation.team.id } : {}),
          ...(installation.enterprise?.name ? { enterpriseName: installation.enterprise.name } : {}),
          ...(installation.appId ? { appId: installation.appId } : {}),
          ...(org && installation.enterpriseUrl && installation.appId
            ? { addToWorkspacesUrl: `${installation.enterpriseUrl}manage/organization/apps/profile/${installation.appId}/workspaces/add` }
            : {}),
        },
        OAUTH_INSTALL_PATH,
      );
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(html);
    },
    failure: (error: CodedError, _options: unknown, req: IncomingMessage, res: ServerResponse) => {
      const failure = failureOf(error, req);
      res.writeHead(failure === 'other' ? 500 : 400, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(installFailedPage(failure, OAUTH_INSTALL_PATH));
    },
  };
}

function failureOf(error: CodedError, req: IncomingMessage): InstallFailure {
  if (error.code === ErrorCode.InvalidStateError) return 'invalid_state';
  if (error.code === ErrorCode.MissingStateError) return 'missing_state';
  if (error.code === ErrorCode.MissingCodeError) return 'missing_code';
  if (new URL(req.url ?? '/', 'http://localhost').searchParams.get('error') === 'access_denied') return 'cancelled';
  return 'other';
}

// The whole app, started as `npm start` starts it, against the local Slack and database.
// Each test makes its own workspace (team id), so tests never depend on one another.
import { randomBytes } from 'node:crypto';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import type { Clock } from '../../src/clock.js';
import type { Services } from '../../src/services/index.js';
import type { WorkspaceRef } from '../../src/services/domain.js';
import { startFakeSlack, type FakeSlack, type FakeUserInput } from './fakeSlack.js';
import { SlackDriver } from './slackDriver.js';
import { testDatabaseUri, uniqueName } from './db.js';

export const SIGNING_SECRET = 'test-signing-secret';

export interface TestWorkspace {
  readonly ref: WorkspaceRef;
  readonly channelId: string;
  /** A driver acting as `userId` (added to the fake on first use). */
  as(userId: string, user?: Omit<FakeUserInput, 'id' | 'teamId'>): SlackDriver;
}

export interface TestApp {
  readonly fake: FakeSlack;
  readonly runtime: Runtime;
  readonly services: Services;
  readonly url: string;
  /** A new workspace; `installed: false` leaves installing it to "Add to Slack" (distributed mode). */
  workspace(options?: { installed?: boolean; enterpriseId?: string; isEnterpriseInstall?: boolean }): TestWorkspace;
  stop(): Promise<void>;
}

/** `env`: more environment for the config (REPLY_WEBHOOK_SECRET, PUBLIC_URL…). */
export async function startTestApp(options: { clock?: Clock; databaseUri?: string; distributed?: boolean; env?: Record<string, string> } = {}): Promise<TestApp> {
  const fake = await startFakeSlack(options.clock ? { now: () => options.clock!.now().getTime() } : {});
  const config = parseConfig({
    // Distributed: "Add to Slack" against the local Slack, each workspace's token from the installation store.
    ...(options.distributed
      ? { SLACK_CLIENT_ID: fake.oauth.app.clientId, SLACK_CLIENT_SECRET: fake.oauth.app.clientSecret, SLACK_STATE_SECRET: 'test-state-secret-0123456789abcdef' }
      : // Required by the config, never used: each workspace() has its own token (see authorize below).
        { SLACK_BOT_TOKEN: 'xoxb-unused-by-tests' }),
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
    MONGODB_URI: options.databaseUri ?? testDatabaseUri(),
    LOG_LEVEL: 'error',
    ...options.env,
  });
  const runtime = await startRuntime(config, {
    logger: createLogger('error'),
    dbName: uniqueName('app'),
    webApiRetries: 0,
    // As an app installed in many workspaces: each request acts with its own workspace's bot token.
    ...(options.distributed
      ? {}
      : {
          authorize: async ({ teamId }: { teamId?: string }) => {
            const botToken = teamId ? fake.botTokenOf(teamId) : undefined;
            if (!botToken) throw new Error(`The app is not installed in workspace ${String(teamId)}`);
            return { botToken, botId: fake.botId, botUserId: fake.botUserId, teamId };
          },
        }),
    monitorCommands: true,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const url = `http://127.0.0.1:${runtime.port}`;
  fake.oauth.app.redirectUrls = [`${url}/slack/oauth_redirect`];
  return {
    fake,
    runtime,
    services: runtime.services,
    url,
    workspace(workspaceOptions = {}) {
      const teamId = `T${randomBytes(4).toString('hex').toUpperCase()}`;
      const channelId = `C${randomBytes(4).toString('hex').toUpperCase()}`;
      const { enterpriseId, isEnterpriseInstall } = workspaceOptions;
      fake.addTeam({ id: teamId, ...(enterpriseId ? { enterpriseId } : {}), installed: workspaceOptions.installed ?? !options.distributed });
      fake.addChannel({ id: channelId, teamId, name: `sales-${channelId.toLowerCase()}`, botIsMember: true });
      const known = new Set<string>();
      return {
        ref: enterpriseId ? { teamId, enterpriseId } : { teamId },
        channelId,
        as(userId, user = {}) {
          if (!known.has(userId)) {
            fake.addUser({ id: userId, teamId, tz: 'America/New_York', ...user });
            known.add(userId);
          }
          return new SlackDriver({ appUrl: url, signingSecret: SIGNING_SECRET, fake, team: { id: teamId, ...(enterpriseId ? { enterpriseId } : {}), ...(isEnterpriseInstall ? { isEnterpriseInstall } : {}) }, user: { id: userId, ...(user.name ? { name: user.name } : {}) }, channelId });
        },
      };
    },
    async stop() {
      await runtime.connection.dropDatabase().catch(() => {});
      await runtime.stop();
      await fake.close();
    },
  };
}

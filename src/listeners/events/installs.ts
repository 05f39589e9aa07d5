// The app leaves a workspace (app_uninstalled, or tokens_revoked for its bot) and comes back:
// the installation goes and the workspace's enrollments pause; after a reinstall, App Home offers
// to resume them (the click confirms first). Bolt runs these two events without authorize, since
// there is no token left to authorize with.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { HOME } from '../../../views/home.js';
import { actorOf, logFailure, workspaceOf } from '../context.js';
import { publishHome } from './index.js';

interface EventEnvelope {
  /** When Slack saw it happen (Unix seconds): a retry can arrive after a reinstall. */
  event_time?: number;
  team_id?: string;
  enterprise_id?: string;
  is_enterprise_install?: boolean;
  authorizations?: Array<{ team_id?: string | null; enterprise_id?: string | null; is_enterprise_install?: boolean }>;
}

/** Which installation an event is about: the org's for an org-wide install, else the workspace's. */
function installationOf(body: EventEnvelope) {
  const authorization = body.authorizations?.[0];
  const enterpriseId = body.enterprise_id ?? authorization?.enterprise_id ?? undefined;
  const teamId = body.team_id ?? authorization?.team_id ?? undefined;
  return { teamId, enterpriseId, isEnterpriseInstall: authorization?.is_enterprise_install ?? body.is_enterprise_install ?? false };
}

export function register(app: App, services: Services, logger: Logger): void {
  const uninstalled = async (body: EventEnvelope, what: string) => {
    try {
      const key = installationOf(body);
      const eventTime = typeof body.event_time === 'number' ? new Date(body.event_time * 1000) : undefined;
      const { paused, stale } = await services.installations.uninstalled(key, eventTime ? { eventTime } : {});
      if (stale) {
        logger.info(`${what} from before the current installation ignored (${key.isEnterpriseInstall ? `org ${String(key.enterpriseId)}` : `workspace ${String(key.teamId)}`})`);
        return;
      }
      logger.info(`${what}: ${key.isEnterpriseInstall ? `org ${String(key.enterpriseId)}` : `workspace ${String(key.teamId)}`} removed, ${paused} enrollments paused`);
    } catch (error) {
      // Slack retries an event it saw fail; this one is acked already, so the log is the record.
      logFailure(logger, what, error, body);
    }
  };

  app.event('app_uninstalled', async ({ body }) => uninstalled(body as EventEnvelope, 'Uninstall'));

  app.event('tokens_revoked', async ({ event, body }) => {
    // Only the bot's token matters: revoking a user's token leaves the app installed.
    if ((event.tokens.bot ?? []).length > 0) await uninstalled(body as EventEnvelope, 'Bot token revoked');
  });

  app.action(HOME.resumeAfterReinstall, async ({ ack, body, client }) => {
    await ack();
    const ref = workspaceOf(body);
    const userId = (body as { user: { id: string } }).user.id;
    try {
      await services.installations.resumeAfterReinstall(await actorOf(client, ref, userId));
      await publishHome(services, client, ref, userId);
    } catch (error) {
      logFailure(logger, 'Resume after reinstall', error);
    }
  });

  app.action(HOME.keepPaused, async ({ ack, body, client }) => {
    await ack();
    const ref = workspaceOf(body);
    const userId = (body as { user: { id: string } }).user.id;
    try {
      await services.installations.dismissResume(ref);
      await publishHome(services, client, ref, userId);
    } catch (error) {
      logFailure(logger, 'Keep paused after reinstall', error);
    }
  });
}

// App Home: published each time a user opens it, so it always shows the current schedules.
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { WorkspaceRef } from '../../services/domain.js';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { HOME, homeView } from '../../../views/home.js';
import { HOME_DELIVERY_ASSISTANTS } from '../../../views/homeDelivery.js';
import { customMessageModal } from '../../../views/customMessageModal.js';
import { logFailure, userMessage, workspaceOf } from '../context.js';
import { notice } from '../../../views/message.js';
import { cloneView } from '../flows/schedules.js';
import { openWhenReady } from '../flows/answers.js';
import { SUBCOMMANDS } from '../commands/parseScheduleCommand.js';

/** Publishes the App Home of `userId` as it stands now. */
export async function publishHome(services: Services, client: WebClient, ref: WorkspaceRef, userId: string): Promise<void> {
  const [schedules, assistants, pausedByUninstall] = await Promise.all([
    services.schedules.list(ref),
    services.assistants.list(ref),
    services.installations.resumableAfterReinstall(ref),
  ]);
  // The viewer's own assistants first, then by name (as listed); as many as the Home tab shows.
  const shown = [...assistants.filter((a) => a.owner === userId), ...assistants.filter((a) => a.owner !== userId)].slice(0, HOME_DELIVERY_ASSISTANTS);
  const overviews = await services.deliveryOverview.overview(ref, shown);
  const delivery = { assistants: shown.map((a, i) => ({ name: a.name, timeZone: a.timeZone, overview: overviews[i]! })), more: assistants.length - shown.length };
  await client.views.publish({
    user_id: userId,
    view: homeView({ schedules, assistantCount: assistants.length, commands: SUBCOMMANDS, pausedByUninstall, delivery }),
  });
}

export function register(app: App, services: Services, logger: Logger): void {
  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    try {
      const ref = workspaceOf({ team_id: body.team_id, enterprise_id: body.enterprise_id });
      // Events are acknowledged before listeners run: seeding here is off the ack path.
      await services.workspaces.ensureSeeded(ref);
      await publishHome(services, client, ref, event.user);
    } catch (error) {
      logFailure(logger, 'App Home', error);
      // The tab says what went wrong (the database not answering, most likely) rather than staying stale.
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: notice(userMessage(error)).blocks } }).catch(() => {});
    }
  });

  app.action(HOME.clone, async ({ ack, body, client }) => {
    await ack();
    const triggerId = (body as { trigger_id: string }).trigger_id;
    await openWhenReady({ client, triggerId, logger }, 'Clone a schedule', 'Clone from App Home', async () => ({ modal: await cloneView(services, workspaceOf(body)) }));
  });

  app.action(HOME.newMessage, async ({ ack, body, client }) => {
    await ack();
    await client.views.open({ trigger_id: (body as { trigger_id: string }).trigger_id, view: customMessageModal({ metadata: {} }) });
  });
}

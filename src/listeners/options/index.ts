// Type-ahead menus (external selects): schedules to clone, custom messages for a step.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { CLONE, scheduleOptions } from '../../../views/cloneModal.js';
import { customMessageOptions } from '../../../views/scheduleEditor.js';
import { workspaceOf } from '../context.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.options<'block_suggestion'>({ action_id: CLONE.sourceAction }, async ({ ack, body, payload }) => {
    try {
      const schedules = await services.schedules.search(workspaceOf(body), payload.value ?? '', { limit: 100 });
      await ack({ options: scheduleOptions(schedules) });
    } catch (error) {
      logger.error(`Schedule options: ${(error as Error).message}`);
      await ack({ options: [] });
    }
  });

  app.options<'block_suggestion'>({ action_id: /^editor\.message\./ }, async ({ ack, body, payload }) => {
    try {
      // One place stays for "Create new…".
      const messages = await services.customMessages.search(workspaceOf(body), payload.value ?? '', 99);
      await ack({ options: customMessageOptions(messages) });
    } catch (error) {
      logger.error(`Custom message options: ${(error as Error).message}`);
      await ack({ options: [] });
    }
  });
}

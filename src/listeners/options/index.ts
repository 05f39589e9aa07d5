// Type-ahead menus (external selects): schedules to clone, custom messages for a step.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { CLONE, scheduleOptions } from '../../../views/cloneModal.js';
import { customMessageOptions } from '../../../views/scheduleEditor.js';
import { workspaceOf } from '../context.js';
import { answerOptions, typedText } from '../flows/answers.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.options<'block_suggestion'>({ action_id: CLONE.sourceAction }, async ({ ack, body, payload }) => {
    await answerOptions(ack, logger, 'Schedule options', async () =>
      scheduleOptions(await services.schedules.search(workspaceOf(body), typedText(payload.value), { limit: 100 })),
    );
  });

  app.options<'block_suggestion'>({ action_id: /^editor\.message\./ }, async ({ ack, body, payload }) => {
    // One place stays for "Create new…".
    await answerOptions(ack, logger, 'Custom message options', async () =>
      customMessageOptions(await services.customMessages.search(workspaceOf(body), typedText(payload.value), 99)),
    );
  });
}

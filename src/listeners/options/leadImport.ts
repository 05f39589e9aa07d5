// The import modal's schedule type-ahead: every schedule (the service refuses one of the wrong
// kind for the Email CC box, in the form).
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { LEAD_IMPORT } from '../../../views/leadImport.js';
import { scheduleOptions } from '../../../views/cloneModal.js';
import { workspaceOf } from '../context.js';
import { answerOptions } from '../flows/answers.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.options<'block_suggestion'>({ action_id: LEAD_IMPORT.scheduleAction }, async ({ ack, body, payload }) => {
    await answerOptions(ack, logger, 'Import schedule options', async () =>
      scheduleOptions(await services.schedules.search(workspaceOf(body), payload.value, { limit: 100 })),
    );
  });
}

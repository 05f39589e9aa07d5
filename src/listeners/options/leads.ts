// Type-ahead of the add lead modal's schedule: Email CC schedules only when the box is ticked
// (the block id says which: it ends with `.cc` or `.new`), the others otherwise.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { LEAD_ADD } from '../../../views/leadAddModal.js';
import { scheduleOptions } from '../../../views/cloneModal.js';
import { workspaceOf } from '../context.js';
import { answerOptions } from '../flows/answers.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.options<'block_suggestion'>({ action_id: LEAD_ADD.scheduleAction }, async ({ ack, body, payload }) => {
    const emailCc = payload.block_id?.endsWith('.cc') ?? false;
    await answerOptions(ack, logger, 'Lead schedule options', async () =>
      scheduleOptions(await services.schedules.search(workspaceOf(body), payload.value, { limit: 100, emailCc })),
    );
  });
}

// Type-ahead menus (external selects): schedules to clone; in the step editor, a step's message type
// and custom message, and whose calendar the example dates follow.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { CLONE, scheduleOptions } from '../../../views/cloneModal.js';
import { EDITOR, customMessageOptions, previewForOptions, stepTypeOptions } from '../../../views/scheduleEditor.js';
import { nameKey } from '../../services/domain.js';
import { actionIdPrefix, workspaceOf } from '../context.js';
import { answerOptions } from '../flows/answers.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.options<'block_suggestion'>({ action_id: CLONE.sourceAction }, async ({ ack, body, payload }) => {
    await answerOptions(ack, logger, 'Schedule options', async () =>
      scheduleOptions(await services.schedules.search(workspaceOf(body), payload.value, { limit: 100 })),
    );
  });

  app.options<'block_suggestion'>({ action_id: /^editor\.message\./ }, async ({ ack, body, payload }) => {
    // One place stays for "Create new…".
    await answerOptions(ack, logger, 'Custom message options', async () =>
      customMessageOptions(await services.customMessages.search(workspaceOf(body), payload.value, 99)),
    );
  });

  // The same eight choices in every workspace: no database.
  app.options<'block_suggestion'>({ action_id: actionIdPrefix(EDITOR.type) }, async ({ ack, payload }) => {
    await ack({ options: stepTypeOptions(payload.value) });
  });

  app.options<'block_suggestion'>({ action_id: EDITOR.previewAction }, async ({ ack, body, payload }) => {
    const typed = nameKey(payload.value);
    await answerOptions(ack, logger, 'Preview dates for options', async () =>
      previewForOptions((await services.assistants.list(workspaceOf(body))).filter((a) => nameKey(a.name).includes(typed))),
    );
  });
}

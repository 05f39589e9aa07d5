// Buttons on `/schedule message list`: Edit (opens the modal for the creator or an admin) and pages.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { MESSAGE_LIST, customMessageListMessage } from '../../../views/customMessageList.js';
import { actionIdPrefix, actorOf, answeringFailures, workspaceOf } from '../context.js';
import { messageEditView } from '../flows/customMessages.js';
import { openWhenReady } from '../flows/answers.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionIdPrefix(MESSAGE_LIST.edit) }, async ({ ack, body, action, client, respond }) => {
    await ack();
    await answeringFailures(respond, logger, 'Edit custom message from list', () =>
      openWhenReady({ client, triggerId: body.trigger_id, respond, logger }, 'Edit custom message', 'Edit custom message from list', async () => {
        const ref = workspaceOf(body);
        const actor = await actorOf(client, ref, body.user.id);
        const message = await services.customMessages.get(ref, String(action.value ?? ''));
        return { modal: messageEditView(services, actor, message, body.response_url) };
      }),
    );
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionIdPrefix(MESSAGE_LIST.page) }, async ({ ack, body, action, respond }) => {
    await ack();
    await answeringFailures(respond, logger, 'Custom message list page', async () => {
      const messages = await services.customMessages.list(workspaceOf(body));
      await respond({ response_type: 'ephemeral', replace_original: true, ...customMessageListMessage(messages, Number(action.value) || 0) });
    });
  });
}

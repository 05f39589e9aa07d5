// Buttons on `/schedule message list`: Edit (opens the modal for the creator or an admin) and pages.
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { MESSAGE_LIST, customMessageListMessage } from '../../../views/customMessageList.js';
import { notice } from '../../../views/message.js';
import { actorOf, userMessage, workspaceOf } from '../context.js';
import { openMessageEdit } from '../customMessageFlows.js';

const prefixed = (id: string) => new RegExp(`^${id.replace(/\./g, '\\.')}\\.`);

export function register(app: App, services: Services, logger: Logger): void {
  const guarded = async (respond: RespondFn, what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof Error && 'code' in error)) logger.error(`${what}: ${(error as Error).stack ?? String(error)}`);
      await respond({ response_type: 'ephemeral', replace_original: false, ...notice(userMessage(error)) });
    }
  };

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: prefixed(MESSAGE_LIST.edit) }, async ({ ack, body, action, client, respond }) => {
    await ack();
    await guarded(respond, 'Edit custom message from list', async () => {
      const ref = workspaceOf(body);
      const actor = await actorOf(client, ref, body.user.id);
      const message = await services.customMessages.get(ref, action.value ?? '');
      await openMessageEdit(client, body.trigger_id, services, actor, message, body.response_url);
    });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: prefixed(MESSAGE_LIST.page) }, async ({ ack, body, action, respond }) => {
    await ack();
    await guarded(respond, 'Custom message list page', async () => {
      const messages = await services.customMessages.list(workspaceOf(body));
      await respond({ response_type: 'ephemeral', replace_original: true, ...customMessageListMessage(messages, Number(action.value) || 0) });
    });
  });
}

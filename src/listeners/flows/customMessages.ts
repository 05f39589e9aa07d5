// Custom message flows reached from `/schedule message …` and from the list's buttons alike.
import type { WebClient } from '@slack/web-api';
import type { Services } from '../../services/index.js';
import type { CustomMessage } from '../../services/customMessages.js';
import { customMessageModal } from '../../../views/customMessageModal.js';
import type { SlackActor } from '../context.js';

/** Opens the custom message modal prefilled; only its creator or an admin gets this far (forbidden otherwise). */
export async function openMessageEdit(
  client: WebClient,
  triggerId: string,
  services: Services,
  actor: SlackActor,
  message: CustomMessage,
  responseUrl: string | undefined,
): Promise<void> {
  services.customMessages.assertCanEdit(actor, message);
  await client.views.open({
    trigger_id: triggerId,
    view: customMessageModal({ message, metadata: { messageId: message.id, ...(responseUrl ? { responseUrl } : {}) } }),
  });
}

// Custom message flows reached from `/schedule message …` and from the list's buttons alike.
import type { ModalView } from '@slack/types';
import type { Services } from '../../services/index.js';
import type { CustomMessage } from '../../services/customMessages.js';
import { customMessageModal } from '../../../views/customMessageModal.js';
import type { SlackActor } from '../context.js';

/** The custom message modal prefilled; only its creator or an admin gets this far (forbidden otherwise). */
export function messageEditView(services: Services, actor: SlackActor, message: CustomMessage, responseUrl: string | undefined): ModalView {
  services.customMessages.assertCanEdit(actor, message);
  return customMessageModal({ message, metadata: { messageId: message.id, version: message.version, ...(responseUrl ? { responseUrl } : {}) } });
}

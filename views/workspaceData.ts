// `/schedule delete-workspace-data`: the typed confirmation, what follows it, and the DM once done.
import type { ModalView } from '@slack/types';
import { DELETE_CONFIRMATION_PHRASE } from '../src/services/workspaceDataRequests.js';
import { doneModal } from './doneModal.js';
import { notice, type MessageView } from './message.js';
import { mrkdwn } from './text.js';

export const DELETE_WORKSPACE_DATA = {
  callbackId: 'workspace_data.delete',
  confirmationBlock: 'workspace_data.delete.confirmation',
  confirmationAction: 'workspace_data.delete.confirmation_input',
} as const;

export function deleteWorkspaceDataModal(): ModalView {
  return {
    type: 'modal',
    callback_id: DELETE_WORKSPACE_DATA.callbackId,
    title: { type: 'plain_text', text: 'Delete workspace data' },
    submit: { type: 'plain_text', text: 'Delete everything' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          ':warning: This deletes *everything* Followups keeps for this workspace: every schedule, custom message and assistant, every lead with its followups and history, lead imports and API tokens. Nothing is sent to any lead afterwards, and it cannot be undone.\n\nThe app stays installed: the two system schedules come back, as on the first day. To keep a copy, run `/schedule export` first.',
        ),
      },
      {
        type: 'input',
        block_id: DELETE_WORKSPACE_DATA.confirmationBlock,
        label: { type: 'plain_text', text: `Type “${DELETE_CONFIRMATION_PHRASE}” to confirm` },
        element: { type: 'plain_text_input', action_id: DELETE_WORKSPACE_DATA.confirmationAction, max_length: 100, placeholder: { type: 'plain_text', text: DELETE_CONFIRMATION_PHRASE } },
      },
    ],
  };
}

export function deletionStartedModal(): ModalView {
  return doneModal('Deleting data', ':wastebasket: Deleting everything of this workspace. I will tell you in your DM with the app when it is done.');
}

export function deletionDoneMessage(): MessageView {
  return notice(':white_check_mark: Everything Followups kept for this workspace has been deleted. The system schedules are back; the app is ready to use as on its first day.');
}

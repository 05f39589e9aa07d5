// `/schedule export` (started, the DM around the file) and `/schedule delete-workspace-data` (the
// typed confirmation, what follows it, and the DM once done).
import type { ModalView } from '@slack/types';
import { DELETE_CONFIRMATION_PHRASE } from '../src/services/workspaceDataRequests.js';
import { doneModal } from './doneModal.js';
import { notice, type MessageView } from './message.js';
import { code, mrkdwn, plural } from './text.js';

/** The command's answer, at once (the file comes later). */
export function exportStartedMessage(): MessageView {
  return notice(':package: Export started. The file with every record of this workspace will come to your DM with the app in a moment (a big workspace takes a few minutes).');
}

/** The DM's first message, while the file is being written. */
export function exportPreparingMessage(): MessageView {
  return notice(':hourglass_flowing_sand: Writing the export of this workspace: schedules, custom messages, assistants, leads with their followups and history, lead imports, API tokens (their names, never the tokens) and what delivery recorded. The file comes here.');
}

const SECTION_WORDS: Readonly<Record<string, [string, string?]>> = {
  schedules: ['schedule'],
  customMessages: ['custom message'],
  assistants: ['assistant'],
  leads: ['lead'],
  enrollments: ['enrollment'],
  leadImports: ['lead import'],
  apiTokens: ['API token'],
  notices: ['notice'],
  outbox: ['outbox email'],
  sends: ['send'],
};

/** The comment the file is shared with: what is in it. */
export function exportReadyText(counts: Readonly<Record<string, number>>, gzipped: boolean): string {
  const parts = Object.entries(counts)
    .filter(([section]) => SECTION_WORDS[section])
    .map(([section, count]) => {
      const [one, many] = SECTION_WORDS[section]!;
      return plural(count, one, many);
    });
  return `:white_check_mark: The export of this workspace: ${parts.join(', ')}. Every record is in the file, as JSON${gzipped ? ' (gzipped: open it to unpack)' : ''}.`;
}

/** Said on the command's response_url when the DM could not take the file. */
export function exportUndeliverableMessage(slackError: string): MessageView {
  return notice(`:warning: I could not send the export to your DM with the app (Slack said ${code(slackError, 60)}). It holds every lead’s details, so it was not posted anywhere else. Try \`/schedule export\` again in a moment.`);
}

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

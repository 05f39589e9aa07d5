// `/schedule delete <name>` answers with this; Slack's confirm dialog guards the button.
import type { MessageView } from './message.js';
import { clip, escapeMrkdwn } from './text.js';

export const DELETE = { confirm: 'schedule_delete.confirm', cancel: 'schedule_delete.cancel' } as const;

export function deleteConfirmMessage(schedule: { readonly id: string; readonly name: string; readonly stepCount: number }): MessageView {
  const name = escapeMrkdwn(schedule.name);
  return {
    text: `Delete “${schedule.name}”?`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `Delete *${name}* and its ${schedule.stepCount} steps? This can't be undone.` } },
      {
        type: 'actions',
        block_id: 'schedule_delete',
        elements: [
          {
            type: 'button',
            action_id: DELETE.confirm,
            style: 'danger',
            text: { type: 'plain_text', text: 'Delete' },
            value: schedule.id,
            confirm: {
              title: { type: 'plain_text', text: 'Delete this schedule?' },
              text: { type: 'mrkdwn', text: clip(`*${name}* will be gone for everyone in this workspace.`, 300) },
              confirm: { type: 'plain_text', text: 'Delete' },
              deny: { type: 'plain_text', text: 'Keep it' },
              style: 'danger',
            },
          },
          { type: 'button', action_id: DELETE.cancel, text: { type: 'plain_text', text: 'Keep it' }, value: schedule.id },
        ],
      },
    ],
  };
}

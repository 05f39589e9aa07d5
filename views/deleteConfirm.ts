// `/schedule delete <name>` answers with this; Slack's confirm dialog guards the button.
import { notice, type MessageView } from './message.js';
import { bold, mrkdwn, plural, quoted } from './text.js';

export const DELETE = { confirm: 'schedule_delete.confirm', cancel: 'schedule_delete.cancel' } as const;

export function deleteConfirmMessage(schedule: { readonly id: string; readonly name: string; readonly stepCount: number }): MessageView {
  return {
    text: `Delete ${quoted(schedule.name)}?`,
    blocks: [
      { type: 'section', text: mrkdwn(`Delete ${bold(schedule.name)} and its ${plural(schedule.stepCount, 'step')}? This can't be undone.`) },
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
              // A confirm dialog's text holds 300 characters.
              text: mrkdwn(`${bold(schedule.name, 200)} will be gone for everyone in this workspace.`),
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

export function scheduleDeletedMessage(name: string): MessageView {
  return notice(`:wastebasket: Deleted ${bold(name)}.`);
}

export function scheduleKeptMessage(name: string): MessageView {
  return notice(`Kept ${bold(name)}; nothing was deleted.`);
}

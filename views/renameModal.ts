import type { ModalView } from '@slack/types';
import { MAX_SCHEDULE_NAME } from '../src/services/domain.js';
import { doneModal } from './doneModal.js';
import { bold, clip } from './text.js';

export const RENAME = {
  callbackId: 'schedule_rename',
  nameBlock: 'rename.name',
  nameAction: 'rename.name_input',
} as const;

export function renameModal(schedule: { readonly id: string; readonly name: string }): ModalView {
  return {
    type: 'modal',
    callback_id: RENAME.callbackId,
    private_metadata: JSON.stringify({ scheduleId: schedule.id }),
    title: { type: 'plain_text', text: 'Rename schedule' },
    submit: { type: 'plain_text', text: 'Rename' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: RENAME.nameBlock,
        label: { type: 'plain_text', text: 'New name' },
        element: { type: 'plain_text_input', action_id: RENAME.nameAction, max_length: MAX_SCHEDULE_NAME, initial_value: clip(schedule.name, MAX_SCHEDULE_NAME) },
      },
    ],
  };
}

/** In place of the rename modal once the new name is saved. */
export function scheduleRenamedModal(name: string): ModalView {
  return doneModal('Schedule renamed', `:white_check_mark: The schedule is now called ${bold(name)}.`);
}

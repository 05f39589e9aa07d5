import type { ModalView } from '@slack/types';
import { clip, mrkdwn } from './text.js';

/** A modal that says an action is done, with only a close button. `text` is mrkdwn, user text in it escaped. */
export function doneModal(title: string, text: string): ModalView {
  return {
    type: 'modal',
    callback_id: 'done',
    title: { type: 'plain_text', text: clip(title, 24) },
    close: { type: 'plain_text', text: 'Done' },
    blocks: [{ type: 'section', text: mrkdwn(text) }],
  };
}

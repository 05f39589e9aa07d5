// New / edit custom message. Opened by `/schedule message new|edit`, or pushed from the step
// editor's "Create new…" (then `returnTo` brings the user back to the editor with it picked).
import type { ModalView } from '@slack/types';
import { MAX_MESSAGE_BODY, MAX_MESSAGE_NAME, MAX_MESSAGE_SUBJECT } from '../src/services/domain.js';
import { tokenList } from '../src/services/personalization.js';
import { notice, type MessageView } from './message.js';
import { bold, clip } from './text.js';

const SLACK_TEXT_INPUT_MAX = 3000;

export const CUSTOM_MESSAGE = {
  callbackId: 'custom_message',
  nameBlock: 'message.name',
  nameAction: 'message.name_input',
  subjectBlock: 'message.subject',
  subjectAction: 'message.subject_input',
  bodyBlock: 'message.body',
  bodyAction: 'message.body_input',
} as const;

export interface CustomMessageMetadata {
  /** Set when editing an existing message, with the version it was opened at (a later save by someone else wins). */
  readonly messageId?: string;
  readonly version?: number;
  /** Set when pushed from the step editor. */
  readonly returnTo?: { readonly draftId: string; readonly rowKey: string; readonly editorViewId: string };
  /** Where `/schedule message …` was typed: the confirmation goes there. */
  readonly responseUrl?: string;
}

export function customMessageModal(model: {
  readonly message?: { readonly name: string; readonly subject: string; readonly body: string };
  readonly metadata: CustomMessageMetadata;
}): ModalView {
  const { message, metadata } = model;
  return {
    type: 'modal',
    callback_id: CUSTOM_MESSAGE.callbackId,
    private_metadata: JSON.stringify(metadata),
    // Pushed from the editor: closing it comes back to the editor, which resets its select.
    notify_on_close: Boolean(metadata.returnTo),
    title: { type: 'plain_text', text: metadata.messageId ? 'Edit custom message' : 'New custom message' },
    submit: { type: 'plain_text', text: metadata.returnTo ? 'Save and use' : 'Save' },
    close: { type: 'plain_text', text: metadata.returnTo ? 'Back' : 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: CUSTOM_MESSAGE.nameBlock,
        label: { type: 'plain_text', text: 'Name' },
        hint: { type: 'plain_text', text: 'How your team finds it in the editor. Not sent to leads.' },
        element: {
          type: 'plain_text_input',
          action_id: CUSTOM_MESSAGE.nameAction,
          max_length: MAX_MESSAGE_NAME,
          placeholder: { type: 'plain_text', text: 'e.g. Pricing follow-up' },
          ...(message ? { initial_value: clip(message.name, MAX_MESSAGE_NAME) } : {}),
        },
      },
      {
        type: 'input',
        block_id: CUSTOM_MESSAGE.subjectBlock,
        optional: true,
        label: { type: 'plain_text', text: 'Subject' },
        hint: { type: 'plain_text', text: 'Leave empty to reply in the same email thread.' },
        element: {
          type: 'plain_text_input',
          action_id: CUSTOM_MESSAGE.subjectAction,
          max_length: MAX_MESSAGE_SUBJECT,
          ...(message?.subject ? { initial_value: clip(message.subject, MAX_MESSAGE_SUBJECT) } : {}),
        },
      },
      {
        type: 'input',
        block_id: CUSTOM_MESSAGE.bodyBlock,
        label: { type: 'plain_text', text: 'Message' },
        hint: {
          type: 'plain_text',
          text: clip(`Tokens: ${tokenList()} (a lead’s custom field, such as {{custom.deal_size}}). Add a fallback for leads without it: {{first_name|there}}.`, 2000),
        },
        element: {
          type: 'plain_text_input',
          action_id: CUSTOM_MESSAGE.bodyAction,
          multiline: true,
          // Slack caps a plain_text_input at 3000 characters; the service accepts up to 4000 (imports).
          max_length: Math.min(MAX_MESSAGE_BODY, SLACK_TEXT_INPUT_MAX),
          placeholder: { type: 'plain_text', text: 'Hi {{first_name|there}}, …' },
          ...(message ? { initial_value: clip(message.body, SLACK_TEXT_INPUT_MAX) } : {}),
        },
      },
    ],
  };
}

/** Posted where `/schedule message new|edit` was typed once the modal saved. */
export function customMessageSavedMessage(name: string, updated: boolean): MessageView {
  return notice(`:white_check_mark: Custom message ${bold(name)} is ${updated ? 'updated' : 'saved'}. Pick it for a step in \`/schedule edit &lt;schedule&gt;\`.`);
}

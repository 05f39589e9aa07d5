// The assistant picker several modals share (defaults, lead add, lead import).
import type { KnownBlock, PlainTextOption } from '@slack/types';
import { clip } from './text.js';

/** Slack's static select holds 100 options. */
const MAX_ASSISTANT_OPTIONS = 100;

export interface AssistantSelectOptions {
  readonly blockId: string;
  readonly actionId: string;
  readonly assistants: readonly { readonly id: string; readonly name: string }[];
  /** Shown as picked, and always among the options even past the first 100. */
  readonly pickedId: string | null;
  readonly placeholder: string;
  /** Send a block action when the pick changes (the modal re-renders around it). */
  readonly dispatch?: boolean;
}

function assistantOption(assistant: { id: string; name: string }): PlainTextOption {
  return { text: { type: 'plain_text', text: clip(assistant.name, 75) }, value: assistant.id };
}

export function assistantSelect(options: AssistantSelectOptions): KnownBlock {
  let shown = options.assistants.slice(0, MAX_ASSISTANT_OPTIONS);
  const picked = options.assistants.find((a) => a.id === options.pickedId);
  if (picked && !shown.includes(picked)) shown = [...shown.slice(0, MAX_ASSISTANT_OPTIONS - 1), picked];
  return {
    type: 'input',
    block_id: options.blockId,
    ...(options.dispatch ? { dispatch_action: true } : {}),
    label: { type: 'plain_text', text: 'Assistant' },
    element: {
      type: 'static_select',
      action_id: options.actionId,
      placeholder: { type: 'plain_text', text: options.placeholder },
      options: shown.map(assistantOption),
      ...(picked ? { initial_option: assistantOption(picked) } : {}),
    },
  };
}

// Reads what the user typed into the step editor from the modal's state (Slack's shape) into
// the draft service's TypedValues.
import type { TypedValues } from '../services/drafts.js';
import { TONES, type StepType } from '../services/domain.js';
import { EDITOR, NEW_MESSAGE_OPTION, parseRowBlockId } from '../../views/scheduleEditor.js';

interface StateValue {
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[] | null;
  selected_conversation?: string | null;
}
export type StateValues = Record<string, Record<string, StateValue>>;

const STEP_TYPES: readonly string[] = ['custom', ...TONES];

export function typedValues(values: StateValues | undefined): TypedValues {
  const rows: Record<string, { afterDays?: string; type?: StepType; customMessageId?: string }> = {};
  let name: string | undefined;
  let description: string | undefined;
  for (const [blockId, actions] of Object.entries(values ?? {})) {
    if (blockId === EDITOR.nameBlock) name = actions[EDITOR.nameAction]?.value ?? '';
    else if (blockId === EDITOR.descriptionBlock) description = actions[EDITOR.descriptionAction]?.value ?? '';
    const row = parseRowBlockId(blockId);
    if (!row) continue;
    const typed = (rows[row.key] ??= {});
    for (const [actionId, state] of Object.entries(actions)) {
      if (actionId.startsWith(`${EDITOR.after}.`)) typed.afterDays = state.value ?? '';
      else if (actionId.startsWith(`${EDITOR.type}.`)) {
        const type = state.selected_option?.value;
        if (type && STEP_TYPES.includes(type)) typed.type = type as StepType;
      } else if (actionId.startsWith(`${EDITOR.message}.`)) {
        const id = state.selected_option?.value;
        // "Create new…" is not a message; the row keeps what it had.
        if (id && id !== NEW_MESSAGE_OPTION) typed.customMessageId = id;
      }
    }
  }
  return { ...(name !== undefined ? { name } : {}), ...(description !== undefined ? { description } : {}), rows };
}

/** Reads a plain input's value from a modal's state. */
export function inputValue(values: StateValues | undefined, blockId: string, actionId: string): string {
  return values?.[blockId]?.[actionId]?.value ?? '';
}

export function selectedValue(values: StateValues | undefined, blockId: string, actionId: string): string | null {
  return values?.[blockId]?.[actionId]?.selected_option?.value ?? null;
}

/** The values of a checkboxes or multi-select group (empty when none is ticked). */
export function selectedValues(values: StateValues | undefined, blockId: string, actionId: string): string[] {
  return (values?.[blockId]?.[actionId]?.selected_options ?? []).flatMap((o) => (o.value ? [o.value] : []));
}

/** The conversation picked in a conversations_select, or null. */
export function selectedConversation(values: StateValues | undefined, blockId: string, actionId: string): string | null {
  return values?.[blockId]?.[actionId]?.selected_conversation ?? null;
}

/** The id of the first block whose id starts with `prefix` (inputs whose block id changes with what they show). */
export function blockIdWithPrefix(blocks: readonly { block_id?: string }[] | undefined, prefix: string): string | undefined {
  return blocks?.find((block) => block.block_id?.startsWith(prefix))?.block_id;
}

export function parseMetadata<T>(privateMetadata: string | undefined): Partial<T> {
  try {
    return JSON.parse(privateMetadata || '{}') as Partial<T>;
  } catch {
    return {};
  }
}

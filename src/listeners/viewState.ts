// Reading a modal's state (Slack's shape) and its private_metadata.

export interface StateValue {
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[] | null;
  selected_conversation?: string | null;
  selected_time?: string | null;
  selected_user?: string | null;
}
export type StateValues = Record<string, Record<string, StateValue>>;

// Slack sends strings here; anyone can send anything, so a value of another type reads as absent.
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Reads a plain input's value from a modal's state. */
export function inputValue(values: StateValues | undefined, blockId: string, actionId: string): string {
  return str(values?.[blockId]?.[actionId]?.value) ?? '';
}

export function selectedValue(values: StateValues | undefined, blockId: string, actionId: string): string | null {
  return str(values?.[blockId]?.[actionId]?.selected_option?.value);
}

/** The values of a checkboxes or multi-select group (empty when none is ticked). */
export function selectedValues(values: StateValues | undefined, blockId: string, actionId: string): string[] {
  const options = values?.[blockId]?.[actionId]?.selected_options;
  return (Array.isArray(options) ? options : []).flatMap((o) => (str(o?.value) ? [o.value as string] : []));
}

/** The conversation picked in a conversations_select, or null. */
export function selectedConversation(values: StateValues | undefined, blockId: string, actionId: string): string | null {
  return str(values?.[blockId]?.[actionId]?.selected_conversation);
}

/** The time picked in a timepicker ("HH:mm"), or null. */
export function selectedTime(values: StateValues | undefined, blockId: string, actionId: string): string | null {
  return str(values?.[blockId]?.[actionId]?.selected_time);
}

/** The user picked in a users_select, or null. */
export function selectedUser(values: StateValues | undefined, blockId: string, actionId: string): string | null {
  return str(values?.[blockId]?.[actionId]?.selected_user);
}

/** The id of the first block whose id starts with `prefix` (inputs whose block id changes with what they show). */
export function blockIdWithPrefix(blocks: readonly { block_id?: string }[] | undefined, prefix: string): string | undefined {
  return blocks?.find((block) => block.block_id?.startsWith(prefix))?.block_id;
}

/**
 * The version a modal was opened at, and the modal itself as the save's id (Slack sends the
 * same view id with a repeated submission). A modal without a version (opened before versions,
 * or forged) saves against version 0, which is refused as a conflict: nothing is overwritten.
 */
export function versionedSave(version: unknown, viewId: string): { baseVersion: number; saveId: string } {
  return { baseVersion: typeof version === 'number' && Number.isInteger(version) ? version : 0, saveId: viewId };
}

/** The modal's private_metadata as we wrote it; anything else (not JSON, not an object) reads as empty. */
export function parseMetadata<T>(privateMetadata: string | undefined): Partial<T> {
  try {
    const parsed: unknown = JSON.parse(typeof privateMetadata === 'string' && privateMetadata ? privateMetadata : '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Partial<T>) : {};
  } catch {
    return {};
  }
}

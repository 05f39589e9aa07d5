// Reading a modal's state (Slack's shape) and its private_metadata.

// The edge checked the state's shape (payloads.ts): every value read here has the type Slack sends.
export type { StateValue, StateValues } from './payloads.js';
import type { StateValues } from './payloads.js';

/** Reads a plain input's value from a modal's state. */
export function inputValue(values: StateValues | undefined, blockId: string, actionId: string): string {
  return values?.[blockId]?.[actionId]?.value ?? '';
}

export function selectedValue(values: StateValues | undefined, blockId: string, actionId: string): string | null {
  return values?.[blockId]?.[actionId]?.selected_option?.value ?? null;
}

/** The values of a checkboxes or multi-select group (empty when none is ticked). */
export function selectedValues(values: StateValues | undefined, blockId: string, actionId: string): string[] {
  return (values?.[blockId]?.[actionId]?.selected_options ?? []).map((o) => o.value);
}

/** The conversation picked in a conversations_select, or null. */
export function selectedConversation(values: StateValues | undefined, blockId: string, actionId: string): string | null {
  return values?.[blockId]?.[actionId]?.selected_conversation ?? null;
}

/** The time picked in a timepicker ("HH:mm"), or null. */
export function selectedTime(values: StateValues | undefined, blockId: string, actionId: string): string | null {
  return values?.[blockId]?.[actionId]?.selected_time ?? null;
}

/** The user picked in a users_select, or null. */
export function selectedUser(values: StateValues | undefined, blockId: string, actionId: string): string | null {
  return values?.[blockId]?.[actionId]?.selected_user ?? null;
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

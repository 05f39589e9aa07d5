// What the channel shows of notices, read from the local Slack's messages.
import type { FakeMessage, JsonObject } from './fakeSlack.js';
import { NOTICE } from '../../views/sendNotice.js';

/** The ids of the notices a message shows: its buttons' values (one notice) or its digest lines' block ids. */
export function noticeIdsIn(message: FakeMessage): string[] {
  const ids = new Set<string>();
  for (const block of (message.blocks ?? []) as JsonObject[]) {
    const blockId = String(block.block_id ?? '');
    if (blockId.startsWith(NOTICE.digestLinePrefix)) ids.add(blockId.slice(NOTICE.digestLinePrefix.length));
    if (block.type === 'actions') for (const el of block.elements as JsonObject[]) if (typeof el.value === 'string') ids.add(el.value);
  }
  return [...ids];
}

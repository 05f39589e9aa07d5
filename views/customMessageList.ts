// `/schedule message list`: each custom message's name, subject, the start of its body, who wrote it
// and the schedules that send it, with an Edit button. Paged to stay under a message's 50 blocks.
import type { KnownBlock } from '@slack/types';
import { pageLabel, pageOf, pagerBlocks } from './paging.js';
import type { MessageView } from './message.js';
import { MAX_MESSAGE_SUBJECT } from '../src/services/domain.js';
import { bold, inline, mrkdwn, nameList, plural, quoted, userMention } from './text.js';

export const MESSAGE_LIST = {
  edit: 'message_list.edit',
  page: 'message_list.page',
} as const;

export const MESSAGES_PER_PAGE = 15;
/** How much of a body the list shows. */
export const BODY_PREVIEW = 150;

export interface CustomMessageListItem {
  readonly id: string;
  readonly name: string;
  readonly subject: string;
  readonly body: string;
  readonly createdBy: string;
  readonly usedBy: readonly string[];
}

const EMPTY = 'No custom messages yet. Write one with `/schedule message new`, then pick it for a step in `/schedule edit &lt;schedule&gt;`.';

function itemText(item: CustomMessageListItem): string {
  const subject = item.subject ? `Subject: ${quoted(item.subject, MAX_MESSAGE_SUBJECT)}` : 'No subject: sent as a reply in the same thread';
  const usage = item.usedBy.length ? `Used in: ${nameList(item.usedBy, 10, bold)}` : 'Not used yet';
  return `${bold(item.name, 100)}\n${subject}\n> ${inline(item.body, BODY_PREVIEW)}\nBy ${userMention(item.createdBy)} · ${usage}`;
}

export function customMessageListMessage(items: readonly CustomMessageListItem[], page = 0): MessageView {
  if (!items.length) return { text: EMPTY, blocks: [{ type: 'section', text: mrkdwn(EMPTY) }] };
  const paged = pageOf(items, page, MESSAGES_PER_PAGE);
  const { shown } = paged;
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Custom messages' } }];
  for (const item of shown) {
    blocks.push({
      type: 'section',
      block_id: `message.${item.id}`,
      text: mrkdwn(itemText(item)),
      accessory: { type: 'button', action_id: `${MESSAGE_LIST.edit}.${item.id}`, text: { type: 'plain_text', text: 'Edit' }, value: item.id },
    });
  }
  blocks.push(...pagerBlocks('message_list.pages', MESSAGE_LIST.page, paged));
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(`${plural(items.length, 'custom message')}${pageLabel(paged)} · \`/schedule message new\` to write one`),
    ],
  });
  return { text: `Custom messages (${items.length})`, blocks };
}

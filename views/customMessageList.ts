// `/schedule message list`: each custom message's name, subject, the start of its body, who wrote it
// and the schedules that send it, with an Edit button. Paged to stay under a message's 50 blocks.
import type { KnownBlock } from '@slack/types';
import { pageLabel, pageOf, pagerBlocks } from './paging.js';
import type { MessageView } from './message.js';
import { clip, escapeMrkdwn, plural } from './text.js';

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

const EMPTY = 'No custom messages yet. Write one with `/schedule message new`, then pick it for a step in `/schedule edit <schedule>`.';

function itemText(item: CustomMessageListItem): string {
  const subject = item.subject ? `Subject: “${escapeMrkdwn(item.subject)}”` : 'No subject: sent as a reply in the same thread';
  const body = escapeMrkdwn(clip(item.body.replace(/\s+/g, ' ').trim(), BODY_PREVIEW));
  const usage = item.usedBy.length ? `Used in: ${item.usedBy.map((name) => `*${escapeMrkdwn(name)}*`).join(', ')}` : 'Not used yet';
  return clip(`*${escapeMrkdwn(item.name)}*\n${subject}\n> ${body}\nBy <@${item.createdBy}> · ${usage}`, 3000);
}

export function customMessageListMessage(items: readonly CustomMessageListItem[], page = 0): MessageView {
  if (!items.length) return { text: EMPTY, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: EMPTY } }] };
  const paged = pageOf(items, page, MESSAGES_PER_PAGE);
  const { shown } = paged;
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Custom messages' } }];
  for (const item of shown) {
    blocks.push({
      type: 'section',
      block_id: `message.${item.id}`,
      text: { type: 'mrkdwn', text: itemText(item) },
      accessory: { type: 'button', action_id: `${MESSAGE_LIST.edit}.${item.id}`, text: { type: 'plain_text', text: 'Edit' }, value: item.id },
    });
  }
  blocks.push(...pagerBlocks('message_list.pages', MESSAGE_LIST.page, paged));
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${plural(items.length, 'custom message')}${pageLabel(paged)} · \`/schedule message new\` to write one`,
      },
    ],
  });
  return { text: `Custom messages (${items.length})`, blocks };
}

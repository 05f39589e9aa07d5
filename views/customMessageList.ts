// `/schedule message list`: each custom message's name, subject, the start of its body, who wrote it
// and the schedules that send it, with an Edit button. Paged to stay under a message's 50 blocks.
import type { KnownBlock } from '@slack/types';
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
  const pages = Math.ceil(items.length / MESSAGES_PER_PAGE);
  const current = Math.min(Math.max(0, page), pages - 1);
  const shown = items.slice(current * MESSAGES_PER_PAGE, (current + 1) * MESSAGES_PER_PAGE);
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Custom messages' } }];
  for (const item of shown) {
    blocks.push({
      type: 'section',
      block_id: `message.${item.id}`,
      text: { type: 'mrkdwn', text: itemText(item) },
      accessory: { type: 'button', action_id: `${MESSAGE_LIST.edit}.${item.id}`, text: { type: 'plain_text', text: 'Edit' }, value: item.id },
    });
  }
  if (pages > 1) {
    blocks.push({
      type: 'actions',
      block_id: 'message_list.pages',
      elements: [
        ...(current > 0
          ? [{ type: 'button' as const, action_id: `${MESSAGE_LIST.page}.previous`, text: { type: 'plain_text' as const, text: '← Previous' }, value: String(current - 1) }]
          : []),
        ...(current < pages - 1
          ? [{ type: 'button' as const, action_id: `${MESSAGE_LIST.page}.next`, text: { type: 'plain_text' as const, text: 'Next →' }, value: String(current + 1) }]
          : []),
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${plural(items.length, 'custom message')}${pages > 1 ? ` · page ${current + 1} of ${pages}` : ''} · \`/schedule message new\` to write one`,
      },
    ],
  });
  return { text: `Custom messages (${items.length})`, blocks };
}

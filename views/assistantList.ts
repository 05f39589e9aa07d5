// `/schedule assistant list`: each assistant's time zone, off days, notification channel and default
// schedules. Paged so a workspace with many assistants stays under a message's 50 blocks.
import type { KnownBlock } from '@slack/types';
import { pageLabel, pageOf, pagerBlocks } from './paging.js';
import type { MessageView } from './message.js';
import { clip, escapeMrkdwn, plural } from './text.js';

export const ASSISTANT_LIST = {
  page: 'assistant_list.page',
} as const;

export const ASSISTANTS_PER_PAGE = 20;

export interface AssistantListItem {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  /** "Saturday and Sunday off". */
  readonly offDays: string;
  /** A channel id, or '' for none. */
  readonly notificationChannel: string;
  /** Names of the default schedules; null when the schedule is gone. */
  readonly defaultSchedule: string | null;
  readonly defaultEmailCcSchedule: string | null;
}

const EMPTY = 'No assistants yet. Add one with `/schedule assistant add`: give it a name, a time zone and its off days.';

function scheduleName(name: string | null): string {
  return name ? `*${escapeMrkdwn(name)}*` : '_none_';
}

export function assistantListMessage(items: readonly AssistantListItem[], page = 0): MessageView {
  if (!items.length) return { text: EMPTY, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: EMPTY } }] };
  const paged = pageOf(items, page, ASSISTANTS_PER_PAGE);
  const { shown } = paged;
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Assistants' } }];
  for (const item of shown) {
    const channel = item.notificationChannel ? `<#${item.notificationChannel}>` : '_no channel yet_';
    const lines = [
      `*${escapeMrkdwn(item.name)}* · ${escapeMrkdwn(item.timeZone)} · ${item.offDays}`,
      `Notifications: ${channel}`,
      `Default schedule: ${scheduleName(item.defaultSchedule)} · Email CC leads: ${scheduleName(item.defaultEmailCcSchedule)}`,
    ];
    blocks.push({ type: 'section', block_id: `assistant.${item.id}`, text: { type: 'mrkdwn', text: clip(lines.join('\n'), 3000) } });
  }
  blocks.push(...pagerBlocks('assistant_list.pages', ASSISTANT_LIST.page, paged));
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${plural(items.length, 'assistant')}${pageLabel(paged)} · \`/schedule assistant edit <name>\` to change one · \`/schedule default <name>\` for its default schedules`,
      },
    ],
  });
  return { text: `Assistants (${items.length})`, blocks };
}

/** "No assistant is named “x”. Assistants: *Ava*, *Ben*." (at most 20 names, then how many more). */
export function assistantNotFoundMessage(typed: string, names: readonly string[]): MessageView {
  const shown = names.slice(0, 20).map((name) => `*${escapeMrkdwn(name)}*`);
  const more = names.length > shown.length ? ` and ${names.length - shown.length} more` : '';
  const text = names.length
    ? `No assistant is named “${escapeMrkdwn(typed)}”. Assistants: ${shown.join(', ')}${more}. \`/schedule assistant list\` shows them with their settings.`
    : `No assistant is named “${escapeMrkdwn(typed)}”, and there are none yet. Add one with \`/schedule assistant add\`.`;
  return { text: clip(text, 3000), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } }] };
}

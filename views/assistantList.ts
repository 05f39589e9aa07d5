// `/schedule assistant list`: each assistant's time zone, off days, notification channel and default
// schedules. Paged so a workspace with many assistants stays under a message's 50 blocks.
import type { KnownBlock } from '@slack/types';
import { offDaysLabel, type Weekday } from '../src/services/calendar.js';
import { pageLabel, pageOf, pagerBlocks } from './paging.js';
import type { MessageView } from './message.js';
import { bold, channelMention, code, inline, mrkdwn, plural } from './text.js';

export const ASSISTANT_LIST = {
  page: 'assistant_list.page',
} as const;

export const ASSISTANTS_PER_PAGE = 20;

export interface AssistantListItem {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly offDays: readonly Weekday[];
  /** A channel id, or '' for none. */
  readonly notificationChannel: string;
  /** Names of the default schedules; null when the schedule is gone. */
  readonly defaultSchedule: string | null;
  readonly defaultEmailCcSchedule: string | null;
}

const EMPTY = 'No assistants yet. Add one with `/schedule assistant add`: give it a name, a time zone and its off days.';

function scheduleName(name: string | null): string {
  return name ? bold(name) : '_none_';
}

export function assistantListMessage(items: readonly AssistantListItem[], page = 0): MessageView {
  if (!items.length) return { text: EMPTY, blocks: [{ type: 'section', text: mrkdwn(EMPTY) }] };
  const paged = pageOf(items, page, ASSISTANTS_PER_PAGE);
  const { shown } = paged;
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Assistants' } }];
  for (const item of shown) {
    const channel = item.notificationChannel ? channelMention(item.notificationChannel) : '_no channel yet_';
    const lines = [
      `${bold(item.name)} · ${inline(item.timeZone)} · ${offDaysLabel(item.offDays)}`,
      `Notifications: ${channel}`,
      `Default schedule: ${scheduleName(item.defaultSchedule)} · Email CC leads: ${scheduleName(item.defaultEmailCcSchedule)}`,
    ];
    blocks.push({ type: 'section', block_id: `assistant.${item.id}`, text: mrkdwn(lines.join('\n')) });
  }
  blocks.push(...pagerBlocks('assistant_list.pages', ASSISTANT_LIST.page, paged));
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        `${plural(items.length, 'assistant')}${pageLabel(paged)} · ${code('/schedule assistant edit <name>')} to change one · ${code('/schedule default <name>')} for its default schedules`,
      ),
    ],
  });
  return { text: `Assistants (${items.length})`, blocks };
}

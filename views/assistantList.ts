// `/schedule assistant list`: each assistant's calendar (time zone, hours, off days, holidays, extra
// off dates), sender, daily limit, owner, notification channel and default schedules. Paged so a workspace with many assistants stays under a message's 50 blocks.
import type { KnownBlock } from '@slack/types';
import { offDaysLabel, type Weekday } from '../src/services/calendar.js';
import { pageLabel, pageOf, pagerBlocks } from './paging.js';
import type { MessageView } from './message.js';
import { bold, channelMention, code, inline, mrkdwn, plural, userMention } from './text.js';

export const ASSISTANT_LIST = {
  page: 'assistant_list.page',
} as const;

export const ASSISTANTS_PER_PAGE = 20;

export interface AssistantListItem {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly offDays: readonly Weekday[];
  readonly businessHours: { readonly open: string; readonly close: string };
  /** "Germany, Bayern": whose public holidays are off; null for none. */
  readonly holidays: string | null;
  /** Extra off dates, consecutive days as ranges; empty for none. */
  readonly extraOffDates: readonly string[];
  readonly dailyLimit: number;
  readonly senderName: string;
  readonly senderEmail: string | null;
  readonly owner: string;
  /** A channel id, or '' for none. */
  readonly notificationChannel: string;
  /** Names of the default schedules; null when the schedule is gone. */
  readonly defaultSchedule: string | null;
  readonly defaultEmailCcSchedule: string | null;
}

const EMPTY = 'No assistants yet. Add one with `/schedule assistant add`: give it a name, a sender, a time zone and its working hours.';

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
    const calendar = [
      `${item.businessHours.open}–${item.businessHours.close}`,
      offDaysLabel(item.offDays),
      item.holidays ? `public holidays of ${inline(item.holidays, 100)}` : 'no public holidays',
      ...(item.extraOffDates.length ? [`also off ${inline(item.extraOffDates.join(', '), 160)}`] : []),
    ];
    const sender = item.senderEmail
      ? `${item.senderName ? `${inline(item.senderName, 100)} ` : ''}${inline(`<${item.senderEmail}>`, 260)}`
      : `${item.senderName ? `${inline(item.senderName, 100)}, ` : ''}_no sender email yet_`;
    const lines = [
      `${bold(item.name)} · ${inline(item.timeZone)} · ${calendar.join(' · ')}`,
      `Sender: ${sender} · up to ${item.dailyLimit.toLocaleString('en-US')} a day · owner ${userMention(item.owner)}`,
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

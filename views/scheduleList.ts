// `/schedule list`: every schedule with its steps, total days, owner and defaults, and
// Edit / Clone / View buttons. Paged so a workspace with hundreds stays under 50 blocks.
import type { KnownBlock } from '@slack/types';
import { pagerBlocks, type CutPage } from './paging.js';
import type { MessageView } from './message.js';
import { bold, days, escapeMrkdwn, mrkdwn, nameList, plural, userMention } from './text.js';
import { stepCountLabel } from './stepLabels.js';

export const SCHEDULE_LIST = {
  edit: 'schedule_list.edit',
  clone: 'schedule_list.clone',
  view: 'schedule_list.view',
  page: 'schedule_list.page',
} as const;

export const SCHEDULES_PER_PAGE = 15;

export interface ScheduleListItem {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly system: boolean;
  readonly emailCc: boolean;
  readonly stepCount: number;
  readonly totalDays: number;
  readonly createdBy: string;
  readonly defaultFor: readonly string[];
}

/**
 * What the list says of its size: the count when the whole list is known to this page (one page, or
 * the last), otherwise which schedules these are and that more follow (the database cuts pages without counting).
 */
function sizeLabel({ shown, current, hasNext, total }: CutPage<unknown>): string {
  if (total !== null && current === 0) return plural(total, 'schedule');
  if (total !== null) return `${plural(total, 'schedule')} · page ${current + 1} of ${current + 1}`;
  const first = current * SCHEDULES_PER_PAGE + 1;
  return `Schedules ${first}–${first + shown.length - 1} · page ${current + 1}${hasNext ? ' · more on the next page' : ''}`;
}

/** One page of the list (the database cuts it: a workspace may have hundreds). */
export function scheduleListMessage(paged: CutPage<ScheduleListItem>): MessageView {
  const { shown, total } = paged;
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Followup schedules' } }];
  for (const item of shown) {
    const owner = item.system ? 'System · read-only, clone it to change it' : `Owner ${userMention(item.createdBy)}`;
    const facts = [stepCountLabel(item.stepCount, item.emailCc), days(item.totalDays), owner];
    if (item.emailCc) facts.push('for Email CC leads');
    if (item.defaultFor.length) facts.push(`default for ${nameList(item.defaultFor)}`);
    const description = item.description ? `\n${escapeMrkdwn(item.description, 600)}` : '';
    blocks.push({
      type: 'section',
      block_id: `schedule.${item.id}`,
      text: mrkdwn(`${bold(item.name, 100)}${description}\n${facts.join(' · ')}`),
    });
    blocks.push({
      type: 'actions',
      block_id: `schedule.${item.id}.actions`,
      elements: [
        ...(item.system
          ? []
          : [{ type: 'button' as const, action_id: `${SCHEDULE_LIST.edit}.${item.id}`, text: { type: 'plain_text' as const, text: 'Edit' }, value: item.id }]),
        { type: 'button', action_id: `${SCHEDULE_LIST.clone}.${item.id}`, text: { type: 'plain_text', text: 'Clone' }, value: item.id },
        { type: 'button', action_id: `${SCHEDULE_LIST.view}.${item.id}`, text: { type: 'plain_text', text: 'View' }, value: item.id },
      ],
    });
  }
  blocks.push(...pagerBlocks('schedule_list.pages', SCHEDULE_LIST.page, paged));
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(`${sizeLabel(paged)} · \`/schedule clone\` to make your own`),
    ],
  });
  return { text: total !== null ? `Followup schedules (${total})` : 'Followup schedules', blocks };
}

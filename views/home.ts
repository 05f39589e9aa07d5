// The App Home tab: what the app does, the workspace's schedules at a glance, and a way in.
import type { HomeView, KnownBlock } from '@slack/types';
import { bold, code, days, mrkdwn, nameList, plural } from './text.js';
import { stepCountLabel } from './stepLabels.js';

export const HOME = { clone: 'home.clone', newMessage: 'home.new_message' } as const;
const SHOWN = 30;

export interface HomeModel {
  readonly schedules: readonly { name: string; system: boolean; emailCc: boolean; stepCount: number; totalDays: number; defaultFor: readonly string[] }[];
  readonly assistantCount: number;
  readonly commands: readonly { usage: string; description: string }[];
}

export function homeView(model: HomeModel): HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Followups' } },
    {
      type: 'section',
      text: mrkdwn('Build followup schedules, clone and edit them with live example dates, make one the default for an assistant, and every followup goes out on time.'),
    },
    {
      type: 'actions',
      block_id: 'home.actions',
      elements: [
        { type: 'button', action_id: HOME.clone, style: 'primary', text: { type: 'plain_text', text: 'Clone a schedule' } },
        { type: 'button', action_id: HOME.newMessage, text: { type: 'plain_text', text: 'New custom message' } },
      ],
    },
    { type: 'divider' },
    {
      type: 'section',
      text: mrkdwn(`*Schedules* (${model.schedules.length}) · ${plural(model.assistantCount, 'assistant')}`),
    },
  ];
  for (const s of model.schedules.slice(0, SHOWN)) {
    const facts = [stepCountLabel(s.stepCount, s.emailCc), days(s.totalDays), s.system ? 'system' : null, s.defaultFor.length ? `default for ${nameList(s.defaultFor)}` : null];
    blocks.push({ type: 'context', elements: [mrkdwn(`${bold(s.name, 100)} · ${facts.filter(Boolean).join(' · ')}`)] });
  }
  if (model.schedules.length > SHOWN) {
    blocks.push({ type: 'context', elements: [mrkdwn(`…and ${model.schedules.length - SHOWN} more: \`/schedule list\` shows them all.`)] });
  }
  blocks.push(
    { type: 'divider' },
    {
      type: 'section',
      text: mrkdwn(`*Commands*\n${model.commands.map((c) => `${code(`/schedule ${c.usage}`)} — ${c.description}`).join('\n')}`),
    },
  );
  return { type: 'home', blocks };
}

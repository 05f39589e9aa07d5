// The App Home tab: what the app does, the workspace's schedules at a glance, and a way in.
import type { HomeView, KnownBlock } from '@slack/types';
import { bold, code, days, mrkdwn, nameList, plural } from './text.js';
import { stepCountLabel } from './stepLabels.js';
import { homeDeliveryBlocks, type HomeDeliveryModel } from './homeDelivery.js';

export const HOME = { clone: 'home.clone', newMessage: 'home.new_message', resumeAfterReinstall: 'home.resume_after_reinstall', keepPaused: 'home.keep_paused' } as const;
const SHOWN = 30;

export interface HomeModel {
  readonly schedules: readonly { name: string; system: boolean; emailCc: boolean; stepCount: number; totalDays: number; defaultFor: readonly string[] }[];
  readonly assistantCount: number;
  readonly commands: readonly { usage: string; description: string }[];
  /** Enrollments the app paused when it was uninstalled, still paused now it is back: offered to resume. */
  readonly pausedByUninstall?: number;
  /** Delivery per assistant (today's sends, due next, held, failures); absent or empty: no section. */
  readonly delivery?: HomeDeliveryModel;
}

/** The offer after a reinstall: resume what the uninstall paused (with a confirmation), or keep it paused. */
function resumeOffer(count: number): KnownBlock[] {
  const leads = plural(count, 'lead');
  return [
    {
      type: 'section',
      text: mrkdwn(`*Welcome back.* When Followups was removed from this workspace, it paused ${leads} so nothing was sent. They are still paused.`),
    },
    {
      type: 'actions',
      block_id: 'home.reinstall',
      elements: [
        {
          type: 'button',
          action_id: HOME.resumeAfterReinstall,
          style: 'primary',
          text: { type: 'plain_text', text: 'Resume them' },
          confirm: {
            title: { type: 'plain_text', text: 'Resume paused leads?' },
            text: { type: 'plain_text', text: `Their remaining followups move later by the time spent paused, then to working time, and sending starts again for ${leads}.` },
            confirm: { type: 'plain_text', text: 'Resume' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
        { type: 'button', action_id: HOME.keepPaused, text: { type: 'plain_text', text: 'Keep them paused' } },
      ],
    },
    { type: 'divider' },
  ];
}

export function homeView(model: HomeModel): HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Followups' } },
    {
      type: 'section',
      text: mrkdwn('Build followup schedules, clone and edit them with live example dates, make one the default for an assistant, and every followup goes out on time.'),
    },
    ...(model.pausedByUninstall ? resumeOffer(model.pausedByUninstall) : []),
    {
      type: 'actions',
      block_id: 'home.actions',
      elements: [
        { type: 'button', action_id: HOME.clone, style: 'primary', text: { type: 'plain_text', text: 'Clone a schedule' } },
        { type: 'button', action_id: HOME.newMessage, text: { type: 'plain_text', text: 'New custom message' } },
      ],
    },
    { type: 'divider' },
    ...(model.delivery ? homeDeliveryBlocks(model.delivery) : []),
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

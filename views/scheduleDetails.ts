// `/schedule view <name>`: the steps with their messages' subjects and example dates.
import type { KnownBlock } from '@slack/types';
import type { StepPreview } from '../src/services/stepPreview.js';
import type { MessageView } from './message.js';
import { stepDateLabel, stepMessageLabel } from './stepLabels.js';
import { clip, days, escapeMrkdwn, plural } from './text.js';

export interface ScheduleDetailsModel {
  readonly name: string;
  readonly description: string;
  readonly system: boolean;
  readonly createdBy: string;
  readonly totalDays: number;
  readonly steps: readonly StepPreview[];
  /** Whose calendar the dates follow: "your time zone (Europe/Berlin), Saturday and Sunday off". */
  readonly datesFor: string;
}

export function scheduleDetailsMessage(model: ScheduleDetailsModel): MessageView {
  const owner = model.system ? 'System schedule (clone it to change it)' : `Owner <@${model.createdBy}>`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(model.name, 150) } },
    ...(model.description ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: escapeMrkdwn(clip(model.description, 2900)) } }] : []),
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${plural(model.steps.length, 'step')} · ${days(model.totalDays)} · ${owner}` }],
    },
  ];
  for (const step of model.steps) {
    const after = step.afterDays === null ? '' : ` · after ${days(step.afterDays)}`;
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${step.number}.* ${stepMessageLabel(step)}\n${stepDateLabel(step)}${after}` },
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Example dates start now and follow ${model.datesFor}.` }] });
  return { text: `${model.name}: ${plural(model.steps.length, 'step')} over ${days(model.totalDays)}`, blocks };
}

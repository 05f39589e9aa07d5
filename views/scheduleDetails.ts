// `/schedule view <name>`: the steps with their messages' subjects and example dates.
import type { KnownBlock } from '@slack/types';
import type { StepPreview } from '../src/services/stepPreview.js';
import type { MessageView } from './message.js';
import type { DatesFor } from '../src/services/drafts.js';
import { datesForText, stepCountLabel, stepDateLabel, stepMessageLabel } from './stepLabels.js';
import { clip, days, escapeMrkdwn, mrkdwn, plural, quoted, userMention } from './text.js';

export interface ScheduleDetailsModel {
  readonly name: string;
  readonly description: string;
  readonly system: boolean;
  readonly createdBy: string;
  readonly emailCc: boolean;
  readonly totalDays: number;
  readonly steps: readonly StepPreview[];
  /** Whose calendar the dates follow. */
  readonly datesFor: DatesFor;
}

export function scheduleDetailsMessage(model: ScheduleDetailsModel): MessageView {
  const owner = model.system ? 'System schedule (clone it to change it)' : `Owner ${userMention(model.createdBy)}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(model.name, 150) } },
    ...(model.description ? [{ type: 'section' as const, text: mrkdwn(escapeMrkdwn(model.description, 2900)) }] : []),
    {
      type: 'context',
      elements: [mrkdwn(`${stepCountLabel(model.steps.length, model.emailCc)} · ${days(model.totalDays)} · ${owner}`)],
    },
  ];
  for (const step of model.steps) {
    const after = step.afterDays === null || step.sentByUser ? '' : ` · after ${days(step.afterDays)}`;
    blocks.push({
      type: 'section',
      text: mrkdwn(`*${step.number}.* ${stepMessageLabel(step)}\n${stepDateLabel(step, model.datesFor)}${after}`),
    });
  }
  blocks.push({ type: 'context', elements: [mrkdwn(`Example dates start now and follow ${datesForText(model.datesFor)}.`)] });
  return { text: `${quoted(model.name)}: ${plural(model.steps.length, 'step')} over ${days(model.totalDays)}`, blocks };
}

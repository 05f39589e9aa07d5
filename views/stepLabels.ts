// How a step reads, wherever it is shown (pure).
import type { StepPreview } from '../src/services/stepPreview.js';
import { escapeMrkdwn } from './text.js';

/** "Candid · Generated", "Custom message · *Pricing* — “Quick question”". */
export function stepMessageLabel(step: StepPreview): string {
  if (step.sentByUser) return 'Your own email, sent by you with the assistant in CC (never sent by the app)';
  if (step.type !== 'custom') return `${step.type} · Generated`;
  if (!step.message) return 'Custom message · _no message picked_';
  const subject = step.message.subject ? ` — “${escapeMrkdwn(step.message.subject)}”` : '';
  return `Custom message · *${escapeMrkdwn(step.message.name)}*${subject}`;
}

/** "Day 3 · Tue 7 Apr (moved 2 days past an off day)". */
export function stepDateLabel(step: StepPreview): string {
  if (!step.exampleDate) return '_date shows once the after days above are valid_';
  return step.shiftedByDays > 0
    ? `${step.exampleDate} _(moved ${step.shiftedByDays} ${step.shiftedByDays === 1 ? 'day' : 'days'} past an off day)_`
    : step.exampleDate;
}

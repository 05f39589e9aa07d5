// How a step reads, wherever it is shown (pure).
import type { StepPreview } from '../src/services/stepPreview.js';
import { formatExampleDate, offDaysLabel } from '../src/services/calendar.js';
import type { DatesFor } from '../src/services/drafts.js';
import { MAX_MESSAGE_SUBJECT } from '../src/services/domain.js';
import { bold, inline, plural, quoted } from './text.js';

/** "7 steps", or for an Email CC schedule "your own email + 6 followups". */
export function stepCountLabel(stepCount: number, emailCc: boolean): string {
  return emailCc ? `your own email + ${plural(Math.max(stepCount - 1, 0), 'followup')}` : plural(stepCount, 'step');
}

/** "Candid · Generated", "Custom message · *Pricing* — “Quick question”". */
export function stepMessageLabel(step: StepPreview): string {
  if (step.sentByUser) return 'Your own email, sent by you with the assistant in CC (never sent by the app)';
  if (step.type !== 'custom') return `${step.type} · Generated`;
  if (!step.message) return 'Custom message · _no message picked_';
  const subject = step.message.subject ? ` — ${quoted(step.message.subject, MAX_MESSAGE_SUBJECT)}` : '';
  return `Custom message · ${bold(step.message.name, 100)}${subject}`;
}

/** "Day 3 · Tue 7 Apr (moved 2 days to working time)", in the calendar the dates follow. */
export function stepDateLabel(step: StepPreview, datesFor: DatesFor): string {
  if (!step.exampleDate) return '_date shows once the after days above are valid_';
  const date = formatExampleDate(step.exampleDate, datesFor.timeZone, datesFor.start);
  if (step.sentByUser) return `${date} · the start: the followups count from it`;
  return step.shiftedByDays > 0 ? `${date} _(moved ${step.shiftedByDays} ${step.shiftedByDays === 1 ? 'day' : 'days'} to working time)_` : date;
}

/**
 * "your time zone (Europe/Berlin, Saturday and Sunday off)", "Ava's calendar (America/New_York, no off
 * days, 08:00–12:00, public holidays of US-CA, 3 extra off dates)".
 */
export function datesForText(datesFor: DatesFor): string {
  const rules = datesFor.rules;
  const more = rules
    ? [
        ...(rules.businessHours ? [`${rules.businessHours.open}–${rules.businessHours.close}`] : []),
        ...(rules.holidays ? [`public holidays of ${inline([rules.holidays.country, rules.holidays.region].filter(Boolean).join('-'), 20)}`] : []),
        ...(rules.extraOffDates?.length ? [plural(rules.extraOffDates.length, 'extra off date')] : []),
      ]
    : [];
  const calendar = `(${[inline(datesFor.timeZone, 60), offDaysLabel(datesFor.offDays), ...more].join(', ')})`;
  return datesFor.assistantName === null ? `your time zone ${calendar}` : `${inline(datesFor.assistantName, 100)}'s calendar ${calendar}`;
}

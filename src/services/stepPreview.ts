// What each step will do and when, for the editor and `/schedule view`: pure, from the steps,
// the messages they use, a start time and the calendar rules that apply.
import { exampleDates, startExampleDate, type CalendarRules, type ExampleDate } from './calendar.js';
import { OWN_EMAIL, type StepType } from './domain.js';

export interface PreviewStepInput {
  readonly type: StepType;
  readonly customMessageId: string | null;
  /** null when what was typed is not a valid number of days. */
  readonly afterDays: number | null;
}

export interface StepPreview {
  readonly number: number;
  readonly type: StepType;
  readonly afterDays: number | null;
  /** When it would be sent, or null when an earlier step's after days are not valid. */
  readonly exampleDate: ExampleDate | null;
  /** Days the step moved forward off an off day or holiday. */
  readonly shiftedByDays: number;
  readonly message: { readonly id: string; readonly name: string; readonly subject: string } | null;
  /** A custom step whose message is not picked, or was deleted. */
  readonly messageMissing: boolean;
  /** Email CC schedules: step 1 is the user's own email, never sent by the app; it is the start (Day 0). */
  readonly sentByUser: boolean;
}

export interface PreviewOptions {
  readonly messages: ReadonlyMap<string, { readonly name: string; readonly subject: string }>;
  readonly start: Date;
  readonly rules: CalendarRules;
}

export function previewSteps(steps: readonly PreviewStepInput[], options: PreviewOptions): StepPreview[] {
  // The own email is the start itself, never moved to a working day; the followups count from it.
  const startsWithOwnEmail = steps[0]?.type === OWN_EMAIL;
  const followups = startsWithOwnEmail ? steps.slice(1) : steps;
  // Dates are known up to the first step whose after days are not valid.
  const validPrefix: number[] = [];
  for (const step of followups) {
    if (step.afterDays === null) break;
    validPrefix.push(step.afterDays);
  }
  const followupDates = exampleDates(options.start, validPrefix, options.rules);
  const dates = startsWithOwnEmail ? [startExampleDate(options.start, options.rules), ...followupDates] : followupDates;
  return steps.map((step, i) => {
    const date = dates[i];
    const message = step.type === 'custom' && step.customMessageId ? options.messages.get(step.customMessageId) : undefined;
    return {
      number: i + 1,
      type: step.type,
      afterDays: step.afterDays,
      exampleDate: date ?? null,
      shiftedByDays: date?.shiftedByDays ?? 0,
      message: message && step.customMessageId ? { id: step.customMessageId, name: message.name, subject: message.subject } : null,
      messageMissing: step.type === 'custom' && !message,
      sentByUser: step.type === OWN_EMAIL,
    };
  });
}

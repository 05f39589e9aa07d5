// A new schedule as the HTTP API gives it: its shape, checked by zod (the OpenAPI document is
// generated from this schema). The rules a schedule must follow (name, description, number of
// steps, messages that exist, the Email CC start) are the editor's, in services/schedules.ts.
import { z } from 'zod';
import { MAX_AFTER_DAYS } from './calendar.js';
import { MAX_SCHEDULE_DESCRIPTION, MAX_SCHEDULE_NAME, TONES, type PickableStepType, type Tone } from './domain.js';
import type { StepInput } from './steps.js';

/** Step types as the API spells them: `custom` and the tones, lower-case (accepted in any case). */
export const API_STEP_TYPES = ['custom', ...TONES.map((t) => t.toLowerCase())] as [string, ...string[]];

const TONE_BY_LOWER = new Map<string, Tone>(TONES.map((t) => [t.toLowerCase(), t]));

export function stepTypeOf(apiType: string): PickableStepType {
  return apiType === 'custom' ? 'custom' : TONE_BY_LOWER.get(apiType)!;
}

export function apiStepType(type: PickableStepType): string {
  return type.toLowerCase();
}

export const objectIdSchema = z.string().regex(/^[0-9a-f]{24}$/i, { error: 'This is not an id: ids are 24 hexadecimal characters.' });

export const stepInputSchema = z
  .strictObject({
    type: z
      .preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(API_STEP_TYPES))
      .describe('`custom` (sends the custom message `messageId`) or a tone whose followup is written for each lead. Any case.'),
    messageId: objectIdSchema.nullish().describe('The custom message a `custom` step sends; absent or null for a tone.'),
    afterDays: z
      .number({ error: (i) => (i.input === undefined ? 'Say after how many days it is sent (0 to 365).' : undefined) })
      .min(0, { error: 'After days can’t be negative.' })
      .max(MAX_AFTER_DAYS, { error: `After days can be at most ${MAX_AFTER_DAYS}.` })
      .multipleOf(0.01, { error: 'Use at most two decimals, e.g. 1.25.' })
      .describe('Days after the previous step (the first counts from the start), on the assistant’s wall clock; fractions such as 1.5 are allowed.'),
  })
  .superRefine((step, ctx) => {
    if (step.type === 'custom' && !step.messageId) ctx.addIssue({ code: 'custom', path: ['messageId'], message: 'A custom step needs the id of the custom message it sends.' });
    if (step.type !== 'custom' && step.messageId) ctx.addIssue({ code: 'custom', path: ['messageId'], message: 'Only a custom step sends a custom message: leave messageId out for a tone.' });
  });

export const scheduleInputSchema = z
  .strictObject({
    name: z.string().describe(`Unique in the workspace (case-insensitive), at most ${MAX_SCHEDULE_NAME} characters.`),
    description: z.string().default('').describe(`At most ${MAX_SCHEDULE_DESCRIPTION} characters.`),
    emailCc: z
      .boolean()
      .default(false)
      .describe('For leads whose first email the user sent with the assistant in CC: that email is step 1 (the app never sends it), and `steps` are the followups after it.'),
    steps: z.array(stepInputSchema).describe('The followups, in order.'),
  })
  .describe('A schedule: followups sent one after another, each some days after the one before.');

export type ScheduleInput = z.output<typeof scheduleInputSchema>;

/** The followups as the schedule service takes steps (an Email CC schedule's own email goes before them). */
export function stepsOf(input: ScheduleInput): StepInput[] {
  return input.steps.map((s) => ({ type: stepTypeOf(s.type), customMessageId: s.type === 'custom' ? (s.messageId ?? null) : null, afterDays: s.afterDays }));
}

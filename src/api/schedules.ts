// /api/v1/schedules: list, create, get. Thin: parse, call the schedule service, answer JSON.
import { z } from 'zod';
import { OWN_EMAIL, isPickableStepType } from '../services/domain.js';
import { totalDays } from '../services/calendar.js';
import { API_STEP_TYPES, apiStepType, scheduleInputSchema, stepsOf } from '../services/scheduleInput.js';
import type { Schedule } from '../services/schedules.js';
import { invalid } from './http.js';
import { route } from './route.js';
import { ValidationError } from '../services/domain.js';

const stepSchema = z.object({
  type: z.enum(API_STEP_TYPES),
  messageId: z.string().nullable(),
  afterDays: z.number(),
});

export const scheduleSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  emailCc: z.boolean().describe('When true, step 1 is the user’s own email (not listed in `steps`) and `steps` are the followups after it.'),
  system: z.boolean().describe('A read-only system schedule (Recommended, Recommended for Email CC): clone it in Slack to change it.'),
  steps: z.array(stepSchema),
  totalDays: z.number().describe('The sum of the steps’ after days.'),
  updatedAt: z.string().meta({ format: 'date-time' }),
});

type ScheduleJson = z.output<typeof scheduleSchema>;

export function scheduleJson(schedule: Schedule): ScheduleJson {
  const followups = schedule.steps.filter((s) => s.type !== OWN_EMAIL);
  return {
    id: schedule.id,
    name: schedule.name,
    description: schedule.description,
    emailCc: schedule.emailCc,
    system: schedule.system,
    steps: followups.map((s) => ({ type: isPickableStepType(s.type) ? apiStepType(s.type) : s.type, messageId: s.customMessageId, afterDays: s.afterDays })),
    totalDays: totalDays(followups.map((s) => s.afterDays)),
    updatedAt: schedule.updatedAt.toISOString(),
  };
}

const listQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).describe('1 for the first page.'),
  perPage: z.coerce.number().int().min(1).max(100).default(50),
});

const NOT_FOUND = 'No schedule with this id in your workspace.';

export const scheduleRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/schedules',
    operationId: 'listSchedules',
    tag: 'Schedules',
    summary: 'The workspace’s schedules, system ones first, then by name',
    query: listQuery,
    response: z.object({ schedules: z.array(scheduleSchema), page: z.number().int(), hasMore: z.boolean().describe('Whether the next page has more.') }),
    async handle({ caller, services, query }) {
      const listed = await services.schedules.page(caller.workspace, query.page - 1, query.perPage);
      return { schedules: listed.items.map(scheduleJson), page: listed.page + 1, hasMore: listed.hasNext };
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/schedules',
    operationId: 'createSchedule',
    tag: 'Schedules',
    summary: 'Create a schedule',
    description: 'The same rules as the step editor in Slack: a name no other schedule has, 1 to 20 steps (an Email CC schedule counts its own email), custom messages that exist.',
    body: scheduleInputSchema,
    response: scheduleSchema,
    status: 201,
    async handle({ actor, services, body }) {
      const followups = stepsOf(body);
      // The own email is step 1 of an Email CC schedule: the service's `step.N` is `steps.N-1` here.
      const offset = body.emailCc ? 1 : 0;
      try {
        return scheduleJson(await services.schedules.create(actor, { ...body, steps: body.emailCc ? [{ type: OWN_EMAIL, customMessageId: null, afterDays: 0 }, ...followups] : followups }));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const errors: Record<string, string> = {};
        for (const [key, message] of Object.entries(error.errors)) {
          const step = /^step\.(\d+)$/.exec(key);
          errors[step ? `steps.${Number(step[1]) - offset}.messageId` : key] = message;
        }
        throw invalid(errors);
      }
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/schedules/{id}',
    operationId: 'getSchedule',
    tag: 'Schedules',
    summary: 'One schedule',
    response: scheduleSchema,
    notFound: NOT_FOUND,
    async handle({ caller, services, params }) {
      return scheduleJson(await services.schedules.get(caller.workspace, params.id!));
    },
  }),
];

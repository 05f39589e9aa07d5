// /api/v1/assistants: list, create, get and change an assistant's settings. Thin: the settings'
// zod schemas (services/assistantSettings.ts) check the body, the assistant service does the rest
// (unique names, default schedules of the right kind, the notification channel asked of Slack).
import { z } from 'zod';
import { WEEKDAY_NAMES, assistantSettingsPatchSchema, assistantSettingsSchema, type AssistantResource } from '../services/assistantSettings.js';
import { route } from './route.js';

const assistantSchema = z.object({
  id: z.string(),
  version: z.number().int().describe('Increases with every change.'),
  name: z.string(),
  timeZone: z.string().describe('IANA, such as Europe/Berlin.'),
  businessHours: z.object({ open: z.string(), close: z.string() }).describe('Local `HH:MM`; opening inclusive, closing exclusive.'),
  offDays: z.array(z.enum(WEEKDAY_NAMES)),
  holidays: z.object({ country: z.string(), region: z.string().nullable() }).nullable().describe('Public holidays of this country (and region), ISO codes.'),
  extraOffDates: z.array(z.string()).describe('Local dates `YYYY-MM-DD` off as well (a vacation).'),
  dailyLimit: z.number().int(),
  senderName: z.string(),
  senderEmail: z.string().nullable(),
  signature: z.string(),
  notificationChannel: z.string().nullable().describe('The Slack channel id where sends are announced; the app must be a member.'),
  defaultScheduleId: z.string().nullable(),
  defaultEmailCcScheduleId: z.string().nullable(),
  owner: z.string().describe('The Slack user who owns it.'),
  createdAt: z.string().meta({ format: 'date-time' }),
  updatedAt: z.string().meta({ format: 'date-time' }),
});

type AssistantJson = z.output<typeof assistantSchema>;

/** The service already speaks the API's shape; only the times become text. */
export function assistantJson(a: AssistantResource): AssistantJson {
  return { ...a, offDays: [...a.offDays], extraOffDates: [...a.extraOffDates], createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString() };
}

const NOT_FOUND = 'No assistant with this id in your workspace.';

export const assistantRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/assistants',
    operationId: 'listAssistants',
    tag: 'Assistants',
    summary: 'The workspace’s assistants, by name',
    response: z.object({ assistants: z.array(assistantSchema) }),
    async handle({ caller, services }) {
      return { assistants: (await services.assistants.listSettings(caller.workspace)).map(assistantJson) };
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/assistants',
    operationId: 'createAssistant',
    tag: 'Assistants',
    summary: 'Add an assistant',
    description:
      'Only `name` and `timeZone` are required: business hours default to 09:00-17:00, off days to Saturday and Sunday, the daily limit to 100, the default schedules to the workspace’s Recommended ones, and the owner to the admin who created the API token. The app must be a member of the notification channel.',
    body: assistantSettingsSchema,
    response: assistantSchema,
    status: 201,
    async handle({ actor, services, body, channels }) {
      return assistantJson(await services.assistants.createSettings(actor, body, { channels }));
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/assistants/{id}',
    operationId: 'getAssistant',
    tag: 'Assistants',
    summary: 'One assistant',
    response: assistantSchema,
    notFound: NOT_FOUND,
    async handle({ caller, services, params }) {
      return assistantJson(await services.assistants.getSettings(caller.workspace, params.id!));
    },
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/assistants/{id}',
    operationId: 'updateAssistant',
    tag: 'Assistants',
    summary: 'Change some of an assistant’s settings',
    description: 'Only the fields given change. A change of time zone, hours, off days, holidays or extra off dates replans its active leads’ unsent followups.',
    body: assistantSettingsPatchSchema,
    response: assistantSchema,
    notFound: NOT_FOUND,
    async handle({ actor, services, params, body, channels }) {
      return assistantJson((await services.assistants.updateSettings(actor, params.id!, body, { channels })).assistant);
    },
  }),
];

// /api/v1/leads: add 1 to 1,000 leads at once (one result per lead, in order), read a lead by id
// or email with its enrollment and planned times, and pause, resume or stop it. Thin: parse, call
// the lead service, answer JSON. Times are ISO-8601 with the assistant's UTC offset.
import { z } from 'zod';
import { formatIsoWithOffset } from '../services/calendar.js';
import { DomainError, isPickableStepType, type WorkspaceRef } from '../services/domain.js';
import { ENROLLMENT_STATES, STOP_REASONS, leadInputSchema, type Enrollment, type LeadDetails } from '../services/leads/index.js';
import { apiStepType } from '../services/scheduleInput.js';
import type { Services } from '../services/index.js';
import { route } from './route.js';

export const MAX_LEADS_PER_REQUEST = 1000;

const isoTime = z.string().meta({ format: 'date-time' });

const followupSchema = z.object({
  step: z.number().int().describe('The step of the schedule it follows (an Email CC schedule’s step 1 is the user’s own email and has no followup).'),
  type: z.string().describe('`custom` or a tone, lower-case.'),
  messageId: z.string().nullable(),
  plannedAt: isoTime,
  sentAt: isoTime.nullable(),
  outcome: z.string().nullable(),
});

const historySchema = z.object({
  at: isoTime,
  by: z.string().describe('The Slack user id who did it (for the API, the admin who created the token).'),
  byName: z.string(),
  action: z.enum(['enrolled', 'paused', 'resumed', 'stopped', 'completed', 'replanned']),
  reason: z.string().nullable(),
});

const enrollmentSchema = z.object({
  id: z.string(),
  state: z.enum(ENROLLMENT_STATES),
  stopReason: z.enum(STOP_REASONS).nullable(),
  assistantId: z.string(),
  scheduleId: z.string(),
  emailCc: z.boolean(),
  start: isoTime,
  pausedAt: isoTime.nullable(),
  followups: z.array(followupSchema),
  history: z.array(historySchema),
});

export const leadSchema = z.object({
  id: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  company: z.string(),
  title: z.string(),
  phone: z.string(),
  industry: z.string(),
  tags: z.array(z.string()),
  custom: z.record(z.string(), z.string()).describe('Custom fields by key (lower-case, `_` for spaces): `{{custom.<key>}}` in messages.'),
  createdAt: isoTime,
  updatedAt: isoTime,
  enrollment: enrollmentSchema.nullable().describe('The enrollment that matters now: an active or paused one, else the latest.'),
  enrollments: z.array(enrollmentSchema).describe('Every enrollment of the lead, newest first.'),
});

type EnrollmentJson = z.output<typeof enrollmentSchema>;
type LeadJson = z.output<typeof leadSchema>;

/** Each enrollment's times in its assistant's zone (UTC if the assistant was deleted since). */
async function leadJson(services: Services, ref: WorkspaceRef, lead: LeadDetails): Promise<LeadJson> {
  const zones = new Map((await services.assistants.list(ref)).map((a) => [a.id, a.timeZone]));
  const enrollmentJson = (e: Enrollment): EnrollmentJson => {
    const zone = zones.get(e.assistantId) ?? 'UTC';
    const at = (d: Date) => formatIsoWithOffset(d, zone);
    return {
      id: e.id,
      state: e.state,
      stopReason: e.stopReason,
      assistantId: e.assistantId,
      scheduleId: e.scheduleId,
      emailCc: e.emailCc,
      start: at(e.start),
      pausedAt: e.pausedAt ? at(e.pausedAt) : null,
      followups: e.followups.map((f) => ({
        step: f.step,
        type: isPickableStepType(f.type) ? apiStepType(f.type) : f.type,
        messageId: f.customMessageId,
        plannedAt: at(f.plannedAt),
        sentAt: f.sentAt ? at(f.sentAt) : null,
        outcome: f.outcome,
      })),
      history: e.history.map((h) => ({ at: at(h.at), by: h.by, byName: h.byName, action: h.action, reason: h.reason })),
    };
  };
  return {
    id: lead.id,
    email: lead.email,
    firstName: lead.firstName,
    lastName: lead.lastName,
    company: lead.company,
    title: lead.title,
    phone: lead.phone,
    industry: lead.industry,
    tags: [...lead.tags],
    custom: Object.fromEntries(lead.custom.map((c) => [c.name, c.value])),
    createdAt: lead.createdAt.toISOString(),
    updatedAt: lead.updatedAt.toISOString(),
    enrollment: lead.enrollment ? enrollmentJson(lead.enrollment) : null,
    enrollments: lead.enrollments.map(enrollmentJson),
  };
}

/** The POST body around its leads: checked as a whole, while each lead is checked on its own (a bad lead refuses only itself). */
function addLeadsBody<L extends z.ZodType>(lead: L) {
  const count = `Send 1 to ${MAX_LEADS_PER_REQUEST.toLocaleString('en-US')} leads per request.`;
  return z.strictObject({
    assistantId: z.string().describe('The assistant whose schedule the leads follow.'),
    scheduleId: z.string().nullish().describe('Default: the assistant’s default schedule (its Email CC default when `emailCc`).'),
    emailCc: z.boolean().default(false).describe('The user sent the first email with the assistant in CC: an Email CC schedule, whose step 1 gets no followup.'),
    start: z.iso
      .datetime({ offset: true, error: 'Give the start as an ISO-8601 time with its offset, e.g. 2027-03-29T09:00:00+02:00.' })
      .nullish()
      .describe('When the schedule starts (the first followup counts from it). Default: now.'),
    leads: z.array(lead, { error: count }).min(1, { error: count }).max(MAX_LEADS_PER_REQUEST, { error: count }),
  });
}

const addResultSchema = z.union([
  z.object({ id: z.string().describe('The lead’s id.') }),
  z.object({
    errors: z.record(z.string(), z.string()).describe('What is wrong with this lead, by field (`email`, `custom.deal size`, …).'),
    existingId: z.string().optional().describe('The lead that already follows a schedule of this assistant.'),
  }),
]);

const stateChangeBody = z.strictObject({
  assistantId: z.string().optional().describe('Only the enrollment with this assistant; default: every enrollment of the lead.'),
});

const stopBody = z.strictObject({
  reason: z.enum(STOP_REASONS),
  note: z.string().max(500).optional().describe('Said in the lead’s history.'),
  assistantId: z.string().optional().describe('Only the enrollment with this assistant; default: every enrollment of the lead.'),
});

const NOT_FOUND = 'No lead with this id in your workspace.';

/** POST /api/v1/leads/{id}/pause or /resume: the same body and answer, one service call apart. */
function pauseOrResume(verb: 'pause' | 'resume', summary: string) {
  return route({
    method: 'POST',
    path: `/api/v1/leads/{id}/${verb}`,
    operationId: `${verb}Lead`,
    tag: 'Leads',
    summary,
    body: stateChangeBody,
    response: leadSchema,
    notFound: NOT_FOUND,
    async handle({ actor, services, params, body }) {
      return leadJson(services, actor.workspace, await services.leads[verb](actor, params.id!, { assistantId: body.assistantId ?? null }));
    },
  });
}

export const leadRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/leads',
    operationId: 'addLeads',
    tag: 'Leads',
    summary: 'Add 1 to 1,000 leads to an assistant’s schedule',
    description:
      'Answers 200 with one result per lead, in order: `{ id }` for a lead enrolled, `{ errors }` for one refused (a bad field, an email that already follows a schedule of this assistant, or a lead who unsubscribed or whose email bounced: they are never enrolled again). The good leads are enrolled even when others are refused. A problem with the assistant, schedule or start refuses the whole request (400).',
    body: addLeadsBody(z.unknown()),
    documentBody: addLeadsBody(leadInputSchema),
    response: z.object({ results: z.array(addResultSchema), added: z.number().int(), refused: z.number().int() }),
    async handle({ actor, services, body }) {
      const results = await services.leads.addLeads(actor, { assistantId: body.assistantId, scheduleId: body.scheduleId ?? null, emailCc: body.emailCc, start: body.start ? new Date(body.start) : null }, body.leads);
      const answers = results.map((r) => (r.ok ? { id: r.leadId } : { errors: r.errors, ...(r.existingLeadId ? { existingId: r.existingLeadId } : {}) }));
      const added = results.filter((r) => r.ok).length;
      return { results: answers, added, refused: results.length - added };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/leads',
    operationId: 'findLeadByEmail',
    tag: 'Leads',
    summary: 'The lead with this email',
    query: z.object({ email: z.string({ error: 'Give the email to look for: ?email=name@company.com.' }).min(1, { error: 'Give the email to look for: ?email=name@company.com.' }) }),
    response: leadSchema,
    notFound: 'No lead with this email in your workspace.',
    async handle({ actor, services, query }) {
      const lead = await services.leads.findByEmail(actor, query.email);
      if (!lead) throw new DomainError('not_found', 'No lead with this email in your workspace.');
      return leadJson(services, actor.workspace, lead);
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/leads/{id}',
    operationId: 'getLead',
    tag: 'Leads',
    summary: 'One lead, with its enrollment and every followup’s planned time',
    response: leadSchema,
    notFound: NOT_FOUND,
    async handle({ actor, services, params }) {
      return leadJson(services, actor.workspace, await services.leads.get(actor, params.id!));
    },
  }),
  pauseOrResume('pause', 'Pause the lead’s followups'),
  pauseOrResume('resume', 'Resume a paused lead: every remaining followup moves by the time spent paused, then to working time'),
  route({
    method: 'POST',
    path: '/api/v1/leads/{id}/stop',
    operationId: 'stopLead',
    tag: 'Leads',
    summary: 'Stop the lead’s followups, with the reason',
    body: stopBody,
    response: leadSchema,
    notFound: NOT_FOUND,
    async handle({ actor, services, params, body }) {
      return leadJson(services, actor.workspace, await services.leads.stop(actor, params.id!, body.reason, { assistantId: body.assistantId ?? null, ...(body.note ? { note: body.note } : {}) }));
    },
  }),
];

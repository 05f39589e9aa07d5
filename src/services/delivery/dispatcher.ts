// Sending followups (issue #10). The dispatcher (an Agenda job polling every few seconds, see
// src/jobs/delivery.ts) finds what is due, one due-hour bucket at a time (due.ts), oldest first,
// and hands each enrollment to `sendDue`, the single send that a one-Agenda-job-per-followup
// design would call too (`sendFollowup`). A send:
//  1. claims (enrollment, step) with a unique insert (claims.ts: exactly once, same Message-ID
//     after a crash), then reads the enrollment again;
//  2. checks again: still active and due; the lead never unsubscribed or bounced and did not reply
//     meanwhile; inside the assistant's working time (else it moves to the next opening); the
//     assistant has a sender email and every token has a value (else the enrollment is paused and
//     a `held` notice says why); a daily slot is free (else it rolls to the next working day);
//  3. emails it (threaded: In-Reply-To and References to the earlier ones, "Re: " the first
//     subject), then records a notice and, under the enrollment's version claim (so a pause or
//     stop landing meanwhile is never undone), `sentAt` and the next due time.
// A temporary SMTP failure retries with backoff (the claim keeps the Message-ID); a permanent one
// stops the lead as bounced. Anything given back before sending releases the claim.
import { Types } from 'mongoose';
import type { Clock } from '../../clock.js';
import type { AssistantDoc, CustomMessageDoc, EnrollmentDoc, LeadDoc, Models, ScheduleDoc, StopReason } from '../../db/models.js';
import type { SendClaimDoc } from '../../db/deliveryModels.js';
import { isWorkingTime, localDateOf, moveToWorkingTime, nextWorkingDayOpening, prepareCalendar, type PreparedCalendar } from '../calendar.js';
import { DEFAULT_DAILY_LIMIT } from '../assistantSettings.js';
import { DomainError, type Actor, type WorkspaceRef } from '../domain.js';
import { assistantRules, leadLabel, toEnrollment, toLead, toFollowupDoc, writeEnrollmentChange, type EnrollmentChange, type Followup, type LeadService } from '../leads/index.js';
import { dueFields, replanFollowups, resumedFollowups } from '../leads/plan.js';
import { toSchedule, type Step } from '../schedules.js';
import { unsubscribeUrl } from '../unsubscribes.js';
import type { NoticeInput, NoticeKind, NoticeSink } from '../notices/types.js';
import type { Mailer, OutgoingEmail, RenderInput, RenderResult } from './types.js';
import { createSendClaims, type DailySlotHint, type SendClaims } from './claims.js';
import { advanceCursor, hourOf, hoursToPoll } from './due.js';
import { emailSubject } from './render.js';

/** What one send did. */
export type SendResult =
  /** Emailed (`sent`) or written to the outbox because no SMTP server is configured (`outbox`). */
  | 'sent'
  | 'outbox'
  /** Nothing to send now (not active, already sent, not due yet). */
  | 'not_due'
  /** Another process has it, or it waits for its retry time. */
  | 'busy'
  /** The lead unsubscribed, bounced or replied: the enrollment was stopped. */
  | 'stopped'
  /** Due outside working time: moved to the next opening. */
  | 'rescheduled'
  /** Over the assistant's daily limit: rolled to the next working day's opening. */
  | 'rolled'
  /** A token without a value, or no sender email: the enrollment is paused and a notice says why. */
  | 'held'
  /** A temporary SMTP failure: tried again later. */
  | 'retry'
  /** A permanent rejection: the lead was stopped as bounced. */
  | 'bounced'
  /** The workspace removed the app. */
  | 'uninstalled'
  /** Its assistant, schedule or lead is gone. */
  | 'skipped';

export interface DispatchOptions {
  /** Whether the app is still installed in a workspace (the job asks Slack's installations); default yes. */
  readonly installed?: (workspace: WorkspaceRef) => Promise<boolean>;
  /** Called once per run for a workspace that removed the app (the job pauses its leads). */
  readonly onUninstalled?: (workspace: WorkspaceRef) => Promise<void>;
  /** Stop starting new batches after this long (the job runs again a few seconds later). */
  readonly budgetMs?: number;
  /** Stops starting batches (the process is stopping). */
  readonly signal?: AbortSignal;
  readonly log?: (level: 'info' | 'warn', line: string) => void;
}

export interface DispatchReport {
  readonly results: Partial<Record<SendResult | 'error', number>>;
}

export interface DeliveryService {
  /** One dispatcher round: sends what is due now, in batches, oldest first. Safe to run in several processes at once. */
  dispatch(options?: DispatchOptions): Promise<DispatchReport>;
  /**
   * The single send: step `step` of an enrollment, if it is the one due now. Both the dispatcher
   * and a one-job-per-followup design call it; safe to call twice or from two processes at once.
   */
  sendFollowup(enrollmentId: string, step: number, options?: DispatchOptions): Promise<SendResult>;
}

export interface DeliveryDeps {
  readonly leads: LeadService;
  /** Where notices go (the notices service); a function, as that service may be built after this one. */
  readonly notices: () => NoticeSink;
  readonly mailer: () => Mailer;
  readonly render: (input: RenderInput) => RenderResult;
  /** Where unsubscribe links point (PUBLIC_URL). */
  readonly publicUrl: string;
  /** A claim older than this whose owner never finished is taken over. Longer than any send takes. */
  readonly claimTimeoutMs?: number;
  /** Enrollments read per batch, and sends in flight at once. */
  readonly batchSize?: number;
  readonly concurrency?: number;
}

export const DEFAULT_CLAIM_TIMEOUT_MS = 5 * 60_000;
const BATCH = 100;
const CONCURRENCY = 8;
/** A followup sent this much after its planned time moves the later ones, so they keep their spacing. */
const LATE_MS = 3_600_000;
/** Temporary failures: the first retry after a minute, doubling, at most this apart. */
const MAX_BACKOFF_MS = 30 * 60_000;
/** After this many failed attempts the channel is told (once); retries go on. */
const FAILED_NOTICE_AFTER = 5;

/** Outcomes after which the enrollment is still due as it was. */

const SYSTEM = { userId: 'system', name: 'Followups', isAdmin: true } as const;

/** A workspace key (`T…`, or `E…:T…` inside an org) as a ref. */
export function workspaceRefOf(key: string): WorkspaceRef {
  const [first = '', second] = key.split(':');
  return second ? { enterpriseId: first, teamId: second } : { teamId: first };
}

/** `<enrollment.step@sender's domain>`: fixed per (enrollment, step), so a retry sends the same one. */
export function messageIdOf(enrollmentId: Types.ObjectId | string, step: number, senderEmail: string | null | undefined): string {
  const domain = /@([^@\s>]+)$/.exec(senderEmail ?? '')?.[1] ?? 'followups.invalid';
  return `<followup.${String(enrollmentId)}.${step}@${domain}>`;
}

export function backoffMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
}

/** The first lines of a body, for the channel. */
function previewOf(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, 3);
  const preview = lines.join('\n');
  return preview.length > 300 ? `${preview.slice(0, 299)}…` : preview;
}

/** What one run reads once: assistants, schedules, custom messages, installations. */
interface RunContext {
  readonly options: DispatchOptions;
  readonly assistants: Map<string, Promise<AssistantDoc | null>>;
  readonly steps: Map<string, Promise<readonly Step[] | null>>;
  readonly messages: Map<string, Promise<CustomMessageDoc | null>>;
  readonly installed: Map<string, Promise<boolean>>;
  /**
   * Within a batch, an assistant's followups take daily slots in due order (oldest first), though
   * they are sent side by side: each waits for the one before it (same assistant) to have taken
   * its slot, or to have ended without one.
   */
  readonly slotTurns: Map<string, { readonly before: Promise<void>; readonly done: () => void }>;
  /** Per assistant and local day: where this run looks for the next free daily slot. */
  readonly slotHints: Map<string, DailySlotHint>;
}

function cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = map.get(key);
  if (!value) map.set(key, (value = load()));
  return value;
}

export function createDeliveryService(models: Models, clock: Clock, deps: DeliveryDeps): DeliveryService {
  const { Enrollment, Lead, Assistant, Schedule, CustomMessage } = models;
  const claims: SendClaims = createSendClaims(models, clock, { timeoutMs: deps.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS });
  const batchSize = deps.batchSize ?? BATCH;
  const concurrency = deps.concurrency ?? CONCURRENCY;

  const context = (options: DispatchOptions): RunContext => ({ options, assistants: new Map(), steps: new Map(), messages: new Map(), installed: new Map(), slotTurns: new Map(), slotHints: new Map() });
  const actorOf = (doc: EnrollmentDoc): Actor => ({ workspace: workspaceRefOf(doc.workspace), ...SYSTEM });

  const assistantOf = (ctx: RunContext, doc: EnrollmentDoc) =>
    cached(ctx.assistants, String(doc.assistantId), () => Assistant.findOne({ _id: doc.assistantId, workspace: doc.workspace }).lean<AssistantDoc>().exec());
  const stepsOf = (ctx: RunContext, doc: EnrollmentDoc) =>
    cached(ctx.steps, String(doc.scheduleId), async () => {
      const schedule = await Schedule.findOne({ _id: doc.scheduleId, workspace: doc.workspace }).lean<ScheduleDoc>();
      return schedule ? toSchedule(schedule).steps : null;
    });
  const messageOf = (ctx: RunContext, workspace: string, id: string) => cached(ctx.messages, id, () => CustomMessage.findOne({ _id: new Types.ObjectId(id), workspace }).lean<CustomMessageDoc>().exec());

  async function installed(ctx: RunContext, doc: EnrollmentDoc): Promise<boolean> {
    const { installed: ask, onUninstalled } = ctx.options;
    if (!ask) return true;
    return cached(ctx.installed, doc.workspace, async () => {
      const ref = workspaceRefOf(doc.workspace);
      const yes = await ask(ref);
      if (!yes) await onUninstalled?.(ref);
      return yes;
    });
  }

  function calendarOf(assistant: AssistantDoc): PreparedCalendar | null {
    try {
      return prepareCalendar(assistantRules(assistant));
    } catch {
      return null; // rules that leave no working time are refused on save
    }
  }

  async function notice(kind: NoticeKind, doc: EnrollmentDoc, lead: LeadDoc, step: number, fields: { subject: string; preview: string; detail: string | null; followups?: readonly Followup[] }): Promise<void> {
    const followups = fields.followups ?? toEnrollment(doc).followups;
    const position = followups.findIndex((f) => f.step === step);
    const next = followups.find((f) => f.sentAt === null && f.step !== step);
    const input: NoticeInput = {
      workspace: workspaceRefOf(doc.workspace),
      assistantId: String(doc.assistantId),
      enrollmentId: String(doc._id),
      leadId: String(doc.leadId),
      kind,
      step: position + 1,
      totalSteps: followups.length,
      lead: { name: leadLabel({ firstName: lead.firstName ?? '', lastName: lead.lastName ?? '', email: lead.email }), company: lead.company ?? '', email: lead.email },
      subject: fields.subject,
      preview: fields.preview,
      nextPlannedAt: kind === 'sent' || kind === 'not_delivered' ? (next?.plannedAt ?? null) : null,
      detail: fields.detail,
      at: clock.now(),
    };
    await deps.notices().record(input);
  }

  /** Moves the followup of `step` (the next one) to `at`, and the later ones from it, with a line in the lead's history. */
  async function moveNext(doc: EnrollmentDoc, step: number, at: Date, steps: readonly Step[] | null, calendar: PreparedCalendar, reason: string): Promise<void> {
    await writeEnrollmentChange(models, clock, actorOf(doc), doc._id, (current) => {
      if (current.state !== 'active') return null;
      const enrollment = toEnrollment(current);
      const next = enrollment.followups.find((f) => f.sentAt === null);
      if (next?.step !== step) return null;
      const shift = at.getTime() - next.plannedAt.getTime();
      const followups = steps
        ? resumedFollowups(enrollment, steps, calendar, shift)
        : enrollment.followups.map((f) => (f.sentAt ? f : { ...f, plannedAt: moveToWorkingTime(new Date(f.plannedAt.getTime() + shift), calendar).at }));
      return { set: { followups: followups.map(toFollowupDoc), ...dueFields(followups, clock.now()) }, history: { action: 'replanned', reason } };
    });
  }

  /** Pauses the enrollment (a held followup) and tells the channel why; the notice's button edits the lead and resumes. */
  async function hold(doc: EnrollmentDoc, lead: LeadDoc, step: number, detail: string, reason: string, subject: string): Promise<void> {
    const paused = await writeEnrollmentChange(models, clock, actorOf(doc), doc._id, (current) =>
      current.state === 'active' ? { set: { state: 'paused', pausedAt: clock.now() }, history: { action: 'paused', reason } } : null,
    );
    if (paused) await notice('held', doc, lead, step, { subject, preview: '', detail });
  }

  /** An earlier stop of the lead that forbids this send: an unsubscribe or a bounce ever, a reply since this enrollment began. */
  async function stoppedLead(doc: EnrollmentDoc, lead: LeadDoc): Promise<StopReason | null> {
    if (lead.unsubscribedAt) return 'unsubscribed';
    // By leadId alone (an ObjectId: one workspace's), so FerretDB's PostgreSQL reads the lead's few
    // enrollments through the leadId index instead of every enrollment of the workspace.
    const found = await Enrollment.find({ leadId: doc.leadId }, { workspace: 1, stopReason: 1, updatedAt: 1 }).lean<Pick<EnrollmentDoc, '_id' | 'workspace' | 'stopReason' | 'updatedAt'>[]>();
    const all = found.filter((e) => e.workspace === doc.workspace);
    for (const reason of ['unsubscribed', 'bounced'] as const) if (all.some((e) => e.stopReason === reason)) return reason;
    if (all.some((e) => e.stopReason === 'replied' && e.updatedAt.getTime() >= doc.createdAt.getTime())) return 'replied';
    return null;
  }

  /** Finds the due followup of an enrollment as read by a poll, claims it and sends it. */
  async function sendDue(found: EnrollmentDoc, ctx: RunContext): Promise<SendResult> {
    const now = clock.now();
    const followup = found.followups.find((f) => !f.sentAt);
    if (found.state !== 'active' || !followup || !found.nextDueAt || found.nextDueAt.getTime() > now.getTime()) return 'not_due';
    if (!(await installed(ctx, found))) return 'uninstalled';
    const assistant = await assistantOf(ctx, found);
    const claimed = await claims.claim({ workspace: found.workspace, enrollmentId: found._id, step: followup.step, messageId: messageIdOf(found._id, followup.step, assistant?.senderEmail) });
    if (claimed.kind === 'busy') return 'busy';
    const progress = { mailing: claimed.kind === 'finish' };
    try {
      return claimed.kind === 'finish' ? await finish(claimed.claim, ctx) : await sendClaimed(claimed.claim, ctx, progress);
    } catch (error) {
      // Failed before the email went to the mailer: let the next run claim it at once. After, the
      // claim stays as it is (taken over once stale, with the same Message-ID; or finished once sent).
      if (!progress.mailing) await claims.release(claimed.claim).catch(() => {});
      // Someone else kept changing the enrollment (a burst of clicks, another sender recording): the next run finishes it.
      if (error instanceof DomainError && error.code === 'conflict') return 'busy';
      throw error;
    }
  }

  async function sendClaimed(claimIn: SendClaimDoc, ctx: RunContext, progress: { mailing: boolean }): Promise<SendResult> {
    let claim = claimIn;
    const release = async (result: SendResult) => {
      if (claim.dailySlot) await claims.releaseDailySlot(claim.dailySlot);
      await claims.release(claim);
      return result;
    };
    // Checked again now that it is ours: a pause, stop or replan may have landed since the poll read it.
    const doc = await Enrollment.findOne({ _id: claim.enrollmentId, workspace: claim.workspace }).lean<EnrollmentDoc>();
    const now = clock.now();
    const followups = doc ? toEnrollment(doc).followups : [];
    const followup = followups.find((f) => f.sentAt === null);
    if (!doc || doc.state !== 'active' || followup?.step !== claim.step || !doc.nextDueAt || doc.nextDueAt.getTime() > now.getTime()) return release('not_due');
    const [lead, assistant, steps] = await Promise.all([Lead.findOne({ _id: doc.leadId, workspace: doc.workspace }).lean<LeadDoc>(), assistantOf(ctx, doc), stepsOf(ctx, doc)]);
    const calendar = assistant ? calendarOf(assistant) : null;
    if (!lead || !assistant || !calendar) return release('skipped');

    const stopped = await stoppedLead(doc, lead);
    if (stopped) {
      await deps.leads.stop(actorOf(doc), String(doc.leadId), stopped, { assistantId: String(doc.assistantId) }).catch((error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
      });
      return release('stopped');
    }
    // Due while the app was down, or retried into the evening: at once inside working time, else at the next opening.
    if (!isWorkingTime(now, calendar)) {
      await moveNext(doc, claim.step, moveToWorkingTime(now, calendar).at, steps, calendar, 'due outside working hours');
      return release('rescheduled');
    }
    if (!assistant.senderEmail) {
      await hold(doc, lead, claim.step, 'sender email', `${assistant.name} has no sender email: set one with /schedule assistant edit, then resume`, '');
      return release('held');
    }
    const customMessage = followup.customMessageId ? await messageOf(ctx, doc.workspace, followup.customMessageId) : null;
    if (followup.type === 'custom' && !customMessage) {
      await hold(doc, lead, claim.step, 'custom message', `followup ${claim.step}’s custom message no longer exists: pick another in the schedule, then resume`, '');
      return release('held');
    }
    const sender = { name: assistant.senderName || assistant.name, email: assistant.senderEmail, signature: assistant.signature ?? '' };
    const rendered = deps.render({
      lead: toLead(lead),
      sender,
      step: { number: claim.step, type: followup.type, customMessage: customMessage ? { subject: customMessage.subject ?? '', body: customMessage.body } : null },
      seed: String(doc._id),
    });
    if (!rendered.ok) {
      const fields = rendered.missing.join(', ');
      await hold(doc, lead, claim.step, fields, `followup ${claim.step} needs a value for ${fields}`, customMessage?.subject ?? '');
      return release('held');
    }

    if (!claim.dailySlot) {
      await ctx.slotTurns.get(String(doc._id))?.before;
      const limit = assistant.dailyLimit ?? DEFAULT_DAILY_LIMIT;
      const day = localDateOf(now, calendar.timeZone);
      const hintKey = `${String(assistant._id)}:${day}`;
      let hint = ctx.slotHints.get(hintKey);
      if (!hint) ctx.slotHints.set(hintKey, (hint = {}));
      const slot = await claims.takeDailySlot(claim, { workspace: doc.workspace, id: assistant._id }, day, limit, hint);
      if (!slot) {
        await moveNext(doc, claim.step, nextWorkingDayOpening(now, calendar), steps, calendar, `${assistant.name}’s daily limit of ${limit} was reached`);
        return release('rolled');
      }
      claim = await claims.update(claim, { dailySlot: slot });
    }
    ctx.slotTurns.get(String(doc._id))?.done();
    // Too slow since the claim (a stalled process): the claim may be taken over any moment, so leave it to that.
    if (!claims.stillOurs(claim)) return 'busy';

    const thread = doc.thread?.messageIds.length ? doc.thread : null;
    const subject = emailSubject(rendered.followup.subject, thread?.subject ?? null);
    const email: OutgoingEmail = {
      workspace: doc.workspace,
      messageId: claim.messageId,
      from: { name: sender.name, email: sender.email },
      to: { name: [lead.firstName, lead.lastName].filter(Boolean).join(' '), email: lead.email },
      subject,
      text: rendered.followup.text,
      html: rendered.followup.html,
      inReplyTo: thread?.messageIds.at(-1) ?? null,
      references: thread?.messageIds ?? [],
      unsubscribeUrl: unsubscribeUrl(deps.publicUrl, lead.unsubscribeToken ?? ''),
    };
    progress.mailing = true;
    const outcome = await deps.mailer().send(email);
    const attempts = claim.attempts + 1;
    if (outcome.ok) {
      claim = await claims.update(claim, { state: 'sent', attempts, sentAt: clock.now(), delivered: outcome.delivered, subject: thread ? thread.subject : subject, preview: previewOf(email.text), lastError: null });
      return finish(claim, ctx, { doc, lead });
    }
    if (outcome.permanent) {
      claim = await claims.update(claim, { state: 'bounced', attempts, lastError: outcome.error, subject, preview: previewOf(email.text) });
      return finish(claim, ctx, { doc, lead });
    }
    // Temporary (connection refused, 4xx): the same claim and Message-ID go again after the backoff.
    const retryAt = new Date(clock.now().getTime() + backoffMs(attempts));
    claim = await claims.update(claim, { state: 'retry', attempts, retryAt, lastError: outcome.error });
    await writeEnrollmentChange(models, clock, actorOf(doc), doc._id, (current) => {
      const next = current.followups.find((f) => !f.sentAt);
      if (current.state !== 'active' || next?.step !== claim.step) return null;
      return { set: { nextDueAt: retryAt, dueHour: hourOf(retryAt) }, history: null };
    });
    if (attempts === FAILED_NOTICE_AFTER) await notice('failed', doc, lead, claim.step, { subject, preview: previewOf(email.text), detail: outcome.error });
    return 'retry';
  }

  /**
   * What is left after the SMTP server answered: the notice and the enrollment's record (a sent
   * email), or stopping the lead (a bounce). Run by the sender, or by the next run when the sender
   * died after the answer; each part is safe to repeat.
   */
  async function finish(claim: SendClaimDoc, ctx: RunContext, known?: { doc: EnrollmentDoc; lead: LeadDoc }): Promise<SendResult> {
    const doc = known?.doc ?? (await Enrollment.findOne({ _id: claim.enrollmentId, workspace: claim.workspace }).lean<EnrollmentDoc>());
    if (!doc) return 'skipped';
    const lead = known?.lead ?? (await Lead.findOne({ _id: doc.leadId, workspace: doc.workspace }).lean<LeadDoc>());
    const actor = actorOf(doc);
    if (claim.state === 'bounced') {
      const bounce = (current: EnrollmentDoc): EnrollmentChange | null => {
        const index = current.followups.findIndex((f) => f.step === claim.step);
        const open = current.state === 'active' || current.state === 'paused';
        if (!open && current.followups[index]?.outcome === 'bounced') return null;
        const followups = current.followups.map((f, i) => (i === index ? { ...f, outcome: 'bounced' } : f));
        return {
          set: { followups, ...(open ? { state: 'stopped', stopReason: 'bounced', pausedAt: null, slot: String(current._id), nextDueAt: null, dueHour: null } : {}) },
          history: open ? { action: 'stopped', reason: `bounced: ${claim.lastError ?? 'rejected by the mail server'}` } : null,
        };
      };
      await writeEnrollmentChange(models, clock, actor, doc._id, bounce);
      // The address is bad for every assistant following the lead.
      await deps.leads.stop(actor, String(doc.leadId), 'bounced', { note: claim.lastError ?? '' }).catch((error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
      });
      if (lead) await notice('bounced', doc, lead, claim.step, { subject: claim.subject ?? '', preview: claim.preview ?? '', detail: claim.lastError });
      return 'bounced';
    }

    const outcome = claim.delivered ? 'sent' : 'outbox';
    const sentAt = claim.sentAt ?? clock.now();
    const steps = await stepsOf(ctx, doc);
    const assistant = await assistantOf(ctx, doc);
    const calendar = assistant ? calendarOf(assistant) : null;
    /** The followups once this one is recorded; later ones move when it went out late. */
    const recorded = (current: EnrollmentDoc): Followup[] | null => {
      const enrollment = toEnrollment(current);
      const index = enrollment.followups.findIndex((f) => f.step === claim.step);
      const followup = enrollment.followups[index];
      if (!followup || followup.sentAt) return null;
      const followups = enrollment.followups.map((f, i) => (i === index ? { ...f, sentAt, outcome } : f));
      const late = sentAt.getTime() - followup.plannedAt.getTime() > LATE_MS;
      return late && steps && calendar && current.state === 'active' ? replanFollowups({ ...enrollment, followups }, steps, calendar) : followups;
    };
    const planned = recorded(doc);
    if (!planned) return outcome; // recorded already (by the sender, before it died on its way out)
    // The notice first: recording the same one twice keeps one, and once the enrollment says "sent" nobody comes back here.
    if (lead) await notice(claim.delivered ? 'sent' : 'not_delivered', doc, lead, claim.step, { subject: claim.subject ? (doc.thread?.messageIds.length ? `Re: ${claim.subject}` : claim.subject) : '', preview: claim.preview ?? '', detail: null, followups: planned });
    await writeEnrollmentChange(models, clock, actor, doc._id, (current) => {
      const followups = recorded(current);
      if (!followups) return null;
      const thread = current.thread?.messageIds.length
        ? { subject: current.thread.subject, messageIds: [...current.thread.messageIds, claim.messageId] }
        : { subject: claim.subject ?? '', messageIds: [claim.messageId] };
      const due = dueFields(followups, clock.now());
      const open = current.state === 'active' || current.state === 'paused';
      const complete = current.state === 'active' && !due.nextDueAt;
      return {
        set: { followups: followups.map(toFollowupDoc), thread, ...(open ? due : {}), ...(complete ? { state: 'completed' as const, slot: String(current._id) } : {}) },
        history: complete ? { action: 'completed', reason: null } : null,
      };
    });
    return outcome;
  }

  /** Chains the batch's followups of each assistant in due order for their daily slots (see RunContext). */
  function queueSlotTurns(ctx: RunContext, docs: readonly EnrollmentDoc[]): void {
    ctx.slotTurns.clear();
    const last = new Map<string, Promise<void>>();
    for (const doc of docs) {
      let done!: () => void;
      const turn = new Promise<void>((resolve) => (done = resolve));
      ctx.slotTurns.set(String(doc._id), { before: last.get(String(doc.assistantId)) ?? Promise.resolve(), done });
      last.set(String(doc.assistantId), turn);
    }
  }

  async function runPool<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    return results;
  }

  /** Sends a batch side by side, daily slots taken in its order per assistant; counts the outcomes. */
  async function sendBatch(docs: readonly EnrollmentDoc[], ctx: RunContext, results: Record<string, number>): Promise<void> {
    queueSlotTurns(ctx, docs);
    const outcomes = await runPool(docs, (doc) =>
      sendDue(doc, ctx)
        .catch((error: unknown) => {
          ctx.options.log?.('warn', `Sending followup of enrollment ${String(doc._id)} failed: ${error instanceof Error ? error.message : String(error)}`);
          return 'error' as const;
        })
        .finally(() => ctx.slotTurns.get(String(doc._id))?.done()),
    );
    for (const outcome of outcomes) results[outcome] = (results[outcome] ?? 0) + 1;
  }

  return {
    async dispatch(options = {}) {
      const ctx = context(options);
      const started = Date.now();
      const results: Record<string, number> = {};
      let emptySoFar = true;
      const overBudget = () => Date.now() - started > (options.budgetMs ?? 60_000) || options.signal?.aborted === true;
      for (const hour of await hoursToPoll(models, clock.now())) {
        // One unsorted cursor walks the bucket once per run, and each batch is sorted, oldest due first.
        // FerretDB v1 quirks: it pushes no sort down (a sorted page decodes the whole bucket in Go, for
        // every batch), and no limit once there is a filter. Only `dueHour` is asked for: with `state`
        // too, PostgreSQL may pick the `state` index and read every active enrollment.
        const cursor = Enrollment.find({ dueHour: hour }).lean<EnrollmentDoc[]>().cursor({ batchSize });
        try {
          let batch: EnrollmentDoc[] = [];
          const send = async () => {
            batch.sort((a, b) => a.nextDueAt!.getTime() - b.nextDueAt!.getTime() || String(a._id).localeCompare(String(b._id)));
            await sendBatch(batch, ctx, results);
            batch = [];
          };
          for await (const doc of cursor) {
            if (doc.state !== 'active' || !doc.nextDueAt || doc.nextDueAt.getTime() > clock.now().getTime()) continue;
            batch.push(doc);
            if (batch.length < batchSize) continue;
            await send();
            if (overBudget()) break;
          }
          if (batch.length && !overBudget()) await send();
        } finally {
          await cursor.close();
        }
        // An hour gone by with nothing active left in it stays empty (writes never land in the past): skip it from now on.
        if (emptySoFar && hour < hourOf(clock.now()) - 1) {
          emptySoFar = !(await Enrollment.exists({ dueHour: hour, state: 'active' }));
          if (emptySoFar) await advanceCursor(models, hour + 1, clock.now());
        }
        if (overBudget()) break;
      }
      return { results };
    },

    async sendFollowup(enrollmentId, step, options = {}) {
      const _id = Types.ObjectId.isValid(enrollmentId) ? new Types.ObjectId(enrollmentId) : null;
      const doc = _id ? await Enrollment.findById(_id).lean<EnrollmentDoc>() : null;
      if (!doc || doc.followups.find((f) => !f.sentAt)?.step !== step) return 'not_due';
      return sendDue(doc, context(options));
    },
  };
}


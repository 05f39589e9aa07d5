// Sending followups (issue #10). The dispatcher (an Agenda job polling every few seconds, see
// src/jobs/delivery.ts) walks what is due, one due-hour bucket at a time (due.ts), with one cursor per
// run, and sends it in batches, oldest due first (`sendBatch`). `sendFollowup`, the single send a
// one-Agenda-job-per-followup design would call, is a batch of one. A batch:
//  1. claims each (enrollment, step) with a unique insert, all in one unordered insert (claims.ts:
//     exactly once, the same Message-ID after a crash), then reads each enrollment again;
//  2. checks again: still active and due; the lead never unsubscribed or bounced and did not reply
//     meanwhile; inside the assistant's working time (else it moves to the next opening); the
//     assistant has a sender email and every token has a value (else the enrollment is paused and
//     a `held` notice says why); a daily slot is free (else it rolls to the next working day);
//  3. emails them (threaded: In-Reply-To and References to the earlier ones, "Re: " the first
//     subject), marking each claim sent as soon as the SMTP server took it; then records the notices
//     and, under each enrollment's version claim (so a pause or stop landing meanwhile is never
//     undone), `sentAt` and the next due time, in bulk.
// A temporary SMTP failure retries with backoff (the claim keeps the Message-ID); a permanent one
// stops the lead as bounced. Anything given back before sending releases the claim.
// FerretDB v1 shaped the batching: every command has a fixed cost, writes batch well (one insert or a
// bulk of ten updates per command), but reads by many ids do not (no `$in` pushdown), so only the
// lead and the lead's enrollments are read per followup.
import { Types } from 'mongoose';
import type { Clock } from '../../clock.js';
import type { AssistantDoc, CustomMessageDoc, EnrollmentDoc, LeadDoc, Models, ScheduleDoc, StopReason } from '../../db/models.js';
import type { SendClaimDoc } from '../../db/deliveryModels.js';
import { isWorkingTime, localDateOf, moveToWorkingTime, nextWorkingDayOpening, prepareCalendar, type PreparedCalendar } from '../calendar.js';
import { DEFAULT_DAILY_LIMIT } from '../assistantSettings.js';
import { DomainError, workspaceRefOf, type Actor, type WorkspaceRef } from '../domain.js';
import { assistantRules, leadLabel, toEnrollment, toLead, toFollowupDoc, writeEnrollmentChange, writeEnrollmentChanges, type EnrollmentChange, type Followup, type LeadService } from '../leads/index.js';
import { dueFields, replanFollowups, resumedFollowups } from '../leads/plan.js';
import { toSchedule, type Step } from '../schedules.js';
import { unsubscribeUrl } from '../unsubscribes.js';
import type { NoticeInput, NoticeKind, NoticeSink } from '../notices/types.js';
import type { Mailer, OutgoingEmail, RenderInput, RenderResult } from './types.js';
import { createSendClaims, type ClaimResult, type DailySlotHint, type SendClaims } from './claims.js';
import { limiter, mapPool } from './pool.js';
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
  /** The run stopped for its budget with due followups left: run again at once. */
  readonly more: boolean;
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

interface NoticeFields {
  readonly subject: string;
  readonly preview: string;
  readonly detail: string | null;
  readonly followups?: readonly Followup[];
}

/** A claimed followup that passed the checks at send time, rendered, waiting for its daily slot and the mailer. */
interface Ready {
  /** Its place in the batch (oldest due first). */
  readonly i: number;
  claim: SendClaimDoc;
  readonly doc: EnrollmentDoc;
  readonly lead: LeadDoc;
  readonly assistant: AssistantDoc;
  readonly calendar: PreparedCalendar;
  readonly steps: readonly Step[] | null;
  readonly email: OutgoingEmail;
  /** What the thread is called: the first email's subject. */
  readonly threadSubject: string;
}

/** Batches overlap (one mails while the next is claimed and checked), but take daily slots in turn, oldest first. */
interface SlotTurn {
  readonly before: Promise<void>;
  readonly done: () => void;
}

/**
 * Batches of one run in flight at once. One: with two (one mailing while the next is claimed and
 * recorded) FerretDB v1.24 stopped answering anyone in a 1,000 burst here; that was its pool deadlock
 * (db/local/ferretdb.ts), which the local database's pool sizes now rule out.
 */
const BATCHES_IN_FLIGHT = 2;

/** What one run reads once: assistants, schedules, custom messages, installations. */
interface RunContext {
  readonly options: DispatchOptions;
  readonly assistants: Map<string, Promise<AssistantDoc | null>>;
  readonly steps: Map<string, Promise<readonly Step[] | null>>;
  readonly messages: Map<string, Promise<CustomMessageDoc | null>>;
  readonly installed: Map<string, Promise<boolean>>;
  /** Per assistant and local day: where this run looks for the next free daily slot. */
  readonly slotHints: Map<string, DailySlotHint>;
  /** Emails in flight, over every batch of the run: at most `concurrency` (what a killed process may send twice). */
  readonly mailing: <R>(work: () => Promise<R>) => Promise<R>;
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

  const context = (options: DispatchOptions): RunContext => ({ options, assistants: new Map(), steps: new Map(), messages: new Map(), installed: new Map(), slotHints: new Map(), mailing: limiter(concurrency) });
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

  function noticeInput(kind: NoticeKind, doc: EnrollmentDoc, lead: LeadDoc, step: number, fields: NoticeFields): NoticeInput {
    const followups = fields.followups ?? toEnrollment(doc).followups;
    const position = followups.findIndex((f) => f.step === step);
    const next = followups.find((f) => f.sentAt === null && f.step !== step);
    return {
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
  }

  async function notice(kind: NoticeKind, doc: EnrollmentDoc, lead: LeadDoc, step: number, fields: NoticeFields): Promise<void> {
    await deps.notices().record(noticeInput(kind, doc, lead, step, fields));
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
  function stoppedLead(doc: EnrollmentDoc, lead: LeadDoc, all: readonly EnrollmentDoc[]): StopReason | null {
    if (lead.unsubscribedAt) return 'unsubscribed';
    for (const reason of ['unsubscribed', 'bounced'] as const) if (all.some((e) => e.stopReason === reason)) return reason;
    if (all.some((e) => e.stopReason === 'replied' && e.updatedAt.getTime() >= doc.createdAt.getTime())) return 'replied';
    return null;
  }

  /**
   * Sends a batch of enrollments as a poll read them (oldest due first), each at most once:
   *  1. claims every due followup in one unordered insert (a refused one was claimed before: see claims.ts);
   *  2. checks each claimed one again, as it is now (`prepare`);
   *  3. takes daily slots per assistant in the batch's order, so the oldest due get them;
   *  4. emails them side by side, marking each claim sent as soon as the SMTP server took it;
   *  5. records the sent ones: notices, then the enrollments, each in bulk.
   * Database work is per batch where it can be; what FerretDB v1 cannot read in bulk (no `$in` pushdown)
   * is read per followup: the lead, and the lead's enrollments (this one, fresh, among them).
   */
  async function sendBatch(found: readonly EnrollmentDoc[], ctx: RunContext, turn: SlotTurn = { before: Promise.resolve(), done: () => {} }): Promise<(SendResult | 'error')[]> {
    try {
      return await sendBatchInTurn(found, ctx, turn);
    } finally {
      turn.done();
    }
  }

  async function sendBatchInTurn(found: readonly EnrollmentDoc[], ctx: RunContext, turn: SlotTurn): Promise<(SendResult | 'error')[]> {
    const outcomes: (SendResult | 'error')[] = found.map(() => 'not_due');
    const failed = (i: number) => (error: unknown) => {
      if (error instanceof DomainError && error.code === 'conflict') return void (outcomes[i] = 'busy');
      ctx.options.log?.('warn', `Sending followup of enrollment ${String(found[i]!._id)} failed: ${error instanceof Error ? error.message : String(error)}`);
      outcomes[i] = 'error';
    };
    const now = clock.now();
    const due: { i: number; doc: EnrollmentDoc; step: number; assistant: AssistantDoc | null }[] = [];
    for (const [i, doc] of found.entries()) {
      // Inside the try: one document the app cannot read (written by hand, say) is that followup's error, not its batch's.
      try {
        const followup = doc.followups.find((f) => !f.sentAt);
        if (doc.state !== 'active' || !followup || !doc.nextDueAt || doc.nextDueAt.getTime() > now.getTime()) continue;
        if (!(await installed(ctx, doc))) {
          outcomes[i] = 'uninstalled';
          continue;
        }
        due.push({ i, doc, step: followup.step, assistant: await assistantOf(ctx, doc) });
      } catch (error) {
        failed(i)(error);
      }
    }
    let claimed: ClaimResult[];
    try {
      claimed = await claims.claimAll(due.map(({ doc, step, assistant }) => ({ workspace: doc.workspace, enrollmentId: doc._id, step, messageId: messageIdOf(doc._id, step, assistant?.senderEmail) })));
    } catch (error) {
      for (const { i } of due) failed(i)(error);
      return outcomes;
    }

    const owned: { i: number; claim: SendClaimDoc }[] = [];
    await mapPool(due, concurrency, async ({ i }, k) => {
      const result = claimed[k]!;
      if (result.kind === 'busy') outcomes[i] = 'busy';
      // The SMTP server answered before its sender died: what is left is recording it.
      else if (result.kind === 'finish') await finish(result.claim, ctx).then((outcome) => (outcomes[i] = outcome), failed(i));
      else owned.push({ i, claim: result.claim });
    });
    owned.sort((a, b) => a.i - b.i);

    const ready: Ready[] = [];
    await mapPool(owned, concurrency, async ({ i, claim }) => {
      try {
        const prepared = await prepare(claim, found[i]!, ctx);
        if (typeof prepared === 'string') outcomes[i] = await released(claim, prepared);
        else ready.push({ ...prepared, i });
      } catch (error) {
        // Failed before anything went to the mailer: the next run claims it again at once.
        await claims.release(claim).catch(() => {});
        failed(i)(error);
      }
    });
    ready.sort((a, b) => a.i - b.i);

    // The batch before this one (older due) takes its daily slots first.
    await turn.before;
    const slotted = await takeDailySlots(ready, ctx, (r, outcome) => (outcomes[r.i] = outcome), (r, error) => failed(r.i)(error));
    turn.done();
    const sent: Ready[] = [];
    await mapPool(slotted, concurrency, async (r) => {
      try {
        const outcome = await ctx.mailing(() => mail(r, ctx));
        if (outcome === 'sent') sent.push(r);
        else outcomes[r.i] = outcome;
      } catch (error) {
        failed(r.i)(error);
      }
    });
    sent.sort((a, b) => a.i - b.i);
    try {
      const recorded = await record(sent, ctx);
      for (const [k, r] of sent.entries()) outcomes[r.i] = recorded[k]!;
    } catch (error) {
      // Sent, and marked so on the claims: the next run's claim finds them and records them.
      for (const r of sent) failed(r.i)(error);
    }
    return outcomes;
  }

  /** Gives the claim (and its daily slot) back before anything went out, with what happened instead. */
  async function released<R extends SendResult | 'error'>(claim: SendClaimDoc, result: R): Promise<R> {
    if (claim.dailySlot) await claims.releaseDailySlot(claim.dailySlot);
    await claims.release(claim);
    return result;
  }

  /**
   * Checks a claimed followup again now that it is ours (a pause, stop or replan may have landed since
   * the poll read it), and renders it; or says why it is not sent now, having acted on it (stopped the
   * lead, moved it to the next opening, held it).
   */
  async function prepare(claim: SendClaimDoc, found: EnrollmentDoc, ctx: RunContext): Promise<Omit<Ready, 'i'> | SendResult> {
    // The lead's enrollments: this one as it is now, and the others, for a stop with another assistant. By
    // leadId alone (an ObjectId, so one workspace's): FerretDB's PostgreSQL then reads the lead's few
    // enrollments through the leadId index, not every enrollment of the workspace.
    const [all, lead, assistant, steps] = await Promise.all([
      Enrollment.find({ leadId: found.leadId }).lean<EnrollmentDoc[]>(),
      Lead.findOne({ _id: found.leadId, workspace: found.workspace }).lean<LeadDoc>(),
      assistantOf(ctx, found),
      stepsOf(ctx, found),
    ]);
    const ofLead = all.filter((e) => e.workspace === found.workspace);
    const doc = ofLead.find((e) => e._id.equals(claim.enrollmentId));
    const now = clock.now();
    const followups = doc ? toEnrollment(doc).followups : [];
    const followup = followups.find((f) => f.sentAt === null);
    if (!doc || doc.state !== 'active' || followup?.step !== claim.step || !doc.nextDueAt || doc.nextDueAt.getTime() > now.getTime()) return 'not_due';
    const calendar = assistant ? calendarOf(assistant) : null;
    if (!lead || !assistant || !calendar) return 'skipped';

    const stopped = stoppedLead(doc, lead, ofLead);
    if (stopped) {
      await deps.leads.stop(actorOf(doc), String(doc.leadId), stopped, { assistantId: String(doc.assistantId) }).catch((error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
      });
      return 'stopped';
    }
    // Due while the app was down, or retried into the evening: at once inside working time, else at the next opening.
    if (!isWorkingTime(now, calendar)) {
      await moveNext(doc, claim.step, moveToWorkingTime(now, calendar).at, steps, calendar, 'due outside working hours');
      return 'rescheduled';
    }
    if (!assistant.senderEmail) {
      await hold(doc, lead, claim.step, 'sender email', `${assistant.name} has no sender email: set one with /schedule assistant edit, then resume`, '');
      return 'held';
    }
    const customMessage = followup.customMessageId ? await messageOf(ctx, doc.workspace, followup.customMessageId) : null;
    if (followup.type === 'custom' && !customMessage) {
      await hold(doc, lead, claim.step, 'custom message', `followup ${claim.step}’s custom message no longer exists: pick another in the schedule, then resume`, '');
      return 'held';
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
      return 'held';
    }
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
    return { claim, doc, lead, assistant, calendar, steps, email, threadSubject: thread ? thread.subject : subject };
  }

  /**
   * Daily slots for the ready followups, per assistant and local day in the batch's order (oldest due
   * first). One beyond the limit rolls, with the lead's later ones, to the next working day's opening.
   * Returns the ones with a slot, each claim now naming it (so a takeover keeps it).
   */
  async function takeDailySlots(ready: readonly Ready[], ctx: RunContext, done: (r: Ready, outcome: SendResult) => void, failed: (r: Ready, error: unknown) => void): Promise<Ready[]> {
    const now = clock.now();
    const groups = new Map<string, Ready[]>();
    const slotted: Ready[] = [];
    for (const r of ready) {
      // Kept across a takeover or a retry: the send already counts.
      if (r.claim.dailySlot) slotted.push(r);
      else {
        const key = `${String(r.assistant._id)}:${localDateOf(now, r.calendar.timeZone)}`;
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
    }
    const named: { r: Ready; slot: string }[] = [];
    for (const [key, group] of groups) {
      const { assistant, calendar, doc } = group[0]!;
      const limit = assistant.dailyLimit ?? DEFAULT_DAILY_LIMIT;
      let hint = ctx.slotHints.get(key);
      if (!hint) ctx.slotHints.set(key, (hint = {}));
      try {
        const slots = await claims.takeDailySlots(group.map((r) => r.claim), { workspace: doc.workspace, id: assistant._id }, localDateOf(now, calendar.timeZone), limit, hint);
        await mapPool(group, concurrency, async (r, k) => {
          const slot = slots[k];
          if (slot) return void named.push({ r, slot });
          try {
            await moveNext(r.doc, r.claim.step, nextWorkingDayOpening(now, r.calendar), r.steps, r.calendar, `${assistant.name}’s daily limit of ${limit} was reached`);
            done(r, await released(r.claim, 'rolled'));
          } catch (error) {
            await claims.release(r.claim).catch(() => {});
            failed(r, error);
          }
        });
      } catch (error) {
        for (const r of group) {
          await claims.release(r.claim).catch(() => {});
          failed(r, error);
        }
      }
    }
    try {
      const updated = await claims.updateAll(named.map(({ r, slot }) => ({ claim: r.claim, set: { dailySlot: slot } })));
      named.forEach(({ r }, k) => slotted.push({ ...r, claim: updated[k]! }));
    } catch (error) {
      for (const { r, slot } of named) {
        await released({ ...r.claim, dailySlot: slot }, 'error').catch(() => {});
        failed(r, error);
      }
    }
    return slotted;
  }

  /** Emails a ready followup and writes the SMTP server's answer on its claim; 'sent' is left to record. */
  async function mail(r: Ready, ctx: RunContext): Promise<SendResult> {
    // Too slow since the claim (a stalled process): the claim may be taken over any moment, so leave it to that.
    if (!claims.stillOurs(r.claim)) return 'busy';
    const { email, doc, lead } = r;
    const outcome = await deps.mailer().send(email);
    const attempts = r.claim.attempts + 1;
    if (outcome.ok) {
      // At once, email by email: a process killed now can only send again what it had in flight.
      r.claim = await claims.markSent(r.claim, { attempts, sentAt: clock.now(), delivered: outcome.delivered, subject: r.threadSubject, preview: previewOf(email.text), lastError: null });
      return 'sent';
    }
    if (outcome.permanent) {
      const claim = await claims.update(r.claim, { state: 'bounced', attempts, lastError: outcome.error, subject: email.subject, preview: previewOf(email.text) });
      return finish(claim, ctx, { doc, lead });
    }
    // Temporary (connection refused, 4xx): the same claim and Message-ID go again after the backoff.
    const retryAt = new Date(clock.now().getTime() + backoffMs(attempts));
    const claim = await claims.update(r.claim, { state: 'retry', attempts, retryAt, lastError: outcome.error });
    await writeEnrollmentChange(models, clock, actorOf(doc), doc._id, (current) => {
      const next = current.followups.find((f) => !f.sentAt);
      if (current.state !== 'active' || next?.step !== claim.step) return null;
      return { set: { nextDueAt: retryAt, dueHour: hourOf(retryAt) }, history: null };
    });
    if (attempts === FAILED_NOTICE_AFTER) await notice('failed', doc, lead, claim.step, { subject: email.subject, preview: previewOf(email.text), detail: outcome.error });
    return 'retry';
  }

  /**
   * The followups of an enrollment once the sent claim is recorded (later ones move when it went out
   * late), or null when it is recorded already.
   */
  function recordedFollowups(claim: SendClaimDoc, current: EnrollmentDoc, steps: readonly Step[] | null, calendar: PreparedCalendar | null): Followup[] | null {
    const enrollment = toEnrollment(current);
    const index = enrollment.followups.findIndex((f) => f.step === claim.step);
    const followup = enrollment.followups[index];
    if (!followup || followup.sentAt) return null;
    const sentAt = claim.sentAt ?? clock.now();
    const followups = enrollment.followups.map((f, i) => (i === index ? { ...f, sentAt, outcome: claim.delivered ? 'sent' : 'outbox' } : f));
    const late = sentAt.getTime() - followup.plannedAt.getTime() > LATE_MS;
    return late && steps && calendar && current.state === 'active' ? replanFollowups({ ...enrollment, followups }, steps, calendar) : followups;
  }

  /** The enrollment's record of a sent claim: the followup sent, the thread, the next due time, complete when none is left. */
  function recordSent(claim: SendClaimDoc, steps: readonly Step[] | null, calendar: PreparedCalendar | null) {
    return (current: EnrollmentDoc): EnrollmentChange | null => {
      const followups = recordedFollowups(claim, current, steps, calendar);
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
    };
  }

  /**
   * Records sent claims: the notices first (recording the same one twice keeps one, and once the
   * enrollment says "sent" nobody comes back here), then the enrollments, under their version claims
   * (a pause or stop landing meanwhile is never undone). Each part is safe to repeat.
   */
  async function record(items: readonly { claim: SendClaimDoc; doc: EnrollmentDoc; lead: LeadDoc | null }[], ctx: RunContext): Promise<SendResult[]> {
    const rows = await Promise.all(
      items.map(async (item) => {
        const assistant = await assistantOf(ctx, item.doc);
        const calendar = assistant ? calendarOf(assistant) : null;
        const steps = await stepsOf(ctx, item.doc);
        return { ...item, steps, calendar, planned: recordedFollowups(item.claim, item.doc, steps, calendar) };
      }),
    );
    const notices = rows.flatMap(({ claim, doc, lead, planned }) =>
      planned && lead
        ? [noticeInput(claim.delivered ? 'sent' : 'not_delivered', doc, lead, claim.step, { subject: claim.subject ? (doc.thread?.messageIds.length ? `Re: ${claim.subject}` : claim.subject) : '', preview: claim.preview ?? '', detail: null, followups: planned })]
        : [],
    );
    if (notices.length) await deps.notices().recordAll(notices);
    // Recorded already (by the sender, before it died on its way out): nothing to write.
    const writing = rows.filter((row) => row.planned);
    await writeEnrollmentChanges(models, clock, writing.map(({ claim, doc, steps, calendar }) => ({ actor: actorOf(doc), doc, change: recordSent(claim, steps, calendar) })));
    return items.map(({ claim }) => (claim.delivered ? 'sent' : 'outbox'));
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
    if (claim.state !== 'bounced') return (await record([{ claim, doc, lead }], ctx))[0]!;
    const actor = actorOf(doc);
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

  return {
    async dispatch(options = {}) {
      const ctx = context(options);
      const started = Date.now();
      const results: Record<string, number> = {};
      let emptySoFar = true;
      let more = false;
      const overBudget = () => Date.now() - started > (options.budgetMs ?? 60_000) || options.signal?.aborted === true;
      for (const hour of await hoursToPoll(models, clock.now())) {
        // One unsorted cursor walks the bucket once per run, and each batch is sorted, oldest due first.
        // FerretDB v1 quirks: it pushes no sort down (a sorted page decodes the whole bucket in Go, for
        // every batch), and no limit once there is a filter. Only `dueHour` is asked for: with `state`
        // too, PostgreSQL may pick the `state` index and read every active enrollment.
        const cursor = Enrollment.find({ dueHour: hour }).lean<EnrollmentDoc[]>().cursor({ batchSize });
        const inFlight = new Set<Promise<void>>();
        let lastTurn: Promise<void> = Promise.resolve();
        try {
          let batch: EnrollmentDoc[] = [];
          const send = async () => {
            const docs = batch.sort((a, b) => a.nextDueAt!.getTime() - b.nextDueAt!.getTime() || String(a._id).localeCompare(String(b._id)));
            batch = [];
            let done!: () => void;
            const turn = { before: lastTurn, done: () => done() };
            lastTurn = new Promise<void>((resolve) => (done = resolve));
            const running = sendBatch(docs, ctx, turn).then(
              (outcomes) => {
                for (const outcome of outcomes) results[outcome] = (results[outcome] ?? 0) + 1;
              },
              // sendBatch answers per followup, but a batch must never end in an unhandled rejection (a
              // database answer timing out, say): Node ends the process on one, and with it the web listener
              // of `npm start`. Its claims are taken over after their timeout.
              (error: unknown) => {
                results.error = (results.error ?? 0) + docs.length;
                options.log?.('warn', `A batch of ${docs.length} followups failed: ${error instanceof Error ? error.message : String(error)}`);
              },
            );
            inFlight.add(running);
            void running.finally(() => inFlight.delete(running));
            if (inFlight.size >= BATCHES_IN_FLIGHT) await Promise.race(inFlight);
          };
          // The bucket is walked to its end whatever the budget (only a stopping process leaves it): a cursor
          // closed early still has PostgreSQL read and ship every row left in it, for nothing.
          for await (const doc of cursor) {
            if (doc.state !== 'active' || !doc.nextDueAt || doc.nextDueAt.getTime() > clock.now().getTime()) continue;
            batch.push(doc);
            if (batch.length < batchSize) continue;
            await send();
            if (options.signal?.aborted) break;
          }
          if (batch.length && !options.signal?.aborted) await send();
        } finally {
          await Promise.all(inFlight);
          await cursor.close();
        }
        // An hour gone by with nothing active left in it stays empty (writes never land in the past): skip it from now on.
        if (emptySoFar && hour < hourOf(clock.now()) - 1) {
          emptySoFar = !(await Enrollment.exists({ dueHour: hour, state: 'active' }));
          if (emptySoFar) await advanceCursor(models, hour + 1, clock.now());
        }
        if (overBudget()) {
          more = true;
          break;
        }
      }
      return { results, more };
    },

    async sendFollowup(enrollmentId, step, options = {}) {
      const _id = Types.ObjectId.isValid(enrollmentId) ? new Types.ObjectId(enrollmentId) : null;
      const doc = _id ? await Enrollment.findById(_id).lean<EnrollmentDoc>() : null;
      if (!doc || doc.followups.find((f) => !f.sentAt)?.step !== step) return 'not_due';
      const [outcome] = await sendBatch([doc], context(options));
      if (outcome === 'error') throw new Error(`Sending followup ${step} of enrollment ${enrollmentId} failed`);
      return outcome!;
    },
  };
}

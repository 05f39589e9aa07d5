// Leads and their enrollments: adding leads (one or a thousand at once) to an assistant's
// schedule with every followup planned, showing and listing them, pause, resume, stop and
// replans. Slack-free; time comes from the injected clock.
// FerretDB v1 shaped this: no transactions, so a lead and its enrollment are separate inserts
// that can each be repeated (re-adding finds the lead and enrolls it); no atomic
// find-and-modify, so every change of an enrollment first claims its next version with a
// unique insert (versions.ts); no partial indexes, so "one schedule at a time per assistant"
// is a unique `slot` (see EnrollmentDoc).
import { Types } from 'mongoose';
import type { Clock } from '../../clock.js';
import {
  bulkUpdate,
  isDuplicateKeyError,
  parseObjectId,
  type AssistantDoc,
  type EnrollmentDoc,
  type EnrollmentState,
  type FollowupDoc,
  type HistoryEntryDoc,
  type LeadDoc,
  type Models,
  type ScheduleDoc,
  type StopReason,
  type VersionClaimDoc,
  newUnsubscribeToken,
} from '../../db/models.js';
import { prepareCalendar, type CalendarRules, type PreparedCalendar } from '../calendar.js';
import { calendarRulesOf } from '../assistantSettings.js';
import { toAssistant } from '../assistants.js';
import { assertMayActOnLeads, DomainError, ValidationError, workspaceKey, type Actor, type WorkspaceRef } from '../domain.js';
import { toSchedule, type ListPage, type Schedule } from '../schedules.js';
import { scheduleLock, withLocks } from '../locks.js';
import { dueFields, planFollowups, replanFollowups, resumedFollowups, type PlannedFollowup } from './plan.js';
import { customFieldKey, leadEmailSchema, validateLead, type LeadFieldErrors, type ValidLead } from './schema.js';

export { leadInputSchema, validateLead, customFieldKey, type LeadInput, type ValidLead, type LeadFieldErrors } from './schema.js';
export { ENROLLMENT_STATES, STOP_REASONS, type EnrollmentState, type StopReason } from '../../db/models.js';

export interface CustomField {
  readonly name: string;
  readonly value: string;
}

export interface Lead {
  readonly id: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly company: string;
  readonly title: string;
  readonly phone: string;
  readonly industry: string;
  readonly tags: readonly string[];
  readonly custom: readonly CustomField[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type Followup = PlannedFollowup;

export interface HistoryEntry {
  readonly at: Date;
  readonly by: string;
  readonly byName: string;
  readonly action: HistoryEntryDoc['action'];
  readonly reason: string | null;
}

export interface Enrollment {
  readonly id: string;
  readonly leadId: string;
  readonly email: string;
  readonly assistantId: string;
  readonly scheduleId: string;
  readonly emailCc: boolean;
  readonly start: Date;
  readonly state: EnrollmentState;
  readonly stopReason: StopReason | null;
  readonly pausedAt: Date | null;
  readonly followups: readonly Followup[];
  readonly nextDueAt: Date | null;
  readonly history: readonly HistoryEntry[];
  /** The subject of the lead's email thread once a followup was sent (later ones reply to it), else null. */
  readonly threadSubject: string | null;
  readonly version: number;
  readonly createdAt: Date;
}

export interface LeadDetails extends Lead {
  /** The enrollment that matters now: an active or paused one, else the latest; null when none. */
  readonly enrollment: Enrollment | null;
  /** Every enrollment of the lead, newest first. */
  readonly enrollments: readonly Enrollment[];
}

export interface EnrollOptions {
  readonly assistantId: string;
  /** Default: the assistant's default schedule (its Email CC default when `emailCc`). */
  readonly scheduleId?: string | null;
  /** The user sent the first email with the assistant in CC: step 1 gets no followup. */
  readonly emailCc?: boolean;
  /** Default: now. */
  readonly start?: Date | null;
}

export type AddLeadResult =
  | { readonly ok: true; readonly leadId: string; readonly enrollmentId: string }
  | {
      readonly ok: false;
      /**
       * `duplicate`: the email already follows a schedule of this assistant (or is twice in the batch).
       * `unsubscribed` / `bounced`: the workspace's lead with that email unsubscribed, or an email to them
       * bounced: they are never enrolled again (the lead stays as it is).
       */
      readonly reason: 'invalid' | 'duplicate' | 'unsubscribed' | 'bounced';
      readonly errors: LeadFieldErrors;
      readonly existingLeadId?: string;
    };

/** What an enrollment would be, before anything is written (the add modal's preview). */
export interface EnrollmentPreview {
  readonly assistant: { readonly id: string; readonly name: string; readonly timeZone: string };
  readonly schedule: Schedule;
  readonly emailCc: boolean;
  readonly start: Date;
  readonly followups: readonly Followup[];
}

export interface LeadListItem {
  readonly lead: Pick<Lead, 'id' | 'email' | 'firstName' | 'lastName' | 'company'>;
  readonly enrollment: Enrollment;
}

export interface ListOptions {
  readonly assistantId?: string | null;
  readonly state?: EnrollmentState | null;
  /** Zero-based. */
  readonly page?: number;
  readonly perPage?: number;
}

/** Which enrollments a state change applies to: every one of the lead's, or one assistant's. */
export interface ChangeOptions {
  readonly assistantId?: string | null;
  /** Why, in the history (a pause for an uninstall says "app uninstalled"). */
  readonly reason?: string;
}

/** A lead's fields as a form changes them: only those given change; a custom field given empty is removed. */
export interface LeadFieldsInput {
  readonly firstName?: string;
  readonly lastName?: string;
  readonly company?: string;
  readonly title?: string;
  readonly phone?: string;
  readonly industry?: string;
  /** By name (as its token writes it: `deal_size` for `{{custom.deal_size}}`). */
  readonly custom?: Readonly<Record<string, string>>;
}

export interface UpdateFieldsOptions {
  /** Fields that must have a value afterwards (`firstName`, `custom.deal_size`): what a held followup needs. */
  readonly required?: readonly string[];
  /** A paused enrollment of the lead to resume with the same write (a held followup goes out at its next opening). */
  readonly resumeEnrollmentId?: string;
}

export interface UpdateFieldsResult {
  readonly lead: LeadDetails;
  /** The fields whose value changed (`firstName`, `custom.deal_size`), in the lead's order. */
  readonly changed: readonly string[];
}

/** The standard fields a lead's form edits, in order. */
export const EDITABLE_LEAD_FIELDS = ['firstName', 'lastName', 'company', 'title', 'phone', 'industry'] as const;

/**
 * Who reads leads: a person (an Actor: refused unless they may act on the workspace's leads, see
 * assertMayActOnLeads; a lead's details are an email and a history), or the app itself for its
 * workspace (jobs, and what follows a check already made).
 */
export type LeadReader = Actor | WorkspaceRef;

function workspaceOfReader(reader: LeadReader): WorkspaceRef {
  if (!('userId' in reader)) return reader;
  assertMayActOnLeads(reader);
  return reader.workspace;
}

export interface LeadService {
  /**
   * Validates each lead and enrolls the good ones, in one go (inserts in bulk). One result per
   * lead, in order. Problems with the enrollment itself (unknown assistant, a schedule of the
   * wrong kind, a bad start) refuse the whole batch with a ValidationError of `assistantId`,
   * `scheduleId` or `start`.
   */
  addLeads(actor: Actor, enroll: EnrollOptions, leads: readonly unknown[]): Promise<AddLeadResult[]>;
  /** The schedule, start and planned followups `addLeads` would use; writes nothing. */
  preview(ref: WorkspaceRef, enroll: EnrollOptions): Promise<EnrollmentPreview>;
  get(reader: LeadReader, id: string): Promise<LeadDetails>;
  /** Case-insensitive; null when the workspace has no such lead; a ValidationError (`email`) for what is not an email address. */
  findByEmail(reader: LeadReader, email: string): Promise<LeadDetails | null>;
  /** Enrollments (with their lead), newest first, paged in the database. */
  list(reader: LeadReader, options?: ListOptions): Promise<ListPage<LeadListItem>>;
  pause(actor: Actor, leadId: string, options?: ChangeOptions): Promise<LeadDetails>;
  /** Moves every remaining followup by the time spent paused, then to working time. */
  resume(actor: Actor, leadId: string, options?: ChangeOptions): Promise<LeadDetails>;
  stop(actor: Actor, leadId: string, reason: StopReason, options?: ChangeOptions & { readonly note?: string }): Promise<LeadDetails>;
  /**
   * Changes a lead's fields (validated as when adding; a ValidationError names each bad field and
   * nothing is written). With `resumeEnrollmentId`, the fields and the resume are one version of that
   * enrollment: refused, writing nothing, when it is no longer paused (stopped, or resumed by someone
   * else meanwhile), so two submits at once have one effect and a stop is never undone.
   */
  updateFields(actor: Actor, leadId: string, fields: LeadFieldsInput, options?: UpdateFieldsOptions): Promise<UpdateFieldsResult>;
  /**
   * Plans an enrollment's unsent followups again from its last sent (or start) time, with its
   * schedule's current steps and its assistant's current rules (after a schedule edit or an
   * assistant change). Only active enrollments change; false when there was nothing to do.
   */
  replanEnrollment(actor: Actor, enrollmentId: string, reason: string): Promise<boolean>;
  /** Ids of the enrollments following a schedule, or an assistant, that are active (and paused, when asked). */
  enrollmentIdsFollowing(ref: WorkspaceRef, of: { scheduleId: string } | { assistantId: string }, options?: { includePaused?: boolean }): Promise<string[]>;
  /** How many active or paused enrollments follow a schedule (the delete guard). */
  countFollowing(ref: WorkspaceRef, of: { scheduleId: string } | { assistantId: string }): Promise<number>;
}

const PER_PAGE = 10;
/** A start at most this far from now, either way (an Email CC start is when the user sent their email). */
const MAX_START_DISTANCE_MS = 366 * 24 * 3600_000;
/** A version claim older than this whose enrollment never reached it was left by a crashed writer. */
const STALE_CLAIM_MS = 30_000;

/** The standard fields as sentences name them. */
const FIELD_WORDS: Readonly<Record<string, string>> = { firstName: 'first name', lastName: 'last name', company: 'company', title: 'title', phone: 'phone', industry: 'industry' };

export const STOP_REASON_LABELS: Record<StopReason, string> = {
  replied: 'replied',
  unsubscribed: 'unsubscribed',
  bounced: 'bounced',
  not_interested: 'not interested',
  other: 'other',
};

/** A lead as services show it (also the fields a followup is rendered from). */
export function toLead(doc: LeadDoc): Lead {
  return {
    id: String(doc._id),
    email: doc.email,
    firstName: doc.firstName ?? '',
    lastName: doc.lastName ?? '',
    company: doc.company ?? '',
    title: doc.title ?? '',
    phone: doc.phone ?? '',
    industry: doc.industry ?? '',
    tags: doc.tags ?? [],
    custom: (doc.custom ?? []).map((c) => ({ name: c.name, value: c.value })),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

function toFollowup(doc: FollowupDoc): Followup {
  return {
    step: doc.step,
    type: doc.type,
    customMessageId: doc.customMessageId ? String(doc.customMessageId) : null,
    plannedAt: doc.plannedAt,
    sentAt: doc.sentAt ?? null,
    outcome: doc.outcome ?? null,
  };
}

export function toFollowupDoc(f: Followup): FollowupDoc {
  return {
    step: f.step,
    type: f.type,
    customMessageId: f.customMessageId ? new Types.ObjectId(f.customMessageId) : null,
    plannedAt: f.plannedAt,
    sentAt: f.sentAt,
    outcome: f.outcome,
  };
}

export function toEnrollment(doc: EnrollmentDoc): Enrollment {
  return {
    id: String(doc._id),
    leadId: String(doc.leadId),
    email: doc.email,
    assistantId: String(doc.assistantId),
    scheduleId: String(doc.scheduleId),
    emailCc: doc.emailCc ?? false,
    start: doc.start,
    state: doc.state,
    stopReason: doc.stopReason ?? null,
    pausedAt: doc.pausedAt ?? null,
    followups: (doc.followups ?? []).map(toFollowup),
    nextDueAt: doc.nextDueAt ?? null,
    history: (doc.history ?? []).map((h) => ({ at: h.at, by: h.by, byName: h.byName ?? '', action: h.action, reason: h.reason ?? null })),
    version: doc.version ?? 1,
    threadSubject: doc.thread?.messageIds.length ? doc.thread.subject : null,
    createdAt: doc.createdAt,
  };
}

/** The slot an active or paused enrollment holds: one per assistant and lead (a unique index). */
export function activeSlot(assistantId: string | Types.ObjectId, leadId: string | Types.ObjectId): string {
  return `${String(assistantId)}:${String(leadId)}`;
}

/** "Jamie Rivera" or, without a name, the email. */
export function leadLabel(lead: Pick<Lead, 'firstName' | 'lastName' | 'email'>): string {
  return [lead.firstName, lead.lastName].filter(Boolean).join(' ') || lead.email;
}

/** The calendar rules of an assistant as stored (older assistants read with the default hours). */
export function assistantRules(assistant: AssistantDoc): CalendarRules {
  return calendarRulesOf(toAssistant(assistant));
}

const isOpen = (state: EnrollmentState) => state === 'active' || state === 'paused';

/** One change of an enrollment: the fields to set and, unless null, the line its history gets. */
export interface EnrollmentChange {
  readonly set: Partial<EnrollmentDoc>;
  readonly history: Omit<HistoryEntryDoc, 'at' | 'by' | 'byName'> | null;
}

/**
 * Writes the next version of an enrollment: claims it with a unique (docId, version) insert
 * first (of two clicks at once, one writes and the other re-reads), then writes `change(doc)`.
 * `change` returns null when there is nothing to do on the enrollment as it is now. Pause,
 * resume, stop, replans and delivery's sends all write through here, so none undoes another.
 * Returns the enrollment as it was before the write, or null when nothing was written.
 */
export async function writeEnrollmentChange(
  models: Models,
  clock: Clock,
  actor: Actor,
  id: Types.ObjectId,
  change: (doc: EnrollmentDoc) => EnrollmentChange | null,
  /** Runs once this writer holds the claim, before the enrollment is written: what must land with the change (a lead's fields before its resume). A throw writes nothing. */
  beforeWrite?: (doc: EnrollmentDoc) => Promise<void>,
): Promise<EnrollmentDoc | null> {
  const { Enrollment, VersionClaim } = models;
  for (let attempt = 0; attempt < 10; attempt++) {
    const doc = await Enrollment.findOne({ _id: id, workspace: workspaceKey(actor.workspace) }).lean<EnrollmentDoc>();
    if (!doc) throw new DomainError('not_found', 'That enrollment no longer exists.');
    const update = change(doc);
    if (!update) return null;
    const version = (doc.version ?? 1) + 1;
    try {
      await VersionClaim.create({ docId: id, version, claimedAt: clock.now(), byName: actor.name, saveId: null });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const claim = await VersionClaim.findOne({ docId: id, version }).lean<VersionClaimDoc>();
      // Left by a writer that died between its claim and its write: take it over.
      if (claim && clock.now().getTime() - claim.claimedAt.getTime() > STALE_CLAIM_MS) await VersionClaim.deleteOne({ _id: claim._id, claimedAt: claim.claimedAt });
      // Someone else is changing it: read it again once they are done.
      else await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
      continue;
    }
    const now = clock.now();
    try {
      await beforeWrite?.(doc);
      await Enrollment.updateOne(
        { _id: id },
        {
          $set: { ...update.set, version, updatedAt: now },
          ...(update.history ? { $push: { history: { ...update.history, at: now, by: actor.userId, byName: actor.name } } } : {}),
        },
        { timestamps: false },
      );
    } catch (error) {
      await VersionClaim.deleteOne({ docId: id, version });
      throw error;
    }
    return doc;
  }
  throw new DomainError('conflict', 'Someone else is changing this lead right now. Nothing was changed: try again in a moment.');
}

/**
 * writeEnrollmentChange for many enrollments at once, from documents just read: the version claims
 * in one unordered insert, the updates in bulk (delivery records a batch of sends this way). One
 * whose claim was refused (someone changed it since it was read) goes through
 * writeEnrollmentChange, which reads it again. Returns, per item, whether something was written.
 */
export async function writeEnrollmentChanges(
  models: Models,
  clock: Clock,
  items: readonly { readonly actor: Actor; readonly doc: EnrollmentDoc; readonly change: (doc: EnrollmentDoc) => EnrollmentChange | null }[],
): Promise<boolean[]> {
  const { Enrollment, VersionClaim } = models;
  const now = clock.now();
  const planned = items.map((item) => ({ ...item, update: item.change(item.doc), version: (item.doc.version ?? 1) + 1 }));
  const writing = planned.filter((p) => p.update !== null);
  const refused = await insertSkippingDuplicates(
    VersionClaim,
    writing.map((p) => ({ docId: p.doc._id, version: p.version, claimedAt: now, byName: p.actor.name, saveId: null })),
  );
  const claimed = writing.filter((_, i) => !refused.has(i));
  try {
    await bulkUpdate(
      Enrollment,
      claimed.map(({ doc, update, version, actor }) => ({
        updateOne: {
          filter: { _id: doc._id },
          update: {
            $set: { ...update!.set, version, updatedAt: now },
            ...(update!.history ? { $push: { history: { ...update!.history, at: now, by: actor.userId, byName: actor.name } } } : {}),
          },
        },
      })),
      { timestamps: false },
    );
  } catch (error) {
    await Promise.all(claimed.map((p) => VersionClaim.deleteOne({ docId: p.doc._id, version: p.version }).catch(() => {})));
    throw error;
  }
  const retried = new Map<EnrollmentDoc, boolean>();
  for (const [i, p] of writing.entries()) if (refused.has(i)) retried.set(p.doc, (await writeEnrollmentChange(models, clock, p.actor, p.doc._id, p.change)) !== null);
  return planned.map((p) => (p.update === null ? false : (retried.get(p.doc) ?? true)));
}

export function createLeadService(models: Models, clock: Clock): LeadService {
  const { Lead, Enrollment, Assistant, Schedule } = models;

  /** The assistant, schedule, start and plan of an enrollment, checked; throws a ValidationError naming the field. */
  async function resolve(ref: WorkspaceRef, enroll: EnrollOptions) {
    const workspace = workspaceKey(ref);
    const assistantId = parseObjectId(enroll.assistantId ?? '');
    const assistant = assistantId ? await Assistant.findOne({ _id: assistantId, workspace }).lean<AssistantDoc>() : null;
    if (!assistant) throw new ValidationError({ assistantId: 'Pick an assistant: that one no longer exists.' });
    const emailCc = enroll.emailCc === true;
    const fallback = emailCc ? assistant.defaultEmailCcScheduleId : assistant.defaultScheduleId;
    const scheduleId = enroll.scheduleId ? parseObjectId(enroll.scheduleId) : fallback;
    const scheduleDoc = scheduleId ? await Schedule.findOne({ _id: scheduleId, workspace }).lean<ScheduleDoc>() : null;
    if (!scheduleDoc) {
      throw new ValidationError({
        scheduleId: enroll.scheduleId
          ? 'Pick a schedule: that one no longer exists.'
          : `${assistant.name} has no default ${emailCc ? 'Email CC ' : ''}schedule: pick one, or set it with /schedule default.`,
      });
    }
    const schedule = toSchedule(scheduleDoc);
    if (emailCc && !schedule.emailCc) {
      throw new ValidationError({ scheduleId: `“${schedule.name}” is not an Email CC schedule. You sent the first email yourself, so pick one made for Email CC leads.` });
    }
    if (!emailCc && schedule.emailCc) {
      throw new ValidationError({
        scheduleId: `“${schedule.name}” is for Email CC leads: its first step is the email you send yourself. Tick “I sent the first email with the assistant in CC”, or pick another schedule.`,
      });
    }
    const now = clock.now();
    const start = new Date(Math.floor((enroll.start ?? now).getTime() / 1000) * 1000);
    if (Number.isNaN(start.getTime())) throw new ValidationError({ start: 'The start is not a date.' });
    if (Math.abs(start.getTime() - now.getTime()) > MAX_START_DISTANCE_MS) throw new ValidationError({ start: 'Pick a start within a year of today.' });
    const rules = assistantRules(assistant);
    let calendar: PreparedCalendar;
    try {
      calendar = prepareCalendar(rules);
    } catch {
      throw new ValidationError({ assistantId: `${assistant.name}’s working days and hours leave no time to send followups: fix them with /schedule assistant edit.` });
    }
    const followups = planFollowups(start, schedule.steps, calendar, emailCc);
    return { workspace, assistant, schedule, emailCc, start, followups };
  }

  async function loadLead(ref: WorkspaceRef, id: string): Promise<LeadDoc> {
    const _id = parseObjectId(id);
    const doc = _id ? await Lead.findOne({ _id, workspace: workspaceKey(ref) }).lean<LeadDoc>() : null;
    if (!doc) throw new DomainError('not_found', 'That lead no longer exists.');
    return doc;
  }

  async function details(ref: WorkspaceRef, doc: LeadDoc): Promise<LeadDetails> {
    const enrollments = (await Enrollment.find({ workspace: workspaceKey(ref), leadId: doc._id }).lean<EnrollmentDoc[]>())
      .map(toEnrollment)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id < a.id ? -1 : 1));
    return { ...toLead(doc), enrollment: enrollments.find((e) => isOpen(e.state)) ?? enrollments[0] ?? null, enrollments };
  }

  async function changeEnrollment(actor: Actor, id: Types.ObjectId, change: (doc: EnrollmentDoc) => EnrollmentChange | null): Promise<boolean> {
    return (await writeEnrollmentChange(models, clock, actor, id, change)) !== null;
  }

  async function enrollmentsToChange(ref: WorkspaceRef, lead: LeadDoc, options: ChangeOptions | undefined): Promise<EnrollmentDoc[]> {
    const filter: Record<string, unknown> = { workspace: workspaceKey(ref), leadId: lead._id };
    if (options?.assistantId) filter.assistantId = parseObjectId(options.assistantId) ?? new Types.ObjectId();
    return Enrollment.find(filter).lean<EnrollmentDoc[]>();
  }

  async function calendarOf(workspace: string, assistantId: Types.ObjectId): Promise<PreparedCalendar | null> {
    const assistant = await Assistant.findOne({ _id: assistantId, workspace }).lean<AssistantDoc>();
    if (!assistant) return null;
    try {
      return prepareCalendar(assistantRules(assistant));
    } catch {
      return null;
    }
  }

  async function stepsOf(workspace: string, scheduleId: Types.ObjectId): Promise<Schedule['steps'] | null> {
    const doc = await Schedule.findOne({ _id: scheduleId, workspace }).lean<ScheduleDoc>();
    return doc ? toSchedule(doc).steps : null;
  }

  /** A paused enrollment resumed now: its remaining followups move by the time spent paused, then to working time. */
  function resumeChange(doc: EnrollmentDoc, steps: Schedule['steps'], calendar: PreparedCalendar, reason?: string): EnrollmentChange | null {
    if (doc.state !== 'paused') return null;
    const now = clock.now();
    const pausedMs = now.getTime() - (doc.pausedAt ?? now).getTime();
    const followups = resumedFollowups(toEnrollment(doc), steps, calendar, pausedMs);
    return {
      set: { state: 'active', pausedAt: null, followups: followups.map(toFollowupDoc), ...dueFields(followups, now) },
      history: { action: 'resumed', reason: reason ? `${reason}, after ${pausedFor(pausedMs)} paused` : `after ${pausedFor(pausedMs)} paused` },
    };
  }

  /** Why a held enrollment can't be resumed with new fields: its state now, and who put it there. */
  function notResumable(lead: LeadDoc, doc: EnrollmentDoc): DomainError {
    const label = leadLabel(toLead(lead));
    const last = [...(doc.history ?? [])].reverse().find((h) => h.action === 'stopped' || h.action === 'resumed' || h.action === 'completed');
    const by = last?.byName ? ` by ${last.byName}` : '';
    if (doc.state === 'stopped') {
      return new DomainError('invalid', `${label} was stopped${doc.stopReason ? ` (${STOP_REASON_LABELS[doc.stopReason]})` : ''}${by} meanwhile, so they are not resumed and nothing was changed.`);
    }
    if (doc.state === 'active') return new DomainError('invalid', `${label} was already resumed${by}: nothing was changed.`);
    return new DomainError('invalid', `${label}’s schedule is ${doc.state}: nothing was changed.`);
  }

  /** What a state change says when nothing could change: the lead's current state, in a sentence. */
  function nothingTo(verb: string, lead: LeadDoc, enrollments: readonly EnrollmentDoc[]): DomainError {
    const label = leadLabel(toLead(lead));
    if (!enrollments.length) return new DomainError('invalid', `${label} is not following any schedule.`);
    const states = [...new Set(enrollments.map((e) => (e.state === 'stopped' && e.stopReason ? `stopped (${STOP_REASON_LABELS[e.stopReason]})` : e.state)))];
    return new DomainError('invalid', `${label} can’t be ${verb}: their schedule is ${states.join(', ')}.`);
  }

  const service: LeadService = {
    async preview(ref, enroll) {
      const { assistant, schedule, emailCc, start, followups } = await resolve(ref, enroll);
      return { assistant: { id: String(assistant._id), name: assistant.name, timeZone: assistant.timeZone }, schedule, emailCc, start, followups };
    },

    async addLeads(actor, enroll, inputs) {
      assertMayActOnLeads(actor);
      const { workspace, assistant, schedule, emailCc, start, followups } = await resolve(actor.workspace, enroll);
      const now = clock.now();
      const results: (AddLeadResult | null)[] = inputs.map(() => null);
      const valid: { index: number; lead: ValidLead }[] = [];
      const firstOfEmail = new Map<string, number>();
      inputs.forEach((input, index) => {
        const checked = validateLead(input);
        if (!checked.ok) {
          results[index] = { ok: false, reason: 'invalid', errors: checked.errors };
          return;
        }
        const earlier = firstOfEmail.get(checked.lead.email);
        if (earlier !== undefined) {
          results[index] = { ok: false, reason: 'duplicate', errors: { email: `${checked.lead.email} is already in this list (lead ${earlier + 1}).` } };
          return;
        }
        firstOfEmail.set(checked.lead.email, index);
        valid.push({ index, lead: checked.lead });
      });
      if (!valid.length) return results as AddLeadResult[];

      // Under the schedule's lock, the one its delete holds while it counts the leads following it: a
      // lead is never enrolled in a schedule being deleted (FerretDB has no transactions).
      return withLocks(models, clock, [scheduleLock(schedule.id)], async () => {
        if (!(await Schedule.exists({ _id: new Types.ObjectId(schedule.id), workspace }))) {
          throw new ValidationError({ scheduleId: `“${schedule.name}” was deleted a moment ago: pick another schedule.` });
        }
        // New leads in one bulk insert; those whose email the workspace already has are looked up after.
        const leadDocs = valid.map(({ lead }) => ({
          _id: new Types.ObjectId(),
          workspace,
          email: lead.email,
          firstName: lead.firstName,
          lastName: lead.lastName,
          company: lead.company,
          title: lead.title,
          phone: lead.phone,
          industry: lead.industry,
          tags: lead.tags,
          custom: Object.entries(lead.custom).map(([name, value]) => ({ name, value })),
          unsubscribeToken: newUnsubscribeToken(),
          createdBy: actor.userId,
          createdAt: now,
          updatedAt: now,
        }));
        const existed = await insertSkippingDuplicates(Lead.collection, leadDocs);
        if (existed.size) {
          const emails = [...existed].map((i) => leadDocs[i]!.email);
          const found = await Lead.find({ workspace, email: { $in: emails } }, { _id: 1, email: 1 }).lean<Pick<LeadDoc, '_id' | 'email'>[]>();
          const idOf = new Map(found.map((l) => [l.email, l._id]));
          for (const i of existed) {
            const id = idOf.get(leadDocs[i]!.email);
            if (id) leadDocs[i]!._id = id;
          }
        }

        // A lead who unsubscribed or bounced is never emailed again: refused here, so every way in (the modal, CSV, the API) refuses them.
        const barred = existed.size ? await barredLeads(workspace, [...existed].map((i) => leadDocs[i]!._id)) : new Map<string, 'unsubscribed' | 'bounced'>();
        const enrolling = leadDocs.flatMap((lead, i) => (barred.has(String(lead._id)) ? [] : [{ lead, i }]));

        const history: HistoryEntryDoc = { at: now, by: actor.userId, byName: actor.name, action: 'enrolled', reason: null };
        const enrollmentDocs = enrolling.map(({ lead }) => ({
          _id: new Types.ObjectId(),
          workspace,
          leadId: lead._id,
          email: lead.email,
          assistantId: assistant._id,
          scheduleId: new Types.ObjectId(schedule.id),
          emailCc,
          start,
          state: 'active' as const,
          stopReason: null,
          pausedAt: null,
          slot: activeSlot(assistant._id, lead._id),
          followups: followups.map(toFollowupDoc),
          ...dueFields(followups, now),
          history: [history],
          version: 1,
          createdBy: actor.userId,
          createdAt: now,
          updatedAt: now,
        }));
        const taken = new Set([...(await insertSkippingDuplicates(Enrollment.collection, enrollmentDocs))].map((e) => enrolling[e]!.i));
        const enrollmentOf = new Map(enrolling.map(({ i }, e) => [i, enrollmentDocs[e]!]));
        // Leads that were there already take the fields given now (only those given), once enrolled again.
        const refreshed = [...existed].filter((i) => !taken.has(i) && enrollmentOf.has(i));
        if (refreshed.length) {
          // In small chunks: each update statement holds one of FerretDB v1's PostgreSQL connections until its command returns (db/local/ferretdb.ts).
          await bulkUpdate(
            Lead,
            refreshed.map((i) => ({ updateOne: { filter: { _id: leadDocs[i]!._id, workspace }, update: { $set: { ...givenFields(valid[i]!.lead), updatedAt: now } }, timestamps: false } })),
          );
        }
        const holders = taken.size ? await holdersOf(workspace, assistant._id, [...taken].map((i) => enrollmentOf.get(i)!.slot)) : new Map();
        valid.forEach(({ index }, i) => {
          const lead = leadDocs[i]!;
          const bar = barred.get(String(lead._id));
          if (bar) {
            results[index] = { ok: false, reason: bar, existingLeadId: String(lead._id), errors: { email: barredSentence(lead.email, bar) } };
            return;
          }
          const enrollment = enrollmentOf.get(i)!;
          if (!taken.has(i)) {
            results[index] = { ok: true, leadId: String(lead._id), enrollmentId: String(enrollment._id) };
            return;
          }
          const holder = holders.get(enrollment.slot);
          results[index] = {
            ok: false,
            reason: 'duplicate',
            existingLeadId: String(lead._id),
            errors: {
              email: `${holder?.label ?? lead.email} (${lead.email}) already follows ${holder?.scheduleName ? `“${holder.scheduleName}”` : 'a schedule'} with ${assistant.name}${holder?.state === 'paused' ? ' (paused)' : ''}: a lead follows one schedule at a time per assistant. Stop that one first to enroll them again.`,
            },
          };
        });
        return results as AddLeadResult[];
      });
    },

    async get(reader, id) {
      const ref = workspaceOfReader(reader);
      return details(ref, await loadLead(ref, id));
    },

    async findByEmail(reader, email) {
      const ref = workspaceOfReader(reader);
      // What is not an email address is said so, as when adding, rather than "no lead has it".
      const parsed = leadEmailSchema.safeParse(email);
      if (!parsed.success) throw new ValidationError({ email: parsed.error.issues[0]?.message ?? 'Give the lead’s email address.' });
      const doc = await Lead.findOne({ workspace: workspaceKey(ref), email: parsed.data }).lean<LeadDoc>();
      return doc ? details(ref, doc) : null;
    },

    async list(reader, options = {}) {
      const workspace = workspaceKey(workspaceOfReader(reader));
      const perPage = options.perPage ?? PER_PAGE;
      const filter: Record<string, unknown> = { workspace };
      if (options.assistantId) filter.assistantId = parseObjectId(options.assistantId) ?? new Types.ObjectId();
      if (options.state) filter.state = options.state;
      // One more than a page says whether another follows (no count: FerretDB v1 counts by decoding every match).
      const pageOf = (n: number) => Enrollment.find(filter).sort({ createdAt: -1, _id: -1 }).skip(n * perPage).limit(perPage + 1).lean<EnrollmentDoc[]>();
      const wanted = Math.max(0, Math.floor(options.page ?? 0) || 0);
      let current = wanted;
      let docs = await pageOf(wanted);
      if (!docs.length && wanted > 0) {
        current = Math.max(0, Math.ceil((await Enrollment.countDocuments(filter)) / perPage) - 1);
        docs = await pageOf(current);
      }
      const hasNext = docs.length > perPage;
      const page = docs.slice(0, perPage);
      // Each lead by its _id (pushed down), rather than one `$in` that FerretDB v1 would filter in Go over the whole workspace.
      const leads = await Promise.all(
        page.map((e) => Lead.findOne({ _id: e.leadId, workspace }, { email: 1, firstName: 1, lastName: 1, company: 1 }).lean<Pick<LeadDoc, '_id' | 'email' | 'firstName' | 'lastName' | 'company'>>()),
      );
      const items = page.map((doc, i) => {
        const lead = leads[i];
        return {
          lead: { id: String(doc.leadId), email: doc.email, firstName: lead?.firstName ?? '', lastName: lead?.lastName ?? '', company: lead?.company ?? '' },
          enrollment: toEnrollment(doc),
        };
      });
      return { items, page: current, hasNext, total: hasNext ? null : current * perPage + items.length };
    },

    async pause(actor, leadId, options) {
      assertMayActOnLeads(actor);
      const lead = await loadLead(actor.workspace, leadId);
      const enrollments = await enrollmentsToChange(actor.workspace, lead, options);
      let changed = 0;
      for (const e of enrollments.filter((e) => e.state === 'active')) {
        const done = await changeEnrollment(actor, e._id, (doc) => (doc.state === 'active' ? { set: { state: 'paused', pausedAt: clock.now() }, history: { action: 'paused', reason: options?.reason ?? null } } : null));
        if (done) changed++;
      }
      if (!changed) throw nothingTo('paused', lead, await enrollmentsToChange(actor.workspace, lead, options));
      return details(actor.workspace, lead);
    },

    async resume(actor, leadId, options) {
      assertMayActOnLeads(actor);
      const lead = await loadLead(actor.workspace, leadId);
      const enrollments = await enrollmentsToChange(actor.workspace, lead, options);
      let changed = 0;
      for (const e of enrollments.filter((e) => e.state === 'paused')) {
        const [calendar, steps] = await Promise.all([calendarOf(lead.workspace, e.assistantId), stepsOf(lead.workspace, e.scheduleId)]);
        if (!calendar || !steps) throw new DomainError('invalid', `${leadLabel(toLead(lead))}’s assistant or schedule was deleted: stop this lead and add them again.`);
        const done = await changeEnrollment(actor, e._id, (doc) => resumeChange(doc, steps, calendar));
        if (done) changed++;
      }
      if (!changed) throw nothingTo('resumed', lead, await enrollmentsToChange(actor.workspace, lead, options));
      return details(actor.workspace, lead);
    },

    async stop(actor, leadId, reason, options) {
      assertMayActOnLeads(actor);
      const lead = await loadLead(actor.workspace, leadId);
      const note = options?.note?.trim().replaceAll('\0', '').slice(0, 500) || null;
      const enrollments = await enrollmentsToChange(actor.workspace, lead, options);
      let changed = 0;
      for (const e of enrollments.filter((e) => isOpen(e.state))) {
        const done = await changeEnrollment(actor, e._id, (doc) =>
          isOpen(doc.state)
            ? {
                // The slot goes back to the enrollment's own id: the lead may be enrolled again.
                set: { state: 'stopped', stopReason: reason, pausedAt: null, slot: String(doc._id), nextDueAt: null, dueHour: null },
                history: { action: 'stopped', reason: note ? `${STOP_REASON_LABELS[reason]}: ${note}` : STOP_REASON_LABELS[reason] },
              }
            : null,
        );
        if (done) changed++;
      }
      if (!changed) throw nothingTo('stopped', lead, await enrollmentsToChange(actor.workspace, lead, options));
      return details(actor.workspace, lead);
    },

    async updateFields(actor, leadId, fields, options = {}) {
      assertMayActOnLeads(actor);
      const lead = await loadLead(actor.workspace, leadId);
      const current = toLead(lead);
      const custom: Record<string, string> = Object.fromEntries(current.custom.map((c) => [c.name, c.value]));
      for (const [name, value] of Object.entries(fields.custom ?? {})) {
        if (typeof value === 'string' && value.trim() === '') delete custom[name];
        else custom[name] = value;
      }
      const given = Object.fromEntries(EDITABLE_LEAD_FIELDS.map((key) => [key, fields[key] ?? current[key]]));
      const checked = validateLead({ email: current.email, ...given, tags: [...current.tags], custom });
      if (!checked.ok) throw new ValidationError(checked.errors);
      const next = checked.lead;
      const missing: Record<string, string> = {};
      for (const field of options.required ?? []) {
        const value = field.startsWith('custom.') ? next.custom[customFieldKey(field.slice('custom.'.length))] : next[field as (typeof EDITABLE_LEAD_FIELDS)[number]];
        if (!value) missing[field] = `Fill in ${field.startsWith('custom.') ? `{{${field}}}` : `the ${FIELD_WORDS[field] ?? field}`}: the held followup needs it.`;
      }
      if (Object.keys(missing).length) throw new ValidationError(missing);

      const before = Object.fromEntries(current.custom.map((c) => [c.name, c.value]));
      const changed = [
        ...EDITABLE_LEAD_FIELDS.filter((key) => next[key] !== current[key]),
        ...[...new Set([...Object.keys(before), ...Object.keys(next.custom)])].filter((name) => before[name] !== next.custom[name]).map((name) => `custom.${name}`),
      ];
      const write = async () => {
        if (!changed.length) return;
        const set: Partial<LeadDoc> = { ...Object.fromEntries(EDITABLE_LEAD_FIELDS.map((key) => [key, next[key]])), custom: Object.entries(next.custom).map(([name, value]) => ({ name, value })), updatedAt: clock.now() };
        await Lead.updateOne({ _id: lead._id, workspace: lead.workspace }, { $set: set }, { timestamps: false });
      };
      if (!options.resumeEnrollmentId) {
        await write();
        return { lead: await details(actor.workspace, lead), changed };
      }

      const enrollmentId = parseObjectId(options.resumeEnrollmentId);
      const enrollment = enrollmentId ? await Enrollment.findOne({ _id: enrollmentId, workspace: lead.workspace, leadId: lead._id }).lean<EnrollmentDoc>() : null;
      if (!enrollment) throw new DomainError('not_found', `${leadLabel(current)} no longer follows that schedule.`);
      if (enrollment.state !== 'paused') throw notResumable(lead, enrollment);
      const [calendar, steps] = await Promise.all([calendarOf(lead.workspace, enrollment.assistantId), stepsOf(lead.workspace, enrollment.scheduleId)]);
      if (!calendar || !steps) throw new DomainError('invalid', `${leadLabel(current)}’s assistant or schedule was deleted: stop this lead and add them again.`);
      const reason = changed.length ? `filled in ${changed.map((f) => (f.startsWith('custom.') ? f : (FIELD_WORDS[f] ?? f))).join(', ')}` : 'fields checked';
      // The fields are written while this writer holds the enrollment's next version: of two submits one
      // writes, and a stop that came first leaves the fields as they were.
      const resumed = await writeEnrollmentChange(models, clock, actor, enrollment._id, (doc) => resumeChange(doc, steps, calendar, reason), write);
      if (!resumed) {
        const now = await Enrollment.findOne({ _id: enrollment._id }).lean<EnrollmentDoc>();
        throw notResumable(lead, now ?? enrollment);
      }
      return { lead: await details(actor.workspace, lead), changed };
    },

    async replanEnrollment(actor, enrollmentId, reason) {
      const _id = parseObjectId(enrollmentId);
      const workspace = workspaceKey(actor.workspace);
      const doc = _id ? await Enrollment.findOne({ _id, workspace }).lean<EnrollmentDoc>() : null;
      if (!doc || doc.state !== 'active') return false;
      const [calendar, steps] = await Promise.all([calendarOf(workspace, doc.assistantId), stepsOf(workspace, doc.scheduleId)]);
      if (!calendar || !steps) return false;
      return changeEnrollment(actor, doc._id, (current) => {
        if (current.state !== 'active') return null;
        const followups = replanFollowups(toEnrollment(current), steps, calendar);
        const due = dueFields(followups, clock.now());
        return {
          // Nothing left to send once the schedule lost its remaining steps: the enrollment is complete.
          set: { followups: followups.map(toFollowupDoc), ...due, ...(due.nextDueAt ? {} : { state: 'completed' as const, slot: String(current._id) }) },
          history: { action: 'replanned', reason },
        };
      });
    },

    async enrollmentIdsFollowing(ref, of, options) {
      const states: EnrollmentState[] = options?.includePaused ? ['active', 'paused'] : ['active'];
      // One query per state: FerretDB v1 pushes down equality, not `$in`.
      const found = await Promise.all(states.map((state) => Enrollment.find({ ...followingFilter(ref, of), state }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>()));
      return found.flat().map((e) => String(e._id));
    },

    async countFollowing(ref, of) {
      const counts = await Promise.all((['active', 'paused'] as const).map((state) => Enrollment.countDocuments({ ...followingFilter(ref, of), state })));
      return counts[0]! + counts[1]!;
    },
  };

  /**
   * Of these existing leads, those never to be enrolled again, and why: the lead unsubscribed, or one of
   * its enrollments was stopped by an unsubscribe or a bounce (the dispatcher's send-time check reads the same).
   */
  async function barredLeads(workspace: string, leadIds: readonly Types.ObjectId[]): Promise<Map<string, 'unsubscribed' | 'bounced'>> {
    const barred = new Map<string, 'unsubscribed' | 'bounced'>();
    // One query per reason: FerretDB v1 pushes the equalities down and filters the `$in` over what they leave.
    const [unsubscribed, ...stopped] = await Promise.all([
      Lead.find({ workspace, unsubscribedAt: { $ne: null }, _id: { $in: leadIds } }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>(),
      ...(['unsubscribed', 'bounced'] as const).map((stopReason) =>
        Enrollment.find({ workspace, stopReason, leadId: { $in: leadIds } }, { leadId: 1, stopReason: 1 }).lean<Pick<EnrollmentDoc, 'leadId' | 'stopReason'>[]>(),
      ),
    ]);
    for (const e of stopped.flat()) barred.set(String(e.leadId), e.stopReason === 'bounced' ? 'bounced' : 'unsubscribed');
    for (const l of unsubscribed) barred.set(String(l._id), 'unsubscribed');
    return barred;
  }

  /** Who holds each slot (the refusal names the lead and its schedule). */
  async function holdersOf(workspace: string, assistantId: Types.ObjectId, slots: string[]) {
    const held = await Enrollment.find({ workspace, assistantId, slot: { $in: slots } }, { slot: 1, leadId: 1, scheduleId: 1, state: 1, email: 1 }).lean<
      Pick<EnrollmentDoc, 'slot' | 'leadId' | 'scheduleId' | 'state' | 'email'>[]
    >();
    const [leads, schedules] = await Promise.all([
      Lead.find({ workspace, _id: { $in: held.map((h) => h.leadId) } }, { firstName: 1, lastName: 1, email: 1 }).lean<Pick<LeadDoc, '_id' | 'firstName' | 'lastName' | 'email'>[]>(),
      Schedule.find({ workspace, _id: { $in: [...new Set(held.map((h) => String(h.scheduleId)))].map((id) => new Types.ObjectId(id)) } }, { name: 1 }).lean<Pick<ScheduleDoc, '_id' | 'name'>[]>(),
    ]);
    return new Map(
      held.map((h) => {
        const lead = leads.find((l) => String(l._id) === String(h.leadId));
        return [h.slot, { label: lead ? leadLabel({ firstName: lead.firstName ?? '', lastName: lead.lastName ?? '', email: lead.email }) : h.email, scheduleName: schedules.find((s) => String(s._id) === String(h.scheduleId))?.name ?? null, state: h.state }];
      }),
    );
  }

  return service;
}

function followingFilter(ref: WorkspaceRef, of: { scheduleId: string } | { assistantId: string }): Record<string, unknown> {
  const workspace = workspaceKey(ref);
  if ('scheduleId' in of) return { workspace, scheduleId: parseObjectId(of.scheduleId) ?? new Types.ObjectId() };
  return { workspace, assistantId: parseObjectId(of.assistantId) ?? new Types.ObjectId() };
}

/** The fields of a lead that were given (non-empty), to refresh a lead added again. */
function givenFields(lead: ValidLead): Partial<LeadDoc> {
  const fields: Partial<LeadDoc> = {};
  for (const key of ['firstName', 'lastName', 'company', 'title', 'phone', 'industry'] as const) if (lead[key]) fields[key] = lead[key];
  if (lead.tags.length) fields.tags = lead.tags;
  if (Object.keys(lead.custom).length) fields.custom = Object.entries(lead.custom).map(([name, value]) => ({ name, value }));
  return fields;
}

/** Why a lead who unsubscribed or bounced is not added again. */
export function barredSentence(email: string, why: 'unsubscribed' | 'bounced'): string {
  return why === 'unsubscribed'
    ? `${email} unsubscribed from these emails, so they can’t be added again: they stay unsubscribed.`
    : `An email to ${email} bounced (their mail server refused the address), so they can’t be added again.`;
}

/** "3 days 3 hours", "5 hours", "12 minutes". */
function pausedFor(ms: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return unit(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  const days = Math.floor(hours / 24);
  return [days ? unit(days, 'day') : '', hours % 24 ? unit(hours % 24, 'hour') : ''].filter(Boolean).join(' ');
}

/**
 * Inserts `docs` in one unordered bulk write and returns the indexes refused by a unique index
 * (the others are in). Any other failure is thrown.
 */
export async function insertSkippingDuplicates(collection: { insertMany(docs: object[], options: { ordered: boolean }): Promise<unknown> }, docs: object[]): Promise<Set<number>> {
  try {
    await collection.insertMany(docs, { ordered: false });
    return new Set();
  } catch (error) {
    const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
    const list = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as { index: number; code?: number; errmsg?: string; err?: { code?: number; errmsg?: string } }[];
    if (!list.length || !list.every((e) => isDuplicateKeyError({ code: e.code ?? e.err?.code, message: e.errmsg ?? e.err?.errmsg }))) throw error;
    return new Set(list.map((e) => e.index));
  }
}

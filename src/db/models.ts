// Mongoose models, bound to one connection (no global mongoose state).
// Every document carries `workspace`, and every query filters on it.
// FerretDB v1 quirks shaping this: no transactions, no partial/TTL indexes, no `$lookup`;
// uniqueness (names, seeding) is enforced with plain unique indexes.
import { randomBytes } from 'node:crypto';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { Clock } from '../clock.js';
import { STEP_TYPES, type StepType } from '../services/domain.js';
import { MAX_AFTER_HUNDREDTHS } from '../services/calendar.js';
import { createInstallationModels, type InstallationModels } from './installationModels.js';
import { createLeadImportModels, type LeadImportModels } from './leadImportModels.js';
import { createWorkspaceExportModels, type WorkspaceExportModels } from './workspaceExportModels.js';
import { createNoticeModels, type NoticeModels } from './noticeModels.js';
import { createOutboxModels, type OutboxModels } from './outboxModels.js';
import { createDeliveryModels, type DeliveryModels } from './deliveryModels.js';

export interface StepDoc {
  type: StepType;
  customMessageId?: Types.ObjectId | null;
  /**
   * After days as integer hundredths of a day (1.5 days: 150), so sums and comparisons are exact.
   * Absent only on a step an older release wrote: read through services/steps.ts.
   */
  afterHundredths?: number;
  /** Older releases' float after days; migrated at start, never written now. */
  afterDays?: number;
}

export interface ScheduleDoc {
  _id: Types.ObjectId;
  workspace: string;
  name: string;
  /** Lower-cased, trimmed name: unique per workspace (case-insensitive names, no collation on FerretDB). */
  nameKey: string;
  description: string;
  system: boolean;
  emailCc: boolean;
  steps: StepDoc[];
  createdBy: string;
  updatedBy: string;
  updatedByName: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** System schedules: the version of their seeded content (absent: 1). */
  seedVersion?: number;
}

/**
 * What the schedule list and the type-ahead show of a schedule, one per schedule (same `_id`),
 * kept in sync by the services after every schedule write (services/scheduleSummaries.ts).
 * FerretDB v1 decodes every document a query matches and sorts them in Go, whatever the
 * projection: a list page or a type-ahead read over these small documents instead of whole
 * schedules with their steps.
 */
export interface ScheduleSummaryDoc {
  _id: Types.ObjectId;
  workspace: string;
  name: string;
  nameKey: string;
  description: string;
  system: boolean;
  emailCc: boolean;
  stepCount: number;
  totalDays: number;
  createdBy: string;
  version: number;
}

/**
 * A schedule's name as the type-ahead finds it, one per schedule (same `_id`), kept in sync with the
 * summary. `trigrams` lists every 3-character piece of the name's key: FerretDB v1 pushes an equality
 * down to PostgreSQL (an array field "contains" it) but never a substring match, so a type-ahead of 3
 * or more characters asks for one of its trigrams and decodes only the names that contain it.
 */
export interface ScheduleNameDoc {
  _id: Types.ObjectId;
  workspace: string;
  name: string;
  nameKey: string;
  system: boolean;
  emailCc: boolean;
  trigrams: string[];
}

/**
 * A workspace's schedule list, stored sorted in one document (`_id` is the workspace) so a list
 * page reads one document (services/scheduleList.ts says how it stays right). `entries` is the
 * list as JSON text, null while a process rebuilds it.
 */
export interface ScheduleListDoc {
  _id: string;
  /** Which rebuild claimed this document: only that one fills it in. */
  build: string;
  builtAt: Date;
  entries: string | null;
}

export interface CustomMessageDoc {
  _id: Types.ObjectId;
  workspace: string;
  name: string;
  nameKey: string;
  subject: string;
  body: string;
  createdBy: string;
  /** The form that created it (a modal's view id), to answer a repeated submission. */
  createdBySave?: string | null;
  updatedBy?: string;
  updatedByName?: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface AssistantDoc {
  _id: Types.ObjectId;
  workspace: string;
  name: string;
  nameKey: string;
  notificationChannel: string;
  timeZone: string;
  offDays: number[];
  // Absent on assistants saved before these settings existed: read with their defaults
  // (services/assistants.ts, `toAssistant`).
  businessHours?: { open: string; close: string };
  holidays?: { country: string; region: string | null } | null;
  extraOffDates?: string[];
  dailyLimit?: number;
  senderName?: string;
  senderEmail?: string | null;
  signature?: string;
  /** Who may change it besides admins; absent: `createdBy`. */
  owner?: string;
  defaultScheduleId: Types.ObjectId | null;
  defaultEmailCcScheduleId: Types.ObjectId | null;
  createdBy: string;
  /** The form that created it (a modal's view id), to answer a repeated submission. */
  createdBySave?: string | null;
  updatedBy?: string;
  updatedByName?: string;
  createdAt: Date;
  updatedAt: Date;
  /** Absent on assistants added before saves were versioned: version 1. */
  version?: number;
}

/**
 * An API token of a workspace. Only the SHA-256 of the token is kept (the token is shown once);
 * requests find their token by that hash. `name` is the label a workspace admin gave it, unique
 * per workspace by `nameKey` like other names.
 */
export interface ApiTokenDoc {
  _id: Types.ObjectId;
  workspace: string;
  teamId: string;
  enterpriseId: string | null;
  name: string;
  nameKey: string;
  hash: string;
  createdBy: string;
  createdAt: Date;
  /** Written at most once a minute (see services/apiTokens.ts); null until first used. */
  lastUsedAt: Date | null;
}

/** A claim that a workspace's system schedules exist: the unique _id makes seeding idempotent. */
export interface WorkspaceDoc {
  _id: string;
  teamId: string;
  enterpriseId: string | null;
  seededAt: Date;
  /** The release of the system schedules it has (absent: 1). */
  systemVersion?: number;
}

/** A signed request seen once (its signature): a second copy within the replay window is ignored. */
export interface RequestClaimDoc {
  _id: string;
  at: Date;
}

export interface DraftRowDoc {
  key: string;
  /** Bumped when the app changes the row's message, so Slack shows it instead of the old pick. */
  rev: number;
  type: StepType;
  customMessageId: Types.ObjectId | null;
  /** As typed: validated only on Save. */
  afterDays: string;
}

/** An editor session: who opened which schedule at which version. Its content is in revisions. */
export interface DraftDoc {
  _id: Types.ObjectId;
  workspace: string;
  userId: string;
  scheduleId: Types.ObjectId;
  baseVersion: number;
  viewerTimeZone: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One state of an editor's unsaved content. Revisions are only ever inserted: the unique
 * (draftId, rev) index lets exactly one of two racing clicks write rev N+1, on MongoDB and on
 * FerretDB alike (FerretDB v1 runs a filtered update as query-then-write, so a version-checked
 * update is not an atomic compare-and-set there).
 */
export interface DraftRevisionDoc {
  _id: Types.ObjectId;
  draftId: Types.ObjectId;
  workspace: string;
  rev: number;
  name: string;
  description: string;
  rows: DraftRowDoc[];
  nextRowKey: number;
  previewAssistantId: Types.ObjectId | null;
  /** What a click needs of the draft's session, so it reads one document; absent in revisions written before. */
  session?: DraftSessionCopy;
  createdAt: Date;
}

/** A copy of a draft session's fields in each of its revisions (the session itself stays, for the purge). */
export interface DraftSessionCopy {
  userId: string;
  scheduleId: Types.ObjectId;
  baseVersion: number;
  viewerTimeZone: string;
  /** The schedule's (it never changes). */
  emailCc: boolean;
  /** The session's `updatedAt` as last written (a draft's last use is written at most hourly). */
  touchedAt: Date;
}

/**
 * Claims the next version of a schedule, custom message or assistant before it is written: a
 * unique (docId, version) insert, so two saves can't both win (see services/versions.ts).
 */
export interface VersionClaimDoc {
  _id: Types.ObjectId;
  docId: Types.ObjectId;
  version: number;
  claimedAt: Date;
  /** Who claimed it, to name them if another save loses the race. */
  byName: string;
  /** The editing session that saved (draft or modal), to tell a repeated Save from someone else's. */
  saveId: string | null;
}

/**
 * A short lock on one thing (`_id` names it, e.g. `schedule:<id>`), taken with a unique insert and
 * removed after: FerretDB has no transactions, so deleting a schedule and making it a default
 * take turns on it (see services/locks.ts).
 */
export interface LockDoc {
  _id: string;
  /** Who holds it: only the holder removes it, even after a stale lock was taken over. */
  token: string;
  claimedAt: Date;
}

/** A one-time data change that has run on this database (its `_id` names it). */
export interface MigrationDoc {
  _id: string;
  doneAt: Date;
}

/** A custom field of a lead: kept as a list of pairs, since FerretDB forbids `.` and a leading `$` in field names. */
export interface CustomFieldDoc {
  name: string;
  value: string;
}

/** A person a team follows up with. The email (lower-cased) is unique per workspace. */
export interface LeadDoc {
  _id: Types.ObjectId;
  workspace: string;
  email: string;
  firstName: string;
  lastName: string;
  company: string;
  title: string;
  phone: string;
  industry: string;
  tags: string[];
  custom: CustomFieldDoc[];
  /** The secret of the lead's unsubscribe link (random, unguessable; see services/unsubscribes.ts). */
  unsubscribeToken: string;
  /** When the lead unsubscribed with that link (null: never): nothing more is sent to them from this workspace. */
  unsubscribedAt?: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export const ENROLLMENT_STATES = ['active', 'paused', 'completed', 'stopped'] as const;
export type EnrollmentState = (typeof ENROLLMENT_STATES)[number];
export const STOP_REASONS = ['replied', 'unsubscribed', 'bounced', 'not_interested', 'other'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

/** One planned send of an enrollment: step N of its schedule. */
export interface FollowupDoc {
  step: number;
  type: StepType;
  customMessageId: Types.ObjectId | null;
  plannedAt: Date;
  sentAt: Date | null;
  /** What the send did (set by delivery): e.g. `sent`, `bounced`, `skipped`. */
  outcome: string | null;
}

/** A change of an enrollment, as the lead's history shows it. */
export interface HistoryEntryDoc {
  at: Date;
  /** The user id (or `api`, `import`, `system`). */
  by: string;
  byName: string;
  action: 'enrolled' | 'paused' | 'resumed' | 'stopped' | 'completed' | 'replanned';
  reason: string | null;
}

export interface EnrollmentThreadDoc {
  subject: string;
  messageIds: string[];
}

/**
 * A lead following one schedule for one assistant. Followups are embedded, so every change of an
 * enrollment (pause, resume, replan, a send) is one atomic document write; `nextDueAt` (the
 * earliest unsent followup's planned time, null when none or not active) and `state` are
 * top-level scalars, which FerretDB v1 can push down (it pushes no filter on array elements).
 */
export interface EnrollmentDoc {
  _id: Types.ObjectId;
  workspace: string;
  leadId: Types.ObjectId;
  /** The lead's email, copied (it never changes) so lists need no second query (no `$lookup` on FerretDB). */
  email: string;
  assistantId: Types.ObjectId;
  scheduleId: Types.ObjectId;
  emailCc: boolean;
  start: Date;
  state: EnrollmentState;
  stopReason: StopReason | null;
  pausedAt: Date | null;
  /**
   * `<assistantId>:<leadId>` while active or paused, the enrollment's own id after: under a
   * unique index it lets a lead follow one schedule at a time per assistant, race-free without
   * transactions or partial indexes (neither exists on FerretDB v1).
   */
  slot: string;
  followups: FollowupDoc[];
  nextDueAt: Date | null;
  /**
   * The due-hour bucket of `nextDueAt` (services/delivery/due.ts), never earlier than the hour it
   * was written in: the dispatcher asks for one bucket at a time by equality, the one filter
   * FerretDB v1 pushes down (a `$lte` on a date it filters in Go, decoding every active enrollment).
   * Absent on enrollments from before delivery until the migration fills it in.
   */
  dueHour?: number | null;
  /** The lead's email thread so far (delivery): the first subject and every Message-ID sent, oldest first. */
  thread?: EnrollmentThreadDoc | null;
  history: HistoryEntryDoc[];
  /** Bumped by every change, claimed first with a unique (docId, version) insert (versions.ts). */
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface Models extends InstallationModels, LeadImportModels, NoticeModels, OutboxModels, DeliveryModels, WorkspaceExportModels {
  Schedule: Model<ScheduleDoc>;
  ScheduleSummary: Model<ScheduleSummaryDoc>;
  ScheduleName: Model<ScheduleNameDoc>;
  ScheduleList: Model<ScheduleListDoc>;
  CustomMessage: Model<CustomMessageDoc>;
  Assistant: Model<AssistantDoc>;
  Workspace: Model<WorkspaceDoc>;
  ApiToken: Model<ApiTokenDoc>;
  Draft: Model<DraftDoc>;
  DraftRevision: Model<DraftRevisionDoc>;
  VersionClaim: Model<VersionClaimDoc>;
  Migration: Model<MigrationDoc>;
  Lock: Model<LockDoc>;
  RequestClaim: Model<RequestClaimDoc>;
  Lead: Model<LeadDoc>;
  Enrollment: Model<EnrollmentDoc>;
}

export function createModels(connection: Connection, clock: Clock): Models {
  // Timestamps follow the injected clock, like every other rule about time.
  const timestamps = { currentTime: () => clock.now() };

  const stepSchema = new Schema<StepDoc>(
    {
      type: { type: String, enum: STEP_TYPES, required: true },
      customMessageId: { type: Schema.Types.ObjectId, default: null },
      afterHundredths: { type: Number, required: true, min: 0, max: MAX_AFTER_HUNDREDTHS, validate: Number.isInteger },
      // Read-only: an older process may still write it mid-deploy (services/steps.ts reads both).
      afterDays: { type: Number },
    },
    { _id: false },
  );

  const scheduleSchema = new Schema<ScheduleDoc>(
    {
      workspace: { type: String, required: true },
      name: { type: String, required: true },
      nameKey: { type: String, required: true },
      description: { type: String, default: '' },
      system: { type: Boolean, default: false },
      emailCc: { type: Boolean, default: false },
      steps: { type: [stepSchema], default: [] },
      createdBy: { type: String, required: true },
      updatedBy: { type: String, required: true },
      updatedByName: { type: String, default: '' },
      version: { type: Number, default: 1 },
      seedVersion: { type: Number },
    },
    { timestamps, versionKey: false },
  );
  scheduleSchema.index({ workspace: 1, nameKey: 1 }, { unique: true });
  // `/schedule list` pages: system schedules first, then by name, cut in the database.
  scheduleSchema.index({ workspace: 1, system: -1, nameKey: 1 });

  const scheduleSummarySchema = new Schema<ScheduleSummaryDoc>(
    {
      workspace: { type: String, required: true },
      name: { type: String, required: true },
      nameKey: { type: String, required: true },
      description: { type: String, default: '' },
      system: { type: Boolean, default: false },
      emailCc: { type: Boolean, default: false },
      stepCount: { type: Number, required: true },
      totalDays: { type: Number, required: true },
      createdBy: { type: String, required: true },
      version: { type: Number, required: true },
    },
    { versionKey: false },
  );
  // Not unique: a summary may briefly lag its schedule (a rename), and the schedules' own index keeps names unique.
  scheduleSummarySchema.index({ workspace: 1, system: -1, nameKey: 1 });
  scheduleSummarySchema.index({ workspace: 1, nameKey: 1 });
  const scheduleNameSchema = new Schema<ScheduleNameDoc>(
    {
      workspace: { type: String, required: true },
      name: { type: String, required: true },
      nameKey: { type: String, required: true },
      system: { type: Boolean, default: false },
      emailCc: { type: Boolean, default: false },
      trigrams: { type: [String], default: [] },
    },
    { versionKey: false },
  );
  // The type-ahead: one trigram (an equality on the array), in name order.
  scheduleNameSchema.index({ workspace: 1, trigrams: 1, nameKey: 1 });

  const scheduleListSchema = new Schema<ScheduleListDoc>(
    {
      _id: { type: String, required: true },
      build: { type: String, required: true },
      builtAt: { type: Date, required: true },
      entries: { type: String, default: null },
    },
    { versionKey: false },
  );

  const customMessageSchema = new Schema<CustomMessageDoc>(
    {
      workspace: { type: String, required: true },
      name: { type: String, required: true },
      nameKey: { type: String, required: true },
      subject: { type: String, default: '' },
      body: { type: String, required: true },
      createdBy: { type: String, required: true },
      createdBySave: { type: String, default: null },
      updatedBy: { type: String },
      updatedByName: { type: String, default: '' },
      version: { type: Number, default: 1 },
    },
    { timestamps, versionKey: false },
  );
  customMessageSchema.index({ workspace: 1, nameKey: 1 }, { unique: true });

  const assistantSchema = new Schema<AssistantDoc>(
    {
      workspace: { type: String, required: true },
      name: { type: String, required: true },
      nameKey: { type: String, required: true },
      notificationChannel: { type: String, default: '' },
      timeZone: { type: String, required: true },
      offDays: { type: [Number], default: [6, 0] },
      businessHours: { type: new Schema({ open: String, close: String }, { _id: false }) },
      holidays: { type: new Schema({ country: String, region: { type: String, default: null } }, { _id: false }), default: undefined },
      extraOffDates: { type: [String], default: undefined },
      dailyLimit: { type: Number },
      senderName: { type: String },
      senderEmail: { type: String },
      signature: { type: String },
      owner: { type: String },
      defaultScheduleId: { type: Schema.Types.ObjectId, default: null },
      defaultEmailCcScheduleId: { type: Schema.Types.ObjectId, default: null },
      createdBy: { type: String, required: true },
      createdBySave: { type: String, default: null },
      updatedBy: { type: String },
      updatedByName: { type: String, default: '' },
      version: { type: Number, default: 1 },
    },
    { timestamps, versionKey: false },
  );
  assistantSchema.index({ workspace: 1, nameKey: 1 }, { unique: true });

  const workspaceSchema = new Schema<WorkspaceDoc>(
    {
      _id: { type: String, required: true },
      teamId: { type: String, required: true },
      enterpriseId: { type: String, default: null },
      seededAt: { type: Date, required: true },
      systemVersion: { type: Number },
    },
    { versionKey: false },
  );

  const apiTokenSchema = new Schema<ApiTokenDoc>(
    {
      workspace: { type: String, required: true },
      teamId: { type: String, required: true },
      enterpriseId: { type: String, default: null },
      name: { type: String, required: true },
      nameKey: { type: String, required: true },
      hash: { type: String, required: true },
      createdBy: { type: String, required: true },
      lastUsedAt: { type: Date, default: null },
    },
    { timestamps: { ...timestamps, updatedAt: false }, versionKey: false },
  );
  apiTokenSchema.index({ hash: 1 }, { unique: true });
  apiTokenSchema.index({ workspace: 1, nameKey: 1 }, { unique: true });

  const draftRowSchema = new Schema<DraftRowDoc>(
    {
      key: { type: String, required: true },
      rev: { type: Number, default: 0 },
      type: { type: String, enum: STEP_TYPES, required: true },
      customMessageId: { type: Schema.Types.ObjectId, default: null },
      afterDays: { type: String, default: '' },
    },
    { _id: false },
  );

  const draftSchema = new Schema<DraftDoc>(
    {
      workspace: { type: String, required: true },
      userId: { type: String, required: true },
      scheduleId: { type: Schema.Types.ObjectId, required: true },
      baseVersion: { type: Number, required: true },
      viewerTimeZone: { type: String, default: 'UTC' },
    },
    { timestamps, versionKey: false },
  );
  const draftRevisionSchema = new Schema<DraftRevisionDoc>(
    {
      draftId: { type: Schema.Types.ObjectId, required: true },
      workspace: { type: String, required: true },
      rev: { type: Number, required: true },
      name: { type: String, default: '' },
      description: { type: String, default: '' },
      rows: { type: [draftRowSchema], default: [] },
      nextRowKey: { type: Number, default: 1 },
      previewAssistantId: { type: Schema.Types.ObjectId, default: null },
      session: {
        type: new Schema<DraftSessionCopy>(
          {
            userId: { type: String, required: true },
            scheduleId: { type: Schema.Types.ObjectId, required: true },
            baseVersion: { type: Number, required: true },
            viewerTimeZone: { type: String, default: 'UTC' },
            emailCc: { type: Boolean, default: false },
            touchedAt: { type: Date, required: true },
          },
          { _id: false },
        ),
        default: undefined,
      },
    },
    { timestamps: { ...timestamps, updatedAt: false }, versionKey: false },
  );
  draftRevisionSchema.index({ draftId: 1, rev: 1 }, { unique: true });
  const versionClaimSchema = new Schema<VersionClaimDoc>(
    {
      docId: { type: Schema.Types.ObjectId, required: true },
      version: { type: Number, required: true },
      claimedAt: { type: Date, required: true },
      byName: { type: String, default: '' },
      saveId: { type: String, default: null },
    },
    { versionKey: false },
  );
  versionClaimSchema.index({ docId: 1, version: 1 }, { unique: true });
  draftSchema.index({ updatedAt: 1 });
  const lockSchema = new Schema<LockDoc>(
    { _id: { type: String, required: true }, token: { type: String, required: true }, claimedAt: { type: Date, required: true } },
    { versionKey: false },
  );
  const requestClaimSchema = new Schema<RequestClaimDoc>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });

  const migrationSchema = new Schema<MigrationDoc>({ _id: { type: String, required: true }, doneAt: { type: Date, required: true } }, { versionKey: false });

  const leadSchema = new Schema<LeadDoc>(
    {
      workspace: { type: String, required: true },
      email: { type: String, required: true },
      firstName: { type: String, default: '' },
      lastName: { type: String, default: '' },
      company: { type: String, default: '' },
      title: { type: String, default: '' },
      phone: { type: String, default: '' },
      industry: { type: String, default: '' },
      tags: { type: [String], default: [] },
      custom: { type: [new Schema<CustomFieldDoc>({ name: { type: String, required: true }, value: { type: String, default: '' } }, { _id: false })], default: [] },
      // Set where leads are created (addLeads), not as a default: mongoose would invent one for every old lead it reads.
      unsubscribeToken: { type: String },
      unsubscribedAt: { type: Date, default: null },
      createdBy: { type: String, required: true },
    },
    { timestamps, versionKey: false },
  );
  leadSchema.index({ workspace: 1, email: 1 }, { unique: true });
  // The unsubscribe page finds its lead by the link's token. Not unique: leads from before the
  // token existed have none until the migration fills them in (FerretDB has no partial index).
  leadSchema.index({ unsubscribeToken: 1 });
  // A reply (POST /hooks/reply) finds its lead by the sender's address, in whichever workspace it is.
  leadSchema.index({ email: 1 });

  const followupSchema = new Schema<FollowupDoc>(
    {
      step: { type: Number, required: true },
      type: { type: String, enum: STEP_TYPES, required: true },
      customMessageId: { type: Schema.Types.ObjectId, default: null },
      plannedAt: { type: Date, required: true },
      sentAt: { type: Date, default: null },
      outcome: { type: String, default: null },
    },
    { _id: false },
  );
  const historySchema = new Schema<HistoryEntryDoc>(
    {
      at: { type: Date, required: true },
      by: { type: String, required: true },
      byName: { type: String, default: '' },
      action: { type: String, required: true },
      reason: { type: String, default: null },
    },
    { _id: false },
  );
  const enrollmentSchema = new Schema<EnrollmentDoc>(
    {
      workspace: { type: String, required: true },
      leadId: { type: Schema.Types.ObjectId, required: true },
      email: { type: String, required: true },
      assistantId: { type: Schema.Types.ObjectId, required: true },
      scheduleId: { type: Schema.Types.ObjectId, required: true },
      emailCc: { type: Boolean, default: false },
      start: { type: Date, required: true },
      state: { type: String, enum: ENROLLMENT_STATES, required: true },
      stopReason: { type: String, enum: [...STOP_REASONS, null], default: null },
      pausedAt: { type: Date, default: null },
      slot: { type: String, required: true },
      followups: { type: [followupSchema], default: [] },
      nextDueAt: { type: Date, default: null },
      dueHour: { type: Number },
      thread: { type: new Schema<EnrollmentThreadDoc>({ subject: { type: String, default: '' }, messageIds: { type: [String], default: [] } }, { _id: false }), default: undefined },
      history: { type: [historySchema], default: [] },
      version: { type: Number, default: 1 },
      createdBy: { type: String, required: true },
    },
    { timestamps, versionKey: false },
  );
  enrollmentSchema.index({ slot: 1 }, { unique: true });
  // A lead's enrollments (show, pause, resume, stop).
  enrollmentSchema.index({ workspace: 1, leadId: 1 });
  // `/schedule lead list [assistant] [state]`, newest first, paged in the database.
  enrollmentSchema.index({ workspace: 1, assistantId: 1, state: 1, createdAt: -1 });
  enrollmentSchema.index({ workspace: 1, state: 1, createdAt: -1 });
  // Replanning a schedule's or an assistant's active leads; finding due followups (delivery).
  enrollmentSchema.index({ scheduleId: 1, state: 1 });
  enrollmentSchema.index({ state: 1, nextDueAt: 1 });
  // App Home: an assistant's next followups, soonest first.
  enrollmentSchema.index({ workspace: 1, assistantId: 1, state: 1, nextDueAt: 1 });
  // The dispatcher's poll: one due-hour bucket at a time (services/delivery/due.ts). dueHour first:
  // FerretDB's PostgreSQL indexes only an index's first field (db/local/postgresIndexes.ts), and
  // `state` first would have every poll read every active enrollment.
  enrollmentSchema.index({ dueHour: 1, state: 1, nextDueAt: 1 });
  // Sending: the lead's other enrollments, for a stop with another assistant (by leadId alone, see dispatcher.ts).
  enrollmentSchema.index({ leadId: 1 });

  return {
    ...createInstallationModels(connection, clock),
    Lead: connection.model<LeadDoc>('Lead', leadSchema),
    Enrollment: connection.model<EnrollmentDoc>('Enrollment', enrollmentSchema),
    Schedule: connection.model<ScheduleDoc>('Schedule', scheduleSchema),
    ScheduleSummary: connection.model<ScheduleSummaryDoc>('ScheduleSummary', scheduleSummarySchema),
    ScheduleName: connection.model<ScheduleNameDoc>('ScheduleName', scheduleNameSchema),
    ScheduleList: connection.model<ScheduleListDoc>('ScheduleList', scheduleListSchema),
    CustomMessage: connection.model<CustomMessageDoc>('CustomMessage', customMessageSchema),
    Assistant: connection.model<AssistantDoc>('Assistant', assistantSchema),
    Workspace: connection.model<WorkspaceDoc>('Workspace', workspaceSchema),
    ApiToken: connection.model<ApiTokenDoc>('ApiToken', apiTokenSchema),
    Draft: connection.model<DraftDoc>('Draft', draftSchema),
    DraftRevision: connection.model<DraftRevisionDoc>('DraftRevision', draftRevisionSchema),
    VersionClaim: connection.model<VersionClaimDoc>('VersionClaim', versionClaimSchema),
    Migration: connection.model<MigrationDoc>('Migration', migrationSchema),
    Lock: connection.model<LockDoc>('Lock', lockSchema),
    RequestClaim: connection.model<RequestClaimDoc>('RequestClaim', requestClaimSchema),
    ...createLeadImportModels(connection, timestamps),
    ...createNoticeModels(connection, clock),
    ...createOutboxModels(connection, timestamps),
    ...createDeliveryModels(connection),
    ...createWorkspaceExportModels(connection),
  };
}


/** Agenda's job documents (src/jobs/index.ts); a workspace's deletion removes its waiting jobs. */
export const AGENDA_JOBS_COLLECTION = 'agendaJobs';

/** Builds every index before the app takes requests (uniqueness must hold from the first write). */
export async function ensureIndexes(models: Models): Promise<void> {
  await Promise.all(Object.values(models).map((model: Model<unknown>) => model.createIndexes()));
}

/**
 * True for a unique-index violation, in every shape it comes in: MongoDB's E11000 (also inside
 * a bulk write's `writeErrors`), and FerretDB v1's updates, which report it as code 1
 * InternalError carrying the backend's own text: "UNIQUE constraint failed" on SQLite,
 * "duplicate key value violates unique constraint (SQLSTATE 23505)" on PostgreSQL
 * (FerretDB turns only inserts into E11000).
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, writeErrors } = error as { code?: unknown; message?: unknown; writeErrors?: unknown };
  if (code === 11000 || code === 11001) return true;
  if (Array.isArray(writeErrors) && writeErrors.some(isDuplicateKeyError)) return true;
  return code === 1 && typeof message === 'string' && /UNIQUE constraint failed|duplicate key value violates unique constraint|SQLSTATE 23505/.test(message);
}

/**
 * Updates per `update` command. FerretDB v1.24 (PostgreSQL) holds one PostgreSQL connection per
 * statement of an update command until the command returns, plus one for the write, and deadlocks
 * when its pool runs dry (db/local/ferretdb.ts): small commands, one after the other, keep each
 * command's share small; the local database sizes its pool from this. Real MongoDB has no such limit.
 */
export const MAX_UPDATES_PER_COMMAND = 10;

/** `model.bulkWrite(ops)` in commands of at most MAX_UPDATES_PER_COMMAND; returns how many documents changed. */
export async function bulkUpdate<T>(model: Model<T>, ops: Parameters<Model<T>['bulkWrite']>[0], options: { timestamps?: boolean } = {}): Promise<number> {
  let modified = 0;
  for (let i = 0; i < ops.length; i += MAX_UPDATES_PER_COMMAND) {
    const result = await model.bulkWrite(ops.slice(i, i + MAX_UPDATES_PER_COMMAND), { ordered: false, ...options });
    modified += result.modifiedCount;
  }
  return modified;
}

/** 144 random bits, URL-safe: an unsubscribe link nobody can guess from another. */
export function newUnsubscribeToken(): string {
  return randomBytes(18).toString('base64url');
}

/** An ObjectId from a string a user or a payload gave, or null when it is not one. */
export function parseObjectId(id: string): Types.ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : null;
}

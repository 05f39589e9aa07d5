// Notices (issue #10): what delivery tells the team in Slack, and the delivery log App Home reads.
// A notice is stored first and posted after (src/jobs/notices.ts), so a notice Slack refused or a
// process that died before posting is retried from here, never lost. FerretDB v1 has no atomic
// findAndModify: the per-(channel, second) posting slots, and the single direct message about a
// channel the app was removed from, are unique-`_id` inserts.
import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { Clock } from '../clock.js';
import { NOTICE_KINDS, type NoticeKind } from '../services/notices/types.js';

/** `filled`: a held followup's missing fields were filled in and the lead resumed (Fill in and resume). */
export const NOTICE_ACTIONS = ['stopped', 'replied', 'paused', 'resumed', 'filled'] as const;
export type NoticeAction = (typeof NOTICE_ACTIONS)[number];

/** What a button did to the lead, as the notice then shows it. */
export interface NoticeActionDoc {
  what: NoticeAction;
  by: string;
  byName: string;
  at: Date;
  /** filled: the fields that changed (`firstName`, `custom.deal_size`). */
  fields?: string[];
}

/** A Slack message: the channel and its `ts`. */
export interface MessageRefDoc {
  channel: string;
  ts: string;
}

export interface NoticeDoc {
  _id: Types.ObjectId;
  /** `<workspace>|<enrollmentId>:<step>:<kind>`, unique: recording the same notice twice keeps one. */
  key: string;
  workspace: string;
  teamId: string;
  enterpriseId: string | null;
  assistantId: string;
  enrollmentId: string;
  leadId: string;
  kind: NoticeKind;
  step: number;
  totalSteps: number;
  lead: { name: string; company: string; email: string };
  /** "Jamie Rivera (Acme)", or the email: how lists name the lead. */
  leadLabel: string;
  subject: string;
  preview: string;
  detail: string | null;
  nextPlannedAt: Date | null;
  /** When it happened (the delivery log's time). */
  at: Date;
  /** Null until it is shown in Slack (its own message, or a line of a digest). */
  postedAt: Date | null;
  /**
   * `<workspace>|<assistantId>` while it waits to be posted, null once posted: the posting job finds an
   * assistant's waiting notices by this one equality, which FerretDB v1 pushes down (not `postedAt: null`).
   */
  waitingFor?: string | null;
  /** The message that shows it: its own, or the digest it is a line of. */
  message: MessageRefDoc | null;
  /** The digest it is a line of, if any. */
  digestId: Types.ObjectId | null;
  /** The thread its lead's later notices go in: the `ts` of the enrollment's first message (its own, or its digest). */
  threadTs: string | null;
  /** Failed tries to post it (Slack errors other than a rate limit), the last error, and when to try again. */
  attempts: number;
  lastError: string | null;
  retryAt: Date | null;
  /** The last button's effect, shown on the notice. */
  action: NoticeActionDoc | null;
  createdAt: Date;
}

/**
 * One message listing notices a channel could not take one by one (more were waiting than one
 * post a second allows); updated with chat.update as more are added, until it is full.
 */
export interface NoticeDigestDoc {
  _id: Types.ObjectId;
  workspace: string;
  assistantId: string;
  channel: string;
  /** Null until posted. */
  ts: string | null;
  noticeIds: Types.ObjectId[];
  /** How many of them the message shows as Slack last accepted it (an update may be owed). */
  shownCount: number;
  /**
   * `<workspace>|<assistantId>` while a line's button changed something the message does not show yet
   * (the assistant's posting run redraws it, under its lease); null when it shows everything.
   */
  redrawFor?: string | null;
  /** Each redraw request's own id: a request made while a redraw was under way is not cleared by it. */
  redrawToken?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Per workspace and channel: what stops posting there (a rate limit's Retry-After, the app removed). */
export interface NoticeChannelDoc {
  /** `<workspace>|<channel>` */
  _id: string;
  workspace: string;
  /** Slack said wait (429) until then: every worker waits. */
  blockedUntil: Date | null;
  /** `not_in_channel`, `channel_not_found`, `is_archived` since then; tried again at `retryAt`. */
  unreachable: { error: string; since: Date; retryAt: Date } | null;
  /** How many times it became reachable again: the owner is told once per episode (a unique claim names it). */
  episode: number;
  updatedAt: Date;
}

/** A claim of one chat.postMessage (or chat.update) into a channel in one second: `_id` names channel and second. */
export interface NoticeSlotDoc {
  _id: string;
  at: Date;
  /** The minute (since the epoch) of `at`: the bucket the purge deletes by equality, the only filter FerretDB v1 pushes down. */
  minute: number;
}

export const MINUTE_MS = 60_000;

/** A slot claimed now (wall time, as Slack counts it). */
export function noticeSlot(_id: string, at = new Date()): NoticeSlotDoc {
  return { _id, at, minute: Math.floor(at.getTime() / MINUTE_MS) };
}

export interface NoticeModels {
  Notice: Model<NoticeDoc>;
  NoticeDigest: Model<NoticeDigestDoc>;
  NoticeChannel: Model<NoticeChannelDoc>;
  NoticeSlot: Model<NoticeSlotDoc>;
}

export function createNoticeModels(connection: Connection, clock: Clock): NoticeModels {
  const timestamps = { currentTime: () => clock.now() };
  const messageRef = new Schema<MessageRefDoc>({ channel: { type: String, required: true }, ts: { type: String, required: true } }, { _id: false });
  const noticeSchema = new Schema<NoticeDoc>(
    {
      key: { type: String, required: true },
      workspace: { type: String, required: true },
      teamId: { type: String, required: true },
      enterpriseId: { type: String, default: null },
      assistantId: { type: String, required: true },
      enrollmentId: { type: String, required: true },
      leadId: { type: String, required: true },
      kind: { type: String, enum: NOTICE_KINDS, required: true },
      step: { type: Number, required: true },
      totalSteps: { type: Number, required: true },
      lead: { type: new Schema({ name: { type: String, default: '' }, company: { type: String, default: '' }, email: { type: String, default: '' } }, { _id: false }), required: true },
      leadLabel: { type: String, default: '' },
      subject: { type: String, default: '' },
      preview: { type: String, default: '' },
      detail: { type: String, default: null },
      nextPlannedAt: { type: Date, default: null },
      at: { type: Date, required: true },
      postedAt: { type: Date, default: null },
      waitingFor: { type: String, default: null },
      message: { type: messageRef, default: null },
      digestId: { type: Schema.Types.ObjectId, default: null },
      threadTs: { type: String, default: null },
      attempts: { type: Number, default: 0 },
      lastError: { type: String, default: null },
      retryAt: { type: Date, default: null },
      action: {
        type: new Schema<NoticeActionDoc>({ what: { type: String, enum: NOTICE_ACTIONS, required: true }, by: String, byName: String, at: Date, fields: { type: [String], default: undefined } }, { _id: false }),
        default: null,
      },
    },
    { timestamps: { ...timestamps, updatedAt: false }, versionKey: false, collection: 'notices' },
  );
  noticeSchema.index({ key: 1 }, { unique: true });
  // The delivery log per assistant (App Home: today's sends, held followups, failures).
  noticeSchema.index({ workspace: 1, assistantId: 1, at: 1 });
  // App Home's lists by kind (today's sends, held followups, failures): a range of the index each.
  noticeSchema.index({ workspace: 1, assistantId: 1, kind: 1, at: 1 });
  // What is waiting to be posted, oldest first (the posting job), and the sweep over every workspace.
  noticeSchema.index({ workspace: 1, assistantId: 1, postedAt: 1, at: 1 });
  noticeSchema.index({ postedAt: 1, at: 1 });
  noticeSchema.index({ waitingFor: 1 });
  // A digest's lines (the posting job updating it).
  noticeSchema.index({ digestId: 1 });
  // A lead's thread: the enrollment's first notice shown.
  noticeSchema.index({ workspace: 1, enrollmentId: 1, at: 1 });

  const digestSchema = new Schema<NoticeDigestDoc>(
    {
      workspace: { type: String, required: true },
      assistantId: { type: String, required: true },
      channel: { type: String, required: true },
      ts: { type: String, default: null },
      noticeIds: { type: [Schema.Types.ObjectId], default: [] },
      shownCount: { type: Number, default: 0 },
      redrawFor: { type: String, default: null },
      redrawToken: { type: String, default: null },
    },
    { timestamps, versionKey: false, collection: 'noticedigests' },
  );
  digestSchema.index({ workspace: 1, assistantId: 1, createdAt: -1 });
  // Digests a click asked to redraw: one equality, which FerretDB v1 pushes down.
  digestSchema.index({ redrawFor: 1 });

  const channelSchema = new Schema<NoticeChannelDoc>(
    {
      _id: { type: String, required: true },
      workspace: { type: String, required: true },
      blockedUntil: { type: Date, default: null },
      unreachable: { type: new Schema({ error: String, since: Date, retryAt: Date }, { _id: false }), default: null },
      episode: { type: Number, default: 0 },
    },
    { timestamps: { ...timestamps, createdAt: false }, versionKey: false, collection: 'noticechannels' },
  );
  channelSchema.index({ workspace: 1 });

  const slotSchema = new Schema<NoticeSlotDoc>(
    { _id: { type: String, required: true }, at: { type: Date, required: true }, minute: { type: Number, required: true } },
    { versionKey: false, collection: 'noticeslots' },
  );
  slotSchema.index({ minute: 1 });

  return {
    Notice: connection.model<NoticeDoc>('Notice', noticeSchema),
    NoticeDigest: connection.model<NoticeDigestDoc>('NoticeDigest', digestSchema),
    NoticeChannel: connection.model<NoticeChannelDoc>('NoticeChannel', channelSchema),
    NoticeSlot: connection.model<NoticeSlotDoc>('NoticeSlot', slotSchema),
  };
}

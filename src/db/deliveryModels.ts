// What delivery keeps besides the enrollments (issue #10): one send claim per (enrollment, step),
// the takeovers of claims left by a dead process, the daily send slots of each assistant, and the
// dispatcher's cursor over due-hour buckets. Kept apart from models.ts; createModels mixes them in.
// FerretDB v1 shaped all of it: no atomic find-and-modify and no transactions, so every "only one
// may" is a unique-`_id` insert (a claim, a takeover, a slot), never a filtered update.
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const SEND_CLAIM_STATES = ['sending', 'retry', 'sent', 'bounced', 'released'] as const;
/**
 * sending: its owner is sending (or died doing it: taken over once stale). retry: a temporary
 * failure; taken over at `retryAt`. sent: the SMTP server accepted it (or it went to the outbox);
 * what is left is recording it. bounced: a permanent rejection; what is left is stopping the lead.
 * released: given back before anything went out (not due any more, held, over the daily limit).
 */
export type SendClaimState = (typeof SEND_CLAIM_STATES)[number];

/**
 * The one claim on sending step `step` of an enrollment: `_id` is `<enrollmentId>:<step>`, so of
 * two processes only one inserts it. The Message-ID is fixed here at the first claim: whoever
 * finishes the send (the owner, or a process taking over from a dead one) sends that same id.
 */
export interface SendClaimDoc {
  _id: string;
  workspace: string;
  enrollmentId: Types.ObjectId;
  step: number;
  messageId: string;
  /**
   * The hour (since the epoch) of the first claim, never changed: the bucket the purge
   * (services/delivery/purge.ts) reads by equality, the only filter FerretDB v1 pushes down.
   */
  claimHour: number;
  /** 0 for the first owner; n after n takeovers, each won by a unique SendTakeover insert. */
  generation: number;
  owner: string;
  claimedAt: Date;
  state: SendClaimState;
  /** SMTP attempts so far (temporary failures retry with backoff). */
  attempts: number;
  retryAt: Date | null;
  lastError: string | null;
  /** The daily slot this send counts against (kept across takeovers and retries). */
  dailySlot: string | null;
  /** Once sent: what the notice and the enrollment record say. */
  sentAt: Date | null;
  delivered: boolean | null;
  subject: string | null;
  preview: string | null;
}

/** `_id` `<claimId>#<generation>`: the one process that takes a claim over into that generation. */
export interface SendTakeoverDoc {
  _id: string;
  workspace: string;
  at: Date;
  owner: string;
}

/**
 * One of an assistant's sends on one local day: `_id` `<assistantId>:<YYYY-MM-DD>:<n>` for n in
 * 1..daily limit. Taking slot n is a unique insert, so the limit holds across processes without
 * atomic counters.
 */
export interface DailySendSlotDoc {
  _id: string;
  workspace: string;
  assistantId: Types.ObjectId;
  day: string;
  claimId: string;
  at: Date;
}

/**
 * A send claim the purge found still needed (its followup not recorded yet: a paused lead, a retry,
 * a takeover to come): looked at again from hour `hour` on, rather than read again every run.
 * Written by the purge only, never by a sender, so it never races a claim's own writes.
 */
export interface SendClaimRecheckDoc {
  /** The claim's `_id`. */
  _id: string;
  workspace: string;
  hour: number;
}

/** How far a purge got: buckets before `next` (in the unit its `_id` names) hold nothing it may delete. */
export interface PurgeCursorDoc {
  _id: string;
  next: number;
  at: Date;
}

/** The dispatcher's position: due-hour buckets before `fromHour` hold nothing due (see services/delivery/due.ts). */
export interface DeliveryCursorDoc {
  _id: string;
  fromHour: number;
  at: Date;
}

export interface DeliveryModels {
  SendClaim: Model<SendClaimDoc>;
  SendTakeover: Model<SendTakeoverDoc>;
  DailySendSlot: Model<DailySendSlotDoc>;
  DeliveryCursor: Model<DeliveryCursorDoc>;
  SendClaimRecheck: Model<SendClaimRecheckDoc>;
  PurgeCursor: Model<PurgeCursorDoc>;
}

export function createDeliveryModels(connection: Connection): DeliveryModels {
  const sendClaimSchema = new Schema<SendClaimDoc>(
    {
      _id: { type: String, required: true },
      workspace: { type: String, required: true },
      enrollmentId: { type: Schema.Types.ObjectId, required: true },
      step: { type: Number, required: true },
      messageId: { type: String, required: true },
      claimHour: { type: Number, required: true },
      generation: { type: Number, required: true },
      owner: { type: String, required: true },
      claimedAt: { type: Date, required: true },
      state: { type: String, enum: SEND_CLAIM_STATES, required: true },
      attempts: { type: Number, default: 0 },
      retryAt: { type: Date, default: null },
      lastError: { type: String, default: null },
      dailySlot: { type: String, default: null },
      sentAt: { type: Date, default: null },
      delivered: { type: Boolean, default: null },
      subject: { type: String, default: null },
      preview: { type: String, default: null },
    },
    { versionKey: false },
  );
  // Purging old claims, an hour bucket at a time (an equality FerretDB pushes down).
  sendClaimSchema.index({ claimHour: 1 });
  // A claim written without its bucket (by hand, in a test) gets the hour of its first claim.
  sendClaimSchema.pre('validate', function () {
    if (this.claimHour == null && this.claimedAt) this.claimHour = Math.floor(this.claimedAt.getTime() / 3_600_000);
  });
  const sendTakeoverSchema = new Schema<SendTakeoverDoc>(
    { _id: { type: String, required: true }, workspace: { type: String, required: true }, at: { type: Date, required: true }, owner: { type: String, required: true } },
    { versionKey: false },
  );
  const dailySendSlotSchema = new Schema<DailySendSlotDoc>(
    {
      _id: { type: String, required: true },
      workspace: { type: String, required: true },
      assistantId: { type: Schema.Types.ObjectId, required: true },
      day: { type: String, required: true },
      claimId: { type: String, required: true },
      at: { type: Date, required: true },
    },
    { versionKey: false },
  );
  // Today's sends of an assistant: counted to find the next free slot.
  dailySendSlotSchema.index({ assistantId: 1, day: 1 });
  // Purging the slots of days long past, a day at a time (an equality FerretDB pushes down).
  dailySendSlotSchema.index({ day: 1 });
  const deliveryCursorSchema = new Schema<DeliveryCursorDoc>(
    { _id: { type: String, required: true }, fromHour: { type: Number, required: true }, at: { type: Date, required: true } },
    { versionKey: false },
  );
  const recheckSchema = new Schema<SendClaimRecheckDoc>(
    { _id: { type: String, required: true }, workspace: { type: String, required: true }, hour: { type: Number, required: true } },
    { versionKey: false },
  );
  recheckSchema.index({ hour: 1 });
  const purgeCursorSchema = new Schema<PurgeCursorDoc>(
    { _id: { type: String, required: true }, next: { type: Number, required: true }, at: { type: Date, required: true } },
    { versionKey: false },
  );
  return {
    SendClaimRecheck: connection.model<SendClaimRecheckDoc>('SendClaimRecheck', recheckSchema),
    PurgeCursor: connection.model<PurgeCursorDoc>('PurgeCursor', purgeCursorSchema),
    SendClaim: connection.model<SendClaimDoc>('SendClaim', sendClaimSchema),
    SendTakeover: connection.model<SendTakeoverDoc>('SendTakeover', sendTakeoverSchema),
    DailySendSlot: connection.model<DailySendSlotDoc>('DailySendSlot', dailySendSlotSchema),
    DeliveryCursor: connection.model<DeliveryCursorDoc>('DeliveryCursor', deliveryCursorSchema),
  };
}

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
}

export function createDeliveryModels(connection: Connection): DeliveryModels {
  const sendClaimSchema = new Schema<SendClaimDoc>(
    {
      _id: { type: String, required: true },
      workspace: { type: String, required: true },
      enrollmentId: { type: Schema.Types.ObjectId, required: true },
      step: { type: Number, required: true },
      messageId: { type: String, required: true },
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
  // Purging old claims.
  sendClaimSchema.index({ claimedAt: 1 });
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
  const deliveryCursorSchema = new Schema<DeliveryCursorDoc>(
    { _id: { type: String, required: true }, fromHour: { type: Number, required: true }, at: { type: Date, required: true } },
    { versionKey: false },
  );
  return {
    SendClaim: connection.model<SendClaimDoc>('SendClaim', sendClaimSchema),
    SendTakeover: connection.model<SendTakeoverDoc>('SendTakeover', sendTakeoverSchema),
    DailySendSlot: connection.model<DailySendSlotDoc>('DailySendSlot', dailySendSlotSchema),
    DeliveryCursor: connection.model<DeliveryCursorDoc>('DeliveryCursor', deliveryCursorSchema),
  };
}

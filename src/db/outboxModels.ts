// The outbox: where emails go when no SMTP server is configured (SMTP_URL unset), so the app runs
// without one and nothing a followup would have said is lost. Kept apart from models.ts like the
// install models; createModels mixes it in.
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface OutboxMailboxDoc {
  name: string;
  email: string;
}

/** One email as it would have gone out: the same headers and bodies the SMTP path sends, and its source. */
export interface OutboxEmailDoc {
  _id: Types.ObjectId;
  workspace: string;
  /** Unique: a retry of the same followup (same Message-ID) stores nothing more. */
  messageId: string;
  from: OutboxMailboxDoc;
  to: OutboxMailboxDoc;
  subject: string;
  /** Threading and RFC 8058 headers by name (Message-ID, In-Reply-To, References, List-Unsubscribe, List-Unsubscribe-Post). */
  headers: Record<string, string>;
  /** The bodies with the unsubscribe footer, as the lead would read them. */
  text: string;
  html: string;
  /** The whole message (RFC 5322), exactly as it would have been handed to an SMTP server. */
  raw: string;
  createdAt: Date;
}

export interface OutboxModels {
  OutboxEmail: Model<OutboxEmailDoc>;
}

export function createOutboxModels(connection: Connection, timestamps: { currentTime: () => Date }): OutboxModels {
  const mailbox = new Schema<OutboxMailboxDoc>({ name: { type: String, default: '' }, email: { type: String, required: true } }, { _id: false });
  const outboxSchema = new Schema<OutboxEmailDoc>(
    {
      workspace: { type: String, required: true },
      messageId: { type: String, required: true },
      from: { type: mailbox, required: true },
      to: { type: mailbox, required: true },
      subject: { type: String, default: '' },
      headers: { type: Schema.Types.Mixed, default: {} },
      text: { type: String, default: '' },
      html: { type: String, default: '' },
      raw: { type: String, default: '' },
    },
    { timestamps: { ...timestamps, updatedAt: false }, versionKey: false, collection: 'outboxemails', minimize: false },
  );
  outboxSchema.index({ messageId: 1 }, { unique: true });
  // A workspace's outbox, newest first (what a developer looks at; the workspace's data deletion).
  outboxSchema.index({ workspace: 1, createdAt: -1 });
  return { OutboxEmail: connection.model<OutboxEmailDoc>('OutboxEmail', outboxSchema) };
}

// Lead imports (`/schedule lead import`): the import and its chunks. An import's whole state is
// here, not in a process: any worker can pick it up, and two at once split it by chunk.
// FerretDB v1 has no atomic findAndModify, so a chunk is claimed by inserting its `_id` (unique).
import { Schema, Types, type Connection, type Model } from 'mongoose';

export const LEAD_IMPORT_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type LeadImportState = (typeof LEAD_IMPORT_STATES)[number];

export interface LeadImportSourceDoc {
  kind: 'text' | 'file';
  /** Pasted CSV (a modal input holds at most 3,000 characters). */
  text?: string;
  fileId?: string;
  fileName?: string;
}

export interface LeadImportDoc {
  _id: Types.ObjectId;
  workspace: string;
  createdBy: string;
  createdByName: string;
  /** The modal the import was submitted from: the same submission twice starts one import. */
  saveId: string;
  assistantId: string;
  scheduleId: string | null;
  emailCc: boolean;
  start: Date | null;
  source: LeadImportSourceDoc;
  /** The one message that shows progress, then the summary (the importer's DM with the app). */
  message: { channel: string; ts: string } | null;
  /** Data rows in the file, once read. */
  total: number | null;
  state: LeadImportState;
  /** Why it could not run at all (the file is gone, the header has no email column). */
  failure: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface LeadImportRefusalDoc {
  row: number;
  reason: string;
}

export interface LeadImportDuplicateDoc {
  row: number;
  email: string;
}

export interface LeadImportChunkDoc {
  /** `<import id>:<chunk index>`: inserting it claims the chunk. */
  _id: string;
  importId: Types.ObjectId;
  workspace: string;
  /** Who holds the claim (a crashed holder's claim is taken over once stale). */
  token: string;
  claimedAt: Date;
  doneAt: Date | null;
  rows: number;
  imported: number;
  duplicates: LeadImportDuplicateDoc[];
  refused: LeadImportRefusalDoc[];
}

export interface LeadImportModels {
  LeadImport: Model<LeadImportDoc>;
  LeadImportChunk: Model<LeadImportChunkDoc>;
}

export function createLeadImportModels(connection: Connection, timestamps: { currentTime: () => Date }): LeadImportModels {
  const leadImportSchema = new Schema<LeadImportDoc>(
    {
      workspace: { type: String, required: true },
      createdBy: { type: String, required: true },
      createdByName: { type: String, default: '' },
      saveId: { type: String, required: true },
      assistantId: { type: String, required: true },
      scheduleId: { type: String, default: null },
      emailCc: { type: Boolean, default: false },
      start: { type: Date, default: null },
      source: {
        type: new Schema<LeadImportSourceDoc>(
          { kind: { type: String, enum: ['text', 'file'], required: true }, text: String, fileId: String, fileName: String },
          { _id: false },
        ),
        required: true,
      },
      message: { type: new Schema({ channel: String, ts: String }, { _id: false }), default: null },
      total: { type: Number, default: null },
      state: { type: String, enum: LEAD_IMPORT_STATES, default: 'queued' },
      failure: { type: String, default: null },
      finishedAt: { type: Date, default: null },
    },
    { timestamps, versionKey: false },
  );
  leadImportSchema.index({ workspace: 1, saveId: 1 }, { unique: true });

  const leadImportChunkSchema = new Schema<LeadImportChunkDoc>(
    {
      _id: { type: String, required: true },
      importId: { type: Schema.Types.ObjectId, required: true },
      workspace: { type: String, required: true },
      token: { type: String, required: true },
      claimedAt: { type: Date, required: true },
      doneAt: { type: Date, default: null },
      rows: { type: Number, default: 0 },
      imported: { type: Number, default: 0 },
      duplicates: { type: [new Schema({ row: Number, email: String }, { _id: false })], default: [] },
      refused: { type: [new Schema({ row: Number, reason: String }, { _id: false })], default: [] },
    },
    { versionKey: false },
  );
  leadImportChunkSchema.index({ importId: 1 });

  return {
    LeadImport: connection.model<LeadImportDoc>('LeadImport', leadImportSchema),
    LeadImportChunk: connection.model<LeadImportChunkDoc>('LeadImportChunk', leadImportChunkSchema),
  };
}

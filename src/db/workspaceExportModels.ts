// `/schedule export` requests: who asked, and whether the file went out (a second run of the job,
// Agenda's at-least-once, then sends nothing). Kept apart from models.ts; createModels mixes it in.
import { Schema, type Connection, type Model } from 'mongoose';

export interface WorkspaceExportDoc {
  /** Random: the job's data names it. */
  _id: string;
  workspace: string;
  requestedBy: string;
  requestedAt: Date;
  /** When the file was shared (null until then). */
  doneAt: Date | null;
  /** The Slack file, once shared. */
  fileId: string | null;
}

export interface WorkspaceExportModels {
  WorkspaceExport: Model<WorkspaceExportDoc>;
}

export function createWorkspaceExportModels(connection: Connection): WorkspaceExportModels {
  const schema = new Schema<WorkspaceExportDoc>(
    {
      _id: { type: String, required: true },
      workspace: { type: String, required: true },
      requestedBy: { type: String, required: true },
      requestedAt: { type: Date, required: true },
      doneAt: { type: Date, default: null },
      fileId: { type: String, default: null },
    },
    { versionKey: false, collection: 'workspaceexports' },
  );
  schema.index({ workspace: 1 });
  return { WorkspaceExport: connection.model<WorkspaceExportDoc>('WorkspaceExport', schema) };
}

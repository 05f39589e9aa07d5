// Everything the app keeps about one workspace, deleted at once: 30 days after an uninstall (a
// job), or when a workspace admin asks. Every model with a `workspace` field is included, so a
// collection added later is covered without a change here; documents keyed by the workspace
// (its record, its uninstall record) and the version claims of its documents (they name who
// saved) go too. The installation is not workspace data: it goes with the uninstall itself.
import type { Model, Types } from 'mongoose';
import type { Models } from '../db/models.js';
import { workspaceKey, type WorkspaceRef } from './domain.js';

const CLAIMS_PER_DELETE = 500;

/** Deletes every document of the workspace; safe to repeat (a second run finds nothing). Returns how many went. */
export async function deleteWorkspaceData(models: Models, ref: WorkspaceRef): Promise<number> {
  const workspace = workspaceKey(ref);
  let deleted = 0;
  const docIds: Types.ObjectId[] = [];
  for (const model of Object.values(models) as Model<unknown>[]) {
    if (!model.schema.path('workspace')) continue;
    const docs = await model.find({ workspace }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    docIds.push(...docs.map((d) => d._id));
    deleted += (await model.deleteMany({ workspace })).deletedCount;
  }
  // In slices: FerretDB v1 filters `$in` in Go, and a huge list would make one slow command.
  for (let i = 0; i < docIds.length; i += CLAIMS_PER_DELETE) {
    deleted += (await models.VersionClaim.deleteMany({ docId: { $in: docIds.slice(i, i + CLAIMS_PER_DELETE) } })).deletedCount;
  }
  deleted += (await models.Workspace.deleteOne({ _id: workspace })).deletedCount;
  deleted += (await models.Uninstall.deleteOne({ _id: workspace })).deletedCount;
  return deleted;
}

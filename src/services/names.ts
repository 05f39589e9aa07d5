// Names unique per workspace (schedules, custom messages, assistants; later leads): the one
// "is this name taken" check, and bringing stored keys up to date when `nameKey` changes.
import type { Model, Types } from 'mongoose';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, type Models } from '../db/models.js';
import { duplicateName, nameKey, workspaceKey, type NamedKind, type WorkspaceRef } from './domain.js';
import { runOnce } from './migrations.js';
import { syncScheduleSummary } from './scheduleSummaries.js';

interface NamedDoc {
  _id: Types.ObjectId;
  workspace: string;
  name: string;
  nameKey: string;
}

const MODEL_OF = { schedule: 'Schedule', customMessage: 'CustomMessage', assistant: 'Assistant', apiToken: 'ApiToken' } as const satisfies Record<NamedKind, keyof Models>;

/** The collection of `kind`, typed by the fields every named document has. */
export function namedModel(models: Models, kind: NamedKind): Model<NamedDoc> {
  return models[MODEL_OF[kind]] as unknown as Model<NamedDoc>;
}

/**
 * The refusal when another document of the workspace has this name (by key), else null. A
 * read, so two writers can still race past it: the unique (workspace, nameKey) index decides
 * then, and `isDuplicateKeyError` turns its refusal into the same error.
 */
export async function nameTaken(models: Models, kind: NamedKind, ref: WorkspaceRef, name: string, exceptId?: string) {
  const existing = await namedModel(models, kind).findOne({ workspace: workspaceKey(ref), nameKey: nameKey(name) }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
  return existing && String(existing._id) !== exceptId ? duplicateName(kind, name) : null;
}

/**
 * What the same form (`saveId`, the modal's view id) already created under this name: the same
 * Save submitted twice (a double click) answers with it instead of "already exists".
 */
export async function createdBySameSave<T>(models: Models, kind: NamedKind, ref: WorkspaceRef, name: string, saveId: string | undefined): Promise<T | null> {
  if (!saveId) return null;
  return namedModel(models, kind).findOne({ workspace: workspaceKey(ref), nameKey: nameKey(name), createdBySave: saveId }).lean<T>();
}

/** Bump when `nameKey` changes in a way that gives stored names another key. */
const NAME_KEY_VERSION = 2;

/**
 * Re-keys stored names after `nameKey` changed (v2: NFKC, invisible characters dropped, case
 * folded), once per database: a marker document records it. Safe to run twice at once. Two
 * names that now share a key keep their old keys (both stay findable; a rename sorts it out).
 */
export async function migrateNameKeys(models: Models, clock: Clock): Promise<number> {
  return runOnce(models, clock, `nameKey.v${NAME_KEY_VERSION}`, () => rekeyNames(models), 0);
}

async function rekeyNames(models: Models): Promise<number> {
  let changed = 0;
  for (const kind of Object.keys(MODEL_OF) as NamedKind[]) {
    const model = namedModel(models, kind);
    const docs = await model.find({}, { name: 1, nameKey: 1 }).lean<Pick<NamedDoc, '_id' | 'name' | 'nameKey'>[]>();
    for (const doc of docs) {
      const key = nameKey(doc.name);
      if (key === doc.nameKey) continue;
      try {
        changed += (await model.updateOne({ _id: doc._id, nameKey: doc.nameKey }, { $set: { nameKey: key } }, { timestamps: false })).modifiedCount;
        if (kind === 'schedule') await syncScheduleSummary(models, doc._id);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
  }
  return changed;
}

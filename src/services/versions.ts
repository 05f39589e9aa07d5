// Optimistic concurrency for everything a modal edits (schedules, custom messages, assistants;
// later leads): a save names the version it was opened at, and of two saves from the same
// version exactly one is written. The other is told who saved and when; nothing of it is written.
import { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, type Models, type VersionClaimDoc } from '../db/models.js';
import { ConflictError, duplicateName, workspaceKey, type Actor, type NamedKind } from './domain.js';
import { namedModel } from './names.js';

/** A claim older than this whose document never reached its version was left by a crashed writer. */
const STALE_CLAIM_MS = 30_000;
/** How long a repeated submission waits for the first one to finish writing. */
const SAME_SAVE_WAIT_MS = 2_000;

/** What a save knows about the document it read. */
export interface VersionedCurrent {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly updatedByName: string;
  readonly updatedAt: Date;
}

export interface VersionedSave {
  /** The version the modal or editor was opened at. */
  readonly baseVersion: number;
  /**
   * The editing session (the editor's draft, the modal's view id): the same Save submitted
   * twice (a double click) is answered "already saved", not a conflict with oneself.
   */
  readonly saveId?: string;
}

/** `written`: this save wrote the next version. `already`: this same save (same `saveId`) already did. */
export type SaveOutcome = 'written' | 'already';

/**
 * Claims the document's next version with a unique (docId, version) insert, then writes `fields`
 * with it. The claim is what makes the save atomic on FerretDB v1, which runs a filtered update
 * as query-then-write (no compare-and-set) and has no transactions. A claim whose writer died
 * before writing is taken over once stale. A duplicate name on the write gives the claim back
 * and throws the name's field error.
 */
export async function writeNextVersion(
  models: Models,
  clock: Clock,
  actor: Actor,
  kind: NamedKind,
  current: VersionedCurrent,
  save: VersionedSave,
  fields: Record<string, unknown>,
): Promise<SaveOutcome> {
  const { VersionClaim } = models;
  const model = namedModel(models, kind);
  const docId = new Types.ObjectId(current.id);
  const version = save.baseVersion + 1;
  const claimOf = () => VersionClaim.findOne({ docId, version }).lean<VersionClaimDoc>();
  const versionNow = async () => (await model.findOne({ _id: docId }, { version: 1 }).lean<{ version?: number }>())?.version ?? 1;
  const refusal = (claim: VersionClaimDoc | null) =>
    claim ? new ConflictError(current.name, claim.byName, claim.claimedAt) : new ConflictError(current.name, current.updatedByName, current.updatedAt);

  if (current.version !== save.baseVersion) {
    // Saved since the modal opened: by this very save (a repeat), or by someone else.
    const claim = await claimOf();
    if (save.saveId && claim?.saveId === save.saveId && current.version >= version) return 'already';
    throw refusal(claim);
  }
  for (let attempt = 0; ; attempt++) {
    try {
      await VersionClaim.create({ docId, version, claimedAt: clock.now(), byName: actor.name, saveId: save.saveId ?? null });
      break;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const claim = await claimOf();
      if (!claim) continue; // given back by a save that failed: claim it again
      if (save.saveId && claim.saveId === save.saveId) {
        // The same Save, submitted twice at once: wait for the first to write (or to give up).
        if (await sameSaveFinished(claim)) return 'already';
        continue;
      }
      const stale = clock.now().getTime() - claim.claimedAt.getTime() > STALE_CLAIM_MS && (await versionNow()) < version;
      if (stale && attempt === 0) {
        await VersionClaim.deleteOne({ _id: claim._id, claimedAt: claim.claimedAt });
        continue;
      }
      // Someone else saved (or is saving right now) from the same version.
      throw refusal(claim);
    }
  }
  try {
    await model.updateOne(
      { _id: docId, workspace: workspaceKey(actor.workspace) },
      { $set: { ...fields, version, updatedBy: actor.userId, updatedByName: actor.name, updatedAt: clock.now() } },
      { timestamps: false },
    );
  } catch (error) {
    // Nothing was written: give the version back.
    await VersionClaim.deleteOne({ docId, version });
    if (isDuplicateKeyError(error)) throw duplicateName(kind, String(fields.name));
    throw error;
  }
  return 'written';

  /** True once the claiming save has written its version; false when it gave the claim back. */
  async function sameSaveFinished(claim: VersionClaimDoc): Promise<boolean> {
    const deadline = Date.now() + SAME_SAVE_WAIT_MS;
    for (;;) {
      if ((await versionNow()) >= version) return true;
      if (!(await VersionClaim.exists({ _id: claim._id }))) return false;
      if (Date.now() > deadline) throw refusal(claim);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

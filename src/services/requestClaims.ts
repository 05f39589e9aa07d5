// Each signed request is acted on once. Slack never sends the same signed request twice (its retries
// carry a new timestamp, hence a new signature), so a second copy is a replay. Claimed with a plain
// insert under the unique _id, which holds across web processes (no state in process memory).
import { isDuplicateKeyError, type Models } from '../db/models.js';

/** Slack refuses requests more than 5 minutes off; claims are kept twice that, then purged by a job. */
export const REQUEST_CLAIM_KEEP_MS = 10 * 60 * 1000;

export interface RequestClaimService {
  /** True the first time `id` is claimed; false when it was claimed before. */
  claimOnce(id: string, at: Date): Promise<boolean>;
  /** Forgets claims made before `before` (older requests are refused by their timestamp anyway). */
  purgeBefore(before: Date): Promise<number>;
}

export function createRequestClaimService(models: Models): RequestClaimService {
  return {
    async claimOnce(id, at) {
      try {
        // Lean: every signed request that acts pays for this insert, and building and validating a
        // mongoose document cost more CPU than the insert itself.
        await models.RequestClaim.insertMany([{ _id: id, at }], { lean: true });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },
    async purgeBefore(before) {
      const { deletedCount } = await models.RequestClaim.deleteMany({ at: { $lt: before } });
      return deletedCount;
    },
  };
}

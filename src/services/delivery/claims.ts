// Exactly once, without atomic find-and-modify (FerretDB v1 runs it as a query then an update):
// - Before anything is sent, step N of an enrollment is claimed by inserting `<enrollment>:<N>`
//   under the unique `_id`; of two processes, one inserts and the other backs off.
// - The claim fixes the Message-ID. A process that dies between claim and send leaves the claim
//   in `sending`; once it is older than the claim timeout, the next run takes it over and sends
//   with the same Message-ID. The takeover itself is a unique insert (`<claim>#<generation>`), so
//   of two processes taking over at once only one wins.
// - The database down after the SMTP server accepted the email: the owner keeps writing `sent` on its
//   claim (with backoff, for up to the claim timeout) until the write lands, and a takeover of a
//   `sending` claim first waits TAKEOVER_GRACE_MS for such a write, so an outage that outlasts the
//   claim timeout does not send the email again when the database is back.
// - The narrow window: a process killed (or cut off from the database for longer than the claim
//   timeout) after the SMTP server accepted the email but before it marked the claim `sent` leaves a
//   `sending` claim; the takeover sends again, with the same Message-ID, which receiving servers and
//   mail clients treat as the same message (the copy is dropped or shown once). Nothing else can
//   send a step twice.
// - A live owner never loses its claim to a takeover: it checks its claim is well inside the
//   timeout just before it sends, and the mailer gives up on a connection long before the timeout.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Types } from 'mongoose';
import type { Clock } from '../../clock.js';
import { bulkUpdate, isDuplicateKeyError, type Models } from '../../db/models.js';
import { writeUntilLanded } from '../../db/retryWrite.js';
import { insertSkippingDuplicates } from '../leads/index.js';
import { mapPool } from './pool.js';
import type { SendClaimDoc } from '../../db/deliveryModels.js';
import { hourOf } from './due.js';

/**
 * A takeover of a claim left `sending` waits this long (wall time) before it may send: the owner may be
 * alive, have sent, and be retrying its `sent` write (at most WRITE_RETRY_MAX_MS apart, db/retryWrite.ts)
 * while the database comes back.
 */
export const TAKEOVER_GRACE_MS = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** This process, as the owner of its claims (a restarted process is a new owner). */
export const PROCESS_OWNER = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

export function claimKey(enrollmentId: Types.ObjectId | string, step: number): string {
  return `${String(enrollmentId)}:${step}`;
}

/**
 * What claiming found: `owned` (this process sends; `claim` as it now stands), `finish` (the send
 * happened, or bounced, and what is left is recording it), or `busy` (someone else has it, or it
 * waits for its retry time).
 */
export type ClaimResult = { readonly kind: 'owned' | 'finish'; readonly claim: SendClaimDoc } | { readonly kind: 'busy' };

export interface ClaimInput {
  readonly workspace: string;
  readonly enrollmentId: Types.ObjectId;
  readonly step: number;
  /** Used when this is the first claim; a takeover keeps the claim's own. */
  readonly messageId: string;
}

/**
 * Where the next free daily slot probably is, kept by one dispatcher run per assistant and day. Only a
 * hint: slot n is still a unique insert, and a slot given back below it is found by the next run's count.
 */
export interface DailySlotHint {
  next?: number;
}

export function createSendClaims(models: Models, clock: Clock, options: { timeoutMs: number; owner?: string }) {
  const { SendClaim, SendTakeover, DailySendSlot } = models;
  const owner = options.owner ?? PROCESS_OWNER;

  async function takeOver(doc: SendClaimDoc): Promise<ClaimResult> {
    const generation = doc.generation + 1;
    try {
      await SendTakeover.create({ _id: `${doc._id}#${generation}`, workspace: doc.workspace, at: clock.now(), owner });
    } catch (error) {
      if (isDuplicateKeyError(error)) return { kind: 'busy' };
      throw error;
    }
    const claimedAt = clock.now();
    // Only the winner of generation n+1 writes: the filter on the old generation is a guard, not the lock.
    // Matching nothing, the claim moved past what this process read (or was purged): it is not ours. The
    // state read is in the filter too: the owner's "sent" lands whatever the generation (markSent), and a
    // takeover written over it would own a claim whose email already went out.
    const { matchedCount } = await SendClaim.updateOne({ _id: doc._id, generation: doc.generation, state: doc.state }, { $set: { generation, owner, claimedAt, state: 'sending', retryAt: null } });
    if (!matchedCount) return { kind: 'busy' };
    return { kind: 'owned', claim: { ...doc, generation, owner, claimedAt, state: 'sending', retryAt: null } };
  }

  /**
   * What a claim inserted before (by this or another process) leaves to do now. `afterSending`: taken
   * over from a `sending` claim, whose owner may have sent (see confirmTakeovers).
   */
  async function existing(_id: string, now: Date): Promise<ClaimResult & { afterSending?: true }> {
    const doc = await SendClaim.findById(_id).lean<SendClaimDoc>();
    if (!doc) return { kind: 'busy' };
    switch (doc.state) {
      case 'sent':
      case 'bounced':
        return { kind: 'finish', claim: doc };
      case 'released':
        return takeOver(doc);
      case 'retry':
        return doc.retryAt && doc.retryAt.getTime() > now.getTime() ? { kind: 'busy' } : takeOver(doc);
      case 'sending':
        return now.getTime() - doc.claimedAt.getTime() > options.timeoutMs ? { ...(await takeOver(doc)), afterSending: true } : { kind: 'busy' };
    }
  }

  /**
   * Claims taken over from `sending`, after TAKEOVER_GRACE_MS: still ours and unsent (the claim is
   * renewed, so the full timeout is ours to send in), or sent by the owner meanwhile (`finish`: the
   * email went out, what is left is recording it).
   */
  async function confirmTakeovers(taken: readonly SendClaimDoc[]): Promise<ClaimResult[]> {
    await sleep(TAKEOVER_GRACE_MS);
    return mapPool(taken, 8, async (claim): Promise<ClaimResult> => {
      const claimedAt = clock.now();
      const { matchedCount } = await SendClaim.updateOne({ _id: claim._id, generation: claim.generation, state: 'sending' }, { $set: { claimedAt } });
      if (matchedCount) return { kind: 'owned', claim: { ...claim, claimedAt } };
      const doc = await SendClaim.findById(claim._id).lean<SendClaimDoc>();
      return doc && (doc.state === 'sent' || doc.state === 'bounced') ? { kind: 'finish', claim: doc } : { kind: 'busy' };
    });
  }

  /**
   * Claims many at once: the fresh claims in one unordered insert; each one refused as a duplicate
   * (claimed before: sent, retrying, released, or another process's) is looked at on its own.
   */
  async function claimAll(inputs: readonly ClaimInput[]): Promise<ClaimResult[]> {
    const now = clock.now();
    const fresh = inputs.map((input): SendClaimDoc => ({
      _id: claimKey(input.enrollmentId, input.step),
      workspace: input.workspace,
      enrollmentId: input.enrollmentId,
      step: input.step,
      messageId: input.messageId,
      generation: 0,
      owner,
      claimedAt: now,
      claimHour: hourOf(now),
      state: 'sending',
      attempts: 0,
      retryAt: null,
      lastError: null,
      dailySlot: null,
      sentAt: null,
      delivered: null,
      subject: null,
      preview: null,
    }));
    const refused = fresh.length ? await insertSkippingDuplicates(SendClaim, fresh) : new Set<number>();
    // A few at a time: a takeover writes, and FerretDB v1 deadlocks when writes in flight hold its whole PostgreSQL pool (db/local/ferretdb.ts).
    const results: ClaimResult[] = await mapPool(fresh, 8, async (doc, i) => (refused.has(i) ? existing(doc._id, now) : { kind: 'owned' as const, claim: doc }));
    // One grace for all the batch's takeovers from `sending` (rare: a process died or lost the database).
    const afterSending = results.flatMap((r, i) => ('afterSending' in r && r.kind === 'owned' ? [i] : []));
    if (afterSending.length) {
      const confirmed = await confirmTakeovers(afterSending.map((i) => (results[i] as { claim: SendClaimDoc }).claim));
      afterSending.forEach((i, k) => (results[i] = confirmed[k]!));
    }
    return results;
  }

  return {
    owner,

    async claim(input: ClaimInput): Promise<ClaimResult> {
      const [result] = await claimAll([input]);
      return result!;
    },

    claimAll,

    /** True while the claim is safely inside its timeout: send only then (a takeover waits for the whole timeout). */
    stillOurs(claim: SendClaimDoc): boolean {
      return clock.now().getTime() - claim.claimedAt.getTime() < options.timeoutMs / 2;
    },

    /**
     * Writes that the SMTP server accepted the email, retrying (with backoff, for up to the claim
     * timeout) while the database does not answer: left `sending`, the claim would be taken over and
     * the email sent again. Not guarded by the generation: the email went out whoever holds the claim
     * now, and a takeover that finds it `sent` records it instead of sending (see confirmTakeovers).
     */
    async markSent(claim: SendClaimDoc, set: Partial<SendClaimDoc>): Promise<SendClaimDoc> {
      const change = { ...set, state: 'sent' as const };
      await writeUntilLanded(() => SendClaim.updateOne({ _id: claim._id }, { $set: change }), options.timeoutMs);
      return { ...claim, ...change };
    },

    /** Writes what the owner learnt (its generation guards against a late write after a takeover). */
    async update(claim: SendClaimDoc, set: Partial<SendClaimDoc>): Promise<SendClaimDoc> {
      await SendClaim.updateOne({ _id: claim._id, generation: claim.generation }, { $set: set });
      return { ...claim, ...set };
    },

    /** Writes what the owners learnt, in bulk (see update). */
    async updateAll(changes: readonly { claim: SendClaimDoc; set: Partial<SendClaimDoc> }[]): Promise<SendClaimDoc[]> {
      await bulkUpdate(SendClaim, changes.map(({ claim, set }) => ({ updateOne: { filter: { _id: claim._id, generation: claim.generation }, update: { $set: set } } })));
      return changes.map(({ claim, set }) => ({ ...claim, ...set }));
    },

    /** Gives the claim back before anything went out: the next run claims it again at once. */
    async release(claim: SendClaimDoc): Promise<void> {
      // Never over a "sent": the sender's write of it lands whatever the generation (the email went out), and
      // a takeover that found the followup done meanwhile must not turn it back into "released".
      await SendClaim.updateOne({ _id: claim._id, generation: claim.generation, state: { $ne: 'sent' } }, { $set: { state: 'released' } });
    },

    /**
     * Takes daily slots of the assistant's `limit` for local day `day` for `claims`, in their order (the
     * oldest due first): slot n is a unique insert, so the limit holds across processes. A claim left
     * without one (null) would go over the limit.
     */
    async takeDailySlots(claims: readonly SendClaimDoc[], assistant: { workspace: string; id: Types.ObjectId }, day: string, limit: number, hint: DailySlotHint = {}): Promise<(string | null)[]> {
      const counted = async () => (await DailySendSlot.countDocuments({ assistantId: assistant.id, day })) + 1;
      const slots: string[] = [];
      // From the hint first (the count reads every slot of the day: once per run, not per send); a day
      // that looks full from there is counted again, as a slot may have been given back.
      let next = hint.next ?? (await counted());
      let recounted = hint.next === undefined;
      while (slots.length < claims.length) {
        if (next > limit) {
          if (recounted) break;
          recounted = true;
          next = await counted();
          continue;
        }
        const tried = Array.from({ length: Math.min(claims.length - slots.length, limit - next + 1) }, (_, k) => next + k);
        const docs = tried.map((n, k) => ({ _id: `${String(assistant.id)}:${day}:${n}`, workspace: assistant.workspace, assistantId: assistant.id, day, claimId: claims[slots.length + k]!._id, at: clock.now() }));
        const refused = await insertSkippingDuplicates(DailySendSlot, docs);
        // Another process took some of these numbers: the ones taken here go to the oldest claims, in order.
        const taken = docs.filter((_, k) => !refused.has(k));
        for (const doc of taken) {
          const claim = claims[slots.length]!;
          if (doc.claimId !== claim._id) await DailySendSlot.updateOne({ _id: doc._id }, { $set: { claimId: claim._id } });
          slots.push(doc._id);
        }
        next = tried.at(-1)! + 1;
      }
      hint.next = next;
      return claims.map((_, i) => slots[i] ?? null);
    },

    /** Gives a daily slot back (the send it was taken for did not happen today). */
    async releaseDailySlot(slot: string): Promise<void> {
      await DailySendSlot.deleteOne({ _id: slot });
    },
  };
}

export type SendClaims = ReturnType<typeof createSendClaims>;

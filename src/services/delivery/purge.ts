// What delivery keeps only to get each send right, purged once it can no longer matter (the job
// `delivery.purge`, every few minutes, in every worker: safe twice and at once). FerretDB has no
// TTL index, and pushes only equalities down, so each purge goes a bucket at a time
// (services/purgeBuckets.ts):
// - send claims, by the hour of their first claim, and their takeovers with them;
// - the daily send slots, by their day, once that day is over in every time zone;
// - the notices' posting slots, by their minute (wall time, as they are taken), a few minutes on.
//
// Why deleting a send claim can never let a followup go out twice: a claim is deleted only when
// its followup is over for good: its enrollment records that step as sent, or has ended
// (completed, stopped: neither ever becomes active again), or is gone. That stays true forever,
// and every sender reads the enrollment again after it holds a claim and before it emails
// (dispatcher.ts, sendClaimed). So whatever races the delete (a takeover that read the claim just
// before, a new claim inserted just after) finds nothing to send and gives the claim back. A claim
// whose followup is not over (a paused lead's released claim, a retry, one a dead process left) is
// kept, however old: it is what stops a second send, or what a takeover finishes; the purge looks
// at it again every few hours. The margin on top (a day at least, and many times the stale-claim
// timeout, counted from the last claim) keeps the purge away from anything a live process may
// still be in the middle of.
import type { Clock } from '../../clock.js';
import { isDuplicateKeyError, type EnrollmentDoc, type Models } from '../../db/models.js';
import type { SendClaimDoc, SendTakeoverDoc } from '../../db/deliveryModels.js';
import { MINUTE_MS } from '../../db/noticeModels.js';
import { walkBuckets } from '../purgeBuckets.js';
import { HOUR_MS, hourOf } from './due.js';

const DAY_MS = 24 * HOUR_MS;
/** A kept claim is looked at again this many hours later. */
export const RECHECK_HOURS = 6;
/** Posting slots are purged once this many minutes old. */
const SLOT_KEEP_MINUTES = 3;
/** Claims looked at side by side (each reads its enrollment by `_id`). */
const CONCURRENCY = 8;

export interface PurgeReport {
  readonly claims: number;
  readonly takeovers: number;
  readonly keptClaims: number;
  readonly dailySlots: number;
  readonly noticeSlots: number;
}

export interface DeliveryPurge {
  /** Deletes what can no longer matter; safe to run twice and in several processes at once. */
  purge(): Promise<PurgeReport>;
}

/** A claim is kept at least this long after its last claim: a day, and far longer than any takeover waits. */
export function claimKeepMs(claimTimeoutMs: number): number {
  return Math.max(DAY_MS, 24 * claimTimeoutMs);
}

const dayNumber = (at: Date) => Math.floor(at.getTime() / DAY_MS);
const dayString = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * `clock`: the app's clock (claims and daily slots are written with it). `wallClock`: real time,
 * as the notices' posting slots are taken (Slack counts real seconds).
 */
export function createDeliveryPurge(models: Models, clock: Clock, options: { claimTimeoutMs: number; wallClock: Clock }): DeliveryPurge {
  const { SendClaim, SendTakeover, SendClaimRecheck, DailySendSlot, NoticeSlot, Enrollment } = models;
  const keepMs = claimKeepMs(options.claimTimeoutMs);

  /** True once the claim's followup can never be sent again (see the top of this file). */
  async function over(claim: Pick<SendClaimDoc, 'enrollmentId' | 'step'>): Promise<boolean> {
    const enrollment = await Enrollment.findOne({ _id: claim.enrollmentId }, { state: 1, followups: 1 }).lean<Pick<EnrollmentDoc, 'state' | 'followups'>>();
    if (!enrollment || enrollment.state === 'completed' || enrollment.state === 'stopped') return true;
    return enrollment.followups.some((f) => f.step === claim.step && f.sentAt);
  }

  /**
   * A claim whose next takeover was won by a process that died before it wrote the claim (its
   * takeover stays, and every later takeover of that generation finds it taken): the takeover
   * goes, so the next run can take the claim over. Long dead by now (older than the margin); one
   * that wakes up all the same finds the claim moved on and backs off (claims.ts, takeOver).
   */
  async function unstick(claim: SendClaimDoc, now: Date): Promise<void> {
    const next = `${claim._id}#${claim.generation + 1}`;
    const takeover = await SendTakeover.findById(next).lean<SendTakeoverDoc>();
    if (takeover && now.getTime() - takeover.at.getTime() > keepMs) await SendTakeover.deleteOne({ _id: next });
  }

  /** Deletes the claim (and its takeovers) when its followup is over and its margin has passed; false when it is kept. */
  async function settle(claim: SendClaimDoc, now: Date, counts: { claims: number; takeovers: number }): Promise<boolean> {
    if (now.getTime() - claim.claimedAt.getTime() <= keepMs) return false;
    if (!(await over(claim))) {
      if (claim.state !== 'sent' && claim.state !== 'bounced') await unstick(claim, now);
      return false;
    }
    // As it stands now (a takeover since the read may have raised its generation).
    const deleted = await SendClaim.findOneAndDelete({ _id: claim._id }).lean<SendClaimDoc>();
    if (!deleted) return true;
    counts.claims++;
    for (let generation = 1; generation <= deleted.generation + 1; generation++) {
      counts.takeovers += (await SendTakeover.deleteOne({ _id: `${claim._id}#${generation}` })).deletedCount;
    }
    return true;
  }

  async function keep(claim: Pick<SendClaimDoc, '_id' | 'workspace'>, now: Date): Promise<void> {
    await SendClaimRecheck.updateOne({ _id: claim._id }, { $set: { workspace: claim.workspace, hour: hourOf(now) + RECHECK_HOURS } }, { upsert: true }).catch((error: unknown) => {
      // Two purges keeping the same claim at once: either's recheck will do.
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  async function inChunks<T>(items: AsyncIterable<T> | Iterable<T>, work: (item: T) => Promise<void>): Promise<void> {
    let chunk: Promise<void>[] = [];
    for await (const item of items) {
      chunk.push(work(item));
      if (chunk.length >= CONCURRENCY) {
        await Promise.all(chunk);
        chunk = [];
      }
    }
    await Promise.all(chunk);
  }

  async function purgeClaims(now: Date, counts: { claims: number; takeovers: number; keptClaims: number }): Promise<void> {
    const look = async (claim: SendClaimDoc) => {
      if (await settle(claim, now, counts)) return;
      counts.keptClaims++;
      await keep(claim, now);
    };
    // An hour's claims once every one of them is past the margin.
    await walkBuckets(
      models,
      'sendClaims.hour',
      {
        oldest: async () => {
          // Claims from before the buckets: read once, when the cursor is made (a whole-collection read, like the sort below).
          await inChunks(SendClaim.find({ claimHour: { $exists: false } }).lean<SendClaimDoc>().cursor(), look);
          return (await SendClaim.findOne({ claimHour: { $exists: true } }, { claimHour: 1 }).sort({ claimHour: 1 }).lean<SendClaimDoc>())?.claimHour ?? null;
        },
        last: hourOf(new Date(now.getTime() - keepMs)) - 1,
        now,
      },
      (hour) => inChunks(SendClaim.find({ claimHour: hour }).lean<SendClaimDoc>().cursor({ batchSize: 500 }), look),
    );
    // The kept ones due for another look (never written into a past hour: the cursor stays behind the current one).
    await walkBuckets(models, 'sendClaimRechecks.hour', { oldest: async () => hourOf(now) - 1, last: hourOf(now) - 1, now }, (hour) =>
      inChunks(SendClaimRecheck.find({ hour }).lean<{ _id: string; workspace: string }>().cursor({ batchSize: 500 }), async (recheck) => {
        const claim = await SendClaim.findById(recheck._id).lean<SendClaimDoc>();
        if (!claim || (await settle(claim, now, counts))) await SendClaimRecheck.deleteOne({ _id: recheck._id, hour });
        else {
          counts.keptClaims++;
          await keep(claim, now);
        }
      }),
    );
  }

  return {
    async purge() {
      const now = clock.now();
      const counts = { claims: 0, takeovers: 0, keptClaims: 0, dailySlots: 0, noticeSlots: 0 };
      await purgeClaims(now, counts);

      // A local day D is some zone's today from D-1 10:00 UTC (at UTC+14) until D+1 12:00 UTC (at
      // UTC-12): its slots are taken and counted only until then. Kept a day and a half more.
      const lastDay = dayNumber(now) - 3;
      const oldestDay = async () => {
        const slot = await DailySendSlot.findOne({}, { day: 1 }).sort({ day: 1 }).lean<{ day: string }>();
        return slot ? dayNumber(new Date(`${slot.day}T00:00:00Z`)) : null;
      };
      await walkBuckets(models, 'dailySendSlots.day', { oldest: oldestDay, last: lastDay, now }, async (day) => {
        counts.dailySlots += (await DailySendSlot.deleteMany({ day: dayString(day) })).deletedCount;
      });

      // A posting slot only matters within its own second (a kick's, a digest update's within 1.5 s).
      // Purged once a few minutes old: a process whose clock lags a little still writes into a bucket ahead of the cursor.
      const wall = options.wallClock.now();
      const minute = Math.floor(wall.getTime() / MINUTE_MS);
      await walkBuckets(
        models,
        'noticeSlots.minute',
        {
          oldest: async () => {
            // Slots from before they had their minute.
            counts.noticeSlots += (await NoticeSlot.deleteMany({ minute: { $exists: false }, at: { $lt: new Date(wall.getTime() - MINUTE_MS) } })).deletedCount;
            return (await NoticeSlot.findOne({ minute: { $exists: true } }, { minute: 1 }).sort({ minute: 1 }).lean<{ minute: number }>())?.minute ?? null;
          },
          last: minute - SLOT_KEEP_MINUTES,
          max: 24 * 60,
          now: wall,
        },
        async (bucket) => {
          counts.noticeSlots += (await NoticeSlot.deleteMany({ minute: bucket })).deletedCount;
        },
      );
      return counts;
    },
  };
}

// Posting notices into an assistant's channel within Slack's limits, from any number of workers
// at once, with nothing kept in process memory:
//
// - chat.postMessage into one channel at most once a second, sustained: a post first claims its
//   (channel, second) slot with a unique insert (FerretDB v1 has no atomic findAndModify); a
//   worker that loses waits for the next second. Digest updates claim per-workspace slots the
//   same way, under chat.update's own tier (Tier 3, about 50 a minute per workspace).
// - one worker per assistant at a time (a lease: a unique insert, taken over once stale), so two
//   never post the same notice; a worker that finds the lease taken leaves its notices to the
//   holder, which looks again after letting go.
// - when more notices wait than one post a second allows, they go out as a digest: one message
//   listing them, updated with chat.update as more are added, until it is full.
// - a 429 blocks the channel until its Retry-After, for every worker; a channel the app was
//   removed from gives one direct message to the assistant's owner per episode and is tried
//   again later; anything else is retried with a backoff. A notice is marked posted only once
//   Slack took it, so nothing is lost; with the database away just then, the mark is tried again
//   until it lands (while the run's lease holds), so the notice is not posted twice. A process dying
//   between the post and the mark can show a notice twice, never zero times.
//
// Slack-free: the Web API is behind `NoticeOutlet` (src/jobs/notices.ts renders and calls it).
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Clock } from '../../clock.js';
import { bulkUpdate, isDuplicateKeyError, type LockDoc, type Models } from '../../db/models.js';
import { noticeSlot, type NoticeActionDoc, type NoticeChannelDoc, type NoticeDigestDoc, type NoticeDoc } from '../../db/noticeModels.js';
import { workspaceKey, type WorkspaceRef } from '../domain.js';
import { writeUntilLanded } from '../../db/retryWrite.js';
import type { NoticeKind } from './types.js';

/** Lines in one digest: with its heading and footer, within a message's 50 blocks. */
export const DIGEST_MAX = 45;
/** Up to this many waiting notices are posted one by one (a few seconds at one a second); more start a digest. */
export const SMALL_BACKLOG = 3;
/** A digest takes more lines (by chat.update) while it is this recent, and while it is, later notices go to digests too. */
export const DIGEST_OPEN_MS = 60_000;
/** A record starts a posting run for its assistant at most once per this (wall time). */
export const KICK_EVERY_MS = 1_000;
/** One chat.postMessage per channel per this: Slack's "1 per second" per channel. */
export const POST_EVERY_MS = 1_000;
/** One digest update per workspace per this: 40 a minute, under chat.update's Tier 3 (50+ a minute). */
export const UPDATE_EVERY_MS = 1_500;
/** A channel the app cannot post in is tried again after this. */
export const UNREACHABLE_RETRY_MS = 10 * 60_000;
/** A worker posts for one assistant this long, then hands over (its job is queued again). */
export const RUN_BUDGET_MS = 20_000;
/** The lease of the one run posting an assistant's notices (a Lock document). */
export function noticeLeaseId(workspace: string, assistantId: string): string {
  return `notices:${workspace}:${assistantId}`;
}

/** A waiting notice's `waitingFor`: its workspace and assistant. */
export function waitingKey(workspace: string, assistantId: string): string {
  return `${workspace}|${assistantId}`;
}

/** A post or update goes out at least this long before its slot's period ends (the time it takes to reach Slack). */
const SLOT_MARGIN_MS = 300;
/** A lease older than this was left by a worker that died. */
const LEASE_STALE_MS = 60_000;
/** Backoff of a notice Slack refused for another reason (doubling, at most an hour). */
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 60 * 60_000;

/** Slack's answers that mean the app can't post in the channel at all (removed, deleted, archived). */
export const UNREACHABLE_ERRORS = ['not_in_channel', 'channel_not_found', 'is_archived'] as const;

/** What a view shows of one notice. */
export interface NoticeLine {
  readonly id: string;
  readonly kind: NoticeKind;
  readonly step: number;
  readonly totalSteps: number;
  readonly lead: { readonly name: string; readonly company: string; readonly email: string };
  readonly leadLabel: string;
  readonly leadId: string;
  readonly subject: string;
  readonly preview: string;
  readonly detail: string | null;
  readonly nextPlannedAt: Date | null;
  readonly at: Date;
  readonly action: NoticeActionDoc | null;
}

export interface NoticeMessageModel {
  readonly assistantName: string;
  readonly notice: NoticeLine;
}

export interface DigestModel {
  readonly assistantName: string;
  readonly lines: readonly NoticeLine[];
}

/** The channel the app can't post in, for the owner's direct message. */
export interface ChannelProblem {
  readonly assistantName: string;
  readonly channel: string;
  readonly error: string;
}

/** Why Slack did not take a post. */
export class OutletError extends Error {
  override name = 'OutletError';
  constructor(
    readonly reason: 'rate_limited' | 'unreachable' | 'failed',
    readonly code: string,
    readonly retryAfterMs = 0,
  ) {
    super(`Slack refused the notice: ${code}`);
  }
}

/** Where notices go (the job gives the Web API, rendering the views); each throws OutletError. */
export interface NoticeOutlet {
  postNotice(channel: string, threadTs: string | null, model: NoticeMessageModel): Promise<string>;
  postDigest(channel: string, model: DigestModel): Promise<string>;
  updateDigest(channel: string, ts: string, model: DigestModel): Promise<void>;
  tellOwner(ownerId: string, problem: ChannelProblem): Promise<void>;
}

/** The assistant as posting needs it. */
export interface PostingAssistant {
  readonly name: string;
  readonly notificationChannel: string;
  readonly owner: string;
}

export interface PostRun {
  /** Notices still wait (out of time, rate limited, channel unreachable): run again at `wakeAt` (or soon). */
  readonly more: boolean;
  readonly wakeAt?: Date;
}

export function toNoticeLine(doc: NoticeDoc): NoticeLine {
  return {
    id: String(doc._id),
    kind: doc.kind,
    step: doc.step,
    totalSteps: doc.totalSteps,
    lead: { name: doc.lead?.name ?? '', company: doc.lead?.company ?? '', email: doc.lead?.email ?? '' },
    leadLabel: doc.leadLabel,
    leadId: doc.leadId,
    subject: doc.subject ?? '',
    preview: doc.preview ?? '',
    detail: doc.detail ?? null,
    nextPlannedAt: doc.nextPlannedAt ?? null,
    at: doc.at,
    action: doc.action ?? null,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export function createNoticePoster(models: Models, clock: Clock) {
  const { Notice, NoticeDigest, NoticeChannel, NoticeSlot, Lock } = models;

  /**
   * Claims one post (or update) in the current period of `key`, waiting for a free one. Wall time,
   * not the injected clock: Slack counts real seconds (and a test's fixed clock would put every
   * post in one second). A claim that ends too late in its own period is not used: the post could
   * reach Slack in the next period, beside that period's post.
   */
  async function claimSlot(key: string, everyMs: number): Promise<void> {
    for (;;) {
      const period = Math.floor(Date.now() / everyMs);
      const latest = (period + 1) * everyMs - SLOT_MARGIN_MS;
      if (Date.now() < latest) {
        try {
          await NoticeSlot.create(noticeSlot(`${key}|${period}`));
          if (Date.now() < latest) return;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
      await sleep((period + 1) * everyMs - Date.now() + 5);
    }
  }

  async function takeLease(id: string, token: string): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await Lock.create({ _id: id, token, claimedAt: new Date() });
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const holder = await Lock.findById(id).lean<LockDoc>();
      if (holder && Date.now() - holder.claimedAt.getTime() <= LEASE_STALE_MS) return false;
      if (holder) await Lock.deleteOne({ _id: id, token: holder.token });
    }
    return false;
  }

  // FerretDB v1 pushes down this one equality, not `postedAt: null`: the workspace's and assistant's
  // notices posted long ago are never read.
  function waitingFilter(workspace: string, assistantId: string) {
    return { waitingFor: waitingKey(workspace, assistantId) };
  }

  /** The notices waiting to be posted, oldest first, that may be tried now. */
  async function waiting(workspace: string, assistantId: string, limit: number): Promise<NoticeDoc[]> {
    const now = clock.now().getTime();
    // Unsorted, then sorted here: FerretDB v1 sorts in Go after decoding every match, and a burst's backlog
    // is thousands; unsorted, it decodes only the first ones (in the order they were recorded, near enough).
    const docs = await Notice.find(waitingFilter(workspace, assistantId)).limit(limit + 50).lean<NoticeDoc[]>();
    docs.sort((a, b) => a.at.getTime() - b.at.getTime() || String(a._id).localeCompare(String(b._id)));
    return docs.filter((d) => !d.retryAt || d.retryAt.getTime() <= now).slice(0, limit);
  }

  async function channelState(id: string): Promise<NoticeChannelDoc | null> {
    return NoticeChannel.findById(id).lean<NoticeChannelDoc>();
  }

  async function setChannel(id: string, workspace: string, set: Partial<NoticeChannelDoc>, inc?: Partial<Record<'episode', number>>): Promise<void> {
    const update = { $set: { ...set, workspace }, ...(inc ? { $inc: inc } : {}) };
    try {
      await NoticeChannel.updateOne({ _id: id }, update, { upsert: true });
    } catch (error) {
      // Two workers upserting the same new document at once: the loser's update applies to the winner's.
      if (!isDuplicateKeyError(error)) throw error;
      await NoticeChannel.updateOne({ _id: id }, update);
    }
  }

  /** The thread a lead's next notice goes in: where its enrollment's first notice in this channel was shown. */
  async function threadOf(workspace: string, enrollmentId: string, channel: string): Promise<string | null> {
    const first = await Notice.findOne({ workspace, enrollmentId, 'message.channel': channel }).sort({ at: 1, _id: 1 }).lean<NoticeDoc>();
    return first?.threadTs ?? first?.message?.ts ?? null;
  }

  // By id, one update or read each: FerretDB v1 does not push `$in` down, and would read every notice of every workspace.
  async function markPosted(ids: readonly Types.ObjectId[], set: Partial<NoticeDoc>): Promise<void> {
    const $set = { postedAt: clock.now(), retryAt: null, waitingFor: null, ...set };
    await bulkUpdate(Notice, ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $set } } })));
  }

  /**
   * A digest's lines, each once: the ones it lists, any another run marked with it meanwhile (one read,
   * by digestId), then `added`.
   */
  async function linesOf(digest: NoticeDigestDoc, added: readonly NoticeDoc[]): Promise<NoticeLine[]> {
    const marked = await Notice.find({ digestId: digest._id }).lean<NoticeDoc[]>();
    const ids = [...new Set([...digest.noticeIds, ...marked.map((d) => d._id), ...added.map((d) => d._id)].map(String))];
    const byId = new Map([...marked, ...added].map((d) => [String(d._id), d]));
    // A line whose notice was not marked with the digest (its worker died in between): read on its own.
    for (const id of ids.filter((id) => !byId.has(id))) {
      const doc = await Notice.findById(id).lean<NoticeDoc>();
      if (doc) byId.set(id, doc);
    }
    return ids.map((id) => byId.get(id)).filter((d): d is NoticeDoc => d !== undefined).map(toNoticeLine);
  }

  /**
   * Posts what waits for one assistant until none is left, the run's time is up, or Slack says
   * wait. Safe to call from several workers at once, and again after a crash.
   */
  async function postWaiting(ref: WorkspaceRef, assistantId: string, assistant: PostingAssistant | null, outlet: NoticeOutlet, budgetMs = RUN_BUDGET_MS): Promise<PostRun> {
    const workspace = workspaceKey(ref);
    // A deleted assistant or one without a channel: its notices stay in the delivery log (App Home), unposted.
    if (!assistant?.notificationChannel) return { more: false };
    const until = Date.now() + budgetMs;
    const leaseId = noticeLeaseId(workspace, assistantId);
    for (;;) {
      const token = randomUUID();
      if (!(await takeLease(leaseId, token))) return { more: false };
      let run: PostRun | 'drained';
      try {
        run = await drain(workspace, assistantId, assistant, outlet, until);
      } finally {
        await Lock.deleteOne({ _id: leaseId, token });
      }
      if (run !== 'drained') return run;
      // A notice recorded while the lease was held, or in the same second as the record that started this run
      // (records start at most one run a second per assistant), is this run's to post: look once more after
      // that second is over.
      await sleep(KICK_EVERY_MS - (Date.now() % KICK_EVERY_MS) + 5);
      if (!(await Notice.exists(waitingFilter(workspace, assistantId))) && !(await NoticeDigest.exists(redrawFilter(workspace, assistantId)))) return { more: false };
      if (Date.now() > until) return { more: true };
    }
  }

  async function drain(workspace: string, assistantId: string, assistant: PostingAssistant, outlet: NoticeOutlet, until: number): Promise<PostRun | 'drained'> {
    const channel = assistant.notificationChannel;
    const channelId = `${workspace}|${channel}`;
    for (;;) {
      if (Date.now() > until) return { more: true };
      const state = await channelState(channelId);
      const now = Date.now();
      if (state?.blockedUntil && state.blockedUntil.getTime() > now) {
        if (state.blockedUntil.getTime() > until) return { more: true, wakeAt: state.blockedUntil };
        await sleep(state.blockedUntil.getTime() - now);
        continue;
      }
      if (state?.unreachable && state.unreachable.retryAt.getTime() > clock.now().getTime()) return { more: true, wakeAt: state.unreachable.retryAt };

      const batch = await waiting(workspace, assistantId, DIGEST_MAX);
      if (!batch.length) {
        if (await redrawAsked(workspace, assistantId, assistant, outlet, channelId)) continue;
        const later = await Notice.findOne(waitingFilter(workspace, assistantId)).sort({ retryAt: 1 }).lean<NoticeDoc>();
        return later?.retryAt ? { more: true, wakeAt: later.retryAt } : 'drained';
      }
      const latest = await latestDigest(workspace, assistantId);
      const recent = latest !== null && latest.channel === channel && latest.ts !== null && clock.now().getTime() - latest.updatedAt.getTime() < DIGEST_OPEN_MS;
      try {
        // While a burst lasts (a digest is recent), notices join its digest, or the next one when it is full; a
        // backlog starts a digest; a few are posted one by one, each in its lead's thread.
        if (recent && latest.noticeIds.length < DIGEST_MAX) {
          await addToDigest(workspace, latest, batch.slice(0, DIGEST_MAX - latest.noticeIds.length), assistant, outlet);
        } else if (recent || batch.length > SMALL_BACKLOG) {
          await postDigest(workspace, assistantId, channel, batch, assistant, outlet);
        } else {
          await postOne(workspace, channel, batch[0]!, assistant, outlet);
        }
        if (state?.unreachable) await setChannel(channelId, workspace, { unreachable: null }, { episode: 1 });
      } catch (error) {
        if (!(error instanceof OutletError)) throw error;
        const stop = await failed(error, { workspace, channelId, channel, assistant, outlet, state, notices: batch });
        if (stop) return stop;
      }
    }
  }

  function redrawFilter(workspace: string, assistantId: string) {
    return { redrawFor: waitingKey(workspace, assistantId) };
  }

  /**
   * Redraws one digest whose line a button changed (see requestDigestRedraw), under the run's lease, so
   * it never races the run's own updates; false when none asks. A digest Slack no longer takes (deleted,
   * the channel gone) is left as it is.
   */
  async function redrawAsked(workspace: string, assistantId: string, assistant: PostingAssistant, outlet: NoticeOutlet, channelId: string): Promise<boolean> {
    const digest = await NoticeDigest.findOne(redrawFilter(workspace, assistantId)).lean<NoticeDigestDoc>();
    if (!digest) return false;
    if (digest.ts) {
      await claimSlot(`update|${workspace}`, UPDATE_EVERY_MS);
      try {
        await outlet.updateDigest(digest.channel, digest.ts, { assistantName: assistant.name, lines: await linesOf(digest, []) });
      } catch (error) {
        if (!(error instanceof OutletError)) throw error;
        // Rate limited: every worker waits, and this redraw is tried again after.
        if (error.reason === 'rate_limited') {
          await setChannel(channelId, workspace, { blockedUntil: new Date(Date.now() + Math.max(1000, error.retryAfterMs)) });
          return true;
        }
      }
    }
    await NoticeDigest.updateOne({ _id: digest._id, redrawToken: digest.redrawToken ?? null }, { $set: { redrawFor: null, redrawToken: null } });
    return true;
  }

  /** Asks the assistant's posting run to redraw the digest a notice is a line of (a button changed the line). */
  async function requestDigestRedraw(notice: Pick<NoticeDoc, 'workspace' | 'assistantId' | 'digestId'>): Promise<boolean> {
    if (!notice.digestId) return false;
    await NoticeDigest.updateOne({ _id: notice.digestId, workspace: notice.workspace }, { $set: { redrawFor: waitingKey(notice.workspace, notice.assistantId), redrawToken: randomUUID() } });
    return true;
  }

  async function latestDigest(workspace: string, assistantId: string): Promise<NoticeDigestDoc | null> {
    return NoticeDigest.findOne({ workspace, assistantId }).sort({ createdAt: -1 }).lean<NoticeDigestDoc>();
  }

  /**
   * Records what Slack took, trying again while the database is away: left unrecorded, the notices would
   * be posted again. For as long as this run's lease holds off other workers.
   */
  function afterSlackTook<T>(write: () => Promise<T>): Promise<T> {
    return writeUntilLanded(write, LEASE_STALE_MS);
  }

  async function postOne(workspace: string, channel: string, doc: NoticeDoc, assistant: PostingAssistant, outlet: NoticeOutlet): Promise<void> {
    const thread = await threadOf(workspace, doc.enrollmentId, channel);
    await claimSlot(`post|${workspace}|${channel}`, POST_EVERY_MS);
    const ts = await outlet.postNotice(channel, thread, { assistantName: assistant.name, notice: toNoticeLine(doc) });
    await afterSlackTook(() => markPosted([doc._id], { message: { channel, ts }, digestId: null, threadTs: thread ?? ts }));
  }

  async function postDigest(workspace: string, assistantId: string, channel: string, batch: readonly NoticeDoc[], assistant: PostingAssistant, outlet: NoticeOutlet): Promise<void> {
    await claimSlot(`post|${workspace}|${channel}`, POST_EVERY_MS);
    const ts = await outlet.postDigest(channel, { assistantName: assistant.name, lines: batch.map(toNoticeLine) });
    const ids = batch.map((d) => d._id);
    // Its id chosen here, so a try that landed without its answer is not stored twice.
    const digestId = new Types.ObjectId();
    await afterSlackTook(async () => {
      await NoticeDigest.create({ _id: digestId, workspace, assistantId, channel, ts, noticeIds: ids, shownCount: ids.length }).catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
      });
      await markPosted(ids, { message: { channel, ts }, digestId, threadTs: ts });
    });
  }

  async function addToDigest(workspace: string, digest: NoticeDigestDoc, batch: readonly NoticeDoc[], assistant: PostingAssistant, outlet: NoticeOutlet): Promise<void> {
    // A notice the digest lists already: an earlier run updated the digest but was cut off (or overlapped
    // this one) before marking it posted. Listed twice, its menu's action_id would repeat, and Slack refuses
    // the whole update (`duplicate action_id`) every time after: the digest would never take another line.
    const listed = new Set(digest.noticeIds.map(String));
    const fresh = batch.filter((d) => !listed.has(String(d._id)));
    if (fresh.length) {
      await claimSlot(`update|${workspace}`, UPDATE_EVERY_MS);
      await outlet.updateDigest(digest.channel, digest.ts!, { assistantName: assistant.name, lines: await linesOf(digest, fresh) });
      // Added to what the digest lists now, not to this run's copy: another run may have added lines meanwhile.
      await afterSlackTook(() => NoticeDigest.updateOne({ _id: digest._id }, { $addToSet: { noticeIds: { $each: fresh.map((d) => d._id) } }, $inc: { shownCount: fresh.length } }));
    }
    await afterSlackTook(() =>
      markPosted(
        batch.map((d) => d._id),
        { message: { channel: digest.channel, ts: digest.ts! }, digestId: digest._id, threadTs: digest.ts! },
      ),
    );
  }

  interface FailureContext {
    workspace: string;
    channelId: string;
    channel: string;
    assistant: PostingAssistant;
    outlet: NoticeOutlet;
    state: NoticeChannelDoc | null;
    notices: readonly NoticeDoc[];
  }

  /** Records why Slack refused; returns how the run ends, or null to go on. */
  async function failed(error: OutletError, ctx: FailureContext): Promise<PostRun | null> {
    if (error.reason === 'rate_limited') {
      // Every worker waits as Slack said (the next loop sleeps until then, or hands over).
      await setChannel(ctx.channelId, ctx.workspace, { blockedUntil: new Date(Date.now() + Math.max(1000, error.retryAfterMs)) });
      return null;
    }
    if (error.reason === 'unreachable') {
      const retryAt = new Date(clock.now().getTime() + UNREACHABLE_RETRY_MS);
      const since = ctx.state?.unreachable?.since ?? clock.now();
      await setChannel(ctx.channelId, ctx.workspace, { unreachable: { error: error.code, since, retryAt } });
      // Only when it becomes unreachable: the tries after (every UNREACHABLE_RETRY_MS) tell no one again.
      if (!ctx.state?.unreachable) await tellOwnerOnce(ctx, error.code);
      return { more: true, wakeAt: retryAt };
    }
    // Anything else (a refusal of this one message, Slack down a moment): back off this notice, go on with the others.
    for (const doc of ctx.notices) {
      const attempts = (doc.attempts ?? 0) + 1;
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempts - 1));
      await Notice.updateOne({ _id: doc._id }, { $set: { attempts, lastError: error.code, retryAt: new Date(clock.now().getTime() + delay) } });
    }
    return null;
  }

  /** One direct message to the assistant's owner per episode of the channel being unreachable, whoever notices it. */
  async function tellOwnerOnce(ctx: FailureContext, code: string): Promise<void> {
    try {
      await NoticeSlot.create(noticeSlot(`owner-told|${ctx.channelId}|${ctx.state?.episode ?? 0}`));
    } catch (error) {
      if (isDuplicateKeyError(error)) return;
      throw error;
    }
    // Told or not (the owner left, DMs closed), posting goes on; the delivery log keeps the notices.
    await ctx.outlet.tellOwner(ctx.assistant.owner, { assistantName: ctx.assistant.name, channel: ctx.channel, error: code }).catch(() => {});
  }

  return {
    postWaiting,
    requestDigestRedraw,
    /** Assistants with notices waiting to be posted (the sweep), as (workspace, assistant) pairs. */
    async waitingAssistants(limit = 500): Promise<{ workspace: WorkspaceRef; assistantId: string }[]> {
      const ids = (await Notice.distinct('assistantId', { postedAt: null })) as string[];
      const out: { workspace: WorkspaceRef; assistantId: string }[] = [];
      for (const assistantId of ids.slice(0, limit)) {
        const doc = await Notice.findOne({ assistantId, postedAt: null }, { teamId: 1, enterpriseId: 1 }).lean<Pick<NoticeDoc, 'teamId' | 'enterpriseId'>>();
        if (doc) out.push({ workspace: doc.enterpriseId ? { teamId: doc.teamId, enterpriseId: doc.enterpriseId } : { teamId: doc.teamId }, assistantId });
      }
      return out;
    },
  };
}

export type NoticePoster = ReturnType<typeof createNoticePoster>;

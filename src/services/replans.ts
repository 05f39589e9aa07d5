// Replanning: when a schedule's steps or an assistant's calendar (hours, off days, holidays,
// vacation) change, the unsent followups of every lead following it are planned again from
// their last sent followup (or their start). The save only counts them and queues the work; a
// job does it after the request, in batches, so thousands of leads never hold up Slack's ack.
// Safe to run twice: an enrollment whose plan comes out the same is not written. Every write
// claims the enrollment's next version first (a unique insert, as services/versions.ts does:
// FerretDB v1 has no transactions and no atomic find-and-modify), like pause, resume and stop
// do, so a pause that lands while a replan runs is never undone: whichever claims first writes,
// and the other reads the enrollment again.
// Paused enrollments are replanned too (they stay paused): a resume shifts their plan by the
// time spent paused, so the plan it shifts must already follow the schedule and calendar as
// they are now.
import { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import { bulkUpdate, type AssistantDoc, type EnrollmentDoc, type EnrollmentState, type HistoryEntryDoc, type Models, type ScheduleDoc } from '../db/models.js';
import { prepareCalendar, type PreparedCalendar } from './calendar.js';
import { workspaceKey, type Actor, type WorkspaceRef } from './domain.js';
import type { BindableJobQueue } from './jobQueue.js';
import { toSchedule, type Step } from './schedules.js';
import { assistantRules, insertSkippingDuplicates, toEnrollment, toFollowupDoc, type Enrollment } from './leads/index.js';
import { dueFields, replanFollowups, resumedFollowups, type PlannedFollowup } from './leads/plan.js';

/** What a Save tells the user about the leads following what was saved. */
export interface ReplanNotice {
  /** Active leads following it (the ones whose next followups change). */
  readonly activeLeads: number;
  /** False when the save changed nothing followups are planned by (a name, a description, a channel). */
  readonly rulesChanged: boolean;
}

export type Followed = { readonly scheduleId: string } | { readonly assistantId: string };

/** The job's data: plain JSON, as Agenda stores it. */
export interface ReplanRequest {
  readonly workspace: WorkspaceRef;
  readonly of: Followed;
  /** For the leads' history: "“Mine” was edited". */
  readonly reason: string;
  readonly by: { readonly userId: string; readonly name: string };
}

export interface ReplanCounts {
  readonly active: number;
  readonly paused: number;
}

export interface ReplanOutcome {
  /** Enrollments whose followups were planned again. */
  readonly replanned: number;
  /** Enrollments looked at whose plan came out the same (a job run twice finds only these). */
  readonly unchanged: number;
}

export interface ReplanService {
  /** Active and paused leads following a schedule or an assistant. */
  following(ref: WorkspaceRef, of: Followed): Promise<ReplanCounts>;
  /** Active leads following a schedule or an assistant (one count: what a Save says). */
  activeLeads(ref: WorkspaceRef, of: Followed): Promise<number>;
  /** Queues a replan of every lead following `of` (done after the request); returns how many active leads follow it. */
  request(actor: Actor, of: Followed, reason: string): Promise<number>;
  /** The job: replans every active and paused lead following `of`, in batches. Safe to run twice. */
  run(request: ReplanRequest): Promise<ReplanOutcome>;
}

/** The Agenda job that runs `ReplanService.run`. */
export const REPLAN_JOB = 'enrollments.replan';

/** Enrollments read and written per round: one read, one bulk claim and one bulk write each. */
const BATCH = 500;
/** Rounds an enrollment someone else is changing right now is tried again before it is left for the next replan. */
const CONFLICT_ROUNDS = 20;
/** A version claim older than this whose enrollment never reached it was left by a crashed writer. */
const STALE_CLAIM_MS = 30_000;
const OPEN_STATES: readonly EnrollmentState[] = ['active', 'paused'];

export function createReplanService(models: Models, clock: Clock, jobs: BindableJobQueue): ReplanService {
  const { Enrollment, Schedule, Assistant, VersionClaim } = models;

  function filterOf(ref: WorkspaceRef, of: Followed): Record<string, unknown> {
    const workspace = workspaceKey(ref);
    return 'scheduleId' in of ? { workspace, scheduleId: new Types.ObjectId(of.scheduleId) } : { workspace, assistantId: new Types.ObjectId(of.assistantId) };
  }

  /** The steps and calendars the enrollments in `docs` plan with now, with the versions they were read at. */
  async function rulesFor(workspace: string, docs: readonly EnrollmentDoc[]) {
    const scheduleIds = [...new Set(docs.map((d) => String(d.scheduleId)))].map((id) => new Types.ObjectId(id));
    const assistantIds = [...new Set(docs.map((d) => String(d.assistantId)))].map((id) => new Types.ObjectId(id));
    const [schedules, assistants] = await Promise.all([
      Schedule.find({ workspace, _id: { $in: scheduleIds } }).lean<ScheduleDoc[]>(),
      Assistant.find({ workspace, _id: { $in: assistantIds } }).lean<AssistantDoc[]>(),
    ]);
    const steps = new Map<string, readonly Step[]>(schedules.map((s) => [String(s._id), toSchedule(s).steps]));
    const calendars = new Map<string, PreparedCalendar>();
    for (const a of assistants) {
      try {
        calendars.set(String(a._id), prepareCalendar(assistantRules(a)));
      } catch {
        // Rules that leave no working time are refused on save; an older one is left as planned.
      }
    }
    const versions = versionsKey(schedules, assistants);
    return { steps, calendars, versions, scheduleIds, assistantIds };
  }

  async function versionsNow(workspace: string, scheduleIds: Types.ObjectId[], assistantIds: Types.ObjectId[]): Promise<string> {
    const [schedules, assistants] = await Promise.all([
      Schedule.find({ workspace, _id: { $in: scheduleIds } }, { version: 1 }).lean<Pick<ScheduleDoc, '_id' | 'version'>[]>(),
      Assistant.find({ workspace, _id: { $in: assistantIds } }, { version: 1 }).lean<Pick<AssistantDoc, '_id' | 'version'>[]>(),
    ]);
    return versionsKey(schedules, assistants);
  }

  /**
   * Replans `docs` (as read) and writes those that change, each under a claim of its next
   * version. Returns the outcome and the ids someone else was changing at the same moment.
   */
  async function replanBatch(request: ReplanRequest, docs: readonly EnrollmentDoc[]): Promise<ReplanOutcome & { busy: Types.ObjectId[]; rulesMoved: boolean }> {
    const workspace = workspaceKey(request.workspace);
    const rules = await rulesFor(workspace, docs);
    const changes: { doc: EnrollmentDoc; set: Partial<EnrollmentDoc>; claimId: Types.ObjectId }[] = [];
    for (const doc of docs) {
      const steps = rules.steps.get(String(doc.scheduleId));
      const calendar = rules.calendars.get(String(doc.assistantId));
      if (!steps || !calendar) continue; // deleted meanwhile: nothing to plan with
      const set = replannedFields(doc, steps, calendar, clock.now());
      if (set) changes.push({ doc, set, claimId: new Types.ObjectId() });
    }
    const unchanged = docs.length - changes.length;
    if (!changes.length) return { replanned: 0, unchanged, busy: [], rulesMoved: false };

    const now = clock.now();
    const claims = changes.map((c) => ({ _id: c.claimId, docId: c.doc._id, version: (c.doc.version ?? 1) + 1, claimedAt: now, byName: request.by.name, saveId: null }));
    const refused = await insertSkippingDuplicates(VersionClaim.collection, claims);
    const mine = changes.filter((_, i) => !refused.has(i));
    const busy = changes.filter((_, i) => refused.has(i));
    await takeOverStaleClaims(busy.map((c) => c.doc._id));
    if (mine.length) {
      const history: Omit<HistoryEntryDoc, 'at'> = { by: request.by.userId, byName: request.by.name, action: 'replanned', reason: request.reason };
      try {
        await bulkUpdate(
          Enrollment,
          mine.map((c) => ({
            updateOne: {
              filter: { _id: c.doc._id },
              update: { $set: { ...c.set, version: (c.doc.version ?? 1) + 1, updatedAt: now }, $push: { history: { ...history, at: now } } },
              timestamps: false,
            },
          })),
          { timestamps: false },
        );
      } catch (error) {
        // Nothing reached its version for sure: give the claims back, so the enrollments stay changeable.
        await VersionClaim.deleteMany({ _id: { $in: mine.map((c) => c.claimId) } });
        throw error;
      }
    }
    // A schedule or an assistant saved again while this batch planned: plan the batch again with it.
    const rulesMoved = (await versionsNow(workspace, rules.scheduleIds, rules.assistantIds)) !== rules.versions;
    return { replanned: mine.length, unchanged, busy: busy.map((c) => c.doc._id), rulesMoved };
  }

  async function takeOverStaleClaims(ids: Types.ObjectId[]): Promise<void> {
    if (!ids.length) return;
    const cutoff = new Date(clock.now().getTime() - STALE_CLAIM_MS);
    const stale = await VersionClaim.find({ docId: { $in: ids }, claimedAt: { $lt: cutoff } }, { _id: 1, docId: 1, version: 1 }).lean<{ _id: Types.ObjectId; docId: Types.ObjectId; version: number }[]>();
    if (!stale.length) return;
    const reached = await Enrollment.find({ _id: { $in: stale.map((c) => c.docId) } }, { version: 1 }).lean<{ _id: Types.ObjectId; version?: number }[]>();
    const versionOf = new Map(reached.map((e) => [String(e._id), e.version ?? 1]));
    const abandoned = stale.filter((c) => (versionOf.get(String(c.docId)) ?? 0) < c.version);
    if (abandoned.length) await VersionClaim.deleteMany({ _id: { $in: abandoned.map((c) => c._id) } });
  }

  const service: ReplanService = {
    async following(ref, of) {
      // One count per state: FerretDB v1 pushes equality down, not `$in`.
      const [active, paused] = await Promise.all(OPEN_STATES.map((state) => Enrollment.countDocuments({ ...filterOf(ref, of), state })));
      return { active: active!, paused: paused! };
    },

    async activeLeads(ref, of) {
      return Enrollment.countDocuments({ ...filterOf(ref, of), state: 'active' });
    },

    async request(actor, of, reason) {
      const active = await service.activeLeads(actor.workspace, of);
      const request: ReplanRequest = { workspace: actor.workspace, of, reason, by: { userId: actor.userId, name: actor.name } };
      // Queued even when nobody follows yet: a lead enrolled with the old steps a moment ago is replanned too.
      // Where no job worker runs (service tests, scripts), the replan runs in line.
      if (jobs.isBound()) await jobs.now(REPLAN_JOB, { ...request });
      else await service.run(request);
      return active;
    },

    async run(request) {
      let replanned = 0;
      let unchanged = 0;
      let after: Types.ObjectId | null = null;
      for (;;) {
        // Both states in one pass: an enrollment paused or resumed while this runs is still met once.
        const page: EnrollmentDoc[] = await Enrollment.find({ ...filterOf(request.workspace, request.of), state: { $in: OPEN_STATES }, ...(after ? { _id: { $gt: after } } : {}) })
          .sort({ _id: 1 })
          .limit(BATCH)
          .lean<EnrollmentDoc[]>();
        if (!page.length) break;
        after = page.at(-1)!._id;
        let docs = page;
        for (let round = 0; docs.length && round < CONFLICT_ROUNDS; round++) {
          const outcome = await replanBatch(request, docs);
          replanned += outcome.replanned;
          unchanged += outcome.unchanged;
          // Read again: the ones someone else was changing, or all of them when the rules moved meanwhile.
          const again = outcome.rulesMoved ? docs.map((d) => d._id) : outcome.busy;
          if (!again.length) break;
          if (!outcome.rulesMoved) await new Promise((resolve) => setTimeout(resolve, 20 * (round + 1)));
          docs = await Enrollment.find({ _id: { $in: again }, state: { $in: OPEN_STATES } }).lean<EnrollmentDoc[]>();
        }
      }
      return { replanned, unchanged };
    },
  };
  return service;
}

/**
 * An enrollment's followups planned again with `steps` and `calendar` at `now`: sent ones stay;
 * the unsent ones count from the last sent one (or the start), as the schedule says. Pauses
 * since then still count: the next followup moves by the time spent paused, as a resume moved
 * it. And an active enrollment's followup is never planned in the past: one whose time has gone
 * by (the steps got shorter) is due now, at the next working time, and the later ones count from
 * it. (A paused one keeps its time: its resume shifts it by the whole pause.)
 */
export function replannedFollowups(enrollment: Enrollment, steps: readonly Step[], calendar: PreparedCalendar, now: Date): PlannedFollowup[] {
  const sent = enrollment.followups.filter((f) => f.sentAt !== null);
  const from = sent.at(-1)?.sentAt ?? enrollment.start;
  let followups = replanFollowups(enrollment, steps, calendar);
  const paused = pausedSince(enrollment.history, from);
  if (paused > 0) followups = resumedFollowups({ ...enrollment, followups }, steps, calendar, paused);
  const next = followups.find((f) => f.sentAt === null);
  if (next && enrollment.state === 'active' && next.plannedAt < now) followups = resumedFollowups({ ...enrollment, followups }, steps, calendar, now.getTime() - next.plannedAt.getTime());
  return followups;
}

/** Time spent paused after `from` and resumed since (a pause still running is counted by its resume). */
function pausedSince(history: Enrollment['history'], from: Date): number {
  let total = 0;
  let pausedAt: Date | null = null;
  for (const entry of history) {
    if (entry.action === 'paused') pausedAt = entry.at;
    else if (entry.action === 'resumed' && pausedAt) {
      const begin = Math.max(pausedAt.getTime(), from.getTime());
      if (entry.at.getTime() > begin) total += entry.at.getTime() - begin;
      pausedAt = null;
    }
  }
  return total;
}

/**
 * The fields of an enrollment after a replan, or null when its plan stays the same. An active
 * enrollment left with nothing to send is complete; a paused one stays paused.
 */
export function replannedFields(doc: EnrollmentDoc, steps: readonly Step[], calendar: PreparedCalendar, now: Date): Partial<EnrollmentDoc> | null {
  if (doc.state !== 'active' && doc.state !== 'paused') return null;
  const enrollment = toEnrollment(doc);
  const followups = replannedFollowups(enrollment, steps, calendar, now);
  if (sameFollowups(enrollment.followups, followups)) return null;
  const due = dueFields(followups, now);
  const complete = !due.nextDueAt && doc.state === 'active';
  return { followups: followups.map(toFollowupDoc), ...due, ...(complete ? { state: 'completed' as const, slot: String(doc._id) } : {}) };
}

function sameFollowups(a: readonly PlannedFollowup[], b: readonly PlannedFollowup[]): boolean {
  const time = (d: Date | null) => d?.getTime() ?? null;
  return (
    a.length === b.length &&
    a.every((f, i) => {
      const g = b[i]!;
      return f.step === g.step && f.type === g.type && f.customMessageId === g.customMessageId && time(f.plannedAt) === time(g.plannedAt) && time(f.sentAt) === time(g.sentAt) && f.outcome === g.outcome;
    })
  );
}

function versionsKey(schedules: readonly { _id: Types.ObjectId; version?: number }[], assistants: readonly { _id: Types.ObjectId; version?: number }[]): string {
  return [...schedules, ...assistants]
    .map((d) => `${String(d._id)}:${d.version ?? 1}`)
    .sort()
    .join(',');
}

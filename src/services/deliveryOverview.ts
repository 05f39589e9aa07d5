// What App Home shows of delivery, per assistant: today's sends (in the assistant's own day), the
// next followups due, followups held for a missing field, and recent failures. Read from the
// notices collection (the delivery log) and the enrollments; every query is bounded and served by
// an index: notices by (workspace, assistantId, kind, at), enrollments by (workspace, assistantId,
// state, nextDueAt), leads and enrollments by _id.
import type { Clock } from '../clock.js';
import type { EnrollmentDoc, LeadDoc, Models } from '../db/models.js';
import type { NoticeDoc } from '../db/noticeModels.js';
import { instantAtWall, wallAt } from './calendar/zone.js';
import { workspaceKey, type WorkspaceRef } from './domain.js';
import { leadLabel } from './leads/index.js';
import type { NoticeKind } from './notices/types.js';

/** How many of each list App Home shows per assistant. */
export const OVERVIEW_LIMITS = { recentSends: 3, dueNext: 5, held: 5, failures: 5 } as const;
/** Failures older than this have had their day in the channel. */
const FAILURES_FOR_MS = 7 * 24 * 3600_000;
const DAY_MS = 24 * 3600_000;

export interface OverviewLine {
  readonly leadId: string;
  readonly lead: string;
  /** "followup 2 of 7": 1-based. */
  readonly step: number;
  readonly totalSteps: number;
  readonly at: Date;
  /** A send: its subject; held: the missing field(s); a failure: the server's answer. */
  readonly detail: string;
}

export interface AssistantDeliveryOverview {
  readonly assistantId: string;
  readonly sentToday: number;
  /** Of those, written to the outbox (no SMTP server configured). */
  readonly notDeliveredToday: number;
  readonly recentSends: readonly OverviewLine[];
  readonly dueNext: readonly OverviewLine[];
  /** Whether more are due than `dueNext` shows. */
  readonly moreDue: boolean;
  readonly held: readonly OverviewLine[];
  readonly failures: readonly (OverviewLine & { readonly kind: 'bounced' | 'failed' })[];
}

export interface DeliveryOverviewService {
  /** The overview of each assistant (ids of the workspace's assistants, with their time zones), in the order given. */
  overview(ref: WorkspaceRef, assistants: readonly { readonly id: string; readonly timeZone: string }[]): Promise<AssistantDeliveryOverview[]>;
}

/** The start of the local day `at` falls in, in `timeZone`. */
export function startOfLocalDay(at: Date, timeZone: string): Date {
  const wall = wallAt(at.getTime(), timeZone);
  return new Date(instantAtWall(wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS), timeZone));
}

function noticeLine(n: NoticeDoc, detail: string): OverviewLine {
  return { leadId: n.leadId, lead: n.leadLabel || n.lead.name || n.lead.email, step: n.step, totalSteps: n.totalSteps, at: n.at, detail };
}

export function createDeliveryOverviewService(models: Models, clock: Clock): DeliveryOverviewService {
  const { Notice, Enrollment, Lead } = models;

  /** An assistant's notices of one kind since `since`, newest first. */
  const noticesOf = (workspace: string, assistantId: string, kind: NoticeKind, since: Date, limit: number) =>
    Notice.find({ workspace, assistantId, kind, at: { $gte: since } }).sort({ at: -1 }).limit(limit).lean<NoticeDoc[]>();
  const countOf = (workspace: string, assistantId: string, kind: NoticeKind, since: Date) => Notice.countDocuments({ workspace, assistantId, kind, at: { $gte: since } });

  async function dueNext(workspace: string, assistantId: string): Promise<{ lines: OverviewLine[]; more: boolean }> {
    const due = await Enrollment.find({ workspace, assistantId, state: 'active', nextDueAt: { $gte: new Date(0) } })
      .sort({ nextDueAt: 1 })
      .limit(OVERVIEW_LIMITS.dueNext + 1)
      .lean<EnrollmentDoc[]>();
    const shown = due.slice(0, OVERVIEW_LIMITS.dueNext);
    // Each lead by its _id, pushed down (an `$in` would be filtered in Go over the workspace by FerretDB v1).
    const leads = await Promise.all(shown.map((e) => Lead.findOne({ _id: e.leadId, workspace }, { email: 1, firstName: 1, lastName: 1, company: 1 }).lean<LeadDoc>()));
    const lines = shown.map((e, i) => {
      const lead = leads[i];
      const followups = e.followups ?? [];
      const next = followups.findIndex((f) => !f.sentAt && f.plannedAt.getTime() === e.nextDueAt!.getTime());
      const name = lead ? leadLabel({ firstName: lead.firstName ?? '', lastName: lead.lastName ?? '', email: lead.email }) : e.email;
      return { leadId: String(e.leadId), lead: lead?.company ? `${name} (${lead.company})` : name, step: next + 1 || 1, totalSteps: followups.length, at: e.nextDueAt!, detail: '' };
    });
    return { lines, more: due.length > OVERVIEW_LIMITS.dueNext };
  }

  /** Held notices whose enrollment is still paused (a resumed one is not held any more). */
  async function held(workspace: string, assistantId: string): Promise<OverviewLine[]> {
    const notices = await noticesOf(workspace, assistantId, 'held', new Date(0), OVERVIEW_LIMITS.held * 2);
    const enrollments = await Promise.all(notices.map((n) => Enrollment.findOne({ _id: n.enrollmentId, workspace }, { state: 1 }).lean<Pick<EnrollmentDoc, 'state'>>()));
    const seen = new Set<string>();
    return notices
      .filter((n, i) => enrollments[i]?.state === 'paused' && !seen.has(n.enrollmentId) && seen.add(n.enrollmentId))
      .slice(0, OVERVIEW_LIMITS.held)
      .map((n) => noticeLine(n, n.detail ?? ''));
  }

  return {
    async overview(ref, assistants) {
      const workspace = workspaceKey(ref);
      const now = clock.now();
      const failuresSince = new Date(now.getTime() - FAILURES_FOR_MS);
      return Promise.all(
        assistants.map(async ({ id, timeZone }) => {
          const today = startOfLocalDay(now, timeZone);
          const [sent, notDelivered, recentSent, recentNotDelivered, due, heldLines, bounced, failed] = await Promise.all([
            countOf(workspace, id, 'sent', today),
            countOf(workspace, id, 'not_delivered', today),
            noticesOf(workspace, id, 'sent', today, OVERVIEW_LIMITS.recentSends),
            noticesOf(workspace, id, 'not_delivered', today, OVERVIEW_LIMITS.recentSends),
            dueNext(workspace, id),
            held(workspace, id),
            noticesOf(workspace, id, 'bounced', failuresSince, OVERVIEW_LIMITS.failures),
            noticesOf(workspace, id, 'failed', failuresSince, OVERVIEW_LIMITS.failures),
          ]);
          const newestFirst = <T extends { at: Date }>(list: T[]) => list.sort((a, b) => b.at.getTime() - a.at.getTime());
          return {
            assistantId: id,
            sentToday: sent + notDelivered,
            notDeliveredToday: notDelivered,
            recentSends: newestFirst([...recentSent, ...recentNotDelivered]).slice(0, OVERVIEW_LIMITS.recentSends).map((n) => noticeLine(n, n.subject)),
            dueNext: due.lines,
            moreDue: due.more,
            held: heldLines,
            failures: newestFirst([...bounced.map((n) => ({ ...noticeLine(n, n.detail ?? ''), kind: 'bounced' as const })), ...failed.map((n) => ({ ...noticeLine(n, n.detail ?? ''), kind: 'failed' as const }))]).slice(0, OVERVIEW_LIMITS.failures),
          };
        }),
      );
    },
  };
}

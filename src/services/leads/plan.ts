// An enrollment's followups from its schedule, as pure functions over calendar.ts (the one
// place send times are computed): the first plan, a replan after an edit, and a resume.
import { hundredthsOfDays, isValidTimeZone, moveToWorkingTime, planSendTimes, type PreparedCalendar } from '../calendar.js';
import { instantAtWall } from '../calendar/zone.js';
import { OWN_EMAIL, type StepType } from '../domain.js';

export interface PlanStep {
  readonly type: StepType;
  readonly customMessageId: string | null;
  /** As the schedule stores them: a decimal with at most two decimals. */
  readonly afterDays: number;
}

export interface PlannedFollowup {
  readonly step: number;
  readonly type: StepType;
  readonly customMessageId: string | null;
  readonly plannedAt: Date;
  readonly sentAt: Date | null;
  readonly outcome: string | null;
}

/** The followups of a new enrollment. Step 1 of an Email CC schedule is the user's own email: no followup. */
export function planFollowups(start: Date, steps: readonly PlanStep[], calendar: PreparedCalendar, emailCc: boolean): PlannedFollowup[] {
  return planFrom(start, steps, emailCc ? 1 : 0, calendar);
}

/** Steps from index `first` on, the first counting from `from` and each later one from the one before. */
function planFrom(from: Date, steps: readonly PlanStep[], first: number, calendar: PreparedCalendar): PlannedFollowup[] {
  const rest = steps.slice(first);
  if (!rest.length) return [];
  return planSendTimes(
    from,
    rest.map((s, i) => (s.type === OWN_EMAIL ? 0 : hundredthsOfDays(s.afterDays, `after days of step ${first + i + 1}`))),
    calendar,
  ).map((planned, i) => followupOf(rest[i]!, first + i + 1, planned.at));
}

function followupOf(step: PlanStep, number: number, plannedAt: Date): PlannedFollowup {
  return { step: number, type: step.type, customMessageId: step.customMessageId, plannedAt, sentAt: null, outcome: null };
}

export interface EnrollmentPlan {
  readonly start: Date;
  readonly emailCc: boolean;
  readonly followups: readonly PlannedFollowup[];
}

/** The followups already sent (kept as they are) and the step number the next one has. */
function sentSoFar(enrollment: EnrollmentPlan): { sent: PlannedFollowup[]; nextStep: number; lastSentAt: Date | null } {
  const sent = enrollment.followups.filter((f) => f.sentAt !== null);
  const last = sent.at(-1);
  return { sent, nextStep: last ? last.step + 1 : enrollment.emailCc ? 2 : 1, lastSentAt: last?.sentAt ?? null };
}

/**
 * The followups after a schedule or calendar change: sent ones stay; the unsent ones are planned
 * again from the schedule's current steps, counting from the last sent time (or the start).
 */
export function replanFollowups(enrollment: EnrollmentPlan, steps: readonly PlanStep[], calendar: PreparedCalendar): PlannedFollowup[] {
  const { sent, nextStep, lastSentAt } = sentSoFar(enrollment);
  return [...sent, ...planFrom(lastSentAt ?? enrollment.start, steps, nextStep - 1, calendar)];
}

/**
 * The followups after a pause of `pausedMs`: the next unsent one moves by the time spent paused,
 * then to working time; later ones count their after days from it, as in any plan (so a
 * followup moved to Monday moves the ones after it too). Sent ones stay.
 */
export function resumedFollowups(enrollment: EnrollmentPlan, steps: readonly PlanStep[], calendar: PreparedCalendar, pausedMs: number): PlannedFollowup[] {
  const { sent, nextStep } = sentSoFar(enrollment);
  const next = enrollment.followups.find((f) => f.sentAt === null);
  const step = steps[nextStep - 1];
  if (!next || !step) return [...sent];
  const firstAt = moveToWorkingTime(new Date(next.plannedAt.getTime() + Math.max(0, pausedMs)), calendar).at;
  return [...sent, followupOf(step, nextStep, firstAt), ...planFrom(firstAt, steps, nextStep, calendar)];
}

/** When the next followup is due: the first unsent one's planned time, or null when none is left. */
export function nextDueAt(followups: readonly PlannedFollowup[]): Date | null {
  return followups.find((f) => f.sentAt === null)?.plannedAt ?? null;
}

const HOUR_MS = 3_600_000;

/**
 * The due-hour bucket the dispatcher finds an enrollment in (services/delivery/due.ts): the hour
 * of `next`, but never an hour before `now`, the time of the write. So a bucket the dispatcher has
 * found empty after its hour stays empty, and it never asks about the past twice.
 */
export function dueHourOf(next: Date | null, now: Date): number | null {
  if (!next) return null;
  return Math.max(Math.floor(next.getTime() / HOUR_MS), Math.floor(now.getTime() / HOUR_MS));
}

/** `nextDueAt` and its due-hour bucket, as every write of an enrollment's followups sets them. */
export function dueFields(followups: readonly PlannedFollowup[], now: Date): { nextDueAt: Date | null; dueHour: number | null } {
  const next = nextDueAt(followups);
  return { nextDueAt: next, dueHour: dueHourOf(next, now) };
}

/** A local date and time (`YYYY-MM-DD`, `HH:MM`) in `timeZone` as an instant (a time in the DST gap: the first instant after it); null when unreadable. */
export function localStart(date: string, time: string, timeZone: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t || !isValidTimeZone(timeZone)) return null;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  if (new Date(wall).toISOString().slice(0, 10) !== date || Number(t[1]) > 23 || Number(t[2]) > 59) return null;
  return new Date(instantAtWall(wall, timeZone));
}

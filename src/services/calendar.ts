// The calendar: send-date arithmetic for followup schedules, as pure functions.
// "Now" is always passed in (`start`, `from`, `at`); nothing here reads the clock.
//
// Semantics (all local dates and times are in the assistant's IANA time zone):
// - After days are decimals 0..365 with at most two decimals, and count from the
//   previous step's ACTUAL (shifted) send time; the first step counts from `start`.
// - Adding after days: the whole part adds calendar days keeping the local
//   wall-clock time (a DST change does not move the local hour); then the
//   fraction adds `fraction × 24` hours of elapsed time (0.5 = 12 h, 0.01 = 14.4 min),
//   so across a DST change the fraction may move the local hour.
// - Resolving a local wall-clock time to an instant: a time that happens twice
//   (DST fall-back) takes the FIRST occurrence; a time that does not exist (DST
//   spring-forward gap) takes the next valid instant, i.e. the moment the clocks
//   jump (America/New_York 2027-03-14 02:30 → 03:00 EDT). Later steps then count
//   from that actual time.
// - Off-day shift: when the local date is an off day or a holiday (`YYYY-MM-DD`,
//   local), the step moves to the next local date that is a working day, keeping
//   the local time of day (resolved as above). `shiftedByDays` is the number of
//   local calendar days that step moved (0 when not moved); the start is never moved.
// - Day number: local calendar days from the start's local date to the step's
//   local date (so "Day 0" for after days 0 on a working day).
// - Rules are validated before use: every weekday off → `NoWorkingDaysError`; an
//   unknown time zone → `InvalidTimeZoneError`; a malformed holiday →
//   `InvalidHolidayError` (all `CalendarRulesError`). Invalid after days → RangeError.
import { TZDate, tzOffset } from '@date-fns/tz';
import { format } from 'date-fns';

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6; // 0 = Sunday, as Date#getDay

export const DEFAULT_OFF_DAYS: readonly Weekday[] = Object.freeze([6, 0] as const);

export const MAX_AFTER_DAYS = 365;

export interface CalendarRules {
  timeZone: string;
  offDays: readonly Weekday[];
  /** Local dates (`YYYY-MM-DD` in `timeZone`) that are not working days. */
  holidays?: readonly string[];
}

export interface ExampleDate {
  at: Date;
  localDate: string; // YYYY-MM-DD in the rules' time zone
  dayNumber: number;
  shiftedByDays: number; // 0 when not moved
}

export type CalendarRulesErrorCode = 'no_working_days' | 'invalid_time_zone' | 'invalid_holiday';

export class CalendarRulesError extends Error {
  constructor(
    readonly code: CalendarRulesErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NoWorkingDaysError extends CalendarRulesError {
  constructor() {
    super('no_working_days', 'Every day of the week is an off day: at least one working day is needed');
  }
}

export class InvalidTimeZoneError extends CalendarRulesError {
  constructor(readonly timeZone: string) {
    super('invalid_time_zone', `Unknown time zone: ${JSON.stringify(timeZone)}`);
  }
}

export class InvalidHolidayError extends CalendarRulesError {
  constructor(readonly holiday: string) {
    super('invalid_holiday', `A holiday must be a date written YYYY-MM-DD, got ${JSON.stringify(holiday)}`);
  }
}

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const MS_PER_HUNDREDTH_DAY = MS_PER_DAY / 100; // 864 000 ms = 14.4 min

// ---------------------------------------------------------------------------
// After days

/** True for 0..365 with at most two decimals; float noise such as 0.1 + 0.2 counts as 0.3. */
export function isValidAfterDays(n: number): boolean {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > MAX_AFTER_DAYS) return false;
  const hundredths = n * 100;
  return Math.abs(hundredths - Math.round(hundredths)) < 1e-6;
}

/** Sum of after days, rounded to two decimals. */
export function totalDays(afterDays: readonly number[]): number {
  let sum = 0;
  for (const n of afterDays) sum += n;
  return Math.round(sum * 100) / 100 + 0; // `+ 0` turns -0 into 0
}

export type ParseAfterDaysResult =
  | { ok: true; value: number }
  | { ok: false; reason: 'not_a_number' | 'negative' | 'too_large' | 'too_many_decimals' };

/**
 * Reads after days typed by a user. Accepted: plain decimals with `.` or `,` as the
 * decimal separator ("1", "1.5", "1,5", ".5", " 2.25 "). Not numbers: "", "abc",
 * "1e3", "0x10", "+1", "1.", "1 000", "1.2.3". Decimals are counted as typed, so
 * "1.500" (and a thousands-style "1,000") is too_many_decimals rather than silently 1.5 or 1.
 * Checked in this order: not_a_number, negative, too_large, too_many_decimals.
 */
export function parseAfterDays(text: string): ParseAfterDaysResult {
  const match = /^(-?)(\d*)(?:[.,](\d+))?$/.exec(text.trim());
  const sign = match?.[1] ?? '';
  const whole = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';
  if (!match || (whole === '' && fraction === '')) return { ok: false, reason: 'not_a_number' };
  const value = Number(`${whole === '' ? '0' : whole}.${fraction === '' ? '0' : fraction}`);
  if (sign === '-' && value !== 0) return { ok: false, reason: 'negative' };
  if (value > MAX_AFTER_DAYS) return { ok: false, reason: 'too_large' };
  if (fraction.length > 2) return { ok: false, reason: 'too_many_decimals' };
  return { ok: true, value };
}

// ---------------------------------------------------------------------------
// Time zones

const timeZoneValidity = new Map<string, boolean>();

/** True for a time zone name the runtime knows (IANA names such as "Europe/Berlin", or "UTC"). Offsets like "+05:30" are refused. */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.trim() === '' || /^[+-]/.test(timeZone)) return false;
  const known = timeZoneValidity.get(timeZone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    valid = true;
  } catch {
    valid = false;
  }
  timeZoneValidity.set(timeZone, valid);
  return valid;
}

function assertTimeZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) throw new InvalidTimeZoneError(timeZone);
}

/** UTC offset of `timeZone` at instant `t`, in ms. */
function offsetAt(t: number, timeZone: string): number {
  return Math.round(tzOffset(timeZone, new Date(t)) * 60) * 1000;
}

/**
 * "Wall" time: the local wall-clock fields of instant `t` in `timeZone`, encoded as
 * if they were UTC, so calendar arithmetic on it is plain millisecond arithmetic.
 */
function wallAt(t: number, timeZone: string): number {
  return t + offsetAt(t, timeZone);
}

/**
 * The instant at which the clocks in `timeZone` show `wall`. A time shown twice
 * takes the first occurrence; a time never shown takes the next valid instant
 * (the moment of the jump). Assumes at most one offset change within a day of `wall`.
 */
function instantAtWall(wall: number, timeZone: string): number {
  const offsets = new Set([
    offsetAt(wall - MS_PER_DAY, timeZone),
    offsetAt(wall, timeZone),
    offsetAt(wall + MS_PER_DAY, timeZone),
  ]);
  let first: number | undefined;
  for (const offset of offsets) {
    const t = wall - offset;
    if (wallAt(t, timeZone) === wall && (first === undefined || t < first)) first = t;
  }
  if (first !== undefined) return first;

  // In a gap: find the first instant whose wall time is at or after `wall`.
  // Invariant: wallAt(low) < wall <= wallAt(high).
  let low = wall - Math.max(...offsets);
  let high = wall - Math.min(...offsets);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (wallAt(mid, timeZone) < wall) low = mid;
    else high = mid;
  }
  return high;
}

interface LocalDay {
  /** Wall time of local midnight (see `wallAt`). */
  midnight: number;
  /** Wall time minus midnight. */
  timeOfDay: number;
  weekday: Weekday;
  localDate: string;
}

function localDayOfWall(wall: number): LocalDay {
  const midnight = Math.floor(wall / MS_PER_DAY) * MS_PER_DAY;
  const date = new Date(midnight);
  return {
    midnight,
    timeOfDay: wall - midnight,
    weekday: date.getUTCDay() as Weekday,
    localDate: date.toISOString().slice(0, 10),
  };
}

function localDay(t: number, timeZone: string): LocalDay {
  return localDayOfWall(wallAt(t, timeZone));
}

function assertValidInstant(date: Date, name: string): number {
  const t = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(t)) throw new RangeError(`${name} is not a valid date`);
  return t;
}

function assertAfterDays(n: number, where = 'after days'): void {
  if (!isValidAfterDays(n)) {
    throw new RangeError(`${where} must be a number from 0 to ${MAX_AFTER_DAYS} with at most two decimals, got ${n}`);
  }
}

/**
 * `from` + after days in `timeZone`: whole days keep the local wall-clock time,
 * then the fraction adds `fraction × 24` hours of elapsed time. No off-day shift.
 */
export function addAfterDays(from: Date, afterDays: number, timeZone: string): Date {
  assertTimeZone(timeZone);
  assertAfterDays(afterDays);
  return new Date(addAfterDaysUnchecked(assertValidInstant(from, 'from'), afterDays, timeZone));
}

function addAfterDaysUnchecked(t: number, afterDays: number, timeZone: string): number {
  const hundredths = Math.round(afterDays * 100);
  const wholeDays = Math.floor(hundredths / 100);
  const fractionHundredths = hundredths - wholeDays * 100;
  let result = t;
  if (wholeDays > 0) result = instantAtWall(wallAt(t, timeZone) + wholeDays * MS_PER_DAY, timeZone);
  return result + fractionHundredths * MS_PER_HUNDREDTH_DAY;
}

// ---------------------------------------------------------------------------
// Working days

interface CheckedRules {
  timeZone: string;
  offDays: ReadonlySet<number>;
  holidays: ReadonlySet<string>;
}

const HOLIDAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(text: string): boolean {
  const match = HOLIDAY_PATTERN.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Throws a `CalendarRulesError` when the rules cannot be used: unknown time zone, no working day, or a malformed holiday. */
export function assertValidCalendarRules(rules: CalendarRules): void {
  checkRules(rules);
}

function checkRules(rules: CalendarRules): CheckedRules {
  assertTimeZone(rules.timeZone);
  const offDays = new Set<number>(rules.offDays.filter((d) => Number.isInteger(d) && d >= 0 && d <= 6));
  if (offDays.size >= 7) throw new NoWorkingDaysError();
  const holidays = new Set<string>();
  for (const holiday of rules.holidays ?? []) {
    if (!isCalendarDate(holiday)) throw new InvalidHolidayError(holiday);
    holidays.add(holiday);
  }
  return { timeZone: rules.timeZone, offDays, holidays };
}

function isWorkingDay(day: LocalDay, rules: CheckedRules): boolean {
  return !rules.offDays.has(day.weekday) && !rules.holidays.has(day.localDate);
}

function shiftToWorkingDay(t: number, rules: CheckedRules): { at: number; day: LocalDay; shiftedByDays: number } {
  const original = localDay(t, rules.timeZone);
  let at = t;
  let day = original;
  // At most 6 off weekdays in a row, plus every holiday: the loop always ends.
  for (let guard = rules.holidays.size + 7; !isWorkingDay(day, rules); guard--) {
    if (guard < 0) throw new Error('calendar: no working day found'); // unreachable with checked rules
    at = instantAtWall(day.midnight + MS_PER_DAY + original.timeOfDay, rules.timeZone);
    day = localDay(at, rules.timeZone);
  }
  return { at, day, shiftedByDays: Math.round((day.midnight - original.midnight) / MS_PER_DAY) };
}

/** `at` itself when its local date is a working day; otherwise the same local time on the next working day. */
export function nextWorkingDay(at: Date, rules: CalendarRules): { at: Date; shiftedByDays: number } {
  const checked = checkRules(rules);
  const shifted = shiftToWorkingDay(assertValidInstant(at, 'at'), checked);
  return { at: new Date(shifted.at), shiftedByDays: shifted.shiftedByDays };
}

/** Send dates for a schedule starting at `start` (the injected "now"). */
export function exampleDates(start: Date, afterDays: readonly number[], rules: CalendarRules): ExampleDate[] {
  const checked = checkRules(rules);
  const startTime = assertValidInstant(start, 'start');
  afterDays.forEach((n, i) => assertAfterDays(n, `after days of step ${i + 1}`));
  const startDay = localDay(startTime, checked.timeZone);
  const dates: ExampleDate[] = [];
  let previous = startTime;
  for (const n of afterDays) {
    const shifted = shiftToWorkingDay(addAfterDaysUnchecked(previous, n, checked.timeZone), checked);
    dates.push({
      at: new Date(shifted.at),
      localDate: shifted.day.localDate,
      dayNumber: Math.round((shifted.day.midnight - startDay.midnight) / MS_PER_DAY),
      shiftedByDays: shifted.shiftedByDays,
    });
    previous = shifted.at;
  }
  return dates;
}

/** The start itself as an example date: Day 0, never moved (an Email CC schedule's own email, which the user already sent). */
export function startExampleDate(start: Date, rules: CalendarRules): ExampleDate {
  const checked = checkRules(rules);
  const startTime = assertValidInstant(start, 'start');
  return { at: new Date(startTime), localDate: localDay(startTime, checked.timeZone).localDate, dayNumber: 0, shiftedByDays: 0 };
}

// ---------------------------------------------------------------------------
// Display

/**
 * "Day 3 · Tue 7 Apr", in `timeZone`. The year is added ("Day 40 · Mon 4 Jan 2027")
 * only when `start` is given and the date's local year differs from the start's.
 */
export function formatExampleDate(date: ExampleDate, timeZone: string, start?: Date): string {
  assertTimeZone(timeZone);
  const at = assertValidInstant(date.at, 'date.at');
  const local = new TZDate(at, timeZone);
  const showYear = start !== undefined && new TZDate(assertValidInstant(start, 'start'), timeZone).getFullYear() !== local.getFullYear();
  return `Day ${date.dayNumber} · ${format(local, showYear ? 'EEE d MMM yyyy' : 'EEE d MMM')}`;
}

/** "Saturday and Sunday off", weeks starting on Monday. */
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function offDaysLabel(offDays: readonly number[]): string {
  if (!offDays.length) return 'no off days';
  const names = [...offDays].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)).map((d) => WEEKDAY_NAMES[d]);
  return `${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]} off`;
}

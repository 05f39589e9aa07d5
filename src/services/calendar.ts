// The calendar: when each followup is sent, as pure functions. "Now" is always passed in
// (`start`, `from`, `at`); nothing here reads the clock. The editor's example dates and the
// leads' planned send times are the same computation.
//
// Rules (all local dates and times are on the assistant's wall clock, its IANA time zone):
// - After days are kept as integer hundredths of a day (0..36500), so sums and comparisons
//   are exact; decimals typed by a user (0..365, two decimals) are converted at the edge.
// - Followup k is planned at followup k-1's planned time plus its after days; the first
//   counts from the start. In an Email CC enrollment step 1 is the user's own email: it
//   gets no followup and step 2 counts from the start.
// - d after days add d × 24 hours of WALL-CLOCK time, fractions included: Mon 10:00 + 1.5
//   is Tue 22:00 local whatever a DST change does in between, and 0.5 from Sat 20:00 across
//   a spring-forward night is Sun 08:00 (11 hours elapse).
// - Wall time to instant: a time that happens twice (fall-back) is the first of the two
//   (unless that is before the previous followup: then the second, so plans never go back);
//   a time that does not exist (spring-forward gap) is the first instant after the gap
//   (America/New_York 2027-03-14 02:30 → 03:00 EDT).
// - Then the time moves forward to working time: inside business hours (opening inclusive,
//   closing exclusive) on a day that is not an off day, a public holiday (date-holidays,
//   public ones only) or an extra off date. Before opening → that day's opening; at or after
//   closing, or on a day off → the next working day's opening. An opening inside a DST gap
//   is the first instant after the gap. Later followups count from the moved time.
// - Planned times keep the start's precision to the second (milliseconds are dropped).
// - Rules are validated before use; each problem is a typed `CalendarRulesError`.
import { MS_PER_DAY, instantAtWall, offsetAt, wallAt } from './calendar/zone.js';
import { isKnownHolidayCountry, isKnownHolidayRegion, publicHolidayDays, type HolidayRegion } from './calendar/holidays.js';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

export type { HolidayRegion } from './calendar/holidays.js';

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6; // 0 = Sunday, as Date#getDay

export const DEFAULT_OFF_DAYS: readonly Weekday[] = Object.freeze([6, 0] as const);

export interface BusinessHours {
  /** "HH:MM", inclusive. */
  readonly open: string;
  /** "HH:MM" (or "24:00"), exclusive; after `open`. */
  readonly close: string;
}

export const DEFAULT_BUSINESS_HOURS: BusinessHours = Object.freeze({ open: '09:00', close: '17:00' });

export const MAX_AFTER_DAYS = 365;
export const MAX_AFTER_HUNDREDTHS = MAX_AFTER_DAYS * 100;

export interface CalendarRules {
  readonly timeZone: string;
  readonly offDays: readonly Weekday[];
  /** Default 09:00-17:00. */
  readonly businessHours?: BusinessHours;
  /** Public holidays of a country (and region); none when null or absent. */
  readonly holidays?: HolidayRegion | null;
  /** Local dates (`YYYY-MM-DD` in `timeZone`) off as well, e.g. a vacation. */
  readonly extraOffDates?: readonly string[];
}

export interface ExampleDate {
  at: Date;
  localDate: string; // YYYY-MM-DD in the rules' time zone
  dayNumber: number;
  shiftedByDays: number; // local days moved forward to working time; 0 when not moved to another day
}

export type CalendarRulesErrorCode =
  | 'no_working_days'
  | 'invalid_time_zone'
  | 'invalid_off_date'
  | 'invalid_business_hours'
  | 'unknown_holiday_country'
  | 'unknown_holiday_region';

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

export class InvalidOffDateError extends CalendarRulesError {
  constructor(readonly date: string) {
    super('invalid_off_date', `An off date must be a date written YYYY-MM-DD, got ${JSON.stringify(date)}`);
  }
}

export class InvalidBusinessHoursError extends CalendarRulesError {
  constructor(readonly businessHours: BusinessHours) {
    super(
      'invalid_business_hours',
      `Business hours must be two times written HH:MM, opening before closing, got ${JSON.stringify(businessHours.open)} to ${JSON.stringify(businessHours.close)}`,
    );
  }
}

export class UnknownHolidayCountryError extends CalendarRulesError {
  constructor(readonly country: string) {
    super('unknown_holiday_country', `No public holidays are known for the country ${JSON.stringify(country)}: use an ISO code such as DE or US`);
  }
}

export class UnknownHolidayRegionError extends CalendarRulesError {
  constructor(
    readonly country: string,
    readonly region: string,
  ) {
    super('unknown_holiday_region', `${JSON.stringify(region)} is not a region of ${country}: use an ISO code such as CA for US + CA`);
  }
}

const MS_PER_HUNDREDTH_DAY = MS_PER_DAY / 100; // 864 000 ms = 14 min 24 s

// ---------------------------------------------------------------------------
// After days

/** True for 0..365 with at most two decimals; float noise such as 0.1 + 0.2 counts as 0.3. */
export function isValidAfterDays(n: number): boolean {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > MAX_AFTER_DAYS) return false;
  const hundredths = n * 100;
  return Math.abs(hundredths - Math.round(hundredths)) < 1e-6;
}

/** After days (a decimal with at most two decimals) as integer hundredths of a day: 1.5 → 150. */
export function hundredthsOfDays(afterDays: number, where = 'after days'): number {
  if (!isValidAfterDays(afterDays)) {
    throw new RangeError(`${where} must be a number from 0 to ${MAX_AFTER_DAYS} with at most two decimals, got ${afterDays}`);
  }
  return Math.round(afterDays * 100);
}

/** Integer hundredths of a day back to after days: 150 → 1.5. */
export function daysOfHundredths(hundredths: number): number {
  return hundredths / 100;
}

function assertHundredths(hundredths: number, where: string): void {
  if (!Number.isInteger(hundredths) || hundredths < 0 || hundredths > MAX_AFTER_HUNDREDTHS) {
    throw new RangeError(`${where} must be a whole number of hundredths of a day from 0 to ${MAX_AFTER_HUNDREDTHS}, got ${hundredths}`);
  }
}

/** Sum of after days, exact to two decimals (summed as hundredths). */
export function totalDays(afterDays: readonly number[]): number {
  let sum = 0;
  for (const n of afterDays) sum += Math.round(n * 100);
  return sum / 100 + 0; // `+ 0` turns -0 into 0
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

/** A local date as a day number: days since 1970-01-01 (wall time / day). */
function dayOfWall(wall: number): number {
  return Math.floor(wall / MS_PER_DAY);
}

function weekdayOfDay(day: number): Weekday {
  return ((day + 4) % 7) as Weekday; // 1970-01-01 was a Thursday
}

function localDateOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

function assertValidInstant(date: Date, name: string): number {
  const t = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(t)) throw new RangeError(`${name} is not a valid date`);
  return t;
}

/** Whole seconds: planned times keep the start's precision to the second. */
function toSecond(t: number): number {
  return Math.floor(t / 1000) * 1000;
}

/** `t` + after days of wall-clock time in `timeZone`; never before `t`. */
function addWall(t: number, hundredths: number, timeZone: string): number {
  return instantAtWall(wallAt(t, timeZone) + hundredths * MS_PER_HUNDREDTH_DAY, timeZone, t);
}

/**
 * `from` + after days of wall-clock time in `timeZone` (d days = d × 24 h on the local clock,
 * fractions included), resolved as the rules above say. No move to working time.
 */
export function addAfterDays(from: Date, afterDays: number, timeZone: string): Date {
  assertTimeZone(timeZone);
  const hundredths = hundredthsOfDays(afterDays);
  return new Date(addWall(toSecond(assertValidInstant(from, 'from')), hundredths, timeZone));
}

// ---------------------------------------------------------------------------
// Working time

const CHECKED = Symbol('checked calendar rules');

/** Rules validated once, to plan many enrollments with (see `prepareCalendar`). */
export interface PreparedCalendar {
  readonly [CHECKED]: true;
  readonly timeZone: string;
  readonly offDays: ReadonlySet<number>;
  readonly openMs: number;
  readonly closeMs: number;
  readonly holidays: HolidayRegion | null;
  readonly extraOffDays: ReadonlySet<number>;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^(\d{2}):(\d{2})$/;

/** Day number of a `YYYY-MM-DD` date, or null when it is not a real date. */
function dayOfDate(text: string): number | null {
  const match = DATE_PATTERN.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.getTime() / MS_PER_DAY;
}

/** Ms after midnight of "HH:MM" (00:00..24:00), or null. */
function msOfTime(text: string): number | null {
  const match = TIME_PATTERN.exec(typeof text === 'string' ? text : '');
  if (!match) return null;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return null;
  return (hours * 60 + minutes) * 60_000;
}

/** Validates the rules once; throws a `CalendarRulesError` naming the first problem. */
export function prepareCalendar(rules: CalendarRules | PreparedCalendar): PreparedCalendar {
  if (CHECKED in rules) return rules;
  assertTimeZone(rules.timeZone);
  const offDays = new Set<number>(rules.offDays.filter((d) => Number.isInteger(d) && d >= 0 && d <= 6));
  if (offDays.size >= 7) throw new NoWorkingDaysError();
  const hours = rules.businessHours ?? DEFAULT_BUSINESS_HOURS;
  const openMs = msOfTime(hours.open);
  const closeMs = msOfTime(hours.close);
  if (openMs === null || closeMs === null || openMs >= closeMs) throw new InvalidBusinessHoursError(hours);
  const extraOffDays = new Set<number>();
  for (const date of rules.extraOffDates ?? []) {
    const day = dayOfDate(date);
    if (day === null) throw new InvalidOffDateError(date);
    extraOffDays.add(day);
  }
  let holidays: HolidayRegion | null = null;
  if (rules.holidays) {
    const country = rules.holidays.country.trim().toUpperCase();
    const region = rules.holidays.region?.trim().toUpperCase() || null;
    if (!isKnownHolidayCountry(country)) throw new UnknownHolidayCountryError(rules.holidays.country);
    if (region !== null && !isKnownHolidayRegion(country, region)) throw new UnknownHolidayRegionError(country, rules.holidays.region ?? '');
    holidays = { country, region };
  }
  return Object.freeze({ [CHECKED]: true as const, timeZone: rules.timeZone, offDays, openMs, closeMs, holidays, extraOffDays });
}

/** Throws a `CalendarRulesError` when the rules cannot be used. */
export function assertValidCalendarRules(rules: CalendarRules): void {
  prepareCalendar(rules);
}

function isWorkingDay(day: number, calendar: PreparedCalendar): boolean {
  if (calendar.offDays.has(weekdayOfDay(day)) || calendar.extraOffDays.has(day)) return false;
  if (!calendar.holidays) return true;
  const year = new Date(day * MS_PER_DAY).getUTCFullYear();
  return !publicHolidayDays(calendar.holidays, year).has(day);
}

// Every week has a working weekday; holidays and extra off dates only lengthen the search.
const MAX_DAYS_SEARCHED = 3660;

/** The first instant at or after `t` inside working time. */
function moveToWorking(t: number, calendar: PreparedCalendar): number {
  const wall = wallAt(t, calendar.timeZone);
  let day = dayOfWall(wall);
  const timeOfDay = wall - day * MS_PER_DAY;
  if (isWorkingDay(day, calendar) && timeOfDay < calendar.closeMs) {
    if (timeOfDay >= calendar.openMs) return t;
    return instantAtWall(day * MS_PER_DAY + calendar.openMs, calendar.timeZone, t);
  }
  for (let searched = 0; searched < MAX_DAYS_SEARCHED; searched++) {
    day++;
    if (isWorkingDay(day, calendar)) return instantAtWall(day * MS_PER_DAY + calendar.openMs, calendar.timeZone, t);
  }
  throw new NoWorkingDaysError(); // ten years of days off in a row
}

/** `at` itself when it is inside working time, otherwise the next opening; `shiftedByDays` counts the local days moved. */
export function moveToWorkingTime(at: Date, rules: CalendarRules | PreparedCalendar): { at: Date; shiftedByDays: number } {
  const calendar = prepareCalendar(rules);
  const t = toSecond(assertValidInstant(at, 'at'));
  const moved = moveToWorking(t, calendar);
  return { at: new Date(moved), shiftedByDays: dayOfWall(wallAt(moved, calendar.timeZone)) - dayOfWall(wallAt(t, calendar.timeZone)) };
}

/** True when `at` is inside business hours on a working day. */
export function isWorkingTime(at: Date, rules: CalendarRules | PreparedCalendar): boolean {
  const calendar = prepareCalendar(rules);
  const t = assertValidInstant(at, 'at');
  return moveToWorking(t, calendar) === t;
}

/** The local date (`YYYY-MM-DD`) of `at` on the wall clock of `timeZone` (a daily send limit counts per local day). */
export function localDateOf(at: Date, timeZone: string): string {
  assertTimeZone(timeZone);
  return localDateOfDay(dayOfWall(wallAt(assertValidInstant(at, 'at'), timeZone)));
}

/** The opening of the first working day after `at`'s local day (where sends beyond a daily limit go). */
export function nextWorkingDayOpening(at: Date, rules: CalendarRules | PreparedCalendar): Date {
  const calendar = prepareCalendar(rules);
  const t = toSecond(assertValidInstant(at, 'at'));
  const day = dayOfWall(wallAt(t, calendar.timeZone));
  return new Date(moveToWorking(instantAtWall((day + 1) * MS_PER_DAY, calendar.timeZone, t), calendar));
}

// ---------------------------------------------------------------------------
// Planning

export interface PlannedFollowup {
  /** The schedule's step number (from 1; an Email CC plan starts at 2). */
  readonly step: number;
  readonly at: Date;
  /** Local days the followup moved forward to working time (0 when it stayed on its day). */
  readonly shiftedByDays: number;
}

export interface PlanOptions {
  /** Step 1 is the user's own email: no followup for it, step 2 counts from the start. */
  readonly emailCc?: boolean;
}

/**
 * Every followup's planned time, from `start` and each step's after days in hundredths of a
 * day (step 1 first). Later followups count from the previous one's planned (moved) time.
 */
export function planSendTimes(
  start: Date,
  afterHundredths: readonly number[],
  rules: CalendarRules | PreparedCalendar,
  options: PlanOptions = {},
): PlannedFollowup[] {
  const calendar = prepareCalendar(rules);
  const first = options.emailCc ? 1 : 0;
  for (let i = first; i < afterHundredths.length; i++) assertHundredths(afterHundredths[i]!, `after days of step ${i + 1}`);
  let previous = toSecond(assertValidInstant(start, 'start'));
  const planned: PlannedFollowup[] = [];
  for (let i = first; i < afterHundredths.length; i++) {
    const added = addWall(previous, afterHundredths[i]!, calendar.timeZone);
    const at = moveToWorking(added, calendar);
    const shiftedByDays = at === added ? 0 : dayOfWall(wallAt(at, calendar.timeZone)) - dayOfWall(wallAt(added, calendar.timeZone));
    planned.push({ step: i + 1, at: new Date(at), shiftedByDays });
    previous = at;
  }
  return planned;
}

/** Example dates for a schedule's followups (after days as typed decimals), starting at `start` (the injected "now"). */
export function exampleDates(start: Date, afterDays: readonly number[], rules: CalendarRules | PreparedCalendar): ExampleDate[] {
  const calendar = prepareCalendar(rules);
  const hundredths = afterDays.map((n, i) => hundredthsOfDays(n, `after days of step ${i + 1}`));
  const startDay = dayOfWall(wallAt(assertValidInstant(start, 'start'), calendar.timeZone));
  return planSendTimes(start, hundredths, calendar).map((followup) => {
    const day = dayOfWall(wallAt(followup.at.getTime(), calendar.timeZone));
    return { at: followup.at, localDate: localDateOfDay(day), dayNumber: day - startDay, shiftedByDays: followup.shiftedByDays };
  });
}

/** The start itself as an example date: Day 0, never moved (an Email CC schedule's own email, which the user already sent). */
export function startExampleDate(start: Date, rules: CalendarRules | PreparedCalendar): ExampleDate {
  const calendar = prepareCalendar(rules);
  const startTime = assertValidInstant(start, 'start');
  return { at: new Date(startTime), localDate: localDateOfDay(dayOfWall(wallAt(startTime, calendar.timeZone))), dayNumber: 0, shiftedByDays: 0 };
}

/** `2027-03-29T09:00:00+02:00`: the local time in `timeZone` with its UTC offset, to the second. */
export function formatIsoWithOffset(at: Date, timeZone: string): string {
  assertTimeZone(timeZone);
  const t = toSecond(assertValidInstant(at, 'at'));
  // Offsets are whole minutes in current tz data; LMT-era seconds are rounded away.
  const offsetMinutes = Math.round(offsetAt(t, timeZone) / 60_000);
  const local = new Date(t + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
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

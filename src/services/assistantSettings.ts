// An assistant's settings as one zod schema: the Slack modal, the HTTP API (which generates its
// OpenAPI document from these schemas with `z.toJSONSchema`) and tests validate through it, so
// every caller gets the same rules and the same sentences. No transforms here (they would not
// survive `z.toJSONSchema`); what the service normalises (trimming, sorting) happens when saving.
import { z } from 'zod';
import {
  DEFAULT_BUSINESS_HOURS,
  DEFAULT_OFF_DAYS,
  isValidTimeZone,
  type BusinessHours,
  type CalendarRules,
  type HolidayRegion,
  type Weekday,
} from './calendar.js';
import { holidayCountries, holidayRegionsOf, isKnownHolidayCountry, isKnownHolidayRegion } from './calendar/holidays.js';
import { nameProblem } from './domain.js';

/** Weekday names as the API writes them, indexed by `Weekday` (0 = Sunday). */
export const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

export const DEFAULT_DAILY_LIMIT = 100;
export const MAX_DAILY_LIMIT = 10_000;
export const MAX_SENDER_NAME = 100;
export const MAX_SIGNATURE = 2000;
/** Slack's text input takes 3000 characters: 250 dates, one per line, still fit in the modal. */
export const MAX_EXTRA_OFF_DATES = 250;
/** A range in the modal ("2027-12-24 to 2027-12-31") may span at most this many days. */
export const MAX_OFF_DATE_RANGE_DAYS = 366;

const OPEN_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
// Closing may be midnight at the end of the day.
const CLOSE_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const OBJECT_ID = /^[0-9a-f]{24}$/;
// Control characters (NUL included, which FerretDB refuses) have no place in a name or address.
const CONTROL = /\p{Cc}/u;
// A signature keeps its line breaks and tabs, nothing else invisible.
const CONTROL_EXCEPT_LINES = /[^\P{Cc}\n\r\t]/u;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function countryName(code: string): string {
  return holidayCountries()[code] ?? code;
}

function quoted(value: unknown): string {
  return typeof value === 'string' ? `“${value.length > 60 ? `${value.slice(0, 60)}…` : value}”` : 'This';
}

const nameField = z.string({ error: 'Give the assistant a name.' }).superRefine((name, ctx) => {
  const problem = nameProblem('assistant', name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const timeZoneField = z
  .string({ error: 'Give the time zone, such as America/New_York.' })
  .refine(isValidTimeZone, { error: (issue) => `${quoted(issue.input)} is not a time zone I know. Pick one such as America/New_York or Europe/Berlin.` });

const businessHoursField = z
  .strictObject({
    open: z.string().regex(OPEN_TIME, { error: 'Write the opening time as HH:MM, for example 09:00.' }),
    close: z.string().regex(CLOSE_TIME, { error: 'Write the closing time as HH:MM, for example 17:00.' }),
  })
  .refine((hours) => !OPEN_TIME.test(hours.open) || !CLOSE_TIME.test(hours.close) || hours.open < hours.close, {
    path: ['close'],
    error: (issue) => {
      const hours = issue.input as BusinessHours;
      return `Closing (${hours.close}) must be after opening (${hours.open}).`;
    },
  });

const offDaysField = z
  .array(z.enum(WEEKDAY_NAMES, { error: (issue) => `${quoted(issue.input)} is not a weekday: write monday … sunday.` }))
  .max(7, { error: 'Name each off day once.' })
  .refine((days) => new Set(days).size < 7, { error: 'Leave at least one working day: followups are only sent on working days.' });

const holidaysField = z
  .strictObject({
    country: z.string({ error: 'Give the country of the public holidays, as an ISO code such as DE or US.' }),
    region: z.string().nullable().optional(),
  })
  .superRefine((holidays, ctx) => {
    if (!isKnownHolidayCountry(holidays.country)) {
      ctx.addIssue({
        code: 'custom',
        path: ['country'],
        message: `${quoted(holidays.country)} is not a country I know public holidays for. Use its ISO code in capitals, such as DE or US.`,
      });
      return;
    }
    const region = holidays.region ?? null;
    if (region !== null && !isKnownHolidayRegion(holidays.country, region)) {
      const regions = Object.keys(holidayRegionsOf(holidays.country));
      const example = regions.length ? ` Use one of its region codes, such as ${regions.slice(0, 3).join(', ')}, or none for the whole country.` : ' It has no regions: leave the region empty.';
      ctx.addIssue({ code: 'custom', path: ['region'], message: `${quoted(region)} is not a region of ${countryName(holidays.country)} I know public holidays for.${example}` });
    }
  });

const offDateField = z.string().refine(isIsoDate, {
  error: (issue) => {
    const text = String(issue.input);
    if (ISO_DATE.test(text)) return `${quoted(text)} is not a date in the calendar.`;
    const range = OFF_DATE_RANGE.exec(text);
    if (range && isIsoDate(range[1]!) && isIsoDate(range[2]!)) {
      return range[1]! > range[2]! ? `The range ${quoted(text)} ends before it starts.` : `The range ${quoted(text)} is longer than ${MAX_OFF_DATE_RANGE_DAYS} days.`;
    }
    return `${quoted(text)} is not a date: write it as YYYY-MM-DD, for example 2027-12-24.`;
  },
});

const extraOffDatesField = z
  .array(offDateField)
  .max(MAX_EXTRA_OFF_DATES, { error: (issue) => `Keep to ${MAX_EXTRA_OFF_DATES} extra off dates (this has ${(issue.input as unknown[]).length}): remove past ones.` });

const dailyLimitField = z
  .number({ error: `The daily send limit is a whole number from 1 to ${MAX_DAILY_LIMIT.toLocaleString('en-US')}.` })
  .int({ error: `The daily send limit is a whole number from 1 to ${MAX_DAILY_LIMIT.toLocaleString('en-US')}.` })
  .min(1, { error: `The daily send limit is a whole number from 1 to ${MAX_DAILY_LIMIT.toLocaleString('en-US')}.` })
  .max(MAX_DAILY_LIMIT, { error: `The daily send limit is a whole number from 1 to ${MAX_DAILY_LIMIT.toLocaleString('en-US')}.` });

const senderNameField = z
  .string()
  .max(MAX_SENDER_NAME, { error: (issue) => `Keep the sender name to ${MAX_SENDER_NAME} characters (this one has ${String(issue.input).length}).` })
  .refine((text) => !CONTROL.test(text), { error: 'The sender name has a control character: remove it.' });

const senderEmailField = z
  .email({ error: (issue) => `${quoted(issue.input)} is not an email address: write it like ava@example.com.` })
  .max(254, { error: 'An email address has at most 254 characters.' })
  .nullable();

const signatureField = z
  .string()
  .max(MAX_SIGNATURE, { error: (issue) => `Keep the signature to ${MAX_SIGNATURE} characters (this one has ${String(issue.input).length}).` })
  .refine((text) => !CONTROL_EXCEPT_LINES.test(text), { error: 'The signature has a control character: remove it.' });

const notificationChannelField = z
  .string()
  .regex(CHANNEL_ID, { error: (issue) => `${quoted(issue.input)} is not a Slack channel id (such as C0123456789).` })
  .nullable();

const scheduleIdField = z
  .string()
  .regex(OBJECT_ID, { error: (issue) => `${quoted(issue.input)} is not a schedule id.` })
  .nullable();

const ownerField = z.string().regex(USER_ID, { error: (issue) => `${quoted(issue.input)} is not a Slack user id (such as U0123456789).` });

/** What each field means, for the API's OpenAPI document. */
const DESCRIPTIONS = {
  name: 'The assistant’s name, unique in the workspace (case and invisible characters ignored), up to 80 characters.',
  timeZone: 'IANA time zone its hours, off days and holidays are kept in, e.g. Europe/Berlin.',
  businessHours: 'Followups go out from open (inclusive) to close (exclusive), HH:MM on the local clock; close may be 24:00.',
  offDays: 'Weekdays with no followups; at least one day must stay a working day.',
  holidays: 'Public holidays (not bank holidays or observances) of an ISO 3166-1 country and optionally one of its regions are off too; null for none.',
  extraOffDates: 'Local dates (YYYY-MM-DD) off as well, e.g. a vacation; at most 250.',
  dailyLimit: 'At most this many followups a day, 1 to 10,000.',
  senderName: 'The name leads see on the followups; empty for none yet.',
  senderEmail: 'The address followups are sent from; null for none yet.',
  signature: 'Added below every followup; may have several lines.',
  notificationChannel: 'Slack channel id where news about its leads is posted; the app must be a member. null for none.',
  defaultScheduleId: 'The schedule new leads follow. On create, absent means the workspace’s Recommended schedule.',
  defaultEmailCcScheduleId: 'The Email CC schedule leads added with the assistant in CC follow. On create, absent means Recommended for Email CC.',
  owner: 'Slack user id of its owner, who (with workspace admins) may change it. On create, absent means whoever adds it.',
} as const;

/** Every field, without defaults: the PATCH body is these, each optional. */
const fields = {
  name: nameField.meta({ description: DESCRIPTIONS.name }),
  timeZone: timeZoneField.meta({ description: DESCRIPTIONS.timeZone }),
  businessHours: businessHoursField.meta({ description: DESCRIPTIONS.businessHours }),
  offDays: offDaysField.meta({ description: DESCRIPTIONS.offDays }),
  holidays: holidaysField.nullable().meta({ description: DESCRIPTIONS.holidays }),
  extraOffDates: extraOffDatesField.meta({ description: DESCRIPTIONS.extraOffDates }),
  dailyLimit: dailyLimitField.meta({ description: DESCRIPTIONS.dailyLimit }),
  senderName: senderNameField.meta({ description: DESCRIPTIONS.senderName }),
  senderEmail: senderEmailField.meta({ description: DESCRIPTIONS.senderEmail }),
  signature: signatureField.meta({ description: DESCRIPTIONS.signature }),
  notificationChannel: notificationChannelField.meta({ description: DESCRIPTIONS.notificationChannel }),
  defaultScheduleId: scheduleIdField.meta({ description: DESCRIPTIONS.defaultScheduleId }),
  defaultEmailCcScheduleId: scheduleIdField.meta({ description: DESCRIPTIONS.defaultEmailCcScheduleId }),
  owner: ownerField.meta({ description: DESCRIPTIONS.owner }),
};

/**
 * A new assistant. `name` and `timeZone` are required; the rest default (09:00-17:00, Saturday
 * and Sunday off, no holidays, 100 sends a day). Absent default schedule ids mean the workspace's
 * Recommended schedules; an absent owner is whoever adds it.
 */
export const assistantSettingsSchema = z.strictObject({
  ...fields,
  businessHours: fields.businessHours.default({ ...DEFAULT_BUSINESS_HOURS }),
  offDays: fields.offDays.default(['saturday', 'sunday']),
  holidays: fields.holidays.default(null),
  extraOffDates: fields.extraOffDates.default([]),
  dailyLimit: fields.dailyLimit.default(DEFAULT_DAILY_LIMIT),
  senderName: fields.senderName.default(''),
  senderEmail: fields.senderEmail.default(null),
  signature: fields.signature.default(''),
  notificationChannel: fields.notificationChannel.default(null),
  defaultScheduleId: fields.defaultScheduleId.optional(),
  defaultEmailCcScheduleId: fields.defaultEmailCcScheduleId.optional(),
  owner: fields.owner.optional(),
});

/** A change to an assistant (the API's PATCH): any of the fields; absent ones keep their value. */
export const assistantSettingsPatchSchema = z.strictObject(fields).partial();

export type AssistantSettingsInput = z.input<typeof assistantSettingsSchema>;
export type AssistantSettingsPatch = z.input<typeof assistantSettingsPatchSchema>;

/** An assistant's settings, every field filled in (as the API answers them). */
export interface AssistantSettings {
  readonly name: string;
  readonly timeZone: string;
  readonly businessHours: BusinessHours;
  readonly offDays: readonly WeekdayName[];
  readonly holidays: { readonly country: string; readonly region: string | null } | null;
  readonly extraOffDates: readonly string[];
  readonly dailyLimit: number;
  readonly senderName: string;
  readonly senderEmail: string | null;
  readonly signature: string;
  readonly notificationChannel: string | null;
  readonly defaultScheduleId: string | null;
  readonly defaultEmailCcScheduleId: string | null;
  /** The Slack user who owns it: they (or a workspace admin) may change it. */
  readonly owner: string;
}

/** Settings as the API answers them: the settings with the assistant's id and version. */
export interface AssistantResource extends AssistantSettings {
  readonly id: string;
  /** Increases with every save; an update may name the version it was based on. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The zod problems as `{ "<field path>": sentence }`, the first problem of each path. */
export function settingsErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors[[...issue.path, key].join('.')] ??= `${quoted(key)} is not a setting of an assistant.`;
      continue;
    }
    const path = issue.path.map(String).join('.') || 'settings';
    errors[path] ??= issue.message;
  }
  return errors;
}

export function weekdayNumbers(names: readonly WeekdayName[]): Weekday[] {
  return [...new Set(names.map((name) => WEEKDAY_NAMES.indexOf(name) as Weekday))].sort();
}

/** Weekday names Monday first, as a working week reads. */
export function weekdayNamesOf(days: readonly number[]): WeekdayName[] {
  return [1, 2, 3, 4, 5, 6, 0].filter((d) => days.includes(d)).map((d) => WEEKDAY_NAMES[d]!);
}

export const DEFAULT_OFF_DAY_NAMES: readonly WeekdayName[] = weekdayNamesOf(DEFAULT_OFF_DAYS);

/** What the calendar needs of an assistant. */
export interface CalendarSettings {
  readonly timeZone: string;
  readonly offDays: readonly Weekday[];
  readonly businessHours: BusinessHours;
  readonly holidays: HolidayRegion | null;
  readonly extraOffDates: readonly string[];
}

/**
 * The calendar rules of an assistant: its zone, hours, off days, public holidays and extra off
 * dates. The one place they are read from an assistant (example dates, planned send times).
 */
export function calendarRulesOf(assistant: CalendarSettings): CalendarRules {
  return {
    timeZone: assistant.timeZone,
    offDays: assistant.offDays,
    businessHours: assistant.businessHours,
    holidays: assistant.holidays,
    extraOffDates: assistant.extraOffDates,
  };
}

/** True when the two assistants' send times could differ: replan their active leads. */
export function calendarRulesChanged(before: CalendarSettings, after: CalendarSettings): boolean {
  const key = (a: CalendarSettings) =>
    JSON.stringify([
      a.timeZone,
      [...new Set(a.offDays)].sort(),
      a.businessHours.open,
      a.businessHours.close,
      a.holidays ? [a.holidays.country, a.holidays.region ?? null] : null,
      [...new Set(a.extraOffDates)].sort(),
    ]);
  return key(before) !== key(after);
}

// ---------------------------------------------------------------------------
// Extra off dates typed as text (the modal): one date or range per line or comma

const OFF_DATE_RANGE = /^(\d{4}-\d{2}-\d{2})\s*(?:to|until|–|—|-|\.\.)\s*(\d{4}-\d{2}-\d{2})$/i;
const DAY_MS = 86_400_000;

/**
 * The dates in text such as "2027-12-24, 2027-12-27 to 2027-12-31" (commas, semicolons or
 * lines between them): a range becomes each of its days. What is not a date or a sensible range
 * is kept as typed, so validation names it.
 */
export function offDatesFromText(text: string): string[] {
  const dates: string[] = [];
  for (const entry of text.split(/[,;\n\r]+/)) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    const range = OFF_DATE_RANGE.exec(trimmed);
    if (range && isIsoDate(range[1]!) && isIsoDate(range[2]!)) {
      const first = Date.parse(`${range[1]}T00:00:00Z`);
      const last = Date.parse(`${range[2]}T00:00:00Z`);
      const days = (last - first) / DAY_MS;
      if (days < 0 || days >= MAX_OFF_DATE_RANGE_DAYS) {
        dates.push(trimmed);
        continue;
      }
      for (let t = first; t <= last; t += DAY_MS) dates.push(new Date(t).toISOString().slice(0, 10));
      continue;
    }
    dates.push(trimmed);
  }
  return dates;
}

/** Dates as the modal shows them: one per line, consecutive days as a range ("2027-12-27 to 2027-12-31"). */
export function offDatesText(dates: readonly string[]): string {
  const days = [...new Set(dates.filter(isIsoDate))].sort().map((d) => Date.parse(`${d}T00:00:00Z`) / DAY_MS);
  const lines: string[] = [];
  const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j++;
    lines.push(j > i ? `${iso(days[i]!)} to ${iso(days[j]!)}` : iso(days[i]!));
    i = j + 1;
  }
  return lines.join('\n');
}

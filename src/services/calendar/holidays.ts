// Public holidays of a country (and optionally a region), from `date-holidays`: public
// holidays only, not bank holidays or observances. Each year's dates are computed once.
import Holidays from 'date-holidays';
import { MS_PER_DAY } from './zone.js';

export interface HolidayRegion {
  /** ISO 3166-1 alpha-2 country code, e.g. "DE", "US". */
  readonly country: string;
  /** The country's region (state) code, e.g. "CA" for US + CA, or null for the whole country. */
  readonly region: string | null;
}

const catalogue = new Holidays();
const years = new Map<string, Set<number>>();

/** Country codes date-holidays knows (upper case). */
export function isKnownHolidayCountry(country: string): boolean {
  return Object.hasOwn(catalogue.getCountries() ?? {}, country);
}

export function isKnownHolidayRegion(country: string, region: string): boolean {
  return Object.hasOwn(catalogue.getStates(country) ?? {}, region);
}

/** Country code → English name, for pickers. */
export function holidayCountries(): Readonly<Record<string, string>> {
  return catalogue.getCountries('en') ?? {};
}

/** A country's region (state) codes → names, for pickers; empty for an unknown country or one without regions. */
export function holidayRegionsOf(country: string): Readonly<Record<string, string>> {
  return (isKnownHolidayCountry(country) ? catalogue.getStates(country, 'en') : undefined) ?? {};
}

/** Day numbers (local dates as days since 1970-01-01) of the public holidays in `year`. */
export function publicHolidayDays(holidays: HolidayRegion, year: number): ReadonlySet<number> {
  const key = `${holidays.country}|${holidays.region ?? ''}|${year}`;
  let days = years.get(key);
  if (days) return days;
  days = new Set();
  const source = holidays.region
    ? new Holidays(holidays.country, holidays.region, { types: ['public'] })
    : new Holidays(holidays.country, { types: ['public'] });
  for (const holiday of source.getHolidays(year) || []) {
    if (holiday.type !== 'public') continue;
    // `date` is the holiday's local date and time ("2027-12-25 00:00:00"); a holiday may last several days.
    const first = Date.parse(`${holiday.date.slice(0, 10)}T00:00:00Z`) / MS_PER_DAY;
    const length = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / MS_PER_DAY));
    for (let i = 0; i < length; i++) days.add(first + i);
  }
  years.set(key, days);
  return days;
}

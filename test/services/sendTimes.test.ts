// Planned send times (issue 8, "Send times"). Every expected instant was worked out by hand
// from the local wall-clock time and that date's UTC offset, never by calling the calendar.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import Holidays from 'date-holidays';
import {
  InvalidBusinessHoursError,
  UnknownHolidayCountryError,
  UnknownHolidayRegionError,
  formatIsoWithOffset,
  hundredthsOfDays,
  isWorkingTime,
  planSendTimes,
  prepareCalendar,
  type BusinessHours,
  type CalendarRules,
  type HolidayRegion,
  type Weekday,
} from '../../src/services/calendar.js';

const NEW_YORK = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const SYDNEY = 'Australia/Sydney';
const ADELAIDE = 'Australia/Adelaide';
const KOLKATA = 'Asia/Kolkata';
const LOS_ANGELES = 'America/Los_Angeles';

const ALL_DAY: BusinessHours = { open: '00:00', close: '24:00' };
const WEEKEND: readonly Weekday[] = [6, 0];

function rules(timeZone: string, more: Partial<CalendarRules> = {}): CalendarRules {
  return { timeZone, offDays: WEEKEND, ...more };
}

/** Wall-clock arithmetic alone: open all day, every day. */
function wallOnly(timeZone: string): CalendarRules {
  return { timeZone, offDays: [], businessHours: ALL_DAY };
}

/** The planned instants (ISO, UTC) for after days written as decimals. */
function plan(start: string, afterDays: readonly number[], calendar: CalendarRules, emailCc = false): string[] {
  return planSendTimes(new Date(start), afterDays.map((d) => hundredthsOfDays(d)), calendar, { emailCc }).map((p) => p.at.toISOString());
}

function iso(localWithOffset: string): string {
  return new Date(localWithOffset).toISOString();
}

describe('after days on the wall clock', () => {
  it('Mon 10:00 + 1.5 days is Tue 22:00 local, even across the Berlin spring-forward night (35 hours elapse)', () => {
    expect(plan('2027-03-22T10:00+01:00', [1.5], wallOnly(BERLIN))).toEqual([iso('2027-03-23T22:00+01:00')]);
    expect(plan('2027-03-27T10:00+01:00', [1.5], wallOnly(BERLIN))).toEqual([iso('2027-03-28T22:00+02:00')]);
  });

  it('half a day from Saturday 20:00 across the New York spring-forward night is Sunday 08:00 (11 hours elapse)', () => {
    expect(plan('2027-03-13T20:00-05:00', [0.5], wallOnly(NEW_YORK))).toEqual([iso('2027-03-14T08:00-04:00')]);
  });

  it('a wall time inside the spring-forward gap becomes the first instant after it (02:30 → 03:00)', () => {
    expect(plan('2027-03-13T14:30-05:00', [0.5], wallOnly(NEW_YORK))).toEqual([iso('2027-03-14T03:00-04:00')]);
  });

  it('a wall time shown twice (Sydney fall-back, Sunday 4 Apr 2027 02:00) is the first of the two', () => {
    expect(plan('2027-04-03T14:00+11:00', [0.5], wallOnly(SYDNEY))).toEqual([iso('2027-04-04T02:00+11:00')]);
    // Whole days keep the local hour across it: 25 hours elapse.
    expect(plan('2027-04-03T10:00+11:00', [1], wallOnly(SYDNEY))).toEqual([iso('2027-04-04T10:00+10:00')]);
  });

  it('never goes back in time: 0.01 day after the second 01:10 of a New York fall-back night is the second 01:24:24', () => {
    expect(plan('2027-11-07T01:10-05:00', [0.01], wallOnly(NEW_YORK))).toEqual([iso('2027-11-07T01:24:24-05:00')]);
    expect(plan('2027-11-06T13:30-04:00', [0.5], wallOnly(NEW_YORK))).toEqual([iso('2027-11-07T01:30-04:00')]);
  });

  it('keeps the start’s seconds and drops its milliseconds', () => {
    expect(plan('2027-06-07T10:00:17.345+02:00', [1, 0.01], rules(BERLIN))).toEqual([iso('2027-06-08T10:00:17+02:00'), iso('2027-06-08T10:14:41+02:00')]);
  });

  it('adds exact hundredths: 0.1 + 0.2 typed days are 30 hundredths, 7 h 12 min', () => {
    expect(hundredthsOfDays(0.1 + 0.2)).toBe(30);
    expect(plan('2027-06-07T09:00+02:00', [0.1 + 0.2], rules(BERLIN))).toEqual([iso('2027-06-07T16:12+02:00')]);
    expect(() => planSendTimes(new Date('2027-06-07T09:00Z'), [1.5], rules(BERLIN))).toThrow(RangeError);
    expect(() => planSendTimes(new Date('2027-06-07T09:00Z'), [36501], rules(BERLIN))).toThrow(RangeError);
  });
});

describe('moving into working time', () => {
  it('before opening waits for that day’s opening; at closing (exclusive) goes to the next working day’s opening', () => {
    expect(plan('2027-06-07T16:59+02:00', [0], rules(BERLIN))).toEqual([iso('2027-06-07T16:59+02:00')]);
    expect(plan('2027-06-07T17:00+02:00', [0], rules(BERLIN))).toEqual([iso('2027-06-08T09:00+02:00')]);
    expect(plan('2027-06-07T23:00+02:00', [0.25], rules(BERLIN))).toEqual([iso('2027-06-08T09:00+02:00')]);
    expect(plan('2027-06-07T08:00+02:00', [0], rules(BERLIN, { businessHours: { open: '08:30', close: '18:00' } }))).toEqual([
      iso('2027-06-07T08:30+02:00'),
    ]);
  });

  it('a moved followup moves every later one: Friday 16:00 + 0.5 is Monday 09:00, and + 1 from there is Tuesday 09:00', () => {
    expect(plan('2027-06-11T16:00+02:00', [0.5, 1, 0.25], rules(BERLIN))).toEqual([
      iso('2027-06-14T09:00+02:00'),
      iso('2027-06-15T09:00+02:00'),
      iso('2027-06-15T15:00+02:00'),
    ]);
  });

  it('skips German public holidays (Good Friday, Easter Monday 2027) but not Christmas Eve, a bank holiday only', () => {
    const de: HolidayRegion = { country: 'DE', region: null };
    // Thu 25 Mar + 1 = Good Friday → Sat, Sun → Easter Monday → Tue 30 Mar 09:00, after the DST change.
    const moved = planSendTimes(new Date('2027-03-25T10:00+01:00'), [100], rules(BERLIN, { holidays: de }));
    expect(moved.map((p) => [p.at.toISOString(), p.shiftedByDays])).toEqual([[iso('2027-03-30T09:00+02:00'), 4]]);
    expect(plan('2027-03-25T10:00+01:00', [1], rules(BERLIN))).toEqual([iso('2027-03-26T10:00+01:00')]);
    expect(plan('2027-12-23T10:00+01:00', [1], rules(BERLIN, { holidays: de }))).toEqual([iso('2027-12-24T10:00+01:00')]);
  });

  it('uses a region’s holidays: César Chávez Day (31 Mar 2027) is off in US + CA, not in the US as a whole', () => {
    expect(plan('2027-03-30T10:00-07:00', [1], rules(LOS_ANGELES, { holidays: { country: 'US', region: 'CA' } }))).toEqual([iso('2027-04-01T09:00-07:00')]);
    expect(plan('2027-03-30T10:00-07:00', [1], rules(LOS_ANGELES, { holidays: { country: 'US', region: null } }))).toEqual([iso('2027-03-31T10:00-07:00')]);
  });

  it('skips a vacation of extra off dates (Mon 2 to Fri 6 Aug 2027)', () => {
    const vacation = ['2027-08-02', '2027-08-03', '2027-08-04', '2027-08-05', '2027-08-06'];
    expect(plan('2027-07-30T10:00+02:00', [1, 1], rules(BERLIN, { extraOffDates: vacation }))).toEqual([
      iso('2027-08-09T09:00+02:00'),
      iso('2027-08-10T09:00+02:00'),
    ]);
  });

  it('crosses a month end onto a holiday weekend: Fri 30 Apr 2027 15:00 + 0.25 is Mon 3 May 09:00 (1 May is Labour Day)', () => {
    expect(plan('2027-04-30T15:00+02:00', [0.25], rules(BERLIN, { holidays: { country: 'DE', region: null } }))).toEqual([iso('2027-05-03T09:00+02:00')]);
  });

  it('crosses the year end: Thu 30 Dec 2027 16:00 + 0.5 is Fri 31 Dec 09:00, + 1 is Mon 3 Jan 2028 (New Year’s Day off)', () => {
    expect(plan('2027-12-30T16:00+01:00', [0.5, 1], rules(BERLIN, { holidays: { country: 'DE', region: null } }))).toEqual([
      iso('2027-12-31T09:00+01:00'),
      iso('2028-01-03T09:00+01:00'),
    ]);
  });
});

describe('DST in three zones', () => {
  it('Sydney (south of the equator) springs forward on Sun 4 Oct 2026: Friday 10:00 AEST + 1 is Monday 09:00 AEDT, Tuesday in NSW (Labour Day)', () => {
    expect(plan('2026-10-02T10:00+10:00', [1], rules(SYDNEY))).toEqual([iso('2026-10-05T09:00+11:00')]);
    expect(plan('2026-10-02T10:00+10:00', [1], rules(SYDNEY, { holidays: { country: 'AU', region: 'NSW' } }))).toEqual([iso('2026-10-06T09:00+11:00')]);
  });

  it('Adelaide (+09:30, DST +10:30): an 02:30 opening inside the Sun 4 Oct 2026 gap is 03:00 ACDT', () => {
    const early = rules(ADELAIDE, { offDays: [], businessHours: { open: '02:30', close: '17:00' } });
    expect(plan('2026-10-03T12:00+09:30', [0.5], early)).toEqual([iso('2026-10-04T03:00+10:30')]);
    // Saturday 17:00 is closing time: the next opening is Sunday's, inside the gap.
    expect(plan('2026-10-03T17:00+09:30', [0], early)).toEqual([iso('2026-10-04T03:00+10:30')]);
    // Saturday 16:00 + 0.5 is Sunday 04:00 on the wall clock, already open.
    expect(plan('2026-10-03T16:00+09:30', [0.5], early)).toEqual([iso('2026-10-04T04:00+10:30')]);
    // The day after: opening exists again.
    expect(plan('2026-10-04T18:00+10:30', [0], early)).toEqual([iso('2026-10-05T02:30+10:30')]);
  });

  it('Adelaide falls back on Sun 4 Apr 2027: Friday 09:00 ACDT + 3 is Monday 09:00 ACST (73 hours elapse)', () => {
    expect(plan('2027-04-02T09:00+10:30', [3], rules(ADELAIDE))).toEqual([iso('2027-04-05T09:00+09:30')]);
  });

  it('New York falls back on Sun 7 Nov 2027: Friday 14:00 EDT + 1.5 is Sunday 02:00 EST, moved to Monday 09:00 EST', () => {
    expect(plan('2027-11-05T14:00-04:00', [1.5], rules(NEW_YORK))).toEqual([iso('2027-11-08T09:00-05:00')]);
  });
});

describe('Email CC enrollments', () => {
  it('plan no followup for step 1 (the user’s own email); step 2 counts from the start', () => {
    const planned = planSendTimes(new Date('2027-06-07T10:00+02:00'), [0, 100, 200], rules(BERLIN), { emailCc: true });
    expect(planned.map((p) => [p.step, p.at.toISOString()])).toEqual([
      [2, iso('2027-06-08T10:00+02:00')],
      [3, iso('2027-06-10T10:00+02:00')],
    ]);
    expect(plan('2027-06-07T10:00+02:00', [0, 1, 2], rules(BERLIN))).toHaveLength(3);
  });
});

describe('ISO-8601 with the zone’s offset', () => {
  it('writes the local time and the offset of that instant', () => {
    expect(formatIsoWithOffset(new Date('2027-03-29T07:00Z'), BERLIN)).toBe('2027-03-29T09:00:00+02:00');
    expect(formatIsoWithOffset(new Date('2027-03-26T08:00:00.999Z'), BERLIN)).toBe('2027-03-26T09:00:00+01:00');
    expect(formatIsoWithOffset(new Date('2027-01-04T03:30Z'), KOLKATA)).toBe('2027-01-04T09:00:00+05:30');
    expect(formatIsoWithOffset(new Date('2027-04-04T23:30Z'), ADELAIDE)).toBe('2027-04-05T09:00:00+09:30');
    expect(formatIsoWithOffset(new Date('2027-11-08T14:00Z'), NEW_YORK)).toBe('2027-11-08T09:00:00-05:00');
  });
});

describe('rules are checked', () => {
  it('refuses an unknown country or region, and business hours that are malformed or close before they open', () => {
    expect(() => prepareCalendar(rules(BERLIN, { holidays: { country: 'XX', region: null } }))).toThrow(UnknownHolidayCountryError);
    expect(() => prepareCalendar(rules(BERLIN, { holidays: { country: 'US', region: 'ZZ' } }))).toThrow(UnknownHolidayRegionError);
    expect(() => prepareCalendar(rules(BERLIN, { businessHours: { open: '17:00', close: '09:00' } }))).toThrow(InvalidBusinessHoursError);
    expect(() => prepareCalendar(rules(BERLIN, { businessHours: { open: '09:00', close: '09:00' } }))).toThrow(InvalidBusinessHoursError);
    expect(() => prepareCalendar(rules(BERLIN, { businessHours: { open: '9:00', close: '17:00' } }))).toThrow(InvalidBusinessHoursError);
    expect(() => prepareCalendar(rules(BERLIN, { businessHours: { open: '09:00', close: '25:00' } }))).toThrow(InvalidBusinessHoursError);
    // Lower-case ISO codes are read as upper case.
    expect(plan('2027-03-25T10:00+01:00', [1], rules(BERLIN, { holidays: { country: 'de', region: null } }))).toEqual([iso('2027-03-30T09:00+02:00')]);
  });
});

// ---------------------------------------------------------------------------
// Properties

const ZONES = [NEW_YORK, BERLIN, SYDNEY, ADELAIDE, KOLKATA, 'Pacific/Auckland', 'America/Sao_Paulo', 'UTC'];
const HOLIDAYS: readonly (HolidayRegion | null)[] = [null, { country: 'DE', region: null }, { country: 'US', region: 'CA' }, { country: 'AU', region: 'NSW' }];

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const anyRules = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    offDays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 6 }),
    open: fc.integer({ min: 0, max: 40 }).map((n) => n * 30),
    length: fc.integer({ min: 2, max: 48 }).map((n) => n * 30),
    holidays: fc.constantFrom(...HOLIDAYS),
  })
  // Closing from 04:00, after every DST gap of these zones, so an opening moved past a gap is still open.
  .filter((r) => r.open + r.length <= 24 * 60 && r.open + r.length >= 4 * 60)
  .map(
    (r): CalendarRules => ({
      timeZone: r.timeZone,
      offDays: r.offDays as Weekday[],
      businessHours: { open: hhmm(r.open), close: hhmm(r.open + r.length) },
      holidays: r.holidays,
    }),
  );

const anyStart = fc.integer({ min: Date.UTC(2024, 0, 1) / 1000, max: Date.UTC(2034, 0, 1) / 1000 }).map((s) => new Date(s * 1000));
const anyAfter = fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 20 });

function localTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(at);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const publicHolidays = new Map<string, Set<string>>();

/** Independent of the calendar: the local date, weekday and time through Intl, holidays straight from date-holidays. */
function outsideWorkingTime(at: Date, calendar: CalendarRules): string | null {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: calendar.timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}:${parts.second}`;
  const where = `${date} ${time} ${parts.weekday} in ${calendar.timeZone}`;
  if (calendar.offDays.includes(WEEKDAYS.indexOf(parts.weekday!) as Weekday)) return `${where} is an off day`;
  const hours = calendar.businessHours!;
  if (time < `${hours.open}:00` || time >= `${hours.close}:00`) return `${where} is outside ${hours.open}-${hours.close}`;
  if (calendar.holidays) {
    const { country, region } = calendar.holidays;
    const key = `${country}|${region}|${parts.year}`;
    if (!publicHolidays.has(key)) {
      const source = region ? new Holidays(country, region, { types: ['public'] }) : new Holidays(country, { types: ['public'] });
      publicHolidays.set(key, new Set(source.getHolidays(Number(parts.year)).map((h) => h.date.slice(0, 10))));
    }
    if (publicHolidays.get(key)!.has(date)) return `${where} is a public holiday in ${country} ${region ?? ''}`;
  }
  return null;
}

describe('properties of planned times', () => {
  it('never decrease, and each is at or after the start', () => {
    fc.assert(
      fc.property(anyStart, anyAfter, anyRules, (start, after, calendar) => {
        let previous = Math.floor(start.getTime() / 1000) * 1000;
        for (const p of planSendTimes(start, after, calendar)) {
          expect(p.at.getTime()).toBeGreaterThanOrEqual(previous);
          previous = p.at.getTime();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never decrease around a fall-back night, where each wall time of an hour happens twice', () => {
    // The instants the clocks went back in 2027 (written by hand from each zone's rules).
    const fallBacks: [string, string][] = [
      [NEW_YORK, '2027-11-07T06:00Z'],
      [BERLIN, '2027-10-31T01:00Z'],
      [SYDNEY, '2027-04-03T16:00Z'],
      [ADELAIDE, '2027-04-03T16:30Z'],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...fallBacks),
        fc.integer({ min: -2 * 3600, max: 2 * 3600 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 20 }),
        ([timeZone, change], offsetSeconds, after) => {
          const start = new Date(new Date(change).getTime() + offsetSeconds * 1000);
          let previous = start.getTime();
          for (const p of planSendTimes(start, after, wallOnly(timeZone))) {
            expect(p.at.getTime()).toBeGreaterThanOrEqual(previous);
            previous = p.at.getTime();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never fall outside working time', () => {
    fc.assert(
      fc.property(anyStart, anyAfter, anyRules, (start, after, calendar) => {
        for (const p of planSendTimes(start, after, calendar)) expect(outsideWorkingTime(p.at, calendar)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('whole days keep the local time of day (open all day, no days off), across every DST change', () => {
    fc.assert(
      fc.property(
        anyStart,
        fc.array(fc.integer({ min: 0, max: 60 }).map((d) => d * 100), { minLength: 1, maxLength: 20 }),
        fc.constantFrom(...ZONES),
        (start, after, timeZone) => {
          const time = localTime(start, timeZone);
          fc.pre(time >= '04:00:00'); // a start time of day that no DST gap of these zones can swallow
          for (const p of planSendTimes(start, after, wallOnly(timeZone))) expect(localTime(p.at, timeZone)).toBe(time);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('whole days within business hours keep the start’s local time, or the opening once moved', () => {
    fc.assert(
      fc.property(anyStart, fc.array(fc.integer({ min: 0, max: 30 }).map((d) => d * 100), { minLength: 1, maxLength: 20 }), fc.constantFrom(...ZONES), (start, after, timeZone) => {
        const calendar = rules(timeZone, { holidays: { country: 'DE', region: null } });
        fc.pre(isWorkingTime(start, calendar));
        const time = localTime(start, timeZone);
        for (const p of planSendTimes(start, after, calendar)) expect([time, '09:00:00']).toContain(localTime(p.at, timeZone));
      }),
      { numRuns: 300 },
    );
  });
});

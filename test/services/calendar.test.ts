// Send-date arithmetic. Every expected value below was worked out by hand (local
// wall-clock time with its UTC offset for that date), never by calling the calendar.
import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_OFF_DAYS,
  CalendarRulesError,
  InvalidOffDateError,
  InvalidTimeZoneError,
  NoWorkingDaysError,
  addAfterDays,
  exampleDates,
  formatExampleDate,
  isValidAfterDays,
  isValidTimeZone,
  moveToWorkingTime,
  parseAfterDays,
  totalDays,
  type BusinessHours,
  type CalendarRules,
  type ExampleDate,
  type Weekday,
} from '../../src/services/calendar.js';

const NEW_YORK = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const KOLKATA = 'Asia/Kolkata';
const AUCKLAND = 'Pacific/Auckland';
const RIYADH = 'Asia/Riyadh';

/** Default business hours (09:00-17:00) unless given. */
function rules(timeZone: string, offDays: readonly Weekday[] = DEFAULT_OFF_DAYS, extraOffDates?: readonly string[], businessHours?: BusinessHours): CalendarRules {
  return { timeZone, offDays, ...(extraOffDates ? { extraOffDates } : {}), ...(businessHours ? { businessHours } : {}) };
}

const ALL_DAY: BusinessHours = { open: '00:00', close: '24:00' };

/** An instant written as local time with its offset, e.g. "2026-04-07T09:00-04:00". */
function at(localWithOffset: string): Date {
  const date = new Date(localWithOffset);
  if (Number.isNaN(date.getTime())) throw new Error(`bad test date ${localWithOffset}`);
  return date;
}

interface Step {
  at: string;
  localDate: string;
  dayNumber: number;
  shiftedByDays: number;
}

function step(localWithOffset: string, dayNumber: number, shiftedByDays = 0): Step {
  return { at: at(localWithOffset).toISOString(), localDate: localWithOffset.slice(0, 10), dayNumber, shiftedByDays };
}

function steps(dates: readonly ExampleDate[]): Step[] {
  return dates.map((d) => ({ at: d.at.toISOString(), localDate: d.localDate, dayNumber: d.dayNumber, shiftedByDays: d.shiftedByDays }));
}

describe('example dates for a schedule', () => {
  it('lays out the Recommended schedule (1,1,2,3,4,5,6) from a Monday in New York on weekdays only', () => {
    const dates = exampleDates(at('2026-04-06T09:00-04:00'), [1, 1, 2, 3, 4, 5, 6], rules(NEW_YORK));
    expect(steps(dates)).toEqual([
      step('2026-04-07T09:00-04:00', 1), // Tue
      step('2026-04-08T09:00-04:00', 2), // Wed
      step('2026-04-10T09:00-04:00', 4), // Fri
      step('2026-04-13T09:00-04:00', 7), // Mon
      step('2026-04-17T09:00-04:00', 11), // Fri
      step('2026-04-22T09:00-04:00', 16), // Wed
      step('2026-04-28T09:00-04:00', 22), // Tue
    ]);
    expect(dates.map((d) => formatExampleDate(d, NEW_YORK))).toEqual([
      'Day 1 · Tue 7 Apr',
      'Day 2 · Wed 8 Apr',
      'Day 4 · Fri 10 Apr',
      'Day 7 · Mon 13 Apr',
      'Day 11 · Fri 17 Apr',
      'Day 16 · Wed 22 Apr',
      'Day 22 · Tue 28 Apr',
    ]);
  });

  it('moves a Saturday followup to Monday’s opening and pushes later steps, which count from the Monday', () => {
    // Thu 9 Apr 10:00 + 2 = Sat 11 → Mon 13 09:00 (opening); + 1 = Tue 14 09:00 (not Mon 13); + 3 = Fri 17 09:00.
    const dates = exampleDates(at('2026-04-09T10:00-04:00'), [2, 1, 3], rules(NEW_YORK));
    expect(steps(dates)).toEqual([
      step('2026-04-13T09:00-04:00', 4, 2),
      step('2026-04-14T09:00-04:00', 5),
      step('2026-04-17T09:00-04:00', 8),
    ]);
  });

  it('moves a Sunday followup to Monday’s opening', () => {
    const dates = exampleDates(at('2026-04-10T10:00-04:00'), [2, 0], rules(NEW_YORK));
    expect(steps(dates)).toEqual([step('2026-04-13T09:00-04:00', 3, 1), step('2026-04-13T09:00-04:00', 3)]);
  });

  it('keeps a followup that lands exactly on a Friday', () => {
    const dates = exampleDates(at('2026-04-06T09:00-04:00'), [4], rules(NEW_YORK));
    expect(steps(dates)).toEqual([step('2026-04-10T09:00-04:00', 4)]);
  });

  it('uses the local date: Friday 23:30 in New York stays on Friday though it is Saturday in UTC', () => {
    const dates = exampleDates(at('2026-04-06T23:30-04:00'), [4], rules(NEW_YORK, DEFAULT_OFF_DAYS, undefined, ALL_DAY));
    expect(steps(dates)).toEqual([step('2026-04-10T23:30-04:00', 4)]);
    expect(dates[0]?.at.toISOString()).toBe('2026-04-11T03:30:00.000Z');
  });

  it('adds decimal after days (0.5, 1.25, 2.75) as hours, crossing midnight, then moves into business hours', () => {
    // Mon 18:00 + 12 h = Tue 06:00 → Tue 09:00 (opening, same day); + 30 h = Wed 15:00; + 66 h = Sat 09:00 → Mon 09:00.
    const dates = exampleDates(at('2026-04-06T18:00-04:00'), [0.5, 1.25, 2.75], rules(NEW_YORK));
    expect(steps(dates)).toEqual([
      step('2026-04-07T09:00-04:00', 1),
      step('2026-04-08T15:00-04:00', 2),
      step('2026-04-13T09:00-04:00', 7, 2),
    ]);
    // All day open: the same arithmetic, unmoved on weekdays.
    expect(steps(exampleDates(at('2026-04-06T18:00-04:00'), [0.5, 1.25, 2.75], rules(NEW_YORK, DEFAULT_OFF_DAYS, undefined, ALL_DAY)))).toEqual([
      step('2026-04-07T06:00-04:00', 1),
      step('2026-04-08T12:00-04:00', 2),
      step('2026-04-13T00:00-04:00', 7, 2),
    ]);
  });

  it('sends a step with after days 0 at the same moment, on Day 0', () => {
    const start = at('2026-04-06T09:00-04:00');
    const dates = exampleDates(start, [0, 0], rules(NEW_YORK));
    expect(steps(dates)).toEqual([step('2026-04-06T09:00-04:00', 0), step('2026-04-06T09:00-04:00', 0)]);
    expect(formatExampleDate(dates[0]!, NEW_YORK)).toBe('Day 0 · Mon 6 Apr');
  });

  it('still moves an after-days-0 step that starts on a Saturday to Monday', () => {
    const dates = exampleDates(at('2026-04-11T09:00-04:00'), [0], rules(NEW_YORK));
    expect(steps(dates)).toEqual([step('2026-04-13T09:00-04:00', 2, 2)]);
  });

  it('returns no dates for a schedule without steps', () => {
    expect(exampleDates(at('2026-04-06T09:00-04:00'), [], rules(NEW_YORK))).toEqual([]);
  });

  it('crosses a month end: Friday 29 Jan + 3 is Monday 1 Feb', () => {
    const dates = exampleDates(at('2027-01-29T09:00-05:00'), [3], rules(NEW_YORK));
    expect(steps(dates)).toEqual([step('2027-02-01T09:00-05:00', 3)]);
  });

  it('crosses the year end and shows the new year', () => {
    const start = at('2026-12-31T09:00-05:00'); // Thursday
    const dates = exampleDates(start, [1, 3], rules(NEW_YORK));
    expect(steps(dates)).toEqual([step('2027-01-01T09:00-05:00', 1), step('2027-01-04T09:00-05:00', 4)]);
    expect(dates.map((d) => formatExampleDate(d, NEW_YORK, start))).toEqual(['Day 1 · Fri 1 Jan 2027', 'Day 4 · Mon 4 Jan 2027']);
  });

  it('keeps 09:00 across the DST spring-forward weekend in New York (Sunday 14 Mar 2027)', () => {
    // Fri 12 Mar 09:00 EST + 2 = Sun 14 → Mon 15 09:00 EDT; + 1 = Tue 16 09:00 EDT.
    const dates = exampleDates(at('2027-03-12T09:00-05:00'), [2, 1], rules(NEW_YORK));
    expect(steps(dates)).toEqual([step('2027-03-15T09:00-04:00', 3, 1), step('2027-03-16T09:00-04:00', 4)]);
  });

  it('moves a Saturday followup to 03:00 on a spring-forward Sunday whose 02:30 opening does not exist', () => {
    // Saturday-only off days, opening 02:30; Sun 14 Mar 2027 has no 02:00–02:59 in New York.
    const dates = exampleDates(at('2027-03-11T02:30-05:00'), [2, 1], rules(NEW_YORK, [6], undefined, { open: '02:30', close: '24:00' }));
    expect(steps(dates)).toEqual([
      step('2027-03-14T03:00-04:00', 3, 1),
      step('2027-03-15T03:00-04:00', 4), // counts from the actual 03:00
    ]);
  });

  it('works in Europe/Berlin across its DST change (Sunday 28 Mar 2027)', () => {
    const dates = exampleDates(at('2027-03-26T09:00+01:00'), [1, 1], rules(BERLIN));
    expect(steps(dates)).toEqual([step('2027-03-29T09:00+02:00', 3, 2), step('2027-03-30T09:00+02:00', 4)]);
    expect(formatExampleDate(dates[0]!, BERLIN)).toBe('Day 3 · Mon 29 Mar');
  });

  it('works in Asia/Kolkata (+05:30): half a day from Friday 23:00 is Saturday 11:00, moved to Monday 09:00', () => {
    const dates = exampleDates(at('2026-04-10T23:00+05:30'), [0.5], rules(KOLKATA));
    expect(steps(dates)).toEqual([step('2026-04-13T09:00+05:30', 3, 2)]);
    expect(dates[0]?.at.toISOString()).toBe('2026-04-13T03:30:00.000Z');
  });

  it('works in Pacific/Auckland, across the date line: Friday there is Thursday in UTC', () => {
    const dates = exampleDates(at('2026-04-10T10:00+12:00'), [1], rules(AUCKLAND));
    expect(steps(dates)).toEqual([step('2026-04-13T09:00+12:00', 3, 2)]);
    expect(dates[0]?.at.toISOString()).toBe('2026-04-12T21:00:00.000Z'); // a Sunday in UTC
    expect(formatExampleDate(dates[0]!, AUCKLAND)).toBe('Day 3 · Mon 13 Apr');
  });

  it('honours custom off days: Friday and Saturday for a team in Riyadh (Sunday is a working day)', () => {
    const dates = exampleDates(at('2026-04-08T09:00+03:00'), [1, 1, 1], rules(RIYADH, [5, 6]));
    expect(steps(dates)).toEqual([
      step('2026-04-09T09:00+03:00', 1), // Thu
      step('2026-04-12T09:00+03:00', 4, 2), // Fri → Sun
      step('2026-04-13T09:00+03:00', 5), // Mon
    ]);
  });

  it('skips extra off dates as well as weekends (Christmas and New Year)', () => {
    // Wed 23 Dec + 2 = Fri 25 (holiday) → Mon 28; + 4 = Fri 1 Jan (holiday) → Mon 4 Jan.
    const start = at('2026-12-23T09:00-05:00');
    const dates = exampleDates(start, [2, 4], rules(NEW_YORK, DEFAULT_OFF_DAYS, ['2026-12-25', '2027-01-01']));
    expect(steps(dates)).toEqual([step('2026-12-28T09:00-05:00', 5, 3), step('2027-01-04T09:00-05:00', 12, 3)]);
    expect(formatExampleDate(dates[1]!, NEW_YORK, start)).toBe('Day 12 · Mon 4 Jan 2027');
  });

  it('works with a single working day a week (only Wednesday)', () => {
    const dates = exampleDates(at('2026-04-08T09:00-04:00'), [1], rules(NEW_YORK, [0, 1, 2, 4, 5, 6]));
    expect(steps(dates)).toEqual([step('2026-04-15T09:00-04:00', 7, 6)]);
  });

  it('refuses rules where every day of the week is off', () => {
    const allOff = rules(NEW_YORK, [0, 1, 2, 3, 4, 5, 6]);
    expect(() => exampleDates(at('2026-04-06T09:00-04:00'), [1], allOff)).toThrow(NoWorkingDaysError);
    expect(() => exampleDates(at('2026-04-06T09:00-04:00'), [], allOff)).toThrow(NoWorkingDaysError);
    expect(() => moveToWorkingTime(at('2026-04-06T09:00-04:00'), allOff)).toThrow(NoWorkingDaysError);
    // Duplicates do not add working days.
    expect(() => moveToWorkingTime(at('2026-04-06T09:00-04:00'), rules(NEW_YORK, [6, 0, 1, 2, 3, 4, 5, 6]))).toThrow(NoWorkingDaysError);
    try {
      moveToWorkingTime(at('2026-04-06T09:00-04:00'), allOff);
    } catch (error) {
      expect(error).toBeInstanceOf(CalendarRulesError);
      expect((error as CalendarRulesError).code).toBe('no_working_days');
    }
    expect.assertions(6);
  });

  it('refuses an unknown time zone and a malformed extra off date', () => {
    expect(() => exampleDates(at('2026-04-06T09:00-04:00'), [1], rules('Mars/Olympus'))).toThrow(InvalidTimeZoneError);
    expect(() => exampleDates(at('2026-04-06T09:00-04:00'), [1], rules(NEW_YORK, DEFAULT_OFF_DAYS, ['25/12/2026']))).toThrow(
      InvalidOffDateError,
    );
    expect(() => moveToWorkingTime(at('2026-04-06T09:00-04:00'), rules(NEW_YORK, DEFAULT_OFF_DAYS, ['2026-02-30']))).toThrow(
      InvalidOffDateError,
    );
  });

  it('refuses invalid after days in a schedule', () => {
    expect(() => exampleDates(at('2026-04-06T09:00-04:00'), [1, 366], rules(NEW_YORK))).toThrow(RangeError);
    expect(() => exampleDates(at('2026-04-06T09:00-04:00'), [1.005], rules(NEW_YORK))).toThrow(RangeError);
    expect(() => exampleDates(at('2026-04-06T09:00-04:00'), [-1], rules(NEW_YORK))).toThrow(RangeError);
  });

  it('handles 20 steps of 365 days without overflow', () => {
    const dates = exampleDates(at('2026-04-06T09:00-04:00'), Array.from({ length: 20 }, () => 365), rules(NEW_YORK));
    // Each year: same date + 365 days; a weekend moves it to Monday and the next year counts from there.
    expect(steps(dates)).toEqual([
      step('2027-04-06T09:00-04:00', 365),
      step('2028-04-05T09:00-04:00', 730),
      step('2029-04-05T09:00-04:00', 1095),
      step('2030-04-05T09:00-04:00', 1460),
      step('2031-04-07T09:00-04:00', 1827, 2),
      step('2032-04-06T09:00-04:00', 2192),
      step('2033-04-06T09:00-04:00', 2557),
      step('2034-04-06T09:00-04:00', 2922),
      step('2035-04-06T09:00-04:00', 3287),
      step('2036-04-07T09:00-04:00', 3654, 2),
      step('2037-04-07T09:00-04:00', 4019),
      step('2038-04-07T09:00-04:00', 4384),
      step('2039-04-07T09:00-04:00', 4749),
      step('2040-04-06T09:00-04:00', 5114),
      step('2041-04-08T09:00-04:00', 5481, 2),
      step('2042-04-08T09:00-04:00', 5846),
      step('2043-04-08T09:00-04:00', 6211),
      step('2044-04-07T09:00-04:00', 6576),
      step('2045-04-07T09:00-04:00', 6941),
      step('2046-04-09T09:00-04:00', 7308, 2),
    ]);
  });
});

describe('adding after days', () => {
  it('adds one day across a month end (31 Jan → 1 Feb)', () => {
    expect(addAfterDays(at('2027-01-31T09:00-05:00'), 1, NEW_YORK).toISOString()).toBe(at('2027-02-01T09:00-05:00').toISOString());
  });

  it('reaches 29 Feb in the leap year 2028, and 1 Mar after it', () => {
    expect(addAfterDays(at('2028-02-28T09:00-05:00'), 1, NEW_YORK).toISOString()).toBe(at('2028-02-29T09:00-05:00').toISOString());
    expect(addAfterDays(at('2028-02-28T09:00-05:00'), 2, NEW_YORK).toISOString()).toBe(at('2028-03-01T09:00-05:00').toISOString());
    expect(addAfterDays(at('2027-02-28T09:00-05:00'), 1, NEW_YORK).toISOString()).toBe(at('2027-03-01T09:00-05:00').toISOString());
  });

  it('crosses the year end (31 Dec → 1 Jan)', () => {
    expect(addAfterDays(at('2026-12-31T09:00-05:00'), 1, NEW_YORK).toISOString()).toBe('2027-01-01T14:00:00.000Z');
  });

  it('keeps the local hour for whole days across spring-forward (71 hours elapse for 3 days)', () => {
    const from = at('2027-03-12T09:00-05:00');
    const result = addAfterDays(from, 3, NEW_YORK);
    expect(result.toISOString()).toBe(at('2027-03-15T09:00-04:00').toISOString());
    expect(result.getTime() - from.getTime()).toBe(71 * 3_600_000);
    expect(addAfterDays(from, 2, NEW_YORK).toISOString()).toBe(at('2027-03-14T09:00-04:00').toISOString());
  });

  it('keeps the local hour for whole days across fall-back (73 hours elapse for 3 days)', () => {
    const from = at('2027-11-05T09:00-04:00');
    const result = addAfterDays(from, 3, NEW_YORK);
    expect(result.toISOString()).toBe(at('2027-11-08T09:00-05:00').toISOString());
    expect(result.getTime() - from.getTime()).toBe(73 * 3_600_000);
  });

  // Changed on purpose (issue 8): fractions used to add elapsed hours (Sat 21:00 + 0.5 was Sun 10:00 EDT).
  it('adds the fraction on the wall clock too: half a day from Saturday 21:00 is Sunday 09:00 across either DST change', () => {
    expect(addAfterDays(at('2027-03-13T21:00-05:00'), 0.5, NEW_YORK).toISOString()).toBe(at('2027-03-14T09:00-04:00').toISOString());
    expect(addAfterDays(at('2027-11-06T21:00-04:00'), 0.5, NEW_YORK).toISOString()).toBe(at('2027-11-07T09:00-05:00').toISOString());
  });

  it('adds whole days and fraction together on the wall clock: 1.5 days is 36 hours of the local clock', () => {
    // Sat 23:00 EST + 36 h of wall clock = Mon 11:00 EDT (35 hours elapse).
    expect(addAfterDays(at('2027-03-13T23:00-05:00'), 1.5, NEW_YORK).toISOString()).toBe(at('2027-03-15T11:00-04:00').toISOString());
  });

  it('turns hundredths of a day into exact minutes (0.01 = 14 min 24 s, 0.99 = 23 h 45 min 36 s)', () => {
    expect(addAfterDays(at('2026-04-06T00:00Z'), 0.01, 'UTC').toISOString()).toBe('2026-04-06T00:14:24.000Z');
    expect(addAfterDays(at('2026-04-06T00:00Z'), 0.99, 'UTC').toISOString()).toBe('2026-04-06T23:45:36.000Z');
    expect(addAfterDays(at('2026-04-06T00:00Z'), 0.1 + 0.2, 'UTC').toISOString()).toBe('2026-04-06T07:12:00.000Z');
  });

  it('moves a local time that does not exist (02:30 on spring-forward day) to 03:00, when the clocks jump', () => {
    expect(addAfterDays(at('2027-03-13T02:30-05:00'), 1, NEW_YORK).toISOString()).toBe(at('2027-03-14T03:00-04:00').toISOString());
  });

  it('takes the first 01:30 when the clock shows it twice (fall-back night)', () => {
    expect(addAfterDays(at('2027-11-06T01:30-04:00'), 1, NEW_YORK).toISOString()).toBe(at('2027-11-07T01:30-04:00').toISOString());
    // From the second 01:30 (EST): 0 days keeps it, 1 day is Monday 01:30 EST.
    expect(addAfterDays(at('2027-11-07T01:30-05:00'), 0, NEW_YORK).toISOString()).toBe(at('2027-11-07T01:30-05:00').toISOString());
    expect(addAfterDays(at('2027-11-07T01:30-05:00'), 1, NEW_YORK).toISOString()).toBe(at('2027-11-08T01:30-05:00').toISOString());
  });

  it('keeps 09:00 across the Auckland DST start (Sunday 27 Sep 2026)', () => {
    expect(addAfterDays(at('2026-09-25T09:00+12:00'), 3, AUCKLAND).toISOString()).toBe('2026-09-27T20:00:00.000Z');
  });

  it('refuses invalid after days, dates and time zones', () => {
    const from = at('2026-04-06T09:00-04:00');
    expect(() => addAfterDays(from, 1.005, NEW_YORK)).toThrow(RangeError);
    expect(() => addAfterDays(from, -1, NEW_YORK)).toThrow(RangeError);
    expect(() => addAfterDays(from, 366, NEW_YORK)).toThrow(RangeError);
    expect(() => addAfterDays(new Date(Number.NaN), 1, NEW_YORK)).toThrow(RangeError);
    expect(() => addAfterDays(from, 1, 'Not/AZone')).toThrow(InvalidTimeZoneError);
  });
});

describe('moving to working time', () => {
  it('leaves a working day alone', () => {
    const monday = at('2026-04-06T09:00-04:00');
    const result = moveToWorkingTime(monday, rules(NEW_YORK));
    expect(result.at.toISOString()).toBe(monday.toISOString());
    expect(result.shiftedByDays).toBe(0);
  });

  it('judges the day in the assistant time zone: Saturday 00:30 in Kolkata moves, the same moment in New York does not', () => {
    const moment = at('2026-04-10T19:00Z'); // Sat 11 Apr 00:30 IST, Fri 10 Apr 15:00 EDT
    const kolkata = moveToWorkingTime(moment, rules(KOLKATA));
    expect(kolkata.at.toISOString()).toBe(at('2026-04-13T09:00+05:30').toISOString());
    expect(kolkata.shiftedByDays).toBe(2);
    expect(moveToWorkingTime(moment, rules(NEW_YORK))).toEqual({ at: moment, shiftedByDays: 0 });
  });

  it('matches extra off dates on the local date, not the UTC date', () => {
    const moment = at('2026-04-10T10:00+12:00'); // Fri in Auckland, Thu 9 Apr in UTC
    expect(moveToWorkingTime(moment, rules(AUCKLAND, DEFAULT_OFF_DAYS, ['2026-04-10']))).toEqual({
      at: at('2026-04-13T09:00+12:00'),
      shiftedByDays: 3,
    });
    expect(moveToWorkingTime(moment, rules(AUCKLAND, DEFAULT_OFF_DAYS, ['2026-04-09']))).toEqual({ at: moment, shiftedByDays: 0 });
  });

  it('takes 03:00 when the 02:00 opening of the next working day falls in the spring-forward gap', () => {
    const result = moveToWorkingTime(at('2027-03-13T02:30-05:00'), rules(NEW_YORK, [6], undefined, { open: '02:00', close: '17:00' }));
    expect(result).toEqual({ at: at('2027-03-14T03:00-04:00'), shiftedByDays: 1 });
  });
});

describe('formatting an example date', () => {
  const jan4: ExampleDate = { at: at('2027-01-04T09:00-05:00'), localDate: '2027-01-04', dayNumber: 40, shiftedByDays: 0 };

  it('shows the day number, weekday, day and month: "Day 3 · Tue 7 Apr"', () => {
    const date: ExampleDate = { at: at('2026-04-07T09:00-04:00'), localDate: '2026-04-07', dayNumber: 3, shiftedByDays: 0 };
    expect(formatExampleDate(date, NEW_YORK)).toBe('Day 3 · Tue 7 Apr');
    expect(formatExampleDate(date, NEW_YORK, at('2026-04-04T09:00-04:00'))).toBe('Day 3 · Tue 7 Apr');
  });

  it('adds the year only when it differs from the start year', () => {
    expect(formatExampleDate(jan4, NEW_YORK, at('2026-11-25T09:00-05:00'))).toBe('Day 40 · Mon 4 Jan 2027');
    expect(formatExampleDate(jan4, NEW_YORK, at('2027-01-01T09:00-05:00'))).toBe('Day 40 · Mon 4 Jan');
    expect(formatExampleDate(jan4, NEW_YORK)).toBe('Day 40 · Mon 4 Jan');
  });

  it('compares years in the time zone: New Year’s Eve 23:30 in New York is already next year in UTC', () => {
    const start = at('2026-12-31T23:30-05:00'); // 2027-01-01T04:30Z
    const date: ExampleDate = { at: at('2027-01-01T09:00-05:00'), localDate: '2027-01-01', dayNumber: 1, shiftedByDays: 0 };
    expect(formatExampleDate(date, NEW_YORK, start)).toBe('Day 1 · Fri 1 Jan 2027');
    expect(formatExampleDate(date, 'UTC', start)).toBe('Day 1 · Fri 1 Jan');
  });

  it('shows the date in the given time zone', () => {
    const date: ExampleDate = { at: at('2026-04-13T10:00+12:00'), localDate: '2026-04-13', dayNumber: 3, shiftedByDays: 2 };
    expect(formatExampleDate(date, AUCKLAND)).toBe('Day 3 · Mon 13 Apr');
    expect(formatExampleDate(date, NEW_YORK)).toBe('Day 3 · Sun 12 Apr');
  });
});

describe('time zone names', () => {
  it.each(['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Pacific/Auckland', 'Asia/Riyadh', 'UTC'])('accepts %s', (name) => {
    expect(isValidTimeZone(name)).toBe(true);
  });

  it.each(['', '   ', 'Mars/Olympus', 'America/NewYork', 'Not a zone', '+05:30', '-04:00'])('refuses %j', (name) => {
    expect(isValidTimeZone(name)).toBe(false);
  });
});

describe('after days values', () => {
  it('sums after days to two decimals', () => {
    expect(totalDays([1, 1, 2, 3, 4, 5, 6])).toBe(22);
    expect(totalDays([0.1, 0.2])).toBe(0.3);
    expect(totalDays([0.5, 1.25, 2.75])).toBe(4.5);
    expect(totalDays([2.35, 0.01])).toBe(2.36);
    expect(totalDays([])).toBe(0);
    expect(totalDays(Array.from({ length: 20 }, () => 365))).toBe(7300);
  });

  it.each([0, 0.01, 0.5, 1, 2.35, 0.1 + 0.2, 364.99, 365])('accepts %p after days', (n) => {
    expect(isValidAfterDays(n)).toBe(true);
  });

  it.each([1.005, 0.001, -0.01, -1, 365.01, 366, Number.NaN, Number.POSITIVE_INFINITY])('refuses %p after days', (n) => {
    expect(isValidAfterDays(n)).toBe(false);
  });
});

describe('parsing typed after days', () => {
  it.each([
    ['1', 1],
    ['1.5', 1.5],
    [' 2.25 ', 2.25],
    ['0', 0],
    ['1,5', 1.5],
    ['2,25', 2.25],
    ['.5', 0.5],
    ['007', 7],
    ['365', 365],
    ['365.00', 365],
    ['-0', 0],
  ])('reads %j as %p', (text, value) => {
    expect(parseAfterDays(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['', 'not_a_number'],
    ['   ', 'not_a_number'],
    ['abc', 'not_a_number'],
    ['1e3', 'not_a_number'],
    ['0x10', 'not_a_number'],
    ['+1', 'not_a_number'],
    ['1.', 'not_a_number'],
    ['1.2.3', 'not_a_number'],
    ['1 5', 'not_a_number'],
    ['-', 'not_a_number'],
    ['-1', 'negative'],
    ['-0.5', 'negative'],
    ['366', 'too_large'],
    ['365.01', 'too_large'],
    ['1000', 'too_large'],
    ['1.234', 'too_many_decimals'],
    ['0.001', 'too_many_decimals'],
    ['1.500', 'too_many_decimals'],
    ['1,000', 'too_many_decimals'],
  ])('refuses %j as %s', (text, reason) => {
    expect(parseAfterDays(text)).toEqual({ ok: false, reason });
  });
});

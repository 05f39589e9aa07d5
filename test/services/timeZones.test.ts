import { searchTimeZones, timeZoneLabel, timeZoneNames } from '../../src/services/timeZones.js';

describe('time zone type-ahead', () => {
  test('knows every IANA zone of the runtime, and UTC', () => {
    expect(timeZoneNames().length).toBeGreaterThan(300);
    expect(timeZoneNames()).toContain('UTC');
    expect(timeZoneNames()).toContain('Europe/Berlin');
  });

  test('finds a zone by any part of its name, in any case, spaces standing for underscores', () => {
    expect(searchTimeZones('berlin')).toEqual(['Europe/Berlin']);
    expect(searchTimeZones('New York')).toContain('America/New_York');
    expect(searchTimeZones('EUROPE/')).toContain('Europe/Lisbon');
    expect(searchTimeZones('no such place')).toEqual([]);
  });

  test('zones whose city starts with what was typed come first, and at most 100 are offered', () => {
    // Alphabetically America/Miquelon comes first; London starts with "lon".
    const found = searchTimeZones('lon');
    expect(found).toContain('America/Miquelon');
    expect(found.indexOf('Europe/London')).toBeLessThan(found.indexOf('America/Miquelon'));
    expect(searchTimeZones('')).toHaveLength(100);
    expect(searchTimeZones('a', 7)).toHaveLength(7);
  });

  test('labels show the offset at the given moment, DST included', () => {
    expect(timeZoneLabel('Europe/Berlin', new Date('2027-01-15T12:00:00Z'))).toBe('Europe/Berlin (UTC+01:00)');
    expect(timeZoneLabel('Europe/Berlin', new Date('2027-07-15T12:00:00Z'))).toBe('Europe/Berlin (UTC+02:00)');
    expect(timeZoneLabel('Asia/Kolkata', new Date('2027-07-15T12:00:00Z'))).toBe('Asia/Kolkata (UTC+05:30)');
    expect(timeZoneLabel('America/St_Johns', new Date('2027-01-15T12:00:00Z'))).toBe('America/St_Johns (UTC-03:30)');
  });
});

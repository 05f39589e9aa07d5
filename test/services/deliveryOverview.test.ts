// "Today" on App Home is the assistant's own day: its local midnight, worked out by hand here.
import { startOfLocalDay } from '../../src/services/deliveryOverview.js';

test('the start of the assistant’s day is its local midnight, on the days the clocks change too', () => {
  // Berlin: CET (UTC+1) until 2027-03-28 02:00, CEST (UTC+2) until 2027-10-31 03:00.
  expect(startOfLocalDay(new Date('2027-03-28T12:00:00Z'), 'Europe/Berlin').toISOString()).toBe('2027-03-27T23:00:00.000Z');
  expect(startOfLocalDay(new Date('2027-03-29T00:30:00Z'), 'Europe/Berlin').toISOString()).toBe('2027-03-28T22:00:00.000Z');
  expect(startOfLocalDay(new Date('2027-10-31T12:00:00Z'), 'Europe/Berlin').toISOString()).toBe('2027-10-30T22:00:00.000Z');
  // 23:30 on the 4th in New York (UTC-5) is the 5th in UTC: still the 4th's day there.
  expect(startOfLocalDay(new Date('2027-01-05T04:30:00Z'), 'America/New_York').toISOString()).toBe('2027-01-04T05:00:00.000Z');
  expect(startOfLocalDay(new Date('2027-01-05T04:30:00Z'), 'UTC').toISOString()).toBe('2027-01-05T00:00:00.000Z');
});

// The own email is the start of an Email CC schedule: Day 0, never moved off an off day.
import { formatExampleDate } from '../../src/services/calendar.js';
import { OWN_EMAIL } from '../../src/services/domain.js';
import { previewSteps } from '../../src/services/stepPreview.js';

const rules = { timeZone: 'Europe/Berlin', offDays: [6, 0] as const };
// Saturday 11 April 2026, 10:00 in Berlin (CEST, UTC+2): an off day.
const SATURDAY = new Date('2026-04-11T08:00:00Z');

function dates(steps: Parameters<typeof previewSteps>[0]): string[] {
  return previewSteps(steps, { messages: new Map(), start: SATURDAY, rules: { ...rules, offDays: [...rules.offDays] } }).map((s) =>
    s.exampleDate ? `${formatExampleDate(s.exampleDate, rules.timeZone, SATURDAY)}${s.shiftedByDays ? ` +${s.shiftedByDays}` : ''}${s.sentByUser ? ' (own email)' : ''}` : 'none',
  );
}

test('an Email CC schedule started on a Saturday: the own email stays on Saturday (Day 0), and the first followup counts from it and moves to Monday', () => {
  expect(
    dates([
      { type: OWN_EMAIL, customMessageId: null, afterDays: 0 },
      { type: 'Gentle', customMessageId: null, afterDays: 1 },
      { type: 'Appreciative', customMessageId: null, afterDays: 2 },
    ]),
  ).toEqual(['Day 0 · Sat 11 Apr (own email)', 'Day 2 · Mon 13 Apr +1', 'Day 4 · Wed 15 Apr']);
});

test('a first step with after days 0 that the app sends does move off the off day', () => {
  expect(dates([{ type: 'Candid', customMessageId: null, afterDays: 0 }])).toEqual(['Day 2 · Mon 13 Apr +2']);
});

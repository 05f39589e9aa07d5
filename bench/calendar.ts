// `npm run bench:calendar`: send times planned per second for 100,000 enrollments of a 20-step
// schedule with public holidays, and peak memory, for the calendar and for the same rules
// computed with Luxon's zone arithmetic (a dev dependency, for this comparison only). Each runs
// in its own child process so peak memory is its own; a sample of enrollments is checked to
// agree before timing. Prints figures; asserts nothing (but exits 1 if the two disagree).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { hundredthsOfDays, planSendTimes, prepareCalendar, type CalendarRules, type PreparedCalendar } from '../src/services/calendar.js';

const ENROLLMENTS = Number(process.env.BENCH_ENROLLMENTS ?? 100_000);
const SAMPLE = 2_000;
const AFTER_DAYS = Array.from({ length: 20 }, (_, i) => [0.5, 1, 1.5, 2, 3.25, 0.01, 7][i % 7]!);
const AFTER_HUNDREDTHS = AFTER_DAYS.map((d) => hundredthsOfDays(d));

// Assistants in zones with DST north and south, a 30-minute offset, and each one's holidays.
const ASSISTANTS: CalendarRules[] = [
  { timeZone: 'Europe/Berlin', offDays: [6, 0], holidays: { country: 'DE', region: 'BY' }, extraOffDates: ['2027-08-02', '2027-08-03'] },
  { timeZone: 'America/New_York', offDays: [6, 0], holidays: { country: 'US', region: 'NY' } },
  { timeZone: 'America/Los_Angeles', offDays: [6, 0], businessHours: { open: '08:30', close: '18:00' }, holidays: { country: 'US', region: 'CA' } },
  { timeZone: 'Australia/Sydney', offDays: [6, 0], holidays: { country: 'AU', region: 'NSW' } },
  { timeZone: 'Australia/Adelaide', offDays: [6, 0], businessHours: { open: '02:30', close: '17:00' }, holidays: { country: 'AU', region: 'SA' } },
  { timeZone: 'Asia/Kolkata', offDays: [0], holidays: { country: 'IN', region: null } },
];

/** Enrollment i: its assistant and a start spread over two years, to the second. */
function enrollment(i: number): { assistant: number; start: Date } {
  const seconds = Math.floor(Date.UTC(2026, 0, 1) / 1000) + ((i * 7_919_813) % (2 * 365 * 86_400));
  return { assistant: i % ASSISTANTS.length, start: new Date(seconds * 1000) };
}

// ---------------------------------------------------------------------------
// The same rules with Luxon: wall-clock fields through DateTime, offsets from Luxon's zone.

interface LuxonCalendar {
  zone: string;
  offDays: Set<number>;
  open: { hour: number; minute: number };
  close: { hour: number; minute: number };
  closeMinutes: number;
  openMinutes: number;
  offDates: Set<string>;
}

function luxonCalendar(rules: CalendarRules): LuxonCalendar {
  const hours = rules.businessHours ?? { open: '09:00', close: '17:00' };
  const [oh, om] = hours.open.split(':').map(Number) as [number, number];
  const [ch, cm] = hours.close.split(':').map(Number) as [number, number];
  const offDates = new Set(rules.extraOffDates ?? []);
  if (rules.holidays) {
    const { country, region } = rules.holidays;
    const source = region ? new Holidays(country, region, { types: ['public'] }) : new Holidays(country, { types: ['public'] });
    for (let year = 2025; year <= 2032; year++) for (const h of source.getHolidays(year)) if (h.type === 'public') offDates.add(h.date.slice(0, 10));
  }
  return { zone: rules.timeZone, offDays: new Set(rules.offDays), open: { hour: oh, minute: om }, close: { hour: ch, minute: cm }, openMinutes: oh * 60 + om, closeMinutes: ch * 60 + cm, offDates };
}

const offsetMs = (t: number, zone: string) => DateTime.fromMillis(t, { zone }).offset * 60_000;

/** The instant the zone's clocks show the UTC-encoded wall time `wall`: first of two, first after a gap. */
function luxonResolve(wall: number, zone: string, notBefore: number): number {
  const fields = DateTime.fromMillis(wall, { zone: 'utc' });
  const dt = DateTime.fromObject({ year: fields.year, month: fields.month, day: fields.day, hour: fields.hour, minute: fields.minute, second: fields.second }, { zone });
  const shows = (t: number) => t + offsetMs(t, zone) === wall;
  if (shows(dt.toMillis())) {
    const candidates = [...new Set([wall - offsetMs(wall - 86_400_000, zone), wall - offsetMs(wall + 86_400_000, zone), dt.toMillis()])].filter(shows).sort((a, b) => a - b);
    return candidates.find((t) => t >= notBefore) ?? candidates.at(-1)!;
  }
  // Luxon moves a time in a gap forward by the gap's length; the rules want the moment the clocks jump.
  let low = wall - Math.max(offsetMs(wall - 86_400_000, zone), offsetMs(wall + 86_400_000, zone));
  let high = dt.toMillis();
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (mid + offsetMs(mid, zone) < wall) low = mid;
    else high = mid;
  }
  return high;
}

function luxonWorking(t: number, c: LuxonCalendar): number {
  let day = DateTime.fromMillis(t, { zone: c.zone });
  const minutes = day.hour * 60 + day.minute + day.second / 60;
  const working = (d: DateTime) => !c.offDays.has(d.weekday % 7) && !c.offDates.has(d.toISODate()!);
  const opening = (d: DateTime) => luxonResolve(Date.UTC(d.year, d.month - 1, d.day, c.open.hour, c.open.minute), c.zone, t);
  if (working(day) && minutes < c.closeMinutes) return minutes >= c.openMinutes ? t : opening(day);
  do day = day.plus({ days: 1 });
  while (!working(day));
  return opening(day);
}

function luxonPlan(start: Date, hundredths: readonly number[], c: LuxonCalendar): number[] {
  let previous = Math.floor(start.getTime() / 1000) * 1000;
  const out: number[] = [];
  for (const h of hundredths) {
    const added = luxonResolve(previous + offsetMs(previous, c.zone) + h * 864_000, c.zone, previous);
    previous = luxonWorking(added, c);
    out.push(previous);
  }
  return out;
}

// ---------------------------------------------------------------------------

function runOne(impl: 'calendar' | 'luxon'): void {
  const planned = new Float64Array(ENROLLMENTS * AFTER_HUNDREDTHS.length); // the plans are kept, as a real run keeps them
  const calendars: PreparedCalendar[] = ASSISTANTS.map((r) => prepareCalendar(r));
  const luxons = ASSISTANTS.map(luxonCalendar);
  const baselineMiB = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  let k = 0;
  for (let i = 0; i < ENROLLMENTS; i++) {
    const { assistant, start } = enrollment(i);
    if (impl === 'calendar') for (const p of planSendTimes(start, AFTER_HUNDREDTHS, calendars[assistant]!)) planned[k++] = p.at.getTime();
    else for (const t of luxonPlan(start, AFTER_HUNDREDTHS, luxons[assistant]!)) planned[k++] = t;
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ impl, perSecond: k / seconds, seconds, baselineMiB, maxRssMiB: process.resourceUsage().maxRSS / 1024, checksum: planned[k - 1] }));
}

function compareSample(): number {
  const calendars = ASSISTANTS.map((r) => prepareCalendar(r));
  const luxons = ASSISTANTS.map(luxonCalendar);
  let mismatches = 0;
  for (let s = 0; s < SAMPLE; s++) {
    const { assistant, start } = enrollment(Math.floor((s * ENROLLMENTS) / SAMPLE));
    const ours = planSendTimes(start, AFTER_HUNDREDTHS, calendars[assistant]!).map((p) => p.at.getTime());
    const theirs = luxonPlan(start, AFTER_HUNDREDTHS, luxons[assistant]!);
    if (ours.some((t, i) => t !== theirs[i])) {
      if (mismatches++ < 3) console.log(`disagree: ${ASSISTANTS[assistant]!.timeZone} from ${start.toISOString()}\n  calendar ${ours.map((t) => new Date(t).toISOString()).join(' ')}\n  luxon    ${theirs.map((t) => new Date(t).toISOString()).join(' ')}`);
    }
  }
  return mismatches;
}

function main(): void {
  const impl = process.argv[2];
  if (impl === 'calendar' || impl === 'luxon') return runOne(impl);
  const mismatches = compareSample();
  console.log(`sample of ${SAMPLE} enrollments × ${AFTER_HUNDREDTHS.length} steps: ${mismatches === 0 ? 'calendar and Luxon agree on every send time' : `${mismatches} enrollments disagree`}`);
  console.log(`${ENROLLMENTS.toLocaleString('en')} enrollments × ${AFTER_HUNDREDTHS.length} steps, ${ASSISTANTS.length} assistants' zones with public holidays, each in its own process:`);
  for (const which of ['calendar', 'luxon'] as const) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), which], { encoding: 'utf8', env: process.env });
    if (child.status !== 0) throw new Error(`${which} run failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { perSecond: number; seconds: number; baselineMiB: number; maxRssMiB: number };
    console.log(`  ${which.padEnd(9)} ${Math.round(result.perSecond).toLocaleString('en').padStart(10)} send times/s  (${result.seconds.toFixed(1)} s)  peak RSS ${result.maxRssMiB.toFixed(0)} MiB (${result.baselineMiB.toFixed(0)} MiB before planning)`);
  }
  if (mismatches > 0) process.exit(1);
}

main();

// Time-zone offsets for the calendar: a table of each zone's offset changes, read from the
// runtime's tz data (Intl) once per zone and 90-day window, so planning millions of send
// times does not format a date through Intl for every step.
import { tzOffset } from '@date-fns/tz';

export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 24 * MS_PER_HOUR;

const WINDOW_MS = 90 * MS_PER_DAY;
// No zone changes its offset twice within 6 hours (tz data since 1900), so a sample every 6 h finds every change.
const SAMPLE_MS = 6 * MS_PER_HOUR;

interface Window {
  /** Offset at the window's start, then each change inside it, in order. */
  readonly changes: readonly { readonly at: number; readonly offset: number }[];
  readonly firstOffset: number;
}

const windows = new Map<string, Map<number, Window>>();

function rawOffset(t: number, timeZone: string): number {
  return Math.round(tzOffset(timeZone, new Date(t)) * 60) * 1000;
}

function loadWindow(index: number, timeZone: string): Window {
  const start = index * WINDOW_MS;
  const firstOffset = rawOffset(start, timeZone);
  const changes: { at: number; offset: number }[] = [];
  let previous = firstOffset;
  for (let low = start; low < start + WINDOW_MS; low += SAMPLE_MS) {
    const next = rawOffset(low + SAMPLE_MS, timeZone);
    if (next === previous) continue;
    // The change lies in (low, low + SAMPLE_MS]: find its first second.
    let lo = low / 1000;
    let hi = (low + SAMPLE_MS) / 1000;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (rawOffset(mid * 1000, timeZone) === previous) lo = mid;
      else hi = mid;
    }
    if (hi * 1000 < start + WINDOW_MS) changes.push({ at: hi * 1000, offset: next });
    previous = next;
  }
  return { firstOffset, changes };
}

/** UTC offset of `timeZone` at instant `t`, in ms (`timeZone` must be valid). */
export function offsetAt(t: number, timeZone: string): number {
  let zone = windows.get(timeZone);
  if (!zone) windows.set(timeZone, (zone = new Map()));
  const index = Math.floor(t / WINDOW_MS);
  let window = zone.get(index);
  if (!window) zone.set(index, (window = loadWindow(index, timeZone)));
  let offset = window.firstOffset;
  for (const change of window.changes) {
    if (change.at > t) break;
    offset = change.offset;
  }
  return offset;
}

/**
 * "Wall" time: the local wall-clock fields of instant `t` in `timeZone`, encoded as
 * if they were UTC, so wall-clock arithmetic is plain millisecond arithmetic.
 */
export function wallAt(t: number, timeZone: string): number {
  return t + offsetAt(t, timeZone);
}

/**
 * The instant at which the clocks in `timeZone` show `wall`. A time shown twice (fall-back)
 * takes the first occurrence that is not before `notBefore` (so a plan never goes back in
 * time from the second 01:30); a time never shown (spring-forward gap) takes the first
 * instant after the gap. Assumes at most one offset change within a day of `wall`.
 */
export function instantAtWall(wall: number, timeZone: string, notBefore = -Infinity): number {
  const before = offsetAt(wall - MS_PER_DAY, timeZone);
  const after = offsetAt(wall + MS_PER_DAY, timeZone);
  const first = wall - Math.max(before, after);
  const second = wall - Math.min(before, after);
  const firstShows = wallAt(first, timeZone) === wall;
  const secondShows = second !== first && wallAt(second, timeZone) === wall;
  if (firstShows && (first >= notBefore || !secondShows)) return first;
  if (secondShows) return second;
  // In a gap: the first instant whose wall time is at or after `wall`.
  // Invariant: wallAt(low) < wall <= wallAt(high).
  let low = first;
  let high = second;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (wallAt(mid, timeZone) < wall) low = mid;
    else high = mid;
  }
  return high;
}

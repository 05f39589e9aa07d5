// Time zone names for pickers: every IANA zone the runtime knows, found by any part of the name.
// Pure: "now" (for the UTC offset shown next to a name) is passed in.
import { tzOffset } from '@date-fns/tz';

let cached: readonly string[] | undefined;

/** Every IANA zone name, alphabetical. Node's list leaves out "UTC" itself, which users pick too. */
export function timeZoneNames(): readonly string[] {
  if (!cached) {
    const names = new Set(Intl.supportedValuesOf('timeZone'));
    names.add('UTC');
    cached = Object.freeze([...names].sort());
  }
  return cached;
}

/** Lowercase, with spaces as underscores: "new york" finds America/New_York. */
function normalise(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, '_');
}

/**
 * Zones whose name contains `query` anywhere, case-insensitive, at most `limit`. Zones whose city (the
 * last part) starts with the query come first, then those containing it elsewhere.
 */
export function searchTimeZones(query: string, limit = 100): string[] {
  const q = normalise(query);
  const matches = q ? timeZoneNames().filter((zone) => zone.toLowerCase().includes(q)) : [...timeZoneNames()];
  const city = (zone: string) => (zone.split('/').at(-1) ?? zone).toLowerCase();
  const startsCity = matches.filter((zone) => city(zone).startsWith(q));
  const rest = matches.filter((zone) => !city(zone).startsWith(q));
  return [...startsCity, ...rest].slice(0, limit);
}

/** "Europe/Berlin (UTC+02:00)", the offset as of `at`. */
export function timeZoneLabel(zone: string, at: Date): string {
  let minutes: number;
  try {
    minutes = tzOffset(zone, at);
  } catch {
    return zone;
  }
  if (!Number.isFinite(minutes)) return zone;
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${zone} (UTC${sign}${hh}:${mm})`;
}

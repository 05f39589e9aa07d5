// A write that records something done outside the database (an email the SMTP server accepted, a
// message Slack posted) must land: left unwritten, the next run does that thing again. While the
// database does not answer, it is tried again, up to a second apart, for as long as the caller's
// own claim on the work keeps others off it.
import { isDatabaseUnavailable } from './connection.js';

/** Retries of such a write are at most this far apart (a try with the database down also waits 1.5 s for a server). */
export const WRITE_RETRY_MAX_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** The database did not answer, and may later: not our own connection closed (a stopping process), after which nothing lands. */
function databaseAway(error: unknown): boolean {
  const { name = '', message = '', code = '' } = error as { name?: string; message?: string; code?: string };
  // Driver quirk: a command written to a connection the server just closed fails with Node's bare EPIPE, not a MongoNetworkError.
  if (/^(EPIPE|ECONNRESET|ECONNREFUSED|ETIMEDOUT)$/.test(code)) return true;
  return isDatabaseUnavailable(error) && !/NotConnected|TopologyClosed/.test(name) && !/client was closed/i.test(message);
}

/** Runs `write` (safe to repeat) until it lands, trying again while the database is away, for up to `forMs`. */
export async function writeUntilLanded<T>(write: () => Promise<T>, forMs: number): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!databaseAway(error) || Date.now() - started > forMs) throw error;
      await sleep(Math.min(WRITE_RETRY_MAX_MS, 100 * 2 ** attempt));
    }
  }
}

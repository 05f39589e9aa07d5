// Short locks for what must not interleave across processes, like deleting a schedule while
// someone makes it a default. FerretDB v1 has no transactions and no atomic findAndModify, so
// a lock is a unique-_id insert (the claim-by-unique-insert pattern), removed when done.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, type LockDoc, type Models } from '../db/models.js';
import { DomainError } from './domain.js';

/** A lock held longer than this was left by a crashed process: the next one takes it over. */
const STALE_LOCK_MS = 30_000;
/** How long to wait for a lock someone else holds (their work takes a few round trips). */
const LOCK_WAIT_MS = 2_500;
const RETRY_MS = 15;

/** The lock on a schedule: held while it is deleted, and while it is made a default. */
export function scheduleLock(scheduleId: string): string {
  return `schedule:${scheduleId}`;
}

/**
 * Runs `work` holding the locks named `keys` (in a fixed order, so two holders never wait on
 * each other), and releases them after, whatever `work` does. Waits for a lock held by someone
 * else; past LOCK_WAIT_MS, refuses with a sentence to try again.
 */
export async function withLocks<T>(models: Models, clock: Clock, keys: readonly string[], work: () => Promise<T>): Promise<T> {
  const token = randomUUID();
  const held: string[] = [];
  try {
    for (const key of [...new Set(keys)].sort()) {
      await acquire(models, clock, key, token);
      held.push(key);
    }
    return await work();
  } finally {
    await models.Lock.deleteMany({ _id: { $in: held }, token });
  }
}

async function acquire(models: Models, clock: Clock, key: string, token: string): Promise<void> {
  const { Lock } = models;
  // Real time, not the injected clock: this waits for another process, and a test's fixed clock never moves.
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await Lock.create({ _id: key, token, claimedAt: clock.now() });
      return;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const holder = await Lock.findById(key).lean<LockDoc>();
    if (holder && clock.now().getTime() - holder.claimedAt.getTime() > STALE_LOCK_MS) {
      await Lock.deleteOne({ _id: key, token: holder.token });
      continue;
    }
    if (Date.now() > deadline) throw new DomainError('conflict', 'Someone else is changing this schedule right now. Nothing was changed: try again in a moment.');
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

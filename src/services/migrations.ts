// Data migrations run at start-up, once per database: a marker document (unique _id) records each,
// so later starts cost one lookup instead of a scan of whole collections.
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, type Models } from '../db/models.js';

/**
 * Runs `work` unless the migration named `marker` is recorded as done, then records it. `work`
 * must be idempotent: two processes starting at once may both run it before either records it.
 * Returns what `work` returned, or `skipped` when it had already run.
 */
export async function runOnce<T>(models: Models, clock: Clock, marker: string, work: () => Promise<T>, skipped: T): Promise<T> {
  if (await models.Migration.exists({ _id: marker })) return skipped;
  const result = await work();
  try {
    await models.Migration.create({ _id: marker, doneAt: clock.now() });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error; // another process finished it too
  }
  return result;
}

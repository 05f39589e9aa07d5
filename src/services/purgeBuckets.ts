// Purging by buckets. FerretDB v1 has no TTL index and pushes only equality filters down to the
// database (a `{at: {$lt: …}}` delete reads and decodes the whole collection in Go, every
// workspace's documents included), so what is purged carries a coarse bucket number (an hour, a
// day or a minute since the epoch) and a purge deletes one bucket at a time by equality, from an
// index. A cursor per purge remembers the first bucket that may still hold something: the buckets
// behind it were emptied, and nothing is written into a bucket once its time has passed. Safe in
// several processes at once: two may walk the same buckets (their deletes are idempotent), and the
// cursor only moves forward.
import { isDuplicateKeyError, type Models } from '../db/models.js';

export interface BucketWalk {
  /**
   * Where the walk starts when there is no cursor yet (a new database, or the first run after the
   * buckets came in): the oldest bucket that holds anything (null: none yet). Asked only then: the
   * database sorts in Go, reading the whole collection once.
   */
  readonly oldest: () => Promise<number | null>;
  /** The last bucket that may be purged now (inclusive). */
  readonly last: number;
  /** At most this many buckets per run (after a long downtime the next runs go on). */
  readonly max?: number;
  readonly now: Date;
}

/** Calls `purge` for each bucket from the cursor `name` through `walk.last`, moving the cursor past each; how many it walked. */
export async function walkBuckets(models: Models, name: string, walk: BucketWalk, purge: (bucket: number) => Promise<void>): Promise<number> {
  const { PurgeCursor } = models;
  const cursor = await PurgeCursor.findById(name).lean<{ next: number }>();
  const from = cursor?.next ?? (await walk.oldest()) ?? walk.last + 1;
  const to = Math.min(walk.last, from + (walk.max ?? 1000) - 1);
  const moveTo = async (next: number) => {
    const update = { $max: { next }, $set: { at: walk.now } };
    try {
      await PurgeCursor.updateOne({ _id: name }, update, { upsert: true });
    } catch (error) {
      // Two processes creating the cursor at once: the loser's update applies to the winner's.
      if (!isDuplicateKeyError(error)) throw error;
      await PurgeCursor.updateOne({ _id: name }, update);
    }
  };
  // Made at once, so the whole-collection read above happens once.
  if (!cursor) await moveTo(from);
  for (let bucket = from; bucket <= to; bucket++) {
    await purge(bucket);
    await moveTo(bucket + 1);
  }
  return Math.max(0, to - from + 1);
}

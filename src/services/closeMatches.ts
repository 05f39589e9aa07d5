// "Did you mean": the names closest to what a user typed, for answers to a name that matches nothing.
// Fuzzy, so a typo ("Recomended") finds its name as well as a part of it ("enterprise") does.
import Fuse from 'fuse.js';
import type { Model } from 'mongoose';
import { workspaceKey, type WorkspaceRef } from './domain.js';

/** Past this a typed name is not a typo of any name (names are 80 characters at most). */
const LONGEST_TYPED = 100;

/** Up to `limit` of `names`, closest to `typed` first; none when nothing comes close. */
export function closestNames(typed: string, names: readonly string[], limit = 5): string[] {
  const query = typed.replace(/\s+/g, ' ').trim().slice(0, LONGEST_TYPED);
  if (!query) return [];
  // ignoreLocation: a match anywhere in the name counts the same. 0.3 lets a typo or two through
  // ("Recomended", "Pricng folow-up") but not a different short name ("Zed" is not "Ben").
  const fuse = new Fuse(names, { ignoreLocation: true, threshold: 0.3, ignoreDiacritics: true });
  return fuse.search(query, { limit }).map((result) => result.item);
}

/** The names in one workspace's `model` (schedules, custom messages, assistants) closest to `typed`. */
export async function closeMatchesIn<T extends { name: string }>(model: Model<T>, ref: WorkspaceRef, typed: string, limit = 5): Promise<string[]> {
  const docs = await model.find({ workspace: workspaceKey(ref) }, { name: 1 }).lean<{ name: string }[]>();
  return closestNames(typed, docs.map((doc) => doc.name), limit);
}

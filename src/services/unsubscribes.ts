// Unsubscribe links (issue #10): every email carries `<PUBLIC_URL>/unsubscribe/<token>`, the
// lead's own random token (no login: whoever holds the email may unsubscribe). A stored token,
// not one derived from a secret, so rotating a secret never breaks links in emails already sent.
import type { Clock } from '../clock.js';
import { bulkUpdate, newUnsubscribeToken, type LeadDoc, type Models } from '../db/models.js';
import { runOnce } from './migrations.js';

/** Where the unsubscribe page lives (GET shows a confirmation, POST unsubscribes: RFC 8058). */
export const UNSUBSCRIBE_PATH = '/unsubscribe';
/** What a token looks like (newUnsubscribeToken): anything else is refused before a query. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{24}$/;

export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${UNSUBSCRIBE_PATH}/${token}`;
}

export function isUnsubscribeToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** The lead an unsubscribe token belongs to, or null. */
export async function leadByUnsubscribeToken(models: Models, token: string): Promise<LeadDoc | null> {
  if (!isUnsubscribeToken(token)) return null;
  return models.Lead.findOne({ unsubscribeToken: token }).lean<LeadDoc>();
}

/** Gives leads added before unsubscribe links existed a token of their own (safe to run twice: only leads without one change). */
export async function migrateUnsubscribeTokens(models: Models, clock: Clock): Promise<number> {
  return runOnce(
    models,
    clock,
    'unsubscribeTokens.v1',
    async () => {
      let changed = 0;
      for (;;) {
        const batch = await models.Lead.find({ unsubscribeToken: { $exists: false } }, { _id: 1 }).limit(500).lean<Pick<LeadDoc, '_id'>[]>();
        if (!batch.length) return changed;
        changed += await bulkUpdate(
          models.Lead,
          batch.map((lead) => ({ updateOne: { filter: { _id: lead._id, unsubscribeToken: { $exists: false } }, update: { $set: { unsubscribeToken: newUnsubscribeToken() } } } })),
          { timestamps: false },
        );
      }
    },
    0,
  );
}

// Unsubscribe links (issue #10): every email carries `<PUBLIC_URL>/unsubscribe/<token>`, the
// lead's own random token (no login: whoever holds the email may unsubscribe). A stored token,
// not one derived from a secret, so rotating a secret never breaks links in emails already sent.
import type { Clock } from '../clock.js';
import { bulkUpdate, newUnsubscribeToken, type AssistantDoc, type EnrollmentDoc, type LeadDoc, type Models } from '../db/models.js';
import { runOnce } from './migrations.js';
import { stopForLead, type LeadStopDeps } from './leadStops.js';

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

/** Who sends the lead followups, as the unsubscribe page names them (nothing else of the lead shows). */
export interface Sender {
  readonly name: string;
  readonly email: string | null;
}

export interface UnsubscribeState {
  readonly senders: readonly Sender[];
  /** The lead had already unsubscribed (before this request). */
  readonly unsubscribed: boolean;
}

export interface UnsubscribeService {
  /** What the link's page shows; null for a token no lead has (or not a token at all). */
  look(token: string): Promise<UnsubscribeState | null>;
  /**
   * Stops every open enrollment of the token's lead (reason `unsubscribed`), tells each assistant's
   * channel, and marks the lead unsubscribed. Running it twice has one effect: the second answers
   * `unsubscribed: true`. Null for an unknown token.
   */
  unsubscribe(token: string): Promise<UnsubscribeState | null>;
}

export function createUnsubscribeService(deps: LeadStopDeps): UnsubscribeService {
  const { models, clock } = deps;

  /** The senders of the lead's assistants (their open enrollments first), named as the lead knows them. */
  async function sendersOf(lead: LeadDoc): Promise<Sender[]> {
    const enrollments = await models.Enrollment.find({ workspace: lead.workspace, leadId: lead._id }, { assistantId: 1, state: 1, createdAt: 1 }).lean<Pick<EnrollmentDoc, 'assistantId' | 'state' | 'createdAt'>[]>();
    const isOpen = (e: Pick<EnrollmentDoc, 'state'>) => e.state === 'active' || e.state === 'paused';
    const ordered = [...enrollments].sort((a, b) => Number(isOpen(b)) - Number(isOpen(a)) || a.createdAt.getTime() - b.createdAt.getTime());
    const ids = [...new Set(ordered.map((e) => String(e.assistantId)))].slice(0, 5);
    const assistants = await Promise.all(ids.map((id) => models.Assistant.findOne({ _id: id, workspace: lead.workspace }, { name: 1, senderName: 1, senderEmail: 1 }).lean<AssistantDoc>()));
    const senders = assistants.filter((a): a is AssistantDoc => a !== null).map((a) => ({ name: a.senderName || a.name, email: a.senderEmail || null }));
    return senders.filter((s, i) => senders.findIndex((o) => o.name === s.name && o.email === s.email) === i);
  }

  return {
    async look(token) {
      const lead = await leadByUnsubscribeToken(models, token);
      if (!lead) return null;
      return { senders: await sendersOf(lead), unsubscribed: Boolean(lead.unsubscribedAt) };
    },

    async unsubscribe(token) {
      const lead = await leadByUnsubscribeToken(models, token);
      if (!lead) return null;
      // Enrollments first, the mark after: a failure between them leaves a retry with work to do, never "already unsubscribed" with followups still going.
      const { stopped } = await stopForLead(deps, lead, 'unsubscribed', { byName: 'the lead (unsubscribe link)' });
      const marked = await models.Lead.updateOne({ _id: lead._id, unsubscribedAt: null }, { $set: { unsubscribedAt: clock.now() } }, { timestamps: false });
      return { senders: await sendersOf(lead), unsubscribed: stopped.length === 0 && marked.modifiedCount === 0 };
    },
  };
}

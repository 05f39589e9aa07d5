// The Email CC rule, in one place: an Email CC schedule starts with exactly one own-email step
// (the user's email, sent by them with the assistant in CC, never by the app), at position 0,
// with after days 0; any other schedule has none. Services enforce it on every write, whatever
// the request says; schedules written before the step existed (a placeholder tone first) are
// migrated at start.
import type { Types } from 'mongoose';
import type { Models, StepDoc } from '../db/models.js';
import { OWN_EMAIL, type StepType } from './domain.js';

export function ownEmailStep(): StepDoc & { type: typeof OWN_EMAIL; customMessageId: null; afterHundredths: 0 } {
  return { type: OWN_EMAIL, customMessageId: null, afterHundredths: 0 };
}

/**
 * `steps` in the shape the rule asks for. A first step that is not the own email was the old
 * placeholder (its type was never used): it becomes the own email. Pure; a no-op on steps that
 * already follow the rule.
 */
export function withOwnEmailFirst<T extends { readonly type: StepType }>(emailCc: boolean, steps: readonly T[], ownEmail: (replacing: T | undefined) => T): T[] {
  const followups = steps.slice(emailCc ? 1 : 0).filter((s) => s.type !== OWN_EMAIL);
  if (!emailCc) return followups;
  const first = steps[0];
  return [first?.type === OWN_EMAIL ? first : ownEmail(first), ...followups];
}

/** Why `steps` break the rule (a sentence for the `steps` field), or null. */
export function ownEmailProblem(emailCc: boolean, steps: readonly { readonly type: StepType; readonly afterDays: number }[]): string | null {
  const ownEmailAt = steps.flatMap((s, i) => (s.type === OWN_EMAIL ? [i] : []));
  if (!emailCc) return ownEmailAt.length ? 'Only an Email CC schedule starts with your own email; this one is sent entirely by the app.' : null;
  if (ownEmailAt[0] !== 0 || ownEmailAt.length !== 1) {
    return 'An Email CC schedule starts with your own email, and only there: step 1 can’t be moved, changed or deleted, and no step goes above it.';
  }
  if (steps[0]!.afterDays !== 0) return 'Your own email is where the schedule starts: its after days are always 0.';
  if (steps.length < 2) return 'Add at least one followup after your own email.';
  return null;
}

/**
 * Migrates Email CC schedules and open editor drafts saved with a placeholder tone first.
 * Idempotent, and safe with several processes starting at once: each write only sets step 1
 * to the own email, and only where it is not one yet, which every valid save agrees with.
 * Returns how many schedules it changed.
 */
export async function migrateToOwnEmailStep(models: Models): Promise<number> {
  const { Schedule, Draft, DraftRevision } = models;
  // Not the own email at position 0 (a missing `steps.0` matches too: an empty list gets one).
  const legacy = { emailCc: true, 'steps.0.type': { $ne: OWN_EMAIL } };
  // The version stays: an editor opened before the migration still saves without a conflict.
  const { modifiedCount } = await Schedule.updateMany(legacy, { $set: { 'steps.0': ownEmailStep() } }, { timestamps: false });
  // Drafts live a day at most, so there are few; their revisions are read through the same rule too.
  const drafts = await Draft.find({}, { scheduleId: 1 }).lean<{ _id: Types.ObjectId; scheduleId: Types.ObjectId }[]>();
  if (drafts.length) {
    const emailCc = await Schedule.find({ _id: { $in: [...new Set(drafts.map((d) => d.scheduleId))] }, emailCc: true }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    const emailCcIds = new Set(emailCc.map((s) => String(s._id)));
    const draftIds = drafts.filter((d) => emailCcIds.has(String(d.scheduleId))).map((d) => d._id);
    if (draftIds.length) {
      await DraftRevision.updateMany(
        { draftId: { $in: draftIds }, 'rows.0': { $exists: true }, 'rows.0.type': { $ne: OWN_EMAIL } },
        { $set: { 'rows.0.type': OWN_EMAIL, 'rows.0.customMessageId': null, 'rows.0.afterDays': '0' } },
      );
    }
  }
  return modifiedCount;
}

// Stops a lead's followups for something the lead did itself (the unsubscribe link, a reply), through
// the lead service's stop (its version claims: a concurrent send, pause or stop is never undone), and
// tells each assistant's channel with a notice. Safe to run twice: a second run stops nothing, and
// the notice sink keeps one notice per (enrollment, step, kind).
import type { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import type { EnrollmentDoc, LeadDoc, Models, StopReason } from '../db/models.js';
import { DomainError, workspaceKey, workspaceRefOf, type Actor } from './domain.js';
import { leadLabel, type LeadService } from './leads/index.js';
import type { NoticeKind, NoticeSink } from './notices/types.js';

export interface LeadStopDeps {
  readonly models: Models;
  readonly clock: Clock;
  readonly leads: LeadService;
  readonly notices: NoticeSink;
}

export interface LeadStopResult {
  /** Enrollments this call stopped. */
  readonly stopped: readonly EnrollmentDoc[];
  /** Enrollments that were already stopped, completed, or stopped by someone else meanwhile. */
  readonly untouched: readonly EnrollmentDoc[];
}

const isOpen = (e: EnrollmentDoc) => e.state === 'active' || e.state === 'paused';

/**
 * Stops every open enrollment of `lead` (only those with `assistantIds`, when given) with `reason`,
 * as `byName` (the lead's history says who), and records a `kind` notice for each one stopped.
 */
export async function stopForLead(
  deps: LeadStopDeps,
  lead: LeadDoc,
  reason: Extract<StopReason, 'unsubscribed' | 'replied'>,
  options: { readonly byName: string; readonly assistantIds?: readonly Types.ObjectId[] },
): Promise<LeadStopResult> {
  const ref = workspaceRefOf(lead.workspace);
  const actor: Actor = { workspace: ref, userId: 'system', name: options.byName, isAdmin: true };
  const wanted = (e: EnrollmentDoc) => !options.assistantIds || options.assistantIds.some((id) => id.equals(e.assistantId));
  const enrollmentsOf = async () => (await deps.models.Enrollment.find({ workspace: workspaceKey(ref), leadId: lead._id }).lean<EnrollmentDoc[]>()).filter(wanted);

  const before = await enrollmentsOf();
  const open = before.filter(isOpen);
  for (const assistantId of new Set(open.map((e) => String(e.assistantId)))) {
    try {
      await deps.leads.stop(actor, String(lead._id), reason, { assistantId });
    } catch (error) {
      // Stopped (or completed) by someone else between our read and the stop: nothing left to do.
      if (!(error instanceof DomainError && error.code === 'invalid')) throw error;
    }
  }
  const after = open.length ? await enrollmentsOf() : before;
  const stopped = after.filter((e) => open.some((o) => o._id.equals(e._id)) && e.state === 'stopped' && e.stopReason === reason);
  await Promise.all(stopped.map((e) => deps.notices.record(stopNotice(lead, e, reason, deps.clock.now()))));
  return { stopped, untouched: after.filter((e) => !stopped.includes(e)) };
}

/** The notice of an enrollment the lead stopped (or, for a reply, one that had already ended). */
export function stopNotice(lead: LeadDoc, enrollment: EnrollmentDoc, kind: Extract<NoticeKind, 'unsubscribed' | 'replied'>, at: Date) {
  const followups = enrollment.followups ?? [];
  // The followup the lead answered or unsubscribed from: the last one sent (the first, when none was).
  const last = [...followups].reverse().find((f) => f.sentAt) ?? followups[0];
  return {
    workspace: workspaceRefOf(lead.workspace),
    assistantId: String(enrollment.assistantId),
    enrollmentId: String(enrollment._id),
    leadId: String(lead._id),
    kind,
    step: last ? followups.indexOf(last) + 1 : 1,
    totalSteps: followups.length,
    lead: { name: leadLabel({ firstName: lead.firstName ?? '', lastName: lead.lastName ?? '', email: lead.email }), company: lead.company ?? '', email: lead.email },
    subject: '',
    preview: '',
    nextPlannedAt: null,
    detail: null,
    at,
  };
}

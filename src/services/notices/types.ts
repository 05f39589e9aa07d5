// What delivery tells the team in Slack (issue #10): the dispatcher and the reply webhook record a
// notice; the notices service posts it in the assistant's channel, paced, threaded per lead.
import type { WorkspaceRef } from '../domain.js';

export const NOTICE_KINDS = ['sent', 'not_delivered', 'held', 'bounced', 'replied', 'unsubscribed', 'failed'] as const;
/**
 * sent: emailed. not_delivered: written to the outbox (no SMTP server configured). held: a token
 * has no value (the enrollment is paused). bounced: a permanent rejection stopped the lead.
 * replied / unsubscribed: the lead stopped itself. failed: a send that keeps failing (temporary).
 */
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface NoticeInput {
  readonly workspace: WorkspaceRef;
  readonly assistantId: string;
  readonly enrollmentId: string;
  readonly leadId: string;
  readonly kind: NoticeKind;
  /** 1-based step and the schedule's count of steps that are sent ("followup 2 of 7"). */
  readonly step: number;
  readonly totalSteps: number;
  readonly lead: { readonly name: string; readonly company: string; readonly email: string };
  readonly subject: string;
  /** The first lines of the body. */
  readonly preview: string;
  /** The next followup's planned time; null when none is left. */
  readonly nextPlannedAt: Date | null;
  /** held: the missing field(s); bounced/failed: the server's answer. */
  readonly detail: string | null;
  /** When it happened. */
  readonly at: Date;
}

export interface NoticeSink {
  /** Stores the notice to be posted; recording the same (enrollment, step, kind) twice keeps one. */
  record(input: NoticeInput): Promise<void>;
  /** `record` for many at once (a batch of sends). */
  recordAll(inputs: readonly NoticeInput[]): Promise<void>;
}

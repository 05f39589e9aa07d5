// The contracts between the parts of delivery (issue #10), so rendering, the mailer, the
// dispatcher and the Slack notices can be built side by side. Plain types: no Slack, no SMTP.
import type { StepType, Tone } from '../domain.js';

/** What rendering needs of a lead: the fields tokens read. */
export interface LeadFields {
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly company: string;
  readonly title: string;
  readonly phone: string;
  readonly industry: string;
  readonly custom: readonly { readonly name: string; readonly value: string }[];
}

/** The assistant as the lead sees it. */
export interface SenderFields {
  readonly name: string;
  readonly email: string;
  readonly signature: string;
}

export interface RenderInput {
  readonly lead: LeadFields;
  readonly sender: SenderFields;
  readonly step: {
    /** 1-based, as the editor numbers steps. */
    readonly number: number;
    readonly type: StepType;
    /** The step's custom message (null for a tone step). */
    readonly customMessage: { readonly subject: string; readonly body: string } | null;
  };
  /** Makes a tone's template choice deterministic per lead and step (the enrollment id). */
  readonly seed: string;
}

/** A followup written for its lead: the body carries the signature; the mailer adds the unsubscribe footer. */
export interface RenderedFollowup {
  /** Empty when the step has none of its own (a custom message without a subject): the thread's subject is used. */
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** `missing`: tokens (as written, e.g. `first_name`, `custom.deal_size`) with neither a value nor a fallback. */
export type RenderResult = { readonly ok: true; readonly followup: RenderedFollowup } | { readonly ok: false; readonly missing: readonly string[] };

/** Writes a tone step's text (with tokens); the built-in one picks from templates, a model-based one could write it. */
export interface FollowupGenerator {
  generate(input: { readonly tone: Tone; readonly step: number; readonly seed: string; readonly lead: LeadFields; readonly sender: SenderFields }): { readonly subject: string; readonly body: string };
}

export interface Mailbox {
  readonly name: string;
  readonly email: string;
}

/** One email, ready to go: the mailer adds the unsubscribe footer and headers and nothing else. */
export interface OutgoingEmail {
  /** The workspace key (domain.ts `workspaceKey`): an email kept in the outbox is the workspace's data, deleted with it. */
  readonly workspace: string;
  /** `<…@…>`, fixed per (enrollment, step): a retry after a crash sends the same Message-ID. */
  readonly messageId: string;
  readonly from: Mailbox;
  readonly to: Mailbox;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The previous email of the lead's thread, and every earlier one (oldest first); empty for the first. */
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  /** The lead's unsubscribe link (GET shows a confirmation page, POST unsubscribes: RFC 8058). */
  readonly unsubscribeUrl: string;
}

/**
 * `delivered: false`: no SMTP server is configured and the email went to the outbox collection.
 * `permanent`: a 5xx rejection (bounce: stop the lead); otherwise temporary (retry with backoff).
 */
export type SendOutcome =
  | { readonly ok: true; readonly delivered: boolean }
  | { readonly ok: false; readonly permanent: boolean; readonly error: string };

export interface Mailer {
  send(email: OutgoingEmail): Promise<SendOutcome>;
  close(): Promise<void>;
}

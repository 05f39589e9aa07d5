// A lead's reply to a followup, as an email provider's inbound-mail webhook reports it (POST
// /hooks/reply): the lead's followups with that assistant stop (reason `replied`) and the lead's
// thread in the assistant's channel is told. Matching, in order of trust:
// 1. In-Reply-To / References naming a Message-ID the app sent: delivery writes them as
//    `<followup.<enrollmentId>.<step>@<sender's domain>>`, so the enrollment is read by its _id.
// 2. Otherwise the From address: the leads with that email, in any workspace, whose assistant's
//    sender email is among the recipients (To and Cc).
// Running it twice has one effect: the second stops nothing, and notices are kept once per
// (enrollment, step, kind).
import type { Types } from 'mongoose';
import { parseObjectId, type AssistantDoc, type EnrollmentDoc, type LeadDoc } from '../db/models.js';
import { stopForLead, stopNotice, type LeadStopDeps } from './leadStops.js';

export interface InboundReply {
  /** The replying address, lower-cased. */
  readonly from: string;
  /** To and Cc addresses, lower-cased. */
  readonly recipients: readonly string[];
  /** In-Reply-To and References, as `<…>` ids. */
  readonly messageIds: readonly string[];
}

/** What a reply matched: counts only (the answer goes back to the email provider). */
export interface ReplyResult {
  /** `message_id`: by the thread's headers; `address`: by the From and To addresses; `none`: no lead. */
  readonly matchedBy: 'message_id' | 'address' | 'none';
  readonly leads: number;
  readonly workspaces: number;
  /** Schedules this call stopped. */
  readonly stopped: number;
  /** Matched schedules that had already stopped or ended (a webhook delivered twice, a reply after the last followup). */
  readonly alreadyStopped: number;
}

export interface ReplyService {
  recordReply(reply: InboundReply): Promise<ReplyResult>;
}

/** Delivery's Message-ID of a followup (services/delivery): `<followup.<enrollmentId>.<step>@domain>`. */
const FOLLOWUP_MESSAGE_ID = /^<followup\.([0-9a-f]{24})\.\d+@[^<>\s]+>$/i;
/** A From address shared by many leads is not a reply to look far into. */
const MAX_LEADS_PER_ADDRESS = 50;

export function createReplyService(deps: LeadStopDeps): ReplyService {
  const { models, clock } = deps;

  /** The enrollments the thread's headers name (ids the app could have sent), each once. */
  async function enrollmentsByMessageId(messageIds: readonly string[]): Promise<EnrollmentDoc[]> {
    const ids = [...new Set(messageIds.map((id) => FOLLOWUP_MESSAGE_ID.exec(id.trim())?.[1]?.toLowerCase()).filter((id): id is string => Boolean(id)))].slice(0, 20);
    // One read per id, by _id (the one filter FerretDB v1 pushes down everywhere).
    const found = await Promise.all(ids.map((id) => models.Enrollment.findOne({ _id: parseObjectId(id) }).lean<EnrollmentDoc>()));
    return found.filter((e): e is EnrollmentDoc => e !== null);
  }

  /** The From address's enrollments whose assistant sends as one of the recipients. */
  async function enrollmentsByAddress(reply: InboundReply): Promise<EnrollmentDoc[]> {
    const leads = await models.Lead.find({ email: reply.from }, { _id: 1, workspace: 1 }).limit(MAX_LEADS_PER_ADDRESS).lean<Pick<LeadDoc, '_id' | 'workspace'>[]>();
    const perLead = await Promise.all(leads.map((lead) => models.Enrollment.find({ workspace: lead.workspace, leadId: lead._id }).lean<EnrollmentDoc[]>()));
    const enrollments = perLead.flat();
    const assistantIds = [...new Set(enrollments.map((e) => String(e.assistantId)))];
    const assistants = await Promise.all(assistantIds.map((id) => models.Assistant.findOne({ _id: parseObjectId(id) }, { workspace: 1, senderEmail: 1 }).lean<Pick<AssistantDoc, '_id' | 'workspace' | 'senderEmail'>>()));
    const recipients = new Set(reply.recipients);
    const replyTo = new Set(assistants.filter((a) => a?.senderEmail && recipients.has(a.senderEmail.toLowerCase())).map((a) => `${a!.workspace}|${String(a!._id)}`));
    return enrollments.filter((e) => replyTo.has(`${e.workspace}|${String(e.assistantId)}`));
  }

  return {
    async recordReply(reply) {
      let matchedBy: ReplyResult['matchedBy'] = 'message_id';
      let matched = await enrollmentsByMessageId(reply.messageIds);
      if (!matched.length) {
        matchedBy = 'address';
        matched = await enrollmentsByAddress(reply);
      }
      if (!matched.length) return { matchedBy: 'none', leads: 0, workspaces: 0, stopped: 0, alreadyStopped: 0 };

      // Per lead, the assistants it replied to. Several workspaces may match one address (the same lead
      // followed by assistants sending as the same address): each stops, since a followup after a reply is the worse mistake.
      const byLead = new Map<string, { leadId: Types.ObjectId; assistantIds: Types.ObjectId[]; matched: EnrollmentDoc[] }>();
      for (const e of matched) {
        const entry = byLead.get(String(e.leadId)) ?? { leadId: e.leadId, assistantIds: [], matched: [] };
        if (!entry.assistantIds.some((id) => id.equals(e.assistantId))) entry.assistantIds.push(e.assistantId);
        entry.matched.push(e);
        byLead.set(String(e.leadId), entry);
      }
      let stopped = 0;
      let alreadyStopped = 0;
      const workspaces = new Set<string>();
      for (const entry of byLead.values()) {
        const lead = await models.Lead.findOne({ _id: entry.leadId, workspace: entry.matched[0]!.workspace }).lean<LeadDoc>();
        if (!lead) continue;
        workspaces.add(lead.workspace);
        const result = await stopForLead(deps, lead, 'replied', { byName: 'the lead (email reply)', assistantIds: entry.assistantIds });
        stopped += result.stopped.length;
        for (const assistantId of entry.assistantIds) {
          if (result.stopped.some((e) => e.assistantId.equals(assistantId))) continue;
          alreadyStopped++;
          // A reply after the last followup still tells the thread: the newest matched schedule with that assistant, if it ended on its own.
          const newest = entry.matched.filter((e) => e.assistantId.equals(assistantId)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
          if (newest?.state === 'completed') await deps.notices.record(stopNotice(lead, newest, 'replied', clock.now()));
        }
      }
      return { matchedBy, leads: byLead.size, workspaces: workspaces.size, stopped, alreadyStopped };
    },
  };
}

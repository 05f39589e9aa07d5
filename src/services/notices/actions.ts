// A notice's buttons (Stop, Mark replied, Pause, Resume): the change goes through the lead service
// (version claims: two clicks at once, or a click racing a send, have one effect), then the notice
// records who did what, for the message to show it in place.
import type { Clock } from '../../clock.js';
import type { Models } from '../../db/models.js';
import type { NoticeAction, NoticeActionDoc, NoticeDoc } from '../../db/noticeModels.js';
import type { NoticeService } from './index.js';
import { assertMayActOnLeads, DomainError, workspaceKey, type Actor } from '../domain.js';
import { leadLabel, STOP_REASON_LABELS, type LeadDetails, type LeadFieldsInput, type LeadService } from '../leads/index.js';
import { leadFieldOfToken } from '../personalization.js';
import { parseObjectId } from '../../db/models.js';

export const NOTICE_CHANGES = ['stop', 'replied', 'pause', 'resume'] as const;
export type NoticeChange = (typeof NOTICE_CHANGES)[number];

const DONE: Record<NoticeChange, NoticeAction> = { stop: 'stopped', replied: 'replied', pause: 'paused', resume: 'resumed' };

export interface NoticeActionResult {
  /** The notice as it is now (with the click's action when it changed something). */
  readonly notice: NoticeDoc;
  /** False when the lead was already in that state: `sentence` says so. */
  readonly changed: boolean;
  readonly sentence: string;
}

export interface FillForm {
  readonly noticeId: string;
  readonly leadLabel: string;
  /** The fields the held followup needs (`firstName`, `custom.deal_size`). */
  readonly missing: readonly string[];
  /** The lead's standard fields, by name (`firstName`). */
  readonly values: Readonly<Record<string, string>>;
  /** The lead's custom fields, by name. */
  readonly custom: Readonly<Record<string, string>>;
}

/** The lead fields a held notice's detail names (its tokens, as the dispatcher wrote them); none for a hold of another kind. */
export function missingLeadFields(detail: string | null): string[] {
  const tokens = (detail ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  return [...new Set(tokens.map(leadFieldOfToken).filter((f): f is string => f !== null))];
}

export interface NoticeActionService {
  /** Guests and people of another workspace are refused (assertMayActOnLeads), before anything is read. */
  act(actor: Actor, noticeId: string, change: NoticeChange): Promise<NoticeActionResult>;
  /**
   * Fill in and resume, the form: the lead's fields and those the held followup misses. Refused when
   * the notice is not a held followup's, when the lead is no longer paused, or when what is missing is
   * not a field of the lead (a sender email, a deleted custom message).
   */
  fillForm(actor: Actor, noticeId: string): Promise<FillForm>;
  /**
   * Fill in and resume, the save: the fields through the lead service (validated, the missing ones
   * required, written with the resume as one version of the enrollment), then the notice records who
   * filled what.
   */
  fill(actor: Actor, noticeId: string, fields: LeadFieldsInput): Promise<NoticeActionResult>;
  /** View lead: the notice's lead with its enrollments, for those who may act on it. */
  lead(actor: Actor, noticeId: string): Promise<{ readonly notice: NoticeDoc; readonly lead: LeadDetails }>;
}

export function createNoticeActionService(models: Models, clock: Clock, leads: LeadService, notices: Pick<NoticeService, 'redrawDigestOf'>): NoticeActionService {
  const { Notice } = models;

  /**
   * Records what a button did on the notice, and has a digest redraw its line (a notice of its own is
   * redrawn by the listener, at once, in the clicked message). The change itself is done by then: a
   * digest that could not be asked shows the line at its next update.
   */
  async function recordAction(notice: NoticeDoc, action: NoticeActionDoc): Promise<NoticeDoc> {
    await Notice.updateOne({ _id: notice._id }, { $set: { action } });
    await notices.redrawDigestOf(notice).catch(() => {});
    return { ...notice, action };
  }

  async function noticeFor(actor: Actor, noticeId: string): Promise<NoticeDoc> {
    assertMayActOnLeads(actor);
    const _id = parseObjectId(noticeId);
    const notice = _id ? await Notice.findOne({ _id, workspace: workspaceKey(actor.workspace) }).lean<NoticeDoc>() : null;
    if (!notice) throw new DomainError('not_found', 'That notice no longer exists: its workspace data may have been deleted.');
    return notice;
  }

  async function heldNotice(actor: Actor, noticeId: string): Promise<NoticeDoc> {
    const notice = await noticeFor(actor, noticeId);
    if (notice.kind !== 'held') throw new DomainError('invalid', 'Only a held followup’s notice fills in the lead’s fields.');
    return notice;
  }

  return {
    async lead(actor, noticeId) {
      const notice = await noticeFor(actor, noticeId);
      return { notice, lead: await leads.get(actor.workspace, notice.leadId) };
    },

    async fillForm(actor, noticeId) {
      const notice = await heldNotice(actor, noticeId);
      const details = await leads.get(actor.workspace, notice.leadId);
      const enrollment = details.enrollments.find((e) => e.id === notice.enrollmentId);
      const label = leadLabel(details);
      if (!enrollment) throw new DomainError('not_found', `${label} no longer follows that schedule.`);
      if (enrollment.state === 'stopped') throw new DomainError('invalid', `${label} is stopped${enrollment.stopReason ? ` (${STOP_REASON_LABELS[enrollment.stopReason]})` : ''}: there is nothing to resume.`);
      if (enrollment.state !== 'paused') throw new DomainError('invalid', `${label} is ${enrollment.state === 'active' ? 'already resumed' : enrollment.state}: there is nothing to resume.`);
      const missing = missingLeadFields(notice.detail);
      if (!missing.length) {
        throw new DomainError(
          'invalid',
          `This followup is held for ${notice.detail ?? 'a reason'} rather than a field of the lead: fix that first, then resume ${label} with /schedule lead resume ${details.email}.`,
        );
      }
      return {
        noticeId: String(notice._id),
        leadLabel: label,
        missing,
        values: { firstName: details.firstName, lastName: details.lastName, company: details.company, title: details.title, phone: details.phone, industry: details.industry },
        custom: Object.fromEntries(details.custom.map((c) => [c.name, c.value])),
      };
    },

    async fill(actor, noticeId, fields) {
      const notice = await heldNotice(actor, noticeId);
      const { changed } = await leads.updateFields(actor, notice.leadId, fields, { required: missingLeadFields(notice.detail), resumeEnrollmentId: notice.enrollmentId });
      const action = { what: 'filled' as const, by: actor.userId, byName: actor.name, at: clock.now(), fields: [...changed] };
      return { notice: await recordAction(notice, action), changed: true, sentence: `${notice.leadLabel}: filled in and resumed.` };
    },

    async act(actor, noticeId, change) {
      const notice = await noticeFor(actor, noticeId);
      const scope = { assistantId: notice.assistantId };
      try {
        if (change === 'stop') await leads.stop(actor, notice.leadId, 'other', { ...scope, note: 'stopped from the channel' });
        else if (change === 'replied') await leads.stop(actor, notice.leadId, 'replied', scope);
        else if (change === 'pause') await leads.pause(actor, notice.leadId, scope);
        else await leads.resume(actor, notice.leadId, scope);
      } catch (error) {
        // Already stopped, paused or resumed (by someone else, or by this same click twice): one effect, and say so.
        if (error instanceof DomainError && error.code !== 'not_found') return { notice, changed: false, sentence: error.message };
        throw error;
      }
      const action = { what: DONE[change], by: actor.userId, byName: actor.name, at: clock.now() };
      return { notice: await recordAction(notice, action), changed: true, sentence: `${notice.leadLabel}: ${DONE[change]}.` };
    },
  };
}

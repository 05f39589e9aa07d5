// A notice's buttons (Stop, Mark replied, Pause, Resume): the change goes through the lead service
// (version claims: two clicks at once, or a click racing a send, have one effect), then the notice
// records who did what, for the message to show it in place.
import type { Clock } from '../../clock.js';
import type { Models } from '../../db/models.js';
import type { NoticeAction, NoticeDoc } from '../../db/noticeModels.js';
import { assertMayActOnLeads, DomainError, workspaceKey, type Actor } from '../domain.js';
import type { LeadDetails, LeadService } from '../leads/index.js';
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

export interface NoticeActionService {
  /** Guests and people of another workspace are refused (assertMayActOnLeads), before anything is read. */
  act(actor: Actor, noticeId: string, change: NoticeChange): Promise<NoticeActionResult>;
  /** View lead: the notice's lead with its enrollments, for those who may act on it. */
  lead(actor: Actor, noticeId: string): Promise<{ readonly notice: NoticeDoc; readonly lead: LeadDetails }>;
}

export function createNoticeActionService(models: Models, clock: Clock, leads: LeadService): NoticeActionService {
  const { Notice } = models;

  async function noticeFor(actor: Actor, noticeId: string): Promise<NoticeDoc> {
    assertMayActOnLeads(actor);
    const _id = parseObjectId(noticeId);
    const notice = _id ? await Notice.findOne({ _id, workspace: workspaceKey(actor.workspace) }).lean<NoticeDoc>() : null;
    if (!notice) throw new DomainError('not_found', 'That notice no longer exists: its workspace data may have been deleted.');
    return notice;
  }

  return {
    async lead(actor, noticeId) {
      const notice = await noticeFor(actor, noticeId);
      return { notice, lead: await leads.get(actor.workspace, notice.leadId) };
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
      await Notice.updateOne({ _id: notice._id }, { $set: { action } });
      return { notice: { ...notice, action }, changed: true, sentence: `${notice.leadLabel}: ${DONE[change]}.` };
    },
  };
}

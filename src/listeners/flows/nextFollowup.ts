// A lead's next followup as it will be sent: rendered for the lead from its assistant (or the
// tokens that would hold it), for `/schedule lead show`.
import { OWN_EMAIL, type WorkspaceRef } from '../../services/domain.js';
import { followupRenderInput, renderFollowup } from '../../services/delivery/render.js';
import type { Enrollment, LeadDetails } from '../../services/leads/index.js';
import type { Services } from '../../services/index.js';
import type { NextFollowupView } from '../../../views/leadMessages.js';

/** Null when nothing is planned next (an ended enrollment, all sent, a deleted assistant). */
export async function nextFollowup(services: Services, ref: WorkspaceRef, lead: LeadDetails, enrollment: Enrollment | undefined): Promise<NextFollowupView | null> {
  if (!enrollment || (enrollment.state !== 'active' && enrollment.state !== 'paused')) return null;
  const followup = enrollment.followups.find((f) => f.sentAt === null && f.type !== OWN_EMAIL);
  if (!followup) return null;
  const assistant = (await services.assistants.list(ref)).find((a) => a.id === enrollment.assistantId);
  if (!assistant) return null;
  let message = null;
  if (followup.type === 'custom') {
    message = followup.customMessageId ? ((await services.customMessages.getMany(ref, [followup.customMessageId])).get(followup.customMessageId) ?? null) : null;
    if (!message) return { step: followup.step, rendered: null };
  }
  return { step: followup.step, rendered: renderFollowup(followupRenderInput(lead, assistant, enrollment.id, followup, message)) };
}

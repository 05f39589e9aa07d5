// Re-rendering the step editor and the modals it pushes, shared by its action and view listeners.
import type { WebClient } from '@slack/web-api';
import type { Services } from '../../services/index.js';
import type { Draft } from '../../services/drafts.js';
import { OWN_EMAIL, isTone, type WorkspaceRef } from '../../services/domain.js';
import { SAMPLE_LEAD } from '../../services/personalization.js';
import { emailSubject, SAMPLE_SENDER, sampleFollowup, senderFields } from '../../services/delivery/render.js';
import { scheduleEditorModal } from '../../../views/scheduleEditor.js';
import { messagePreviewModal } from '../../../views/messagePreviewModal.js';
import { customMessageModal } from '../../../views/customMessageModal.js';
import { updateModal } from './modalCalls.js';

/**
 * Shows `draft` (as the change just made left it) in the editor. A stale hash means another
 * update won the race: read the latest draft and render that instead.
 */
export async function refreshEditor(client: WebClient, services: Services, ref: WorkspaceRef, draft: Draft, viewId: string, hash?: string): Promise<void> {
  const render = async (shown: Draft, withHash?: string) => {
    const model = await services.drafts.model(ref, shown);
    await updateModal(client, viewId, scheduleEditorModal(model), withHash);
  };
  try {
    await render(draft, hash);
  } catch (error) {
    if ((error as { data?: { error?: string } }).data?.error !== 'hash_conflict') throw error;
    await render(await services.drafts.get(ref, draft.id));
  }
}

export async function pushNewMessage(client: WebClient, triggerId: string, returnTo: { draftId: string; rowKey: string; editorViewId: string }): Promise<void> {
  await client.views.push({ trigger_id: triggerId, view: customMessageModal({ metadata: { returnTo } }) });
}

/** The step's message, as the sample lead would get it, from the assistant dates are previewed for. */
export async function pushMessagePreview(client: WebClient, triggerId: string, services: Services, ref: WorkspaceRef, draft: Draft, rowKey: string): Promise<void> {
  const index = draft.rows.findIndex((r) => r.key === rowKey);
  const row = draft.rows[index];
  // The user's own email has no message of the app's to show (and no View button).
  if (!row || row.type === OWN_EMAIL) return;
  const assistant = draft.previewAssistantId ? (await services.assistants.list(ref)).find((a) => a.id === draft.previewAssistantId) : undefined;
  const sender = assistant ? senderFields(assistant) : SAMPLE_SENDER;
  const messageOf = async (r: Draft['rows'][number]) => (r.customMessageId ? (await services.customMessages.getMany(ref, [r.customMessageId])).get(r.customMessageId) : undefined);
  /** What `renderFollowup` writes for the sample lead at row `i`; null for a custom step without a message. */
  const written = async (r: Draft['rows'][number], i: number) => {
    if (isTone(r.type)) return sampleFollowup({ number: i + 1, type: r.type, customMessage: null }, sender);
    const message = await messageOf(r);
    return message ? sampleFollowup({ number: i + 1, type: r.type, customMessage: message }, sender) : null;
  };
  // Later followups go as replies in the thread the first sent one starts ("Re: " its subject).
  const first = draft.rows.findIndex((r) => r.type !== OWN_EMAIL);
  const opener = first < index ? await written(draft.rows[first]!, first) : null;
  const threadSubject = opener?.ok ? emailSubject(opener.followup.subject, null) : null;
  const message = isTone(row.type) ? { tone: row.type } : await messageOf(row).then((m) => (m ? { customMessageName: m.name } : null));
  const sampleLead = { fullName: `${SAMPLE_LEAD.firstName} ${SAMPLE_LEAD.lastName}`, company: SAMPLE_LEAD.company };
  const followup = message ? await written(row, index) : null;
  await client.views.push({ trigger_id: triggerId, view: messagePreviewModal({ stepNumber: index + 1, sampleLead, message, followup, threadSubject }) });
}

// Between the notice listeners and the services: showing a button's effect on the notice itself, and
// reading the Fill in and resume modal.
import type { WebClient } from '@slack/web-api';
import type { NoticeDoc } from '../../db/noticeModels.js';
import type { Services } from '../../services/index.js';
import type { WorkspaceRef } from '../../services/domain.js';
import type { LeadFieldsInput } from '../../services/leads/index.js';
import { EDITABLE_LEAD_FIELDS } from '../../services/leads/index.js';
import { toNoticeLine } from '../../services/notices/posting.js';
import { LEAD_FIELDS, noticeMessage } from '../../../views/sendNotice.js';
import { inputValue, type StateValues } from '../viewState.js';

/**
 * Redraws a notice that is its own message with what was done to it. False when it is a line of a
 * digest (the notice service has the assistant's posting run redraw the digest) or not posted yet.
 */
export async function showOnNotice(services: Services, client: WebClient, ref: WorkspaceRef, notice: NoticeDoc, at?: { channel: string; ts: string; onNotice?: boolean }): Promise<boolean> {
  // A notice's own button (not a digest line's menu) may be clicked before the poster recorded the message's ts
  // (it posts first, then records): the clicked message is then the notice's.
  const message = notice.message ?? (at?.onNotice ? { channel: at.channel, ts: at.ts } : null);
  if (!message || notice.digestId || (at && (at.ts !== message.ts || at.channel !== message.channel))) return false;
  const assistant = await services.assistants.get(ref, notice.assistantId).catch(() => null);
  await client.chat.update({ channel: message.channel, ts: message.ts, ...noticeMessage({ assistantName: assistant?.name ?? 'Assistant', notice: toNoticeLine(notice) }) });
  return true;
}

/** The fields typed in the Fill in modal: each standard field it shows, and each custom field by name. */
export function leadFieldsFromForm(values: StateValues | undefined): LeadFieldsInput {
  const fields: Record<string, string> = {};
  for (const field of EDITABLE_LEAD_FIELDS) {
    if (values?.[LEAD_FIELDS.block(field)]) fields[field] = inputValue(values, LEAD_FIELDS.block(field), LEAD_FIELDS.action(field));
  }
  const custom: Record<string, string> = {};
  for (const block of Object.keys(values ?? {})) {
    if (!block.startsWith(LEAD_FIELDS.customBlockPrefix)) continue;
    const name = block.slice(LEAD_FIELDS.customBlockPrefix.length);
    custom[name] = inputValue(values, block, LEAD_FIELDS.action(`custom.${name}`));
  }
  return { ...fields, custom };
}

/** The modal's block for a field an error names, when the modal shows it. */
export function leadFieldsBlockFor(field: string, blocks: readonly { block_id?: string }[] | undefined): string | undefined {
  const block = field.startsWith('custom.') ? `${LEAD_FIELDS.customBlockPrefix}${field.slice('custom.'.length)}` : LEAD_FIELDS.block(field);
  return blocks?.some((b) => b.block_id === block) ? block : undefined;
}

// A read-only modal with a step's message as `renderFollowup` writes it for the sample lead
// (pushed from the editor): the same text a lead gets, or the tokens that would hold it.
import type { KnownBlock, ModalView } from '@slack/types';
import type { Tone } from '../src/services/domain.js';
import type { RenderResult } from '../src/services/delivery/types.js';
import { followupBlocks } from './followupText.js';
import { clip, inline, mrkdwn, quoted } from './text.js';

export interface MessagePreviewModel {
  readonly stepNumber: number;
  /** A generated tone's example, a custom message (its name), or a custom step with no message picked. */
  readonly message: { readonly tone: Tone } | { readonly customMessageName: string } | null;
  /** What `renderFollowup` wrote for the sample lead; null when there is no message to write. */
  readonly followup: RenderResult | null;
  /** The subject of the thread the followup replies in (the first followup's), null for the first. */
  readonly threadSubject: string | null;
  readonly sampleLead: { readonly fullName: string; readonly company: string };
}

export function messagePreviewModal(model: MessagePreviewModel): ModalView {
  const { message, followup } = model;
  const lead = `${inline(model.sampleLead.fullName)} at ${inline(model.sampleLead.company)}`;
  const intro =
    message && 'tone' in message
      ? `*${message.tone} (generated)*: written for each lead when it is sent. An example, for ${lead}:`
      : `${message ? `*Custom message* ${quoted(message.customMessageName)}` : '*Custom message*'}, as ${lead} would get it:`;
  const body: KnownBlock[] =
    message && followup ? followupBlocks(followup, inline(model.sampleLead.fullName), model.threadSubject) : [{ type: 'section', text: mrkdwn('No message is picked for this step yet: pick one, or create one with “Create new…”.') }];
  return {
    type: 'modal',
    callback_id: 'message_preview',
    title: { type: 'plain_text', text: clip(`Step ${model.stepNumber} message`, 24) },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [{ type: 'context', elements: [mrkdwn(intro)] }, ...body],
  };
}

// A read-only modal with a step's message, rendered for the sample lead (pushed from the editor).
import type { KnownBlock, ModalView } from '@slack/types';
import { bold, chunk, clip, escapeMrkdwn, inline, mrkdwn } from './text.js';

export interface MessagePreviewModel {
  readonly stepNumber: number;
  /** "Custom message “Pricing”" or "Gentle (generated)". */
  readonly kind: string;
  readonly generated: boolean;
  readonly subject: string;
  readonly body: string;
  readonly sampleLead: string;
}

export function messagePreviewModal(model: MessagePreviewModel): ModalView {
  const intro = model.generated
    ? `${bold(model.kind)}: written for each lead when it is sent. An example, for ${inline(model.sampleLead)}:`
    : `${bold(model.kind)}, as ${inline(model.sampleLead)} would get it:`;
  // Bodies run to 4000 characters; a section holds 3000.
  const bodyBlocks: KnownBlock[] = chunk([...model.body], 2900).map((part) => ({
    type: 'section',
    text: { type: 'plain_text', text: part.join(''), emoji: false },
  }));
  return {
    type: 'modal',
    callback_id: 'message_preview',
    title: { type: 'plain_text', text: clip(`Step ${model.stepNumber} message`, 24) },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      { type: 'context', elements: [mrkdwn(intro)] },
      { type: 'section', text: mrkdwn(`*Subject:* ${model.subject ? escapeMrkdwn(model.subject, 2900) : '_(none: sent as a reply in the same thread)_'}`) },
      { type: 'divider' },
      ...(bodyBlocks.length ? bodyBlocks : [{ type: 'section' as const, text: mrkdwn('_(empty)_') }]),
    ],
  };
}

// A read-only modal with a step's message, rendered for the sample lead (pushed from the editor).
import type { KnownBlock, ModalView } from '@slack/types';
import { chunk, clip, escapeMrkdwn } from './text.js';

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
    ? `*${escapeMrkdwn(model.kind)}*: written for each lead when it is sent. An example, for ${escapeMrkdwn(model.sampleLead)}:`
    : `*${escapeMrkdwn(model.kind)}*, as ${escapeMrkdwn(model.sampleLead)} would get it:`;
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
      { type: 'context', elements: [{ type: 'mrkdwn', text: clip(intro, 3000) }] },
      { type: 'section', text: { type: 'mrkdwn', text: clip(`*Subject:* ${model.subject ? escapeMrkdwn(model.subject) : '_(none: sent as a reply in the same thread)_'}`, 3000) } },
      { type: 'divider' },
      ...(bodyBlocks.length ? bodyBlocks : [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: '_(empty)_' } }]),
    ],
  };
}

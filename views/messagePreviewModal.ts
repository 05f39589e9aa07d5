// A read-only modal with a step's message, rendered for the sample lead (pushed from the editor).
import type { KnownBlock, ModalView } from '@slack/types';
import type { Tone } from '../src/services/domain.js';
import { chunk, clip, escapeMrkdwn, inline, mrkdwn, quoted } from './text.js';

export interface MessagePreviewModel {
  readonly stepNumber: number;
  /** A generated tone's example, a custom message (its name), or a custom step with no message picked. */
  readonly message: { readonly tone: Tone } | { readonly customMessageName: string } | null;
  readonly subject: string;
  readonly body: string;
  readonly sampleLead: { readonly fullName: string; readonly company: string };
}

export function messagePreviewModal(model: MessagePreviewModel): ModalView {
  const { message } = model;
  const lead = `${inline(model.sampleLead.fullName)} at ${inline(model.sampleLead.company)}`;
  const intro =
    message && 'tone' in message
      ? `*${message.tone} (generated)*: written for each lead when it is sent. An example, for ${lead}:`
      : `${message ? `*Custom message* ${quoted(message.customMessageName)}` : '*Custom message*'}, as ${lead} would get it:`;
  const body = message ? model.body : 'No message is picked for this step yet: pick one, or create one with “Create new…”.';
  // Bodies run to 4000 characters; a section holds 3000.
  const bodyBlocks: KnownBlock[] = chunk([...body], 2900).map((part) => ({
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

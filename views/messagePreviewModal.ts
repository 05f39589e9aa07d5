// A read-only modal with a step's message as `renderFollowup` writes it for the sample lead
// (pushed from the editor): the same text a lead gets, or the tokens that would hold it.
import type { KnownBlock, ModalView } from '@slack/types';
import type { Tone } from '../src/services/domain.js';
import type { RenderResult } from '../src/services/delivery/types.js';
import { chunk, clip, code, escapeMrkdwn, inline, mrkdwn, nameList, quoted } from './text.js';

export interface MessagePreviewModel {
  readonly stepNumber: number;
  /** A generated tone's example, a custom message (its name), or a custom step with no message picked. */
  readonly message: { readonly tone: Tone } | { readonly customMessageName: string } | null;
  /** What `renderFollowup` wrote for the sample lead; null when there is no message to write. */
  readonly followup: RenderResult | null;
  readonly sampleLead: { readonly fullName: string; readonly company: string };
}

/** Plain text sections: bodies run to 4000 characters and more with a signature; a section holds 3000. */
function textBlocks(text: string): KnownBlock[] {
  const parts = chunk([...text], 2900).map((part) => part.join(''));
  if (!parts.length) return [{ type: 'section', text: mrkdwn('_(empty)_') }];
  return parts.map((part) => ({ type: 'section', text: { type: 'plain_text', text: part, emoji: false } }));
}

function followupBlocks(followup: RenderResult, lead: string): KnownBlock[] {
  if (!followup.ok) {
    // Token names are short; a hostile one is cut so the section stays under Slack's 3000 characters.
    const tokens = nameList(followup.missing.map((t) => `{{${t}}}`), 3, (t) => code(t, 60));
    const example = `{{${followup.missing[0] ?? 'first_name'}|…}}`;
    return [
      {
        type: 'section',
        text: mrkdwn(
          `:warning: *Held for ${lead}*: ${tokens} ${followup.missing.length === 1 ? 'has' : 'have'} no value for this lead and no fallback. ` +
            `A lead like that gets no email: the followup is held, the lead paused and the channel told. Give the token a fallback (${code(example, 60)}) or fill the field on every lead.`,
        ),
      },
    ];
  }
  const { subject, text } = followup.followup;
  return [
    { type: 'section', text: mrkdwn(`*Subject:* ${subject ? escapeMrkdwn(subject, 2900) : '_(none: sent as a reply in the same thread)_'}`) },
    { type: 'divider' },
    ...textBlocks(text),
  ];
}

export function messagePreviewModal(model: MessagePreviewModel): ModalView {
  const { message, followup } = model;
  const lead = `${inline(model.sampleLead.fullName)} at ${inline(model.sampleLead.company)}`;
  const intro =
    message && 'tone' in message
      ? `*${message.tone} (generated)*: written for each lead when it is sent. An example, for ${lead}:`
      : `${message ? `*Custom message* ${quoted(message.customMessageName)}` : '*Custom message*'}, as ${lead} would get it:`;
  const body: KnownBlock[] =
    message && followup ? followupBlocks(followup, inline(model.sampleLead.fullName)) : [{ type: 'section', text: mrkdwn('No message is picked for this step yet: pick one, or create one with “Create new…”.') }];
  return {
    type: 'modal',
    callback_id: 'message_preview',
    title: { type: 'plain_text', text: clip(`Step ${model.stepNumber} message`, 24) },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [{ type: 'context', elements: [mrkdwn(intro)] }, ...body],
  };
}

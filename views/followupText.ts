// A followup as renderFollowup wrote it, in blocks: the subject and the plain text a lead gets, or
// which tokens would hold it. Shared by the editor's View and a lead's details (one rendering).
import type { KnownBlock } from '@slack/types';
import { emailSubject } from '../src/services/delivery/render.js';
import type { RenderResult } from '../src/services/delivery/types.js';
import { code, escapeMrkdwn, mrkdwn, nameList } from './text.js';

/**
 * Plain text sections: bodies run to 4000 characters and more with a signature; a section holds
 * 3000. Cut by UTF-16 units (never inside a pair), so the cut points do not depend on emoji.
 */
function textBlocks(text: string): KnownBlock[] {
  const parts: string[] = [];
  let part = '';
  for (const ch of text) {
    if (part.length + ch.length > 2900) parts.push(part), (part = '');
    part += ch;
  }
  if (part) parts.push(part);
  if (!parts.length) return [{ type: 'section', text: mrkdwn('_(empty)_') }];
  return parts.map((p) => ({ type: 'section', text: { type: 'plain_text', text: p, emoji: false } }));
}

/** `lead`: the lead's name, escaped for mrkdwn already; `threadSubject`: the thread the followup replies in, if any. */
export function followupBlocks(followup: RenderResult, lead: string, threadSubject: string | null): KnownBlock[] {
  if (!followup.ok) {
    // Token names are short; a hostile one is cut so the section stays under Slack's 3000 characters.
    const tokens = nameList(followup.missing.map((t) => `{{${t}}}`), 3, (t) => code(t, 60));
    const example = `{{${followup.missing[0] ?? 'first_name'}|…}}`;
    const verb = followup.missing.length === 1 ? 'has' : 'have';
    return [
      {
        type: 'section',
        text: mrkdwn(
          `:warning: *Held for ${lead}*: ${tokens} ${verb} no value for this lead and no fallback. ` +
            `A lead like that gets no email: the followup is held, the lead paused and the channel told. Give the token a fallback (${code(example, 60)}) or fill the field on the lead.`,
        ),
      },
    ];
  }
  const { subject, text } = followup.followup;
  return [
    { type: 'section', text: mrkdwn(`*Subject:* ${escapeMrkdwn(emailSubject(subject, threadSubject), 2900)}`) },
    { type: 'divider' },
    ...textBlocks(text),
  ];
}

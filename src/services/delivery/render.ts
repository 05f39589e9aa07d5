// A followup written for its lead: tokens filled from the lead and the assistant, the signature
// added, as plain text and simple HTML. Pure: the dispatcher and the editor's View both call it,
// so the team previews exactly what a lead gets.
import { isTone, type StepType } from '../domain.js';
import { customFieldKey } from '../leads/schema.js';
import { fillTokens, SAMPLE_LEAD, type TokenValues } from '../personalization.js';
import { builtInGenerator } from './generator.js';
import type { FollowupGenerator, LeadFields, RenderInput, RenderResult, SenderFields } from './types.js';

/** The sender as the lead sees it: the assistant's sender name (else its name), sender email and signature. */
export function senderFields(assistant: { readonly name: string; readonly senderName: string; readonly senderEmail: string | null; readonly signature: string }): SenderFields {
  return { name: assistant.senderName.trim() || assistant.name, email: assistant.senderEmail ?? '', signature: assistant.signature };
}

/**
 * What rendering needs for one planned followup of an enrollment: the dispatcher and a lead's
 * details both build it here, so what the team previews is what the lead gets.
 */
export function followupRenderInput(
  lead: LeadFields,
  assistant: Parameters<typeof senderFields>[0],
  enrollmentId: string,
  followup: { readonly step: number; readonly type: StepType },
  customMessage: { readonly subject: string; readonly body: string } | null,
): RenderInput {
  return { lead, sender: senderFields(assistant), step: { number: followup.step, type: followup.type, customMessage }, seed: enrollmentId };
}

/** Who previews are sent from when no assistant is picked. */
export const SAMPLE_SENDER: SenderFields = { name: 'Your assistant', email: 'assistant@example.com', signature: '' };

/** A first followup's subject when it has none of its own (a custom message without a subject). */
export const DEFAULT_SUBJECT = 'Following up';

/** The subject an email goes out with: a reply in the lead's thread once there is one, else the followup's own. */
export function emailSubject(own: string, threadSubject: string | null): string {
  return threadSubject ? `Re: ${threadSubject}` : own || DEFAULT_SUBJECT;
}

/** What the tokens read for this lead and sender. `{{signature}}` without a signature signs with the sender's name. */
export function tokenValues(lead: LeadFields, sender: SenderFields): TokenValues {
  return {
    first_name: lead.firstName,
    last_name: lead.lastName,
    full_name: [lead.firstName.trim(), lead.lastName.trim()].filter(Boolean).join(' '),
    company: lead.company,
    title: lead.title,
    email: lead.email,
    sender_name: sender.name,
    sender_email: sender.email,
    signature: sender.signature.trim() || sender.name,
    custom: Object.fromEntries(lead.custom.map((field) => [customFieldKey(field.name), field.value])),
  };
}

const SIGNATURE_TOKEN = /\{\{\s*signature\s*(?:\|[^{}]*)?\}\}/;

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]!);
}

/** Paragraphs from blank lines, `<br>` for single newlines, every character of the text escaped. */
function textToHtml(text: string): string {
  return text
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.replace(/^\n+|\n+$/g, ''))
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => `<p>${paragraph.split('\n').map(escapeHtml).join('<br>\n')}</p>`)
    .join('\n');
}

/**
 * The step's text for the lead, or the tokens that have neither a value nor a fallback (never
 * "Hi ,"). A custom message's own subject, else '' (the email goes as a reply in the lead's thread).
 * Throws for a step with nothing to write (the user's own email, a custom step without a message).
 */
export function renderFollowup(input: RenderInput, generator: FollowupGenerator = builtInGenerator): RenderResult {
  const { lead, sender, step, seed } = input;
  let source: { readonly subject: string; readonly body: string };
  if (isTone(step.type)) source = generator.generate({ tone: step.type, step: step.number, seed, lead, sender });
  else if (step.customMessage) source = step.customMessage;
  else throw new Error(`Step ${step.number} (${step.type}) has no message to render.`);

  const values = tokenValues(lead, sender);
  const subject = fillTokens(source.subject, values);
  const body = fillTokens(source.body.replace(/\r\n?/g, '\n'), values);
  const missing = [...new Set([...subject.missing, ...body.missing])];
  if (missing.length) return { ok: false, missing };

  let text = body.text;
  // A body that does not place the signature gets it at the end, as any mail client would add it.
  const signature = sender.signature.replace(/\r\n?/g, '\n').trim();
  if (!SIGNATURE_TOKEN.test(source.body) && signature) text = `${text.trimEnd()}\n\n${signature}`;
  // Lines left empty by empty values or fallbacks should not open wider gaps than the writer's.
  text = text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { ok: true, followup: { subject: subject.text.replace(/\s+/g, ' ').trim(), text, html: textToHtml(text) } };
}

/** A step's followup as the sample lead would get it: the editor's View (one renderer for previews and sends). */
export function sampleFollowup(step: RenderInput['step'], sender: SenderFields = SAMPLE_SENDER, generator?: FollowupGenerator): RenderResult {
  return renderFollowup({ lead: SAMPLE_LEAD, sender, step, seed: 'sample-lead' }, generator);
}

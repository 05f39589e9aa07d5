// What a send tells the assistant's channel (issue #10): one notice per followup (the lead, "followup
// 2 of 7", the subject and first lines, the next followup's time, and Stop / Mark replied / Pause /
// View lead), one-liners in the lead's thread (replied, bounced, unsubscribed, failed), and a digest
// listing many notices at once when more fall due than one post a second allows. Times use Slack's
// `<!date^…>` so each reader sees them in their own zone. Every name and subject is the lead's or a
// user's text: escaped. Pure.
import type { ActionsBlock, Button, KnownBlock, ModalView, Overflow, PlainTextOption } from '@slack/types';
import type { DigestModel, NoticeLine, NoticeMessageModel, ChannelProblem } from '../src/services/notices/posting.js';
import type { NoticeAction } from '../src/db/noticeModels.js';
import type { MessageView } from './message.js';
import { slackDate } from './homeDelivery.js';
import { bold, channelMention, clip, code, escapeMrkdwn, inline, mrkdwn, plural, userMention } from './text.js';

export const NOTICE = {
  stop: 'notice.stop',
  replied: 'notice.replied',
  pause: 'notice.pause',
  resume: 'notice.resume',
  view: 'notice.view',
  /** A held followup: the lead's fields in a modal, saved and resumed on submit. */
  fill: 'notice.fill',
  actionsBlock: 'notice.actions',
  /** A digest line's menu, `notice.digest_menu.<noticeId>` (action ids are unique in a message); option values are `<verb>:<noticeId>`. */
  digestMenu: 'notice.digest_menu',
  digestLinePrefix: 'notice.line.',
} as const;

/** What a notice's buttons do; the digest menu's option values carry the same verbs. */
export const NOTICE_VERBS = ['stop', 'replied', 'pause', 'resume', 'view', 'fill'] as const;
export type NoticeVerb = (typeof NOTICE_VERBS)[number];

export const LEAD_FIELDS = {
  callbackId: 'notice_fields',
  customBlockPrefix: 'notice_fields.custom.',
  block: (field: string) => `notice_fields.${field}`,
  action: (field: string) => `notice_fields.${field}_input`,
} as const;

function followupOf(line: NoticeLine): string {
  return `followup ${line.step} of ${line.totalSteps}`;
}

/** "*Jamie Rivera* · Acme · jamie@acme.example" */
function leadText(line: NoticeLine): string {
  const name = line.lead.name.trim();
  return [name ? bold(name, 150) : bold(line.lead.email, 254), line.lead.company.trim() ? inline(line.lead.company, 150) : '', name ? inline(line.lead.email, 254) : ''].filter(Boolean).join(' · ');
}

const ACTION_WORDS: Record<NoticeAction, { emoji: string; text: string }> = {
  stopped: { emoji: ':octagonal_sign:', text: 'Stopped' },
  replied: { emoji: ':speech_balloon:', text: 'Marked replied' },
  paused: { emoji: ':double_vertical_bar:', text: 'Paused' },
  resumed: { emoji: ':arrow_forward:', text: 'Resumed' },
  filled: { emoji: ':pencil2:', text: 'Filled in' },
};

/** A lead field as the team reads it: its label, or a custom field's token. */
function fieldName(field: string): string {
  return field.startsWith('custom.') ? `{{${field}}}` : (LEAD_FIELD_LABELS[field] ?? field);
}

/** "Stopped by @Alex on Mar 5 at 9:00"; "Filled in `Company` by @Alex on Mar 5 at 9:00 and resumed: the held followup goes out at the next opening" */
export function actionText(action: NonNullable<NoticeLine['action']>): string {
  const words = ACTION_WORDS[action.what];
  if (action.what === 'filled') {
    const fields = action.fields?.length ? ` ${codeList(action.fields.map(fieldName))}` : '';
    return `${words.emoji} ${words.text}${fields} by ${userMention(action.by)} ${slackDate(action.at)} and resumed: the held followup goes out at the assistant’s next working time`;
  }
  return `${words.emoji} ${words.text} by ${userMention(action.by)} ${slackDate(action.at)}`;
}

/** The buttons a notice still offers, by what happened to it. */
function verbsFor(line: NoticeLine): NoticeVerb[] {
  const what = line.action?.what;
  if (line.kind === 'replied' || line.kind === 'unsubscribed' || line.kind === 'bounced') return ['view'];
  if (what === 'stopped' || what === 'replied') return ['view'];
  if (line.kind === 'held') return what === 'resumed' || what === 'filled' ? ['view'] : ['fill', 'view'];
  if (what === 'paused') return ['resume', 'stop', 'view'];
  return ['stop', 'replied', 'pause', 'view'];
}

const VERB_LABELS: Record<NoticeVerb, string> = {
  stop: 'Stop',
  replied: 'Mark replied',
  pause: 'Pause',
  resume: 'Resume',
  view: 'View lead',
  fill: 'Fill in and resume',
};

function button(verb: NoticeVerb, noticeId: string): Button {
  const b: Button = { type: 'button', action_id: NOTICE[verb], text: { type: 'plain_text', text: VERB_LABELS[verb] }, value: noticeId };
  if (verb === 'stop') b.style = 'danger';
  if (verb === 'fill') b.style = 'primary';
  return b;
}

/** The subject and the first lines, quoted (each line escaped first, so none of the lead's text formats). */
function previewText(line: NoticeLine): string {
  const lines = line.preview
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 4);
  const quoted = lines.map((l) => `> ${escapeMrkdwn(l, 300)}`).join('\n');
  const subject = line.subject.trim() ? bold(line.subject, 200) : '_no subject_';
  return quoted ? `${subject}\n${quoted}` : subject;
}

/** The notice's headline as mrkdwn (also the one line a digest shows, with `short`). */
function headline(line: NoticeLine, short = false): string {
  const who = short ? `${bold(line.lead.name.trim() || line.lead.email, 150)}${line.lead.company.trim() ? ` (${inline(line.lead.company, 100)})` : ''}` : leadText(line);
  const f = followupOf(line);
  switch (line.kind) {
    case 'sent':
      return short ? `:email: ${who} · ${f} sent · ${line.subject.trim() ? `“${inline(line.subject, 120)}”` : '_no subject_'}` : `:email: *${capital(f)}* sent to ${who}`;
    case 'not_delivered':
      return short
        ? `:outbox_tray: ${who} · ${f} not delivered: no SMTP server is configured`
        : `:outbox_tray: *${capital(f)}* to ${who} was *not delivered*: no SMTP server is configured, so the email was kept in the outbox. Set ${code('SMTP_URL', 20)} to send emails.`;
    case 'held':
      return short
        ? `:warning: ${who} · ${f} held: no value for ${fieldList(line.detail)}`
        : `:warning: *${capital(f)}* to ${who} is *held*: the lead has no value for ${fieldList(line.detail)} and the message gives no fallback. The lead is paused until it is filled in.`;
    case 'bounced':
      return `:no_entry: ${who}: the email bounced${line.detail ? ` (${inline(line.detail, 300)})` : ''}, so their followups are stopped.`;
    case 'replied':
      return `:speech_balloon: ${who} replied, so their followups are stopped.`;
    case 'unsubscribed':
      return `:no_bell: ${who} unsubscribed, so their followups are stopped.`;
    case 'failed':
      return `:x: ${capital(f)} to ${who} could not be sent yet${line.detail ? ` (${inline(line.detail, 300)})` : ''}; the app keeps trying.`;
  }
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "`first_name`", "`first_name` and `company`": the missing fields as the message's tokens name them. */
function fieldList(detail: string | null): string {
  const fields = (detail ?? '')
    .split(/[,\s]+/)
    .map((f) => f.trim())
    .filter(Boolean);
  return codeList(fields);
}

/** "`First name`", "`First name` and `{{custom.plan}}`" (at most five). */
function codeList(fields: readonly string[]): string {
  if (!fields.length) return 'a field the message needs';
  const codes = fields.slice(0, 5).map((f) => code(f, 60));
  return codes.length === 1 ? codes[0]! : `${codes.slice(0, -1).join(', ')} and ${codes[codes.length - 1]}`;
}

function plainHeadline(line: NoticeLine): string {
  const who = line.lead.name.trim() || line.lead.email;
  const f = followupOf(line);
  const texts: Record<NoticeLine['kind'], string> = {
    sent: `${capital(f)} sent to ${who}`,
    not_delivered: `${capital(f)} to ${who} was not delivered: no SMTP server is configured`,
    held: `${capital(f)} to ${who} is held: a field has no value`,
    bounced: `${who}: the email bounced, followups stopped`,
    replied: `${who} replied, followups stopped`,
    unsubscribed: `${who} unsubscribed, followups stopped`,
    failed: `${capital(f)} to ${who} could not be sent yet`,
  };
  // The notification text is plain: escape what Slack would read as markup.
  return escapeMrkdwn(texts[line.kind], 300);
}

/** One notice as its own message (or a reply in its lead's thread). */
export function noticeMessage(model: NoticeMessageModel): MessageView {
  const line = model.notice;
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(headline(line)) }];
  const oneLiner = line.kind === 'bounced' || line.kind === 'replied' || line.kind === 'unsubscribed' || line.kind === 'failed';
  if (!oneLiner) {
    if (line.kind !== 'held') blocks.push({ type: 'section', text: mrkdwn(previewText(line)) });
    const next = line.nextPlannedAt ? `Next followup ${slackDate(line.nextPlannedAt)}` : line.kind === 'held' ? 'Nothing more is sent until it is filled in' : 'That was the last followup';
    blocks.push({ type: 'context', elements: [mrkdwn(`${next} · ${bold(model.assistantName, 80)}`)] });
  }
  if (line.action) blocks.push({ type: 'context', elements: [mrkdwn(actionText(line.action))] });
  if (!oneLiner) {
    const actions: ActionsBlock = { type: 'actions', block_id: NOTICE.actionsBlock, elements: verbsFor(line).map((verb) => button(verb, line.id)) };
    blocks.push(actions);
  }
  return { text: plainHeadline(line), blocks };
}

/** One line of a digest, with a menu of what its buttons would do. */
function digestLine(line: NoticeLine): KnownBlock {
  const after = line.action ? ` · ${actionText(line.action)}` : '';
  const options: PlainTextOption[] = verbsFor(line).map((verb) => ({ text: { type: 'plain_text', text: VERB_LABELS[verb] }, value: `${verb}:${line.id}` }));
  const menu: Overflow = { type: 'overflow', action_id: `${NOTICE.digestMenu}.${line.id}`, options };
  return { type: 'section', block_id: `${NOTICE.digestLinePrefix}${line.id}`, text: mrkdwn(`${headline(line, true)}${after}`), accessory: menu };
}

/** Many notices in one message: more fell due than one post a second allows. Updated as more are added. */
export function digestMessage(model: DigestModel): MessageView {
  const count = plural(model.lines.length, 'followup notice');
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`:mailbox_with_mail: ${bold(model.assistantName, 80)} · ${count}, listed together because more fell due at once than the channel takes one by one.`) },
    ...model.lines.map(digestLine),
  ];
  return { text: clip(`${escapeMrkdwn(model.assistantName, 80)}: ${count}`, 300), blocks };
}

/** The direct message to an assistant's owner when its channel can’t take notices. */
export function channelProblemMessage(problem: ChannelProblem): MessageView {
  const why: Record<string, string> = {
    not_in_channel: 'the app is not a member of it any more',
    channel_not_found: 'the channel was deleted, or is private and the app is not in it',
    is_archived: 'the channel is archived',
  };
  const reason = why[problem.error] ?? `Slack answered ${code(problem.error, 60)}`;
  const text =
    `:warning: Followup notices for ${bold(problem.assistantName, 80)} can’t be posted in ${channelMention(problem.channel)}: ${reason}. ` +
    `Emails keep going out, and the notices are kept: invite the app to the channel (${code('/invite @Followups', 40)}) or pick another channel with ${code(`/schedule assistant edit ${problem.assistantName}`, 120)}, and they will be posted.`;
  return { text: `Followup notices for ${escapeMrkdwn(problem.assistantName, 80)} can’t be posted`, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

/** Said in the Fill in modal when saving took long enough to show "Saving…" first. */
export function leadFieldsFilledText(leadLabel: string): string {
  return `${bold(leadLabel, 150)}’s fields are filled in and they resumed: the held followup goes out at the assistant’s next working time.`;
}

/** What the clicker is told when their click changed nothing (already done, by whom). */
export function noticeAnswerText(sentence: string): string {
  return escapeMrkdwn(sentence, 1000);
}

export interface LeadFieldsModel {
  readonly noticeId: string;
  readonly leadLabel: string;
  /** The fields the held followup needs, first; then the lead's others. */
  readonly missing: readonly string[];
  readonly values: Readonly<Record<string, string>>;
  /** Custom fields (`{{custom.<name>}}`), by name. */
  readonly custom: Readonly<Record<string, string>>;
}

/** The standard fields a modal can fill, with their labels. */
export const LEAD_FIELD_LABELS: Readonly<Record<string, string>> = {
  firstName: 'First name',
  lastName: 'Last name',
  company: 'Company',
  title: 'Title',
  phone: 'Phone',
  industry: 'Industry',
};

/** The lead's fields, the missing ones first: Save fills them in and resumes the held followups. */
export function leadFieldsModal(model: LeadFieldsModel): ModalView {
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`Fill in ${codeList(model.missing.map(fieldName))} for ${bold(model.leadLabel, 150)}. Saving resumes their followups; the held one is sent at the next opening.`) },
  ];
  const standard = Object.keys(LEAD_FIELD_LABELS);
  const customNames = Object.keys(model.custom);
  const missingCustom = model.missing.filter((m) => m.startsWith('custom.')).map((m) => m.slice('custom.'.length));
  for (const name of missingCustom) if (!customNames.includes(name)) customNames.push(name);
  for (const field of standard) {
    blocks.push({
      type: 'input',
      block_id: LEAD_FIELDS.block(field),
      optional: !model.missing.includes(field),
      label: { type: 'plain_text', text: LEAD_FIELD_LABELS[field]! },
      element: { type: 'plain_text_input', action_id: LEAD_FIELDS.action(field), max_length: 200, ...(model.values[field] ? { initial_value: clip(model.values[field]!, 200) } : {}) },
    });
  }
  for (const name of customNames.slice(0, 40)) {
    blocks.push({
      type: 'input',
      block_id: `${LEAD_FIELDS.customBlockPrefix}${name}`,
      optional: !missingCustom.includes(name),
      label: { type: 'plain_text', text: clip(`{{custom.${name}}}`, 2000) },
      element: { type: 'plain_text_input', action_id: LEAD_FIELDS.action(`custom.${name}`), max_length: 500, ...(model.custom[name] ? { initial_value: clip(model.custom[name]!, 500) } : {}) },
    });
  }
  return {
    type: 'modal',
    callback_id: LEAD_FIELDS.callbackId,
    private_metadata: JSON.stringify({ noticeId: model.noticeId }),
    title: { type: 'plain_text', text: 'Lead fields' },
    submit: { type: 'plain_text', text: 'Save and resume' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

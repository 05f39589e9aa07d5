// `/schedule lead show | list | pause | resume | stop`: a lead with its schedule, followups and
// history; a paged list; the stop modal asking why. Times are in each assistant's time zone.
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { EnrollmentState, LeadDetails, Enrollment, StopReason } from '../src/services/leads/index.js';
import { ENROLLMENT_STATES, STOP_REASONS, STOP_REASON_LABELS, leadLabel } from '../src/services/leads/index.js';
import type { RenderResult } from '../src/services/delivery/types.js';
import { followupBlocks } from './followupText.js';
import { followupLines } from './leadTimes.js';
import type { MessageView } from './message.js';
import { pagerBlocks, type CutPage } from './paging.js';
import { bold, clip, code, inline, mrkdwn, nameList, quoted } from './text.js';

export const LEAD_LIST = {
  page: 'lead_list.page',
  /** The pager's block id carries the list's filter: `lead_list.pages.<assistantId|all>.<state|all>`. */
  pagesPrefix: 'lead_list.pages.',
} as const;

export const LEAD_STOP = {
  callbackId: 'lead_stop',
  reasonBlock: 'lead_stop.reason',
  reasonAction: 'lead_stop.reason_pick',
  noteBlock: 'lead_stop.note',
  noteAction: 'lead_stop.note_input',
} as const;

/** An enrollment with the names it points at (null when deleted since) and the zone its times are in. */
export interface EnrollmentView {
  readonly enrollment: Enrollment;
  readonly assistantName: string | null;
  readonly scheduleName: string | null;
  readonly timeZone: string;
}

/** The current enrollment's next followup, rendered for the lead; `rendered` null: its custom message was deleted. */
export interface NextFollowupView {
  readonly step: number;
  readonly rendered: RenderResult | null;
}

function nextFollowupBlocks(next: NextFollowupView, lead: string, threadSubject: string | null): KnownBlock[] {
  const head: KnownBlock = { type: 'context', elements: [mrkdwn(`*Next followup* (step ${next.step}), as the lead will get it:`)] };
  return next.rendered ? [head, ...followupBlocks(next.rendered, lead, threadSubject)] : [head, { type: 'section', text: mrkdwn('_Its custom message was deleted: nothing to send._') }];
}

const STATE_LABELS: Record<EnrollmentState, string> = { active: 'active', paused: 'paused', completed: 'completed', stopped: 'stopped' };
const SHOWN_ENROLLMENTS = 5;
const SHOWN_HISTORY = 10;
const SHOWN_CUSTOM = 20;

function who(lead: { firstName: string; lastName: string; email: string }): string {
  const label = leadLabel(lead);
  return label === lead.email ? inline(lead.email, 254) : `${bold(label, 200)} (${inline(lead.email, 254)})`;
}

function stateText(e: Enrollment): string {
  if (e.state === 'stopped' && e.stopReason) return `*stopped* (${STOP_REASON_LABELS[e.stopReason]})`;
  return `*${STATE_LABELS[e.state]}*`;
}

function followsLine(view: EnrollmentView): string {
  const { enrollment: e } = view;
  const assistant = view.assistantName ? bold(view.assistantName, 80) : '_a deleted assistant_';
  const schedule = view.scheduleName ? quoted(view.scheduleName, 100) : '_a deleted schedule_';
  const cc = e.emailCc ? ' · Email CC' : '';
  return `${assistant} · ${schedule} · ${stateText(e)}${cc} · started ${followupLines.time(e.start, view.timeZone)} (${inline(view.timeZone, 60)})`;
}

function historyLine(entry: Enrollment['history'][number], timeZone: string): string {
  const reason = entry.reason ? `: ${inline(entry.reason, 120)}` : '';
  return `${followupLines.time(entry.at, timeZone)} · ${entry.action}${reason} · by ${inline(entry.byName || entry.by, 40)}`;
}

export function leadDetailsMessage(lead: LeadDetails, enrollments: readonly EnrollmentView[], next: NextFollowupView | null = null): MessageView {
  const facts = [
    [lead.company, lead.title].filter(Boolean).map((t) => inline(t, 200)).join(' · '),
    lead.phone ? `Phone: ${inline(lead.phone, 50)}` : '',
    lead.industry ? `Industry: ${inline(lead.industry, 100)}` : '',
    lead.tags.length ? `Tags: ${nameList(lead.tags, 10, (t) => inline(t, 40))}` : '',
  ].filter(Boolean);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(leadLabel(lead), 150) } },
    { type: 'section', text: mrkdwn([inline(lead.email, 254), ...facts].join('\n')) },
  ];
  // Each part has a budget, so the section stays under Slack's 3000 characters and no cut lands inside markup.
  if (lead.custom.length) {
    const shown = lead.custom.slice(0, SHOWN_CUSTOM).map((c) => `{{custom.${inline(c.name, 40)}}} ${inline(c.value, 80)}`);
    const more = lead.custom.length > SHOWN_CUSTOM ? `\nand ${lead.custom.length - SHOWN_CUSTOM} more` : '';
    blocks.push({ type: 'section', text: mrkdwn(`*Custom fields*\n${shown.join('\n')}${more}`) });
  }
  if (!enrollments.length) blocks.push({ type: 'section', text: mrkdwn('Not following any schedule.') });
  for (const view of enrollments.slice(0, SHOWN_ENROLLMENTS)) {
    const e = view.enrollment;
    blocks.push({ type: 'divider' });
    blocks.push({ type: 'section', text: mrkdwn(`${followsLine(view)}\n${followupLines.planned(e.followups, view.timeZone, e.state === 'stopped' || e.state === 'completed')}`) });
    const history = e.history.slice(-SHOWN_HISTORY);
    const earlier = e.history.length - history.length;
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`*History*${earlier ? ` (last ${history.length} of ${e.history.length})` : ''}\n${history.map((h) => historyLine(h, view.timeZone)).join('\n')}`)],
    });
    if (next && view === enrollments[0]) blocks.push(...nextFollowupBlocks(next, inline(leadLabel(lead), 200), e.threadSubject));
  }
  if (enrollments.length > SHOWN_ENROLLMENTS) blocks.push({ type: 'context', elements: [mrkdwn(`And ${enrollments.length - SHOWN_ENROLLMENTS} earlier enrollments.`)] });
  blocks.push({ type: 'context', elements: [mrkdwn(`${code(`/schedule lead pause ${lead.email}`)} · ${code('resume')} · ${code('stop')}`)] });
  return { text: `Lead ${inline(leadLabel(lead), 200)}`, blocks };
}

/** `/schedule lead list Ava stoped`: the assistant is known, the last word is no state. */
export function leadStateUnknownMessage(word: string, assistantName: string): MessageView {
  const text = `${quoted(word, 60)} is not a lead state: end with ${ENROLLMENT_STATES.map((s) => code(s)).join(', ')}, e.g. ${code(`/schedule lead list ${assistantName} paused`, 140)}.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

export function leadNotFoundMessage(email: string): MessageView {
  const text = `No lead has the email ${quoted(email, 254)}. ${code('/schedule lead list')} shows them, ${code('/schedule lead add')} adds one.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

export interface LeadListItemView extends EnrollmentView {
  readonly lead: { readonly firstName: string; readonly lastName: string; readonly email: string; readonly company: string };
}

export interface LeadListModel {
  readonly page: CutPage<LeadListItemView>;
  readonly perPage: number;
  readonly filter: { readonly assistantId: string | null; readonly assistantName: string | null; readonly state: EnrollmentState | null };
}

export function pagerBlockId(filter: LeadListModel['filter']): string {
  return `${LEAD_LIST.pagesPrefix}${filter.assistantId ?? 'all'}.${filter.state ?? 'all'}`;
}

/** The filter a pager's block id carries (anything unreadable: no filter). */
export function filterOfPager(blockId: string | undefined): { assistantId: string | null; state: EnrollmentState | null } {
  const [assistantId = 'all', state = 'all'] = (blockId ?? '').slice(LEAD_LIST.pagesPrefix.length).split('.');
  return {
    assistantId: /^[0-9a-f]{24}$/i.test(assistantId) ? assistantId : null,
    state: (Object.keys(STATE_LABELS) as EnrollmentState[]).includes(state as EnrollmentState) ? (state as EnrollmentState) : null,
  };
}

export function leadListMessage(model: LeadListModel): MessageView {
  const { page, filter } = model;
  const which = [filter.state ? STATE_LABELS[filter.state] : '', 'leads', filter.assistantName ? `of ${inline(filter.assistantName, 80)}` : ''].filter(Boolean).join(' ');
  if (!page.shown.length) {
    const text = `No ${which} yet. Add one with ${code('/schedule lead add')}.`;
    return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
  }
  const title = `${which.charAt(0).toUpperCase()}${which.slice(1)}`;
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(`*${title}*`) }];
  for (const item of page.shown) {
    const e = item.enrollment;
    const next = e.state === 'active' && e.nextDueAt ? ` · next ${followupLines.time(e.nextDueAt, item.timeZone)}` : '';
    const company = item.lead.company ? ` · ${inline(item.lead.company, 100)}` : '';
    blocks.push({ type: 'section', text: mrkdwn(`${who(item.lead)}${company}\n${item.assistantName ? inline(item.assistantName, 80) : '_deleted assistant_'} · ${item.scheduleName ? quoted(item.scheduleName, 100) : '_deleted schedule_'} · ${stateText(e)}${next}`) });
  }
  blocks.push(...pagerBlocks(pagerBlockId(filter), LEAD_LIST.page, page));
  const first = page.current * model.perPage + 1;
  const range = `${first}–${first + page.shown.length - 1}`;
  const count = page.total !== null ? `${page.total} in all` : 'more on the next page';
  blocks.push({ type: 'context', elements: [mrkdwn(`${range} · page ${page.current + 1} · ${count} · ${code('/schedule lead show <email>')} for one lead`)] });
  return { text: title, blocks };
}

export interface LeadStopMetadata {
  readonly leadId: string;
  readonly responseUrl?: string;
}

function reasonOption(reason: StopReason): PlainTextOption {
  const label = STOP_REASON_LABELS[reason];
  return { text: { type: 'plain_text', text: `${label.charAt(0).toUpperCase()}${label.slice(1)}` }, value: reason };
}

export function leadStopModal(lead: { readonly firstName: string; readonly lastName: string; readonly email: string }, metadata: LeadStopMetadata): ModalView {
  return {
    type: 'modal',
    callback_id: LEAD_STOP.callbackId,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Stop a lead' },
    submit: { type: 'plain_text', text: 'Stop' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: mrkdwn(`No more followups go to ${who(lead)}. Why?`) },
      {
        type: 'input',
        block_id: LEAD_STOP.reasonBlock,
        label: { type: 'plain_text', text: 'Reason' },
        element: { type: 'radio_buttons', action_id: LEAD_STOP.reasonAction, options: STOP_REASONS.map(reasonOption) },
      },
      {
        type: 'input',
        block_id: LEAD_STOP.noteBlock,
        optional: true,
        label: { type: 'plain_text', text: 'Note' },
        hint: { type: 'plain_text', text: 'Kept in the lead’s history.' },
        element: { type: 'plain_text_input', action_id: LEAD_STOP.noteAction, max_length: 500 },
      },
    ],
  };
}

/** "Paused Jamie Rivera (jamie@acme.example)." and kin, for the one who did it. */
export function leadChangedText(verb: 'Paused' | 'Resumed' | 'Stopped', lead: { firstName: string; lastName: string; email: string }, enrollments: readonly EnrollmentView[]): string {
  const next = verb === 'Resumed' ? enrollments.find((v) => v.enrollment.state === 'active' && v.enrollment.nextDueAt) : undefined;
  const nextText = next?.enrollment.nextDueAt ? ` The next followup goes out ${followupLines.time(next.enrollment.nextDueAt, next.timeZone)} (${inline(next.timeZone, 60)}).` : '';
  return `:white_check_mark: ${verb} ${who(lead)}.${nextText}`;
}

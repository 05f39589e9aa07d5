// `/schedule lead add`: the lead's fields, the assistant, the schedule (its default, or its Email CC
// default when the box is ticked) and the start, with every followup's planned time in the
// assistant's zone shown before saving. Changing the assistant, the box, the schedule or the start
// re-renders it (the same builder); Slack keeps what was typed since block and action ids stay.
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { assistantSelect } from './assistantSelect.js';
import { scheduleOptions } from './cloneModal.js';
import { followupLines } from './leadTimes.js';
import { clip, inline, mrkdwn, quoted } from './text.js';
import type { Followup } from '../src/services/leads/index.js';

export const LEAD_ADD = {
  callbackId: 'lead_add',
  emailBlock: 'lead_add.email',
  firstNameBlock: 'lead_add.first_name',
  lastNameBlock: 'lead_add.last_name',
  companyBlock: 'lead_add.company',
  titleBlock: 'lead_add.title',
  phoneBlock: 'lead_add.phone',
  industryBlock: 'lead_add.industry',
  tagsBlock: 'lead_add.tags',
  customBlock: 'lead_add.custom',
  assistantBlock: 'lead_add.assistant',
  assistantAction: 'lead_add.assistant_select',
  emailCcBlock: 'lead_add.email_cc',
  emailCcAction: 'lead_add.email_cc_check',
  emailCcValue: 'email_cc',
  // The schedule input's block id ends with the assistant and the box: Slack keeps a pick over a new
  // initial_option while the ids stay, so another assistant or the box gets that one's default.
  scheduleBlockPrefix: 'lead_add.schedule.',
  scheduleAction: 'lead_add.schedule_select',
  startDateBlock: 'lead_add.start_date',
  startDateAction: 'lead_add.start_date_pick',
  startTimeBlock: 'lead_add.start_time',
  startTimeAction: 'lead_add.start_time_pick',
  previewBlock: 'lead_add.preview',
} as const;

/** A text field's action id: its block id with `.input`. */
export function textActionId(blockId: string): string {
  return `${blockId}.input`;
}

export function leadScheduleBlockId(assistantId: string | null, emailCc: boolean): string {
  return `${LEAD_ADD.scheduleBlockPrefix}${assistantId ?? 'none'}.${emailCc ? 'cc' : 'new'}`;
}

export interface LeadAddMetadata {
  /** Where `/schedule lead add` was typed: the confirmation goes there. */
  readonly responseUrl?: string;
}

export type LeadAddPreview =
  | { readonly timeZone: string; readonly assistantName: string; readonly start: Date; readonly startIsNow: boolean; readonly emailCc: boolean; readonly followups: readonly Followup[] }
  | { readonly problem: string };

export interface LeadAddModel {
  readonly assistants: readonly { readonly id: string; readonly name: string }[];
  readonly assistantId: string | null;
  readonly emailCc: boolean;
  /** The schedule shown as picked: the default, or the user's pick. */
  readonly schedule: { readonly id: string; readonly name: string; readonly system: boolean } | null;
  /** The assistant's zone, for the start's time picker. */
  readonly timeZone: string | null;
  readonly preview: LeadAddPreview | null;
  readonly metadata: LeadAddMetadata;
}

function textInput(blockId: string, label: string, options: { optional?: boolean; maxLength: number; multiline?: boolean; hint?: string; placeholder?: string }): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: options.optional ?? true,
    label: { type: 'plain_text', text: label },
    ...(options.hint ? { hint: { type: 'plain_text' as const, text: options.hint } } : {}),
    element: {
      type: 'plain_text_input',
      action_id: textActionId(blockId),
      max_length: options.maxLength,
      ...(options.multiline ? { multiline: true } : {}),
      ...(options.placeholder ? { placeholder: { type: 'plain_text' as const, text: options.placeholder } } : {}),
    },
  };
}

const EMAIL_CC_OPTION: PlainTextOption = { text: { type: 'plain_text', text: 'I sent the first email with the assistant in CC' }, value: LEAD_ADD.emailCcValue };

function previewText(preview: LeadAddPreview | null): string {
  if (!preview) return ':calendar: Pick an assistant to see when each followup goes out.';
  if ('problem' in preview) return `:warning: ${inline(preview.problem, 1000)}`;
  const start = preview.startIsNow ? 'starting now' : `starting ${followupLines.time(preview.start, preview.timeZone)}`;
  const lines = followupLines.planned(preview.followups, preview.timeZone);
  const ownEmail = preview.emailCc ? '\nStep 1 is your own email: the assistant sends no followup for it.' : '';
  return `:calendar: *Planned followups*, ${start}, in ${inline(preview.assistantName, 80)}’s time zone (${inline(preview.timeZone, 60)}):${ownEmail}\n${lines}`;
}

export function leadAddModal(model: LeadAddModel): ModalView {
  const blocks: KnownBlock[] = [
    textInput(LEAD_ADD.emailBlock, 'Email', { optional: false, maxLength: 254, placeholder: 'name@company.com' }),
    textInput(LEAD_ADD.firstNameBlock, 'First name', { maxLength: 100 }),
    textInput(LEAD_ADD.lastNameBlock, 'Last name', { maxLength: 100 }),
    textInput(LEAD_ADD.companyBlock, 'Company', { maxLength: 200 }),
    textInput(LEAD_ADD.titleBlock, 'Title', { maxLength: 200 }),
    textInput(LEAD_ADD.phoneBlock, 'Phone', { maxLength: 50 }),
    textInput(LEAD_ADD.industryBlock, 'Industry', { maxLength: 100 }),
    textInput(LEAD_ADD.tagsBlock, 'Tags', { maxLength: 1000, hint: 'Separated by commas.' }),
    textInput(LEAD_ADD.customBlock, 'Custom fields', {
      maxLength: 3000,
      multiline: true,
      hint: 'One per line, as name: value. A field named deal size is {{custom.deal_size}} in custom messages.',
      placeholder: 'deal size: 10k',
    }),
    { type: 'divider' },
    assistantSelect({ blockId: LEAD_ADD.assistantBlock, actionId: LEAD_ADD.assistantAction, assistants: model.assistants, pickedId: model.assistantId, placeholder: 'Pick an assistant', dispatch: true }),
    {
      type: 'input',
      block_id: LEAD_ADD.emailCcBlock,
      dispatch_action: true,
      optional: true,
      label: { type: 'plain_text', text: 'First email' },
      element: {
        type: 'checkboxes',
        action_id: LEAD_ADD.emailCcAction,
        options: [EMAIL_CC_OPTION],
        ...(model.emailCc ? { initial_options: [EMAIL_CC_OPTION] } : {}),
      },
    },
    {
      type: 'input',
      block_id: leadScheduleBlockId(model.assistantId, model.emailCc),
      dispatch_action: true,
      label: { type: 'plain_text', text: 'Schedule' },
      hint: {
        type: 'plain_text',
        text: model.emailCc ? 'Only Email CC schedules: their step 1 is the email you sent.' : 'The assistant’s default schedule unless you pick another.',
      },
      element: {
        type: 'external_select',
        action_id: LEAD_ADD.scheduleAction,
        placeholder: { type: 'plain_text', text: 'Type any part of its name' },
        min_query_length: 0,
        ...(model.schedule ? { initial_option: scheduleOptions([model.schedule])[0]! } : {}),
      },
    },
    {
      type: 'input',
      block_id: LEAD_ADD.startDateBlock,
      dispatch_action: true,
      optional: true,
      label: { type: 'plain_text', text: 'Start date' },
      hint: { type: 'plain_text', text: model.emailCc ? 'When you sent your email. Empty: now.' : 'Empty: now.' },
      element: { type: 'datepicker', action_id: LEAD_ADD.startDateAction, placeholder: { type: 'plain_text', text: 'Now' } },
    },
    {
      type: 'input',
      block_id: LEAD_ADD.startTimeBlock,
      dispatch_action: true,
      optional: true,
      label: { type: 'plain_text', text: clip(`Start time${model.timeZone ? ` (${model.timeZone})` : ''}`, 2000) },
      hint: { type: 'plain_text', text: 'In the assistant’s time zone. Empty with a date: 09:00.' },
      element: {
        type: 'timepicker',
        action_id: LEAD_ADD.startTimeAction,
        placeholder: { type: 'plain_text', text: 'HH:MM' },
        ...(model.timeZone ? { timezone: model.timeZone } : {}),
      },
    },
    { type: 'section', block_id: LEAD_ADD.previewBlock, text: mrkdwn(previewText(model.preview)) },
  ];
  return {
    type: 'modal',
    callback_id: LEAD_ADD.callbackId,
    private_metadata: JSON.stringify(model.metadata),
    title: { type: 'plain_text', text: 'Add a lead' },
    submit: { type: 'plain_text', text: 'Add lead' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** The confirmation in the conversation where the command was typed. */
export function leadAddedText(added: { readonly label: string; readonly email: string; readonly assistantName: string; readonly scheduleName: string; readonly timeZone: string; readonly first: Date | null }): string {
  const first = added.first ? ` The first followup goes out ${followupLines.time(added.first, added.timeZone)} (${inline(added.timeZone, 60)}).` : '';
  const who = added.label === added.email ? inline(added.email, 254) : `${inline(added.label, 200)} (${inline(added.email, 254)})`;
  return `:white_check_mark: ${who} now follows ${quoted(added.scheduleName, 100)} with ${inline(added.assistantName, 80)}.${first}`;
}

// Make default: pick an assistant, then the schedule its new leads follow and the one its Email CC
// leads follow. Opened by `/schedule default [assistant]`; picking another assistant re-renders it.
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { assistantSelect } from './assistantSelect.js';
import { scheduleOptions } from './cloneModal.js';
import { notice, type MessageView } from './message.js';
import { bold, mrkdwn, quoted, userMention } from './text.js';

export const DEFAULTS = {
  callbackId: 'make_default',
  notFoundBlock: 'defaults.not_found',
  assistantBlock: 'defaults.assistant',
  assistantAction: 'defaults.assistant_select',
  // The schedule inputs' block ids end with the assistant's id: Slack keeps a user's pick over a new
  // initial_option while block_id and action_id stay the same, so a new assistant needs new block ids.
  scheduleBlockPrefix: 'defaults.schedule.',
  scheduleAction: 'defaults.schedule_select',
  emailCcBlockPrefix: 'defaults.email_cc.',
  emailCcAction: 'defaults.email_cc_select',
} as const;


export function scheduleBlockId(assistantId: string | null): string {
  return `${DEFAULTS.scheduleBlockPrefix}${assistantId ?? 'none'}`;
}

export function emailCcBlockId(assistantId: string | null): string {
  return `${DEFAULTS.emailCcBlockPrefix}${assistantId ?? 'none'}`;
}

export interface DefaultsModalMetadata {
  /** Where `/schedule default` was typed: the confirmation is posted there. */
  readonly responseUrl?: string;
}

export interface ScheduleChoice {
  readonly id: string;
  readonly name: string;
  readonly system: boolean;
}

export interface DefaultsModalModel {
  readonly assistants: readonly { readonly id: string; readonly name: string }[];
  /** The assistant picked, with its current defaults (null when a default schedule is gone). */
  readonly selected: { readonly id: string; readonly schedule: ScheduleChoice | null; readonly emailCcSchedule: ScheduleChoice | null } | null;
  /** The name typed after `/schedule default` when no assistant has it. */
  readonly notFound?: string;
  readonly metadata: DefaultsModalMetadata;
}

function scheduleOption(schedule: ScheduleChoice): PlainTextOption {
  return scheduleOptions([schedule])[0]!;
}

export function defaultsModal(model: DefaultsModalModel): ModalView {
  const selectedId = model.selected?.id ?? null;
  const blocks: KnownBlock[] = [];
  if (model.notFound) {
    blocks.push({
      type: 'section',
      block_id: DEFAULTS.notFoundBlock,
      text: mrkdwn(`:mag: No assistant is named ${quoted(model.notFound, 100)}. Pick one below.`),
    });
  }
  blocks.push(
    assistantSelect({ blockId: DEFAULTS.assistantBlock, actionId: DEFAULTS.assistantAction, assistants: model.assistants, pickedId: selectedId, placeholder: 'Pick an assistant', dispatch: true }),
    {
      type: 'input',
      block_id: scheduleBlockId(selectedId),
      label: { type: 'plain_text', text: 'Schedule for new leads' },
      hint: { type: 'plain_text', text: 'Leads added for this assistant follow it unless you pick another when adding them.' },
      element: {
        type: 'external_select',
        action_id: DEFAULTS.scheduleAction,
        placeholder: { type: 'plain_text', text: 'Type any part of its name' },
        min_query_length: 0,
        ...(model.selected?.schedule ? { initial_option: scheduleOption(model.selected.schedule) } : {}),
      },
    },
    {
      type: 'input',
      block_id: emailCcBlockId(selectedId),
      label: { type: 'plain_text', text: 'Schedule for Email CC leads' },
      hint: {
        type: 'plain_text',
        text: 'For leads whose first email you send yourself with the assistant in CC. Only Email CC schedules are listed.',
      },
      element: {
        type: 'external_select',
        action_id: DEFAULTS.emailCcAction,
        placeholder: { type: 'plain_text', text: 'Type any part of its name' },
        min_query_length: 0,
        ...(model.selected?.emailCcSchedule ? { initial_option: scheduleOption(model.selected.emailCcSchedule) } : {}),
      },
    },
  );
  return {
    type: 'modal',
    callback_id: DEFAULTS.callbackId,
    private_metadata: JSON.stringify(model.metadata),
    title: { type: 'plain_text', text: 'Make default' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** Posted for everyone in the conversation: the team should know which schedule new leads now follow. */
export function defaultsSavedMessage(saved: { readonly userId: string; readonly assistantName: string; readonly scheduleName: string; readonly emailCcScheduleName: string }): MessageView {
  return notice(
    `:white_check_mark: ${userMention(saved.userId)} made ${bold(saved.scheduleName)} the default schedule for ${bold(saved.assistantName)} (Email CC leads: ${bold(saved.emailCcScheduleName)}).`,
  );
}

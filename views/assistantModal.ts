// Add / edit an assistant: name, notification channel, time zone (type-ahead over every IANA zone)
// and off days. Opened by `/schedule assistant add` and `/schedule assistant edit <name>`.
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { MAX_ASSISTANT_NAME } from '../src/services/domain.js';
import { offDaysLabel, type Weekday } from '../src/services/calendar.js';
import { notice, type MessageView } from './message.js';
import { bold, channelMention, clip, code, inline } from './text.js';

export const ASSISTANT = {
  callbackId: 'assistant',
  nameBlock: 'assistant.name',
  nameAction: 'assistant.name_input',
  channelBlock: 'assistant.channel',
  channelAction: 'assistant.channel_select',
  timeZoneBlock: 'assistant.time_zone',
  timeZoneAction: 'assistant.time_zone_select',
  offDaysBlock: 'assistant.off_days',
  offDaysAction: 'assistant.off_days_input',
} as const;

export interface AssistantModalMetadata {
  /** Set when editing an existing assistant, with the version it was opened at (a later save by someone else wins). */
  readonly assistantId?: string;
  readonly version?: number;
  /** Where the command was typed: the confirmation goes there. */
  readonly responseUrl?: string;
}

export interface AssistantModalModel {
  /** What the form starts with: the assistant's values on edit, defaults on add. */
  readonly name: string;
  readonly notificationChannel: string;
  /** The zone picked at first, with its label ("Europe/Berlin (UTC+02:00)"); null when unknown. */
  readonly timeZone: { readonly zone: string; readonly label: string } | null;
  readonly offDays: readonly Weekday[];
  readonly metadata: AssistantModalMetadata;
}

/** Monday first, as a working week reads. */
const WEEK: readonly { day: Weekday; name: string }[] = [
  { day: 1, name: 'Monday' },
  { day: 2, name: 'Tuesday' },
  { day: 3, name: 'Wednesday' },
  { day: 4, name: 'Thursday' },
  { day: 5, name: 'Friday' },
  { day: 6, name: 'Saturday' },
  { day: 0, name: 'Sunday' },
];

function dayOption(day: { day: Weekday; name: string }): PlainTextOption {
  return { text: { type: 'plain_text', text: day.name }, value: String(day.day) };
}

/** A time zone as an option of the type-ahead (labels stay within Slack's 75 characters). */
export function timeZoneOption(zone: { readonly zone: string; readonly label: string }): PlainTextOption {
  return { text: { type: 'plain_text', text: clip(zone.label, 75) }, value: zone.zone };
}

/** The weekdays ticked in the off-days checkboxes. */
export function parseOffDays(values: readonly string[]): Weekday[] {
  return values.map(Number).filter((n): n is Weekday => Number.isInteger(n) && n >= 0 && n <= 6);
}

export function assistantModal(model: AssistantModalModel): ModalView {
  const editing = Boolean(model.metadata.assistantId);
  const offDays = WEEK.filter((d) => model.offDays.includes(d.day)).map(dayOption);
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: ASSISTANT.nameBlock,
      label: { type: 'plain_text', text: 'Name' },
      hint: { type: 'plain_text', text: 'Who followups are sent as, e.g. Ava. Each assistant in the workspace has its own name.' },
      element: {
        type: 'plain_text_input',
        action_id: ASSISTANT.nameAction,
        max_length: MAX_ASSISTANT_NAME,
        placeholder: { type: 'plain_text', text: 'e.g. Ava' },
        ...(model.name ? { initial_value: clip(model.name, MAX_ASSISTANT_NAME) } : {}),
      },
    },
    {
      type: 'input',
      block_id: ASSISTANT.channelBlock,
      optional: true,
      label: { type: 'plain_text', text: 'Notification channel' },
      hint: { type: 'plain_text', text: "Where news about this assistant's leads is posted. Invite the app to it." },
      element: {
        type: 'conversations_select',
        action_id: ASSISTANT.channelAction,
        placeholder: { type: 'plain_text', text: 'Pick a channel' },
        filter: { include: ['public', 'private'] },
        // initial_conversation wins over default_to_current_conversation, so a saved channel shows on edit.
        ...(model.notificationChannel ? { initial_conversation: model.notificationChannel } : {}),
        ...(editing ? {} : { default_to_current_conversation: true }),
      },
    },
    {
      type: 'input',
      block_id: ASSISTANT.timeZoneBlock,
      label: { type: 'plain_text', text: 'Time zone' },
      hint: { type: 'plain_text', text: 'Followups go out on working days in this time zone. Type any part of its name, e.g. Berlin.' },
      element: {
        type: 'external_select',
        action_id: ASSISTANT.timeZoneAction,
        placeholder: { type: 'plain_text', text: 'Type a city or region' },
        min_query_length: 2,
        ...(model.timeZone ? { initial_option: timeZoneOption(model.timeZone) } : {}),
      },
    },
    {
      type: 'input',
      block_id: ASSISTANT.offDaysBlock,
      optional: true,
      label: { type: 'plain_text', text: 'Off days' },
      hint: { type: 'plain_text', text: 'A followup due on an off day is sent on the next working day.' },
      element: {
        type: 'checkboxes',
        action_id: ASSISTANT.offDaysAction,
        options: WEEK.map(dayOption),
        ...(offDays.length ? { initial_options: offDays } : {}),
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: ASSISTANT.callbackId,
    private_metadata: JSON.stringify(model.metadata),
    title: { type: 'plain_text', text: editing ? 'Edit assistant' : 'Add an assistant' },
    submit: { type: 'plain_text', text: editing ? 'Save' : 'Add' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

export interface AssistantSaved {
  /** Added now (true) or an existing one edited. */
  readonly added: boolean;
  readonly name: string;
  readonly timeZone: string;
  readonly offDays: readonly Weekday[];
  readonly notificationChannel: string;
  /** The schedule its new leads follow, when it has one. */
  readonly defaultScheduleName: string | null;
}

/** Posted where `/schedule assistant add|edit` was typed once the modal saved. */
export function assistantSavedMessage(saved: AssistantSaved): MessageView {
  const channel = saved.notificationChannel ? `Notifications go to ${channelMention(saved.notificationChannel)}.` : 'It has no notification channel yet.';
  const next = saved.added
    ? ` ${saved.defaultScheduleName ? `New leads follow ${bold(saved.defaultScheduleName)}; ` : ''}${code(`/schedule default ${saved.name}`)} picks its default schedules.`
    : '';
  return notice(
    `:white_check_mark: ${saved.added ? 'Added' : 'Saved'} assistant ${bold(saved.name)} (${inline(saved.timeZone, 60)}, ${offDaysLabel(saved.offDays)}). ${channel}${next}`,
  );
}

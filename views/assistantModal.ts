// Add / edit an assistant: who it is (name, sender, signature), when its followups go out (time zone
// as a type-ahead over every IANA zone, business hours, off days, public holidays of a country and
// region, extra off dates) and how (daily limit, notification channel), and its owner. Opened by
// `/schedule assistant add` and `/schedule assistant edit <name>`.
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { MAX_ASSISTANT_NAME } from '../src/services/domain.js';
import { MAX_DAILY_LIMIT, MAX_SENDER_NAME, MAX_SIGNATURE } from '../src/services/assistantSettings.js';
import { offDaysLabel, type Weekday } from '../src/services/calendar.js';
import { notice, type MessageView } from './message.js';
import { bold, channelMention, clip, code, inline } from './text.js';
import type { ReplanNotice } from '../src/services/replans.js';
import { affectedLeads } from './scheduleEditor.js';

export const ASSISTANT = {
  callbackId: 'assistant',
  nameBlock: 'assistant.name',
  nameAction: 'assistant.name_input',
  senderNameBlock: 'assistant.sender_name',
  senderNameAction: 'assistant.sender_name_input',
  senderEmailBlock: 'assistant.sender_email',
  senderEmailAction: 'assistant.sender_email_input',
  signatureBlock: 'assistant.signature',
  signatureAction: 'assistant.signature_input',
  timeZoneBlock: 'assistant.time_zone',
  timeZoneAction: 'assistant.time_zone_select',
  opensBlock: 'assistant.opens',
  opensAction: 'assistant.opens_time',
  closesBlock: 'assistant.closes',
  closesAction: 'assistant.closes_time',
  offDaysBlock: 'assistant.off_days',
  offDaysAction: 'assistant.off_days_input',
  countryBlock: 'assistant.holiday_country',
  countryAction: 'assistant.holiday_country_select',
  /** The region's block id carries the country it offers regions of, so picking another country empties it. */
  regionBlockPrefix: 'assistant.holiday_region',
  regionAction: 'assistant.holiday_region_select',
  offDatesBlock: 'assistant.off_dates',
  offDatesAction: 'assistant.off_dates_input',
  dailyLimitBlock: 'assistant.daily_limit',
  dailyLimitAction: 'assistant.daily_limit_input',
  channelBlock: 'assistant.channel',
  channelAction: 'assistant.channel_select',
  ownerBlock: 'assistant.owner',
  ownerAction: 'assistant.owner_select',
} as const;

/** The country select's value for no public holidays; the region select's for the whole country. */
export const NO_HOLIDAYS = 'none';
export const WHOLE_COUNTRY = '-';

export interface AssistantModalMetadata {
  /** Set when editing an existing assistant, with the version it was opened at (a later save by someone else wins). */
  readonly assistantId?: string;
  readonly version?: number;
  /** Where the command was typed: the confirmation goes there. */
  readonly responseUrl?: string;
  /** Business hours closed at 24:00, which the time picker shows as 23:59: an unchanged 23:59 still means 24:00. */
  readonly closesAtMidnight?: boolean;
}

export interface HolidayPlace {
  readonly code: string;
  readonly name: string;
}

export interface AssistantModalModel {
  /** What the form starts with: the assistant's values on edit, defaults on add. */
  readonly name: string;
  readonly senderName: string;
  readonly senderEmail: string;
  readonly signature: string;
  /** The zone picked at first, with its label ("Europe/Berlin (UTC+02:00)"); null when unknown. */
  readonly timeZone: { readonly zone: string; readonly label: string } | null;
  readonly businessHours: { readonly open: string; readonly close: string };
  readonly offDays: readonly Weekday[];
  /** Every country with public holidays, for the picker. */
  readonly countries: readonly HolidayPlace[];
  readonly holidayCountry: HolidayPlace | null;
  readonly holidayRegion: HolidayPlace | null;
  /** As typed: one date or range per line. */
  readonly extraOffDates: string;
  readonly dailyLimit: number;
  readonly notificationChannel: string;
  readonly owner: string;
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

/** Slack's text inputs take at most 3000 characters. */
const MAX_TEXT_INPUT = 3000;
/** Slack's select groups hold at most 100 options. */
const OPTIONS_PER_GROUP = 100;

function dayOption(day: { day: Weekday; name: string }): PlainTextOption {
  return { text: { type: 'plain_text', text: day.name }, value: String(day.day) };
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** A time zone as an option of the type-ahead (labels stay within Slack's 75 characters). */
export function timeZoneOption(zone: { readonly zone: string; readonly label: string }): PlainTextOption {
  return { text: plain(clip(zone.label, 75)), value: zone.zone };
}

function countryOption(country: HolidayPlace): PlainTextOption {
  return { text: plain(clip(`${country.name} (${country.code})`, 75)), value: country.code };
}

const NO_HOLIDAYS_OPTION: PlainTextOption = { text: plain('No public holidays'), value: NO_HOLIDAYS };

/** A region of the picked country as an option of the type-ahead; its value carries the country ("US:CA"). */
export function regionOption(country: string, region: HolidayPlace | null): PlainTextOption {
  return region
    ? { text: plain(clip(`${region.name} (${region.code})`, 75)), value: `${country}:${region.code}` }
    : { text: plain('Whole country'), value: WHOLE_COUNTRY };
}

/** The region input's block id for `country` (a new id makes Slack drop a region picked for another country). */
export function regionBlockId(country: string | null): string {
  return `${ASSISTANT.regionBlockPrefix}.${country || NO_HOLIDAYS}`;
}

/** The region code a region option stands for; null for the whole country. */
export function regionCodeOf(value: string | null): string | null {
  if (!value || value === WHOLE_COUNTRY) return null;
  return value.slice(value.indexOf(':') + 1) || null;
}

/** Countries by name in groups of at most 100 (Slack's limit), each labelled by its initials ("A–G"). */
function countryGroups(countries: readonly HolidayPlace[]) {
  const sorted = [...countries].sort((a, b) => a.name.localeCompare(b.name, 'en'));
  const groups = [{ label: plain('None'), options: [NO_HOLIDAYS_OPTION] }];
  for (let i = 0; i < sorted.length; i += OPTIONS_PER_GROUP) {
    const part = sorted.slice(i, i + OPTIONS_PER_GROUP);
    const first = part[0]!.name.charAt(0);
    const last = part.at(-1)!.name.charAt(0);
    groups.push({ label: plain(first === last ? first : `${first}–${last}`), options: part.map(countryOption) });
  }
  return groups;
}

/** The weekdays ticked in the off-days checkboxes. */
export function parseOffDays(values: readonly string[]): Weekday[] {
  return values.map(Number).filter((n): n is Weekday => Number.isInteger(n) && n >= 0 && n <= 6);
}

/** Slack's time picker has no 24:00: a day closing at midnight shows 23:59. */
function pickerTime(time: string): string {
  return time === '24:00' ? '23:59' : time;
}

/** The closing time picked, 24:00 again where the modal showed midnight as 23:59 and it was left so. */
export function closingTime(picked: string, metadata: Pick<AssistantModalMetadata, 'closesAtMidnight'>): string {
  return metadata.closesAtMidnight === true && picked === '23:59' ? '24:00' : picked;
}

function regionBlock(country: string | null, region: HolidayPlace | null): KnownBlock {
  return {
    type: 'input',
    block_id: regionBlockId(country),
    optional: true,
    label: plain('Region'),
    hint: plain('Some holidays are only kept in a state or region, e.g. California in the United States.'),
    element: {
      type: 'external_select',
      action_id: ASSISTANT.regionAction,
      placeholder: plain('Whole country'),
      min_query_length: 0,
      initial_option: regionOption(country ?? '', country ? region : null),
    },
  };
}

/**
 * The open modal (as Slack holds it) with the region input for `country`, empty. Every other
 * block keeps its block and action ids, so Slack keeps what was typed in them.
 */
export function withRegionsOf(view: Pick<ModalView, 'callback_id' | 'private_metadata' | 'title' | 'submit' | 'close' | 'blocks'>, country: string | null): ModalView {
  return {
    type: 'modal',
    callback_id: view.callback_id ?? ASSISTANT.callbackId,
    private_metadata: view.private_metadata ?? '',
    title: view.title,
    ...(view.submit ? { submit: view.submit } : {}),
    ...(view.close ? { close: view.close } : {}),
    blocks: view.blocks.map((block) => (block.block_id?.startsWith(ASSISTANT.regionBlockPrefix) ? regionBlock(country, null) : block)) as KnownBlock[],
  };
}

function header(text: string): KnownBlock {
  return { type: 'header', text: plain(text) };
}

export function assistantModal(model: AssistantModalModel): ModalView {
  const editing = Boolean(model.metadata.assistantId);
  const offDays = WEEK.filter((d) => model.offDays.includes(d.day)).map(dayOption);
  const country = model.holidayCountry;
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: ASSISTANT.nameBlock,
      label: plain('Name'),
      hint: plain('Each assistant in the workspace has its own name, e.g. Ava.'),
      element: {
        type: 'plain_text_input',
        action_id: ASSISTANT.nameAction,
        max_length: MAX_ASSISTANT_NAME,
        placeholder: plain('e.g. Ava'),
        ...(model.name ? { initial_value: clip(model.name, MAX_ASSISTANT_NAME) } : {}),
      },
    },
    {
      type: 'input',
      block_id: ASSISTANT.senderNameBlock,
      optional: true,
      label: plain('Sender name'),
      hint: plain('The name leads see on the followups, e.g. Ava Stone.'),
      element: {
        type: 'plain_text_input',
        action_id: ASSISTANT.senderNameAction,
        max_length: MAX_SENDER_NAME,
        ...(model.senderName ? { initial_value: clip(model.senderName, MAX_SENDER_NAME) } : {}),
      },
    },
    {
      type: 'input',
      block_id: ASSISTANT.senderEmailBlock,
      optional: true,
      label: plain('Sender email'),
      hint: plain('The address followups are sent from and replies come back to.'),
      element: {
        type: 'email_text_input',
        action_id: ASSISTANT.senderEmailAction,
        placeholder: plain('ava@example.com'),
        ...(model.senderEmail ? { initial_value: model.senderEmail } : {}),
      },
    },
    {
      type: 'input',
      block_id: ASSISTANT.signatureBlock,
      optional: true,
      label: plain('Signature'),
      hint: plain('Added below every followup. Several lines are fine.'),
      element: {
        type: 'plain_text_input',
        action_id: ASSISTANT.signatureAction,
        multiline: true,
        max_length: MAX_SIGNATURE,
        ...(model.signature ? { initial_value: clip(model.signature, MAX_SIGNATURE) } : {}),
      },
    },
    header('When followups go out'),
    {
      type: 'input',
      block_id: ASSISTANT.timeZoneBlock,
      label: plain('Time zone'),
      hint: plain('Hours, off days and holidays below are in this time zone. Type any part of its name, e.g. Berlin.'),
      element: {
        type: 'external_select',
        action_id: ASSISTANT.timeZoneAction,
        placeholder: plain('Type a city or region'),
        min_query_length: 2,
        ...(model.timeZone ? { initial_option: timeZoneOption(model.timeZone) } : {}),
      },
    },
    {
      type: 'input',
      block_id: ASSISTANT.opensBlock,
      label: plain('Business hours open at'),
      element: { type: 'timepicker', action_id: ASSISTANT.opensAction, initial_time: pickerTime(model.businessHours.open) },
    },
    {
      type: 'input',
      block_id: ASSISTANT.closesBlock,
      label: plain('Business hours close at'),
      hint: plain('A followup due outside business hours waits for the next opening.'),
      element: { type: 'timepicker', action_id: ASSISTANT.closesAction, initial_time: pickerTime(model.businessHours.close) },
    },
    {
      type: 'input',
      block_id: ASSISTANT.offDaysBlock,
      optional: true,
      label: plain('Off days'),
      hint: plain('A followup due on an off day is sent on the next working day.'),
      element: {
        type: 'checkboxes',
        action_id: ASSISTANT.offDaysAction,
        options: WEEK.map(dayOption),
        ...(offDays.length ? { initial_options: offDays } : {}),
      },
    },
    {
      type: 'input',
      block_id: ASSISTANT.countryBlock,
      optional: true,
      // Picking a country tells the app, which offers that country's regions in place of the old ones.
      dispatch_action: true,
      label: plain('Public holidays of'),
      hint: plain('Public holidays of this country are off days too (not bank holidays or observances).'),
      element: {
        type: 'static_select',
        action_id: ASSISTANT.countryAction,
        placeholder: plain('Pick a country'),
        option_groups: countryGroups(model.countries),
        initial_option: country ? countryOption(country) : NO_HOLIDAYS_OPTION,
      },
    },
    regionBlock(country?.code ?? null, country ? model.holidayRegion : null),
    {
      type: 'input',
      block_id: ASSISTANT.offDatesBlock,
      optional: true,
      label: plain('Extra off dates'),
      hint: plain('A vacation, say: one date or range per line, e.g. 2027-12-24 or 2027-12-27 to 2027-12-31.'),
      element: {
        type: 'plain_text_input',
        action_id: ASSISTANT.offDatesAction,
        multiline: true,
        max_length: MAX_TEXT_INPUT,
        placeholder: plain('2027-12-24, 2027-12-27 to 2027-12-31'),
        ...(model.extraOffDates ? { initial_value: clip(model.extraOffDates, MAX_TEXT_INPUT) } : {}),
      },
    },
    header('Sending'),
    {
      type: 'input',
      block_id: ASSISTANT.dailyLimitBlock,
      label: plain('Daily send limit'),
      hint: plain(`At most this many followups a day, from 1 to ${MAX_DAILY_LIMIT.toLocaleString('en-US')}.`),
      // No min/max here: the service's sentence says what is allowed.
      element: { type: 'number_input', action_id: ASSISTANT.dailyLimitAction, is_decimal_allowed: false, initial_value: String(model.dailyLimit) },
    },
    {
      type: 'input',
      block_id: ASSISTANT.channelBlock,
      optional: true,
      label: plain('Notification channel'),
      hint: plain("Where news about this assistant's leads is posted. Invite the app to it first."),
      element: {
        type: 'conversations_select',
        action_id: ASSISTANT.channelAction,
        placeholder: plain('Pick a channel'),
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        // initial_conversation wins over default_to_current_conversation, so a saved channel shows on edit.
        ...(model.notificationChannel ? { initial_conversation: model.notificationChannel } : {}),
        ...(editing ? {} : { default_to_current_conversation: true }),
      },
    },
    {
      type: 'input',
      block_id: ASSISTANT.ownerBlock,
      label: plain('Owner'),
      hint: plain('The owner and workspace admins can change this assistant.'),
      element: { type: 'users_select', action_id: ASSISTANT.ownerAction, ...(model.owner ? { initial_user: model.owner } : {}) },
    },
  ];
  return {
    type: 'modal',
    callback_id: ASSISTANT.callbackId,
    private_metadata: JSON.stringify(model.businessHours.close === '24:00' ? { ...model.metadata, closesAtMidnight: true } : model.metadata),
    title: plain(editing ? 'Edit assistant' : 'Add an assistant'),
    submit: plain(editing ? 'Save' : 'Add'),
    close: plain('Cancel'),
    blocks,
  };
}

/** Where each settings field (its path's start) shows its error; `regionBlock` is the region input's id in the view. */
export function assistantBlockFor(field: string, regionBlock: string): string | undefined {
  const [first, second] = field.split('.');
  if (first === 'businessHours') return second === 'open' ? ASSISTANT.opensBlock : ASSISTANT.closesBlock;
  if (first === 'holidays') return second === 'region' ? regionBlock : ASSISTANT.countryBlock;
  const blocks: Record<string, string> = {
    name: ASSISTANT.nameBlock,
    senderName: ASSISTANT.senderNameBlock,
    senderEmail: ASSISTANT.senderEmailBlock,
    signature: ASSISTANT.signatureBlock,
    timeZone: ASSISTANT.timeZoneBlock,
    offDays: ASSISTANT.offDaysBlock,
    extraOffDates: ASSISTANT.offDatesBlock,
    dailyLimit: ASSISTANT.dailyLimitBlock,
    notificationChannel: ASSISTANT.channelBlock,
    owner: ASSISTANT.ownerBlock,
  };
  return first === undefined ? undefined : blocks[first];
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
  /** What an edit of its calendar does to its leads (absent when it was added). */
  readonly replan?: ReplanNotice;
}

/** Posted where `/schedule assistant add|edit` was typed once the modal saved. */
/** After an assistant's Save: what a change of its time zone, hours, off days, holidays or vacation does to its leads. */
export function assistantReplanSentence(replan: ReplanNotice): string {
  if (!replan.rulesChanged) return '';
  return replan.activeLeads ? affectedLeads(replan.activeLeads) : 'No active lead follows it, so no planned followup changes.';
}

export function assistantSavedMessage(saved: AssistantSaved): MessageView {
  const channel = saved.notificationChannel ? `Notifications go to ${channelMention(saved.notificationChannel)}.` : 'It has no notification channel yet.';
  const next = saved.added
    ? ` ${saved.defaultScheduleName ? `New leads follow ${bold(saved.defaultScheduleName)}; ` : ''}${code(`/schedule default ${saved.name}`)} picks its default schedules.`
    : '';
  const replan = saved.replan ? assistantReplanSentence(saved.replan) : '';
  return notice(
    `:white_check_mark: ${saved.added ? 'Added' : 'Saved'} assistant ${bold(saved.name)} (${inline(saved.timeZone, 60)}, ${offDaysLabel(saved.offDays)}). ${channel}${next}${replan ? `\n${replan}` : ''}`,
  );
}

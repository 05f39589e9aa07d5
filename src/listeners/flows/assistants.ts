// Assistant and Make default flows, reached from slash commands and from interactions alike.
import type { ModalView, PlainTextOption } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Services } from '../../services/index.js';
import { DomainError, nameKey, type WorkspaceRef } from '../../services/domain.js';
import type { Assistant, ChannelCheck } from '../../services/assistants.js';
import { DEFAULT_BUSINESS_HOURS, DEFAULT_OFF_DAYS, isValidTimeZone } from '../../services/calendar.js';
import { holidayCountries, holidayRegionsOf } from '../../services/calendar/holidays.js';
import { DEFAULT_DAILY_LIMIT, offDatesFromText, offDatesText, weekdayNamesOf, type AssistantSettingsInput } from '../../services/assistantSettings.js';
import { inputValue, selectedConversation, selectedTime, selectedUser, selectedValue, selectedValues, type StateValues } from '../viewState.js';
import { timeZoneLabel } from '../../services/timeZones.js';
import {
  ASSISTANT,
  NO_HOLIDAYS,
  assistantModal,
  closingTime,
  parseOffDays,
  regionCodeOf,
  regionOption,
  type AssistantModalMetadata,
} from '../../../views/assistantModal.js';
import type { AssistantListItem } from '../../../views/assistantList.js';
import { defaultsModal, type DefaultsModalMetadata, type ScheduleChoice } from '../../../views/defaultsModal.js';

/** The Add / Edit assistant modal: the assistant's values, or for a new one the user's time zone and the defaults. */
export function assistantModalFor(services: Services, start: { assistant?: Assistant; userId: string; userTimeZone: string }, metadata: AssistantModalMetadata): ModalView {
  const { assistant } = start;
  const zone = assistant?.timeZone ?? (isValidTimeZone(start.userTimeZone) ? start.userTimeZone : '');
  const countries = holidayCountries();
  const holidays = assistant?.holidays ?? null;
  const regionName = holidays?.region ? holidayRegionsOf(holidays.country)[holidays.region] : undefined;
  return assistantModal({
    name: assistant?.name ?? '',
    senderName: assistant?.senderName ?? '',
    senderEmail: assistant?.senderEmail ?? '',
    signature: assistant?.signature ?? '',
    timeZone: zone ? { zone, label: timeZoneLabel(zone, services.clock.now()) } : null,
    businessHours: assistant?.businessHours ?? DEFAULT_BUSINESS_HOURS,
    offDays: assistant?.offDays ?? DEFAULT_OFF_DAYS,
    countries: Object.entries(countries).map(([code, name]) => ({ code, name })),
    holidayCountry: holidays ? { code: holidays.country, name: countries[holidays.country] ?? holidays.country } : null,
    holidayRegion: holidays?.region ? { code: holidays.region, name: regionName ?? holidays.region } : null,
    extraOffDates: offDatesText(assistant?.extraOffDates ?? []),
    dailyLimit: assistant?.dailyLimit ?? DEFAULT_DAILY_LIMIT,
    notificationChannel: assistant?.notificationChannel ?? '',
    owner: assistant?.owner ?? start.userId,
    metadata,
  });
}

/** The regions of the country picked in the modal whose name or code contains `query`, the whole country first. */
export function holidayRegionOptions(country: string | null, query: string): PlainTextOption[] {
  const q = query.trim().toLowerCase();
  const regions = country && country !== NO_HOLIDAYS ? Object.entries(holidayRegionsOf(country)) : [];
  const matching = regions
    .filter(([code, name]) => !q || name.toLowerCase().includes(q) || code.toLowerCase() === q)
    .sort(([, a], [, b]) => a.localeCompare(b, 'en'))
    .slice(0, 99);
  return [regionOption(country ?? '', null), ...matching.map(([code, name]) => regionOption(country!, { code, name }))];
}

/** What the Add / Edit assistant modal holds, as the settings the service validates. */
export function settingsFromModal(values: StateValues | undefined, regionBlock: string, metadata: Partial<AssistantModalMetadata>): AssistantSettingsInput & { owner?: string } {
  const text = (block: string, action: string) => inputValue(values, block, action);
  const country = selectedValue(values, ASSISTANT.countryBlock, ASSISTANT.countryAction);
  const limit = text(ASSISTANT.dailyLimitBlock, ASSISTANT.dailyLimitAction).trim();
  const owner = selectedUser(values, ASSISTANT.ownerBlock, ASSISTANT.ownerAction);
  return {
    name: text(ASSISTANT.nameBlock, ASSISTANT.nameAction),
    senderName: text(ASSISTANT.senderNameBlock, ASSISTANT.senderNameAction),
    senderEmail: text(ASSISTANT.senderEmailBlock, ASSISTANT.senderEmailAction).trim() || null,
    signature: text(ASSISTANT.signatureBlock, ASSISTANT.signatureAction),
    timeZone: selectedValue(values, ASSISTANT.timeZoneBlock, ASSISTANT.timeZoneAction) ?? '',
    businessHours: {
      open: selectedTime(values, ASSISTANT.opensBlock, ASSISTANT.opensAction) ?? '',
      close: closingTime(selectedTime(values, ASSISTANT.closesBlock, ASSISTANT.closesAction) ?? '', metadata),
    },
    offDays: weekdayNamesOf(parseOffDays(selectedValues(values, ASSISTANT.offDaysBlock, ASSISTANT.offDaysAction))),
    holidays: country && country !== NO_HOLIDAYS ? { country, region: regionCodeOf(selectedValue(values, regionBlock, ASSISTANT.regionAction)) } : null,
    extraOffDates: offDatesFromText(text(ASSISTANT.offDatesBlock, ASSISTANT.offDatesAction)),
    // Slack's number input sends text; what is not a number stays visible to validation as NaN.
    dailyLimit: limit ? Number(limit) : DEFAULT_DAILY_LIMIT,
    notificationChannel: selectedConversation(values, ASSISTANT.channelBlock, ASSISTANT.channelAction) || null,
    ...(owner ? { owner } : {}),
  };
}

export const CHANNEL_SCOPE_MISSING =
  'The app may not look at channels in this workspace yet, so it can’t check this one. A workspace admin needs to reinstall the app (it now asks to read channels); until then, leave the channel empty.';

/**
 * Asks Slack, with the acting workspace's client, whether the app's bot is in a channel
 * (`conversations.info`: `is_member`; a private channel it is not in is `channel_not_found`).
 */
export function channelMembershipVia(client: WebClient): ChannelCheck {
  return async (channel) => {
    try {
      const info = await client.conversations.info({ channel });
      return info.channel?.is_member ? 'member' : 'not_member';
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code === 'channel_not_found') return 'not_found';
      // Installed before the app asked to read channels: only reinstalling grants it.
      if (code === 'missing_scope') throw new DomainError('invalid', CHANNEL_SCOPE_MISSING, 'notificationChannel');
      throw error;
    }
  };
}

/** Each assistant as `/schedule assistant list` shows it, with its default schedules' names. */
export async function assistantListItems(services: Services, ref: WorkspaceRef): Promise<AssistantListItem[]> {
  const [assistants, schedules] = await Promise.all([services.assistants.list(ref), services.schedules.list(ref)]);
  const names = new Map(schedules.map((s) => [s.id, s.name]));
  const nameOf = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  const countries = holidayCountries();
  const holidaysLabel = (holidays: Assistant['holidays']) => {
    if (!holidays) return null;
    const country = countries[holidays.country] ?? holidays.country;
    return holidays.region ? `${country}, ${holidayRegionsOf(holidays.country)[holidays.region] ?? holidays.region}` : country;
  };
  return assistants.map((a) => ({
    id: a.id,
    name: a.name,
    timeZone: a.timeZone,
    offDays: a.offDays,
    businessHours: a.businessHours,
    holidays: holidaysLabel(a.holidays),
    extraOffDates: offDatesText(a.extraOffDates).split('\n').filter(Boolean),
    dailyLimit: a.dailyLimit,
    senderName: a.senderName,
    senderEmail: a.senderEmail,
    owner: a.owner,
    notificationChannel: a.notificationChannel,
    defaultSchedule: nameOf(a.defaultScheduleId),
    defaultEmailCcSchedule: nameOf(a.defaultEmailCcScheduleId),
  }));
}

async function scheduleChoice(services: Services, ref: WorkspaceRef, id: string | null): Promise<ScheduleChoice | null> {
  if (!id) return null;
  try {
    const schedule = await services.schedules.get(ref, id);
    return { id: schedule.id, name: schedule.name, system: schedule.system };
  } catch {
    return null; // deleted since: the select starts empty
  }
}

/**
 * The Make default modal with `assistantId` (or the assistant named `typedName`) picked and its current
 * defaults preselected; with one assistant only, that one. Null when the workspace has no assistant yet.
 */
export async function defaultsModalFor(
  services: Services,
  ref: WorkspaceRef,
  pick: { assistantId?: string | null; typedName?: string },
  metadata: DefaultsModalMetadata,
): Promise<ModalView | null> {
  const assistants = await services.assistants.list(ref);
  if (!assistants.length) return null;
  let selected: Assistant | undefined;
  let notFound: string | undefined;
  if (pick.assistantId) selected = assistants.find((a) => a.id === pick.assistantId);
  else if (pick.typedName) {
    selected = assistants.find((a) => nameKey(a.name) === nameKey(pick.typedName ?? ''));
    if (!selected) notFound = pick.typedName;
  } else if (assistants.length === 1) selected = assistants[0];
  const [schedule, emailCcSchedule] = selected
    ? await Promise.all([scheduleChoice(services, ref, selected.defaultScheduleId), scheduleChoice(services, ref, selected.defaultEmailCcScheduleId)])
    : [null, null];
  return defaultsModal({
    assistants: assistants.map((a) => ({ id: a.id, name: a.name })),
    selected: selected ? { id: selected.id, schedule, emailCcSchedule } : null,
    ...(notFound ? { notFound } : {}),
    metadata,
  });
}

// Assistant and Make default flows, reached from slash commands and from interactions alike.
import type { ModalView } from '@slack/types';
import type { Services } from '../../services/index.js';
import { nameKey, type WorkspaceRef } from '../../services/domain.js';
import type { Assistant } from '../../services/assistants.js';
import { DEFAULT_OFF_DAYS, isValidTimeZone } from '../../services/calendar.js';
import { timeZoneLabel } from '../../services/timeZones.js';
import { assistantModal, type AssistantModalMetadata } from '../../../views/assistantModal.js';
import type { AssistantListItem } from '../../../views/assistantList.js';
import { defaultsModal, type DefaultsModalMetadata, type ScheduleChoice } from '../../../views/defaultsModal.js';

/** The Add / Edit assistant modal: the assistant's values, or for a new one the user's time zone and weekends off. */
export function assistantModalFor(services: Services, start: { assistant?: Assistant; userTimeZone: string }, metadata: AssistantModalMetadata): ModalView {
  const { assistant } = start;
  const zone = assistant?.timeZone ?? (isValidTimeZone(start.userTimeZone) ? start.userTimeZone : '');
  return assistantModal({
    name: assistant?.name ?? '',
    notificationChannel: assistant?.notificationChannel ?? '',
    timeZone: zone ? { zone, label: timeZoneLabel(zone, services.clock.now()) } : null,
    offDays: assistant?.offDays ?? DEFAULT_OFF_DAYS,
    metadata,
  });
}

/** Each assistant as `/schedule assistant list` shows it, with its default schedules' names. */
export async function assistantListItems(services: Services, ref: WorkspaceRef): Promise<AssistantListItem[]> {
  const [assistants, schedules] = await Promise.all([services.assistants.list(ref), services.schedules.list(ref)]);
  const names = new Map(schedules.map((s) => [s.id, s.name]));
  const nameOf = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  return assistants.map((a) => ({
    id: a.id,
    name: a.name,
    timeZone: a.timeZone,
    offDays: a.offDays,
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

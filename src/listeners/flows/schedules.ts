// Schedule flows reached from a slash command and from `/schedule list` buttons alike.
import type { ModalView } from '@slack/types';
import type { Services } from '../../services/index.js';
import type { WorkspaceRef } from '../../services/domain.js';
import type { Schedule } from '../../services/schedules.js';
import { DEFAULT_OFF_DAYS, totalDays } from '../../services/calendar.js';
import { previewSteps } from '../../services/stepPreview.js';
import { cloneModal } from '../../../views/cloneModal.js';
import { scheduleEditorModal } from '../../../views/scheduleEditor.js';
import { scheduleDetailsMessage } from '../../../views/scheduleDetails.js';
import { renameModal } from '../../../views/renameModal.js';
import { deleteConfirmMessage } from '../../../views/deleteConfirm.js';
import { scheduleNotFoundMessage } from '../../../views/notFound.js';
import type { MessageView } from '../../../views/message.js';
import { SCHEDULES_PER_PAGE, scheduleListMessage } from '../../../views/scheduleList.js';
import type { SlackActor } from '../context.js';

/** `/schedule list` at `page` (zero-based), as the database cut it. */
export async function scheduleListPage(services: Services, ref: WorkspaceRef, page: number): Promise<MessageView> {
  const { items, page: current, hasNext, total } = await services.schedules.summaryPage(ref, page, SCHEDULES_PER_PAGE);
  return scheduleListMessage({ shown: items, current, hasNext, total });
}

/** The step editor on a fresh draft of the schedule (by id, or as just read). */
export async function editorView(services: Services, actor: SlackActor, schedule: string | Schedule): Promise<ModalView> {
  const draft = await services.drafts.start(actor, schedule, actor.timeZone);
  return scheduleEditorModal(await services.drafts.model(actor.workspace, draft));
}

/** The clone modal, with the schedule named `typedName` picked (or close matches when there is none). */
export async function cloneView(services: Services, ref: WorkspaceRef, typedName?: string): Promise<ModalView> {
  let source: Schedule | null = null;
  let notFound: { typed: string; closeMatches: string[] } | undefined;
  if (typedName) {
    source = await services.schedules.findByName(ref, typedName);
    if (!source) notFound = { typed: typedName, closeMatches: await services.schedules.closeMatches(ref, typedName) };
  }
  return cloneModal({
    ...(source ? { source: { id: source.id, name: source.name, description: source.description } } : {}),
    ...(notFound ? { notFound } : {}),
  });
}

export function renameView(services: Services, actor: SlackActor, schedule: Schedule): ModalView {
  services.schedules.assertCanEdit(actor, schedule);
  return renameModal(schedule);
}

export function confirmDelete(services: Services, actor: SlackActor, schedule: Schedule): MessageView {
  services.schedules.assertCanEdit(actor, schedule);
  return deleteConfirmMessage({ id: schedule.id, name: schedule.name, stepCount: schedule.steps.length });
}

export async function scheduleDetails(services: Services, ref: WorkspaceRef, schedule: Schedule, timeZone: string): Promise<MessageView> {
  const messages = await services.customMessages.getMany(ref, schedule.steps.flatMap((s) => (s.customMessageId ? [s.customMessageId] : [])));
  const start = services.clock.now();
  const steps = previewSteps(schedule.steps, { messages, start, rules: { timeZone, offDays: DEFAULT_OFF_DAYS } });
  return scheduleDetailsMessage({
    name: schedule.name,
    description: schedule.description,
    system: schedule.system,
    emailCc: schedule.emailCc,
    createdBy: schedule.createdBy,
    totalDays: totalDays(schedule.steps.map((s) => s.afterDays)),
    steps,
    datesFor: { assistantName: null, start, timeZone, offDays: DEFAULT_OFF_DAYS },
  });
}

/** "No schedule is named “x”. Close matches: …" */
export async function scheduleNotFound(services: Services, ref: WorkspaceRef, name: string): Promise<MessageView> {
  return scheduleNotFoundMessage(name, await services.schedules.closeMatches(ref, name));
}

// Lead flows between the listeners and the lead service: the add modal's model (its preview
// computed by the service, so it shows exactly what Add will plan), the start picked in the
// assistant's zone, reading the add form, and the names and zones that show and list display.
import type { ModalView } from '@slack/types';
import type { Services } from '../../services/index.js';
import { ValidationError, type WorkspaceRef } from '../../services/domain.js';
import type { Assistant } from '../../services/assistants.js';
import type { Enrollment, EnrollOptions, LeadDetails } from '../../services/leads/index.js';
import { localStart } from '../../services/leads/plan.js';
import { LEAD_ADD, leadAddModal, leadScheduleBlockId, textActionId, type LeadAddMetadata, type LeadAddPreview } from '../../../views/leadAddModal.js';
import type { EnrollmentView } from '../../../views/leadMessages.js';
import { blockIdWithPrefix, inputValue, selectedValue, selectedValues, type StateValues } from '../viewState.js';

/** What the user has picked so far in the add modal. */
export interface LeadAddPicks {
  readonly assistantId?: string | null;
  readonly emailCc?: boolean;
  /** Only a schedule picked for this assistant and box; otherwise the default. */
  readonly scheduleId?: string | null;
  readonly startDate?: string | null;
  readonly startTime?: string | null;
}

/** The picks as the modal's state has them (block ids that carry another assistant read as no pick). */
export function leadAddPicks(values: StateValues | undefined, blocks: readonly { block_id?: string }[] | undefined): LeadAddPicks {
  const assistantId = selectedValue(values, LEAD_ADD.assistantBlock, LEAD_ADD.assistantAction);
  const emailCc = selectedValues(values, LEAD_ADD.emailCcBlock, LEAD_ADD.emailCcAction).includes(LEAD_ADD.emailCcValue);
  const scheduleBlock = blockIdWithPrefix(blocks, LEAD_ADD.scheduleBlockPrefix);
  const scheduleId = scheduleBlock === leadScheduleBlockId(assistantId, emailCc) ? selectedValue(values, scheduleBlock, LEAD_ADD.scheduleAction) : null;
  return {
    assistantId,
    emailCc,
    scheduleId,
    startDate: (values?.[LEAD_ADD.startDateBlock]?.[LEAD_ADD.startDateAction] as { selected_date?: unknown } | undefined)?.selected_date as string | null,
    startTime: (values?.[LEAD_ADD.startTimeBlock]?.[LEAD_ADD.startTimeAction] as { selected_time?: unknown } | undefined)?.selected_time as string | null,
  };
}

/** The enrollment the picks ask for; the start as a sentence for the start field when it can't be read. */
export function enrollOptionsOf(picks: LeadAddPicks, assistant: Assistant | undefined): EnrollOptions {
  const date = typeof picks.startDate === 'string' ? picks.startDate : '';
  const time = typeof picks.startTime === 'string' ? picks.startTime : '';
  let start: Date | null = null;
  if (date || time) {
    if (!date) throw new ValidationError({ start: 'Pick the start date too, or clear the time to start now.' });
    const local = localStart(date, time || '09:00', assistant?.timeZone ?? 'UTC');
    if (!local) throw new ValidationError({ start: 'Pick the start as a date and a time.' });
    start = local;
  }
  return { assistantId: picks.assistantId ?? '', scheduleId: picks.scheduleId ?? null, emailCc: picks.emailCc === true, start };
}

/** The add modal for these picks, with its preview; null when the workspace has no assistant yet. */
export async function leadAddModalFor(services: Services, ref: WorkspaceRef, picks: LeadAddPicks, metadata: LeadAddMetadata): Promise<ModalView | null> {
  const assistants = await services.assistants.list(ref);
  if (!assistants.length) return null;
  const assistant = assistants.find((a) => a.id === picks.assistantId) ?? (assistants.length === 1 ? assistants[0] : undefined);
  const emailCc = picks.emailCc === true;
  let preview: LeadAddPreview | null = null;
  let schedule: { id: string; name: string; system: boolean } | null = null;
  if (assistant) {
    try {
      const planned = await services.leads.preview(ref, enrollOptionsOf({ ...picks, assistantId: assistant.id }, assistant));
      schedule = planned.schedule;
      preview = { timeZone: planned.assistant.timeZone, assistantName: planned.assistant.name, start: planned.start, startIsNow: !picks.startDate, emailCc, followups: planned.followups };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      preview = { problem: Object.values(error.errors).join(' ') };
      const scheduleId = picks.scheduleId ?? (emailCc ? assistant.defaultEmailCcScheduleId : assistant.defaultScheduleId);
      schedule = scheduleId ? await services.schedules.get(ref, scheduleId).catch(() => null) : null;
    }
  }
  return leadAddModal({
    assistants: assistants.map((a) => ({ id: a.id, name: a.name })),
    assistantId: assistant?.id ?? null,
    emailCc,
    schedule: schedule ? { id: schedule.id, name: schedule.name, system: schedule.system } : null,
    timeZone: assistant?.timeZone ?? null,
    preview,
    metadata,
  });
}

/** The lead as typed in the add modal, in the shape every way in shares (`leadInputSchema`). */
export function leadFromForm(values: StateValues | undefined): { lead: Record<string, unknown> } | { errors: Record<string, string> } {
  const text = (block: string) => inputValue(values, block, textActionId(block));
  const custom: Record<string, string> = {};
  const lines = text(LEAD_ADD.customBlock).split('\n');
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon < 1) return { errors: { custom: `Write each custom field as name: value (line ${i + 1} has no name before a colon).` } };
    custom[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return {
    lead: {
      email: text(LEAD_ADD.emailBlock),
      firstName: text(LEAD_ADD.firstNameBlock),
      lastName: text(LEAD_ADD.lastNameBlock),
      company: text(LEAD_ADD.companyBlock),
      title: text(LEAD_ADD.titleBlock),
      phone: text(LEAD_ADD.phoneBlock),
      industry: text(LEAD_ADD.industryBlock),
      tags: text(LEAD_ADD.tagsBlock)
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      custom,
    },
  };
}

/** The add modal's block for a field of the lead or of the enrollment. */
export function leadAddBlockFor(field: string, scheduleBlock: string): string | undefined {
  const blocks: Record<string, string> = {
    email: LEAD_ADD.emailBlock,
    firstName: LEAD_ADD.firstNameBlock,
    lastName: LEAD_ADD.lastNameBlock,
    company: LEAD_ADD.companyBlock,
    title: LEAD_ADD.titleBlock,
    phone: LEAD_ADD.phoneBlock,
    industry: LEAD_ADD.industryBlock,
    tags: LEAD_ADD.tagsBlock,
    custom: LEAD_ADD.customBlock,
    assistantId: LEAD_ADD.assistantBlock,
    scheduleId: scheduleBlock,
    start: LEAD_ADD.startDateBlock,
  };
  return blocks[field.split('.')[0] ?? ''];
}

/** The lead's enrollments with their assistant's and schedule's names and the zone their times show in; the current one first. */
export async function enrollmentViews(services: Services, ref: WorkspaceRef, enrollments: readonly Enrollment[]): Promise<EnrollmentView[]> {
  if (!enrollments.length) return [];
  const assistants = await services.assistants.list(ref);
  const scheduleIds = [...new Set(enrollments.map((e) => e.scheduleId))];
  const schedules = await Promise.all(scheduleIds.map((id) => services.schedules.get(ref, id).catch(() => null)));
  const scheduleName = new Map(scheduleIds.map((id, i) => [id, schedules[i]?.name ?? null]));
  return enrollments.map((enrollment) => {
    const assistant = assistants.find((a) => a.id === enrollment.assistantId);
    return { enrollment, assistantName: assistant?.name ?? null, scheduleName: scheduleName.get(enrollment.scheduleId) ?? null, timeZone: assistant?.timeZone ?? 'UTC' };
  });
}

/** Active and paused enrollments first (newest first within), then the rest. */
export function currentFirst(lead: LeadDetails): Enrollment[] {
  const open = (e: Enrollment) => e.state === 'active' || e.state === 'paused';
  return [...lead.enrollments.filter(open), ...lead.enrollments.filter((e) => !open(e))];
}

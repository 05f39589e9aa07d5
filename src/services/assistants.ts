// Assistants: the sender persona leads are added for. This issue needs name, notification
// channel, time zone, off days and the two default schedules.
import { Types } from 'mongoose';
import { isDuplicateKeyError, parseObjectId, type AssistantDoc, type Models, type ScheduleDoc } from '../db/models.js';
import { isValidTimeZone, type Weekday } from './calendar.js';
import { RECOMMENDED, RECOMMENDED_EMAIL_CC } from './workspaces.js';
import {
  DomainError,
  ValidationError,
  assertOwnerOrAdmin,
  duplicateName,
  nameKey,
  nameProblem,
  normalizeName,
  workspaceKey,
  type Actor,
  type WorkspaceRef,
} from './domain.js';
import { createdBySameSave, nameTaken } from './names.js';
import { scheduleLock, withLocks } from './locks.js';
import { closeMatchesIn } from './closeMatches.js';
import { writeNextVersion, type VersionedSave } from './versions.js';
import type { Clock } from '../clock.js';

export interface Assistant {
  readonly id: string;
  readonly name: string;
  readonly notificationChannel: string;
  readonly timeZone: string;
  readonly offDays: readonly Weekday[];
  readonly defaultScheduleId: string | null;
  readonly defaultEmailCcScheduleId: string | null;
  readonly createdBy: string;
  readonly version: number;
  readonly updatedByName: string;
  readonly updatedAt: Date;
}

export interface AssistantInput {
  readonly name: string;
  /** A channel id; empty for none yet. */
  readonly notificationChannel: string;
  readonly timeZone: string;
  readonly offDays: readonly Weekday[];
}

export interface AssistantService {
  list(ref: WorkspaceRef): Promise<Assistant[]>;
  get(ref: WorkspaceRef, id: string): Promise<Assistant>;
  findByName(ref: WorkspaceRef, name: string): Promise<Assistant | null>;
  /** Up to `limit` names close to `name` (typos included), for "did you mean". */
  closeMatches(ref: WorkspaceRef, name: string, limit?: number): Promise<string[]>;
  /** `saveId` (the modal's view id): the same Save submitted twice answers with what the first created. */
  create(actor: Actor, input: AssistantInput & { readonly saveId?: string }): Promise<Assistant>;
  /** Refused (ConflictError, nothing written) when someone saved since `baseVersion`, the version the modal opened. */
  update(actor: Actor, id: string, input: AssistantInput & VersionedSave): Promise<Assistant>;
  setDefaults(actor: Actor, id: string, defaults: { scheduleId: string; emailCcScheduleId: string }): Promise<Assistant>;
  assertCanChange(actor: Actor, assistant: Assistant): void;
}

function toAssistant(doc: AssistantDoc): Assistant {
  return {
    id: String(doc._id),
    name: doc.name,
    notificationChannel: doc.notificationChannel ?? '',
    timeZone: doc.timeZone,
    offDays: (doc.offDays ?? []) as Weekday[],
    defaultScheduleId: doc.defaultScheduleId ? String(doc.defaultScheduleId) : null,
    defaultEmailCcScheduleId: doc.defaultEmailCcScheduleId ? String(doc.defaultEmailCcScheduleId) : null,
    createdBy: doc.createdBy,
    version: doc.version ?? 1,
    updatedByName: doc.updatedByName ?? '',
    updatedAt: doc.updatedAt,
  };
}

export function validateAssistant(input: AssistantInput): Record<string, string> {
  const errors: Record<string, string> = {};
  const nameError = nameProblem('assistant', input.name);
  if (nameError) errors.name = nameError;
  if (!isValidTimeZone(input.timeZone)) errors.timeZone = `“${input.timeZone}” is not a time zone I know. Pick one from the list, such as America/New_York.`;
  const offDays = new Set(input.offDays);
  if ([...offDays].some((d) => !Number.isInteger(d) || d < 0 || d > 6)) errors.offDays = 'Pick off days from Sunday to Saturday.';
  else if (offDays.size >= 7) errors.offDays = 'Leave at least one working day: followups are only sent on working days.';
  return errors;
}

export function createAssistantService(models: Models, clock: Clock): AssistantService {
  const { Assistant, Schedule } = models;

  async function load(ref: WorkspaceRef, id: string): Promise<AssistantDoc> {
    const _id = parseObjectId(id);
    const doc = _id ? await Assistant.findOne({ _id, workspace: workspaceKey(ref) }).lean<AssistantDoc>() : null;
    if (!doc) throw new DomainError('not_found', 'That assistant no longer exists.');
    return doc;
  }

  function assertCanChange(actor: Actor, assistant: Assistant): void {
    assertOwnerOrAdmin(actor, assistant.createdBy, `Only {owner}, who added ${assistant.name}, or a workspace admin or owner can change this assistant.`);
  }

  /** Every field problem at once, the name already taken included. */
  async function fieldErrors(ref: WorkspaceRef, input: AssistantInput, exceptId?: string): Promise<Record<string, string>> {
    const errors = validateAssistant(input);
    const taken = errors.name ? null : await nameTaken(models, 'assistant', ref, input.name, exceptId);
    if (taken) errors.name = taken.message;
    return errors;
  }

  function fields(input: AssistantInput) {
    return {
      name: normalizeName(input.name),
      nameKey: nameKey(input.name),
      notificationChannel: input.notificationChannel,
      timeZone: input.timeZone,
      offDays: [...new Set(input.offDays)].sort(),
    };
  }

  return {
    assertCanChange,

    async list(ref) {
      const docs = await Assistant.find({ workspace: workspaceKey(ref) }).sort({ nameKey: 1 }).lean<AssistantDoc[]>();
      return docs.map(toAssistant);
    },

    async get(ref, id) {
      return toAssistant(await load(ref, id));
    },

    async findByName(ref, name) {
      const doc = await Assistant.findOne({ workspace: workspaceKey(ref), nameKey: nameKey(name) }).lean<AssistantDoc>();
      return doc ? toAssistant(doc) : null;
    },

    async closeMatches(ref, name, limit) {
      return closeMatchesIn(Assistant, ref, name, limit);
    },

    async create(actor, input) {
      // The same Save submitted twice (a double click) answers with what the first one created.
      const repeated = async () => {
        const doc = await createdBySameSave<AssistantDoc>(models, 'assistant', actor.workspace, input.name, input.saveId);
        return doc ? toAssistant(doc) : null;
      };
      const errors = await fieldErrors(actor.workspace, input);
      if (Object.keys(errors).length) {
        if (errors.name) {
          const first = await repeated();
          if (first) return first;
        }
        throw new ValidationError(errors);
      }
      const workspace = workspaceKey(actor.workspace);
      // New assistants start on the system schedules; `/schedule default` changes them.
      const system = await Schedule.find({ workspace, system: true, nameKey: { $in: [nameKey(RECOMMENDED), nameKey(RECOMMENDED_EMAIL_CC)] } }, { nameKey: 1 }).lean<
        Pick<ScheduleDoc, '_id' | 'nameKey'>[]
      >();
      const idOf = (name: string) => system.find((s) => s.nameKey === nameKey(name))?._id ?? null;
      try {
        const doc = await Assistant.create({
          workspace,
          ...fields(input),
          defaultScheduleId: idOf(RECOMMENDED),
          defaultEmailCcScheduleId: idOf(RECOMMENDED_EMAIL_CC),
          createdBy: actor.userId,
          createdBySave: input.saveId ?? null,
        });
        return toAssistant(doc.toObject());
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const first = await repeated();
        if (first) return first;
        throw duplicateName('assistant', input.name);
      }
    },

    async update(actor, id, input) {
      const current = toAssistant(await load(actor.workspace, id));
      assertCanChange(actor, current);
      const errors = await fieldErrors(actor.workspace, input, id);
      if (Object.keys(errors).length) throw new ValidationError(errors);
      await writeNextVersion(models, clock, actor, 'assistant', current, input, fields(input));
      return toAssistant(await load(actor.workspace, id));
    },

    async setDefaults(actor, id, defaults) {
      const current = toAssistant(await load(actor.workspace, id));
      assertCanChange(actor, current);
      const workspace = workspaceKey(actor.workspace);
      const errors: Record<string, string> = {};
      const scheduleId = parseObjectId(defaults.scheduleId);
      const emailCcId = parseObjectId(defaults.emailCcScheduleId);
      // Holding the schedules' locks: a schedule can't be deleted between the check that it
      // exists and the write that makes it a default (schedules.remove takes the same lock).
      const locks = [scheduleId, emailCcId].flatMap((oid) => (oid ? [scheduleLock(String(oid))] : []));
      await withLocks(models, clock, locks, async () => {
        const [schedule, emailCc] = await Promise.all([
          scheduleId ? Schedule.findOne({ _id: scheduleId, workspace }, { emailCc: 1, name: 1 }).lean<Pick<ScheduleDoc, 'emailCc' | 'name'>>() : null,
          emailCcId ? Schedule.findOne({ _id: emailCcId, workspace }, { emailCc: 1, name: 1 }).lean<Pick<ScheduleDoc, 'emailCc' | 'name'>>() : null,
        ]);
        if (!schedule) errors.schedule = 'Pick the schedule for new leads (the one you picked may have been deleted).';
        else if (schedule.emailCc) errors.schedule = `“${schedule.name}” is for Email CC leads: its first step is never sent. Pick it below instead.`;
        if (!emailCc) errors.emailCcSchedule = 'Pick the schedule for Email CC leads (the one you picked may have been deleted).';
        else if (!emailCc.emailCc) errors.emailCcSchedule = `“${emailCc.name}” is not an Email CC schedule. Pick one made for Email CC leads.`;
        if (Object.keys(errors).length) throw new ValidationError(errors);
        await Assistant.updateOne({ _id: new Types.ObjectId(id), workspace }, { $set: { defaultScheduleId: scheduleId, defaultEmailCcScheduleId: emailCcId } });
      });
      return toAssistant(await load(actor.workspace, id));
    },
  };
}

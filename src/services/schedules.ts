// Schedules: list, find, clone, save steps, rename, delete. Scoped to a workspace; no Slack.
import { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, parseObjectId, type Models, type ScheduleDoc, type ScheduleSummaryDoc, type StepDoc } from '../db/models.js';

import { isValidAfterDays, MAX_AFTER_DAYS } from './calendar.js';
import { stepDoc, stepOfDoc, storedHundredths, type Step, type StepInput } from './steps.js';
import { repairScheduleSummaries, storedTotalDays, syncScheduleSummary } from './scheduleSummaries.js';
import { storedScheduleList } from './scheduleList.js';
import { nameTaken } from './names.js';
import { scheduleLock, withLocks } from './locks.js';
import { closeMatchesIn } from './closeMatches.js';
import { ownEmailProblem, ownEmailStep, withOwnEmailFirst } from './emailCc.js';
import { writeNextVersion, type VersionedSave } from './versions.js';
import type { ReplanNotice, ReplanService } from './replans.js';
import {
  DomainError,
  MAX_SCHEDULE_DESCRIPTION,
  MAX_STEPS,
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

export type { Step, StepInput } from './steps.js';

export interface Schedule {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly system: boolean;
  readonly emailCc: boolean;
  readonly steps: readonly Step[];
  readonly createdBy: string;
  readonly updatedBy: string;
  readonly updatedByName: string;
  readonly updatedAt: Date;
  readonly version: number;
}

/** A saved schedule, and what the save does to the leads following it. */
export interface SavedSchedule extends Schedule {
  readonly replan: ReplanNotice;
}

/** A schedule as a type-ahead menu offers it. */
export interface ScheduleName {
  readonly id: string;
  readonly name: string;
  readonly system: boolean;
  readonly emailCc: boolean;
}

/** A schedule as lists show it (read from its summary document, without its steps). */
export interface ScheduleSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly system: boolean;
  readonly emailCc: boolean;
  readonly stepCount: number;
  readonly totalDays: number;
  readonly createdBy: string;
  readonly version: number;
  /** Names of the assistants that use it as a default (for new leads or Email CC leads). */
  readonly defaultFor: readonly string[];
}

/** A whole schedule as the HTTP API lists it, with its total days and the assistants using it. */
export interface ListedSchedule extends Schedule {
  readonly totalDays: number;
  readonly defaultFor: readonly string[];
}

/** One page of a list, cut by the database: `page` is zero-based; one past the end is the last page there is. */
export interface ListPage<T> {
  readonly items: readonly T[];
  readonly page: number;
  /** Whether another page follows (the database is asked for one item more than a page). */
  readonly hasNext: boolean;
  /** Items on all pages, known without counting on the last page; null before it. */
  readonly total: number | null;
}

export interface ScheduleService {
  /** Every schedule's summary: system ones first, then by name. */
  list(ref: WorkspaceRef): Promise<ScheduleSummary[]>;
  /** One page of `list` (`/schedule list`), sorted, skipped and limited in the database. */
  summaryPage(ref: WorkspaceRef, page: number, perPage: number): Promise<ListPage<ScheduleSummary>>;
  /** One page of whole schedules in the same order (the HTTP API). */
  page(ref: WorkspaceRef, page: number, perPage: number): Promise<ListPage<ListedSchedule>>;
  get(ref: WorkspaceRef, id: string): Promise<Schedule>;
  /** Exact name, case-insensitive; null when none. */
  findByName(ref: WorkspaceRef, name: string): Promise<Schedule | null>;
  /**
   * Names containing `query` (any part, case-insensitive), alphabetical, at most `limit`. `emailCc` keeps only
   * Email CC schedules (true) or only the others (false).
   */
  search(ref: WorkspaceRef, query: string, options?: { limit?: number; emailCc?: boolean }): Promise<ScheduleName[]>;
  /** Up to `limit` names close to `name` (typos included), for "did you mean". */
  closeMatches(ref: WorkspaceRef, name: string, limit?: number): Promise<string[]>;
  clone(actor: Actor, sourceId: string, input: { name: string; description: string }): Promise<Schedule>;
  /** A new schedule with these steps (the HTTP API), by the editor's rules: field errors as in `validate`. */
  create(actor: Actor, input: { name: string; description: string; emailCc: boolean; steps: readonly StepInput[] }): Promise<Schedule>;
  /** Field errors (`name`, `description`, `steps`, `step.N`) a save would give; writes nothing. */
  validate(ref: WorkspaceRef, id: string, input: { name: string; description: string; steps: readonly StepInput[] }): Promise<Record<string, string>>;
  /** `baseVersion` is the version the editor opened; a later save from it is refused (ConflictError). */
  /**
   * Writes the schedule; when its steps changed, its leads' unsent followups are replanned after
   * the request (a job). Says how many active leads follow it.
   */
  save(actor: Actor, id: string, input: { name: string; description: string; steps: readonly StepInput[] } & VersionedSave): Promise<SavedSchedule>;
  rename(actor: Actor, id: string, newName: string): Promise<Schedule>;
  remove(actor: Actor, id: string): Promise<void>;
  /** Brings the list's summaries in line with the schedules (hourly); returns how many it fixed. */
  repairSummaries(): Promise<number>;
  /** Throws unless `actor` may edit, rename or delete the schedule. */
  assertCanEdit(actor: Actor, schedule: Schedule): void;
}

export function toSchedule(doc: ScheduleDoc): Schedule {
  return {
    id: String(doc._id),
    name: doc.name,
    description: doc.description ?? '',
    system: doc.system,
    emailCc: doc.emailCc,
    // Read through the Email CC rule: a schedule an older process wrote mid-deploy still shows its own email first.
    steps: withOwnEmailFirst(doc.emailCc, doc.steps, ownEmailStep).map(stepOfDoc),
    createdBy: doc.createdBy,
    updatedBy: doc.updatedBy,
    updatedByName: doc.updatedByName ?? '',
    updatedAt: doc.updatedAt,
    version: doc.version,
  };
}

function sameSteps(a: readonly Step[], b: readonly Step[]): boolean {
  return a.length === b.length && a.every((s, i) => s.type === b[i]!.type && s.customMessageId === b[i]!.customMessageId && s.afterHundredths === b[i]!.afterHundredths);
}

/** Deleting a schedule leads follow would leave them without steps: how many, and where they can go instead. */
function followedRefusal(name: string, following: { active: number; paused: number }): DomainError {
  const total = following.active + following.paused;
  const who = total === 1 ? '1 lead follows it' : `${total} leads follow it`;
  const paused = following.paused ? (following.paused === total ? (total === 1 ? ', paused' : ', all paused') : ` (${following.paused} of them paused)`) : '';
  return new DomainError(
    'in_use',
    `“${name}” can't be deleted: ${who}${paused}. Move ${total === 1 ? 'that lead' : 'them'} to another schedule first: stop ${total === 1 ? 'it' : 'each'} with /schedule lead stop <email> and add ${total === 1 ? 'it' : 'them'} again with /schedule lead add, picking the other schedule (/schedule lead list shows who follows what).`,
    undefined,
    { following: total },
  );
}

export function validateDescription(description: string): string | null {
  return description.trim().length > MAX_SCHEDULE_DESCRIPTION
    ? `Keep the description to ${MAX_SCHEDULE_DESCRIPTION} characters (this one has ${description.trim().length}).`
    : null;
}

/** How lists show schedules: system ones first, then by name. The (workspace, system, nameKey) index serves it. */
const LIST_ORDER = { system: -1, nameKey: 1 } as const;

const scheduleGone = () => new DomainError('not_found', 'That schedule no longer exists. It may have been deleted.');

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}


/** A step as a save writes it: a message only on a custom step, after days as hundredths. */
function storedStep(s: StepInput): StepDoc {
  return stepDoc(s.type, s.type === 'custom' && s.customMessageId ? new Types.ObjectId(s.customMessageId) : null, s.afterDays);
}

export function createScheduleService(models: Models, clock: Clock, replans: ReplanService): ScheduleService {
  const { Schedule, ScheduleSummary, ScheduleName, Assistant, CustomMessage, VersionClaim } = models;

  async function load(ref: WorkspaceRef, id: string): Promise<ScheduleDoc> {
    const _id = parseObjectId(id);
    const doc = _id ? await Schedule.findOne({ _id, workspace: workspaceKey(ref) }).lean<ScheduleDoc>() : null;
    if (!doc) throw scheduleGone();
    return doc;
  }

  /**
   * After a write: its list entries brought in line, and the schedule as now stored. `written` (the
   * schedule as this write left it) saves reading it first; the check after reads it anyway.
   */
  async function synced(ref: WorkspaceRef, id: string, written?: ScheduleDoc): Promise<Schedule> {
    const doc = await syncScheduleSummary(models, new Types.ObjectId(id), written);
    if (!doc || doc.workspace !== workspaceKey(ref)) throw scheduleGone();
    return toSchedule(doc);
  }

  /** A new schedule of `actor`'s, with its list entries; a name someone took meanwhile is that name's field error. */
  async function insert(actor: Actor, input: { name: string; description: string; emailCc: boolean; steps: StepDoc[] }): Promise<Schedule> {
    try {
      const created = await Schedule.create({
        workspace: workspaceKey(actor.workspace),
        name: normalizeName(input.name),
        nameKey: nameKey(input.name),
        description: input.description.trim(),
        system: false,
        emailCc: input.emailCc,
        steps: input.steps,
        createdBy: actor.userId,
        updatedBy: actor.userId,
        updatedByName: actor.name,
      });
      const doc = created.toObject();
      await syncScheduleSummary(models, doc._id, doc);
      return toSchedule(doc);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw duplicateName('schedule', input.name);
      throw error;
    }
  }

  async function assertNameFree(ref: WorkspaceRef, name: string, exceptId?: string): Promise<void> {
    const taken = await nameTaken(models, 'schedule', ref, name, exceptId);
    if (taken) throw taken;
  }

  function assertCanEdit(actor: Actor, schedule: Schedule): void {
    if (schedule.system) {
      throw new DomainError('system_schedule', `“${schedule.name}” is a system schedule and can't be changed. Clone it to make your own copy.`);
    }
    assertOwnerOrAdmin(actor, schedule.createdBy, `Only {owner}, who created “${schedule.name}”, or a workspace admin or owner can change it. You can clone it instead.`);
  }

  async function assertMessagesExist(ref: WorkspaceRef, steps: readonly StepInput[]): Promise<Record<string, string>> {
    const errors: Record<string, string> = {};
    const ids = [...new Set(steps.flatMap((s) => (s.type === 'custom' && s.customMessageId ? [s.customMessageId] : [])))];
    const found = ids.length
      ? await CustomMessage.find({ workspace: workspaceKey(ref), _id: { $in: ids.map((id) => parseObjectId(id)).filter(Boolean) } }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>()
      : [];
    const existing = new Set(found.map((m) => String(m._id)));
    steps.forEach((step, i) => {
      if (step.type !== 'custom') return;
      if (!step.customMessageId) errors[`step.${i}`] = `Step ${i + 1} is a custom message: pick the message to send.`;
      else if (!existing.has(step.customMessageId)) errors[`step.${i}`] = `The message picked for step ${i + 1} was deleted. Pick another.`;
    });
    return errors;
  }

  /** The names of the assistants using each of `docs` as a default, by schedule id (one query for all). */
  async function defaultsFor(ref: WorkspaceRef, docs: readonly { _id: Types.ObjectId }[]): Promise<(id: string) => string[]> {
    const ids = docs.map((d) => d._id);
    const assistants = ids.length
      ? await Assistant.find(
          { workspace: workspaceKey(ref), $or: [{ defaultScheduleId: { $in: ids } }, { defaultEmailCcScheduleId: { $in: ids } }] },
          { name: 1, defaultScheduleId: 1, defaultEmailCcScheduleId: 1 },
        ).lean<{ name: string; defaultScheduleId: Types.ObjectId | null; defaultEmailCcScheduleId: Types.ObjectId | null }[]>()
      : [];
    return (id) =>
      assistants
        .filter((a) => String(a.defaultScheduleId) === id || String(a.defaultEmailCcScheduleId) === id)
        .map((a) => a.name)
        .sort((a, b) => a.localeCompare(b));
  }

  /** The workspace's summaries in list order, from its stored list (services/scheduleList.ts). */
  function listed(ref: WorkspaceRef): Promise<ScheduleSummaryDoc[]> {
    const workspace = workspaceKey(ref);
    return storedScheduleList(models, clock, workspace, () => ScheduleSummary.find({ workspace }).sort(LIST_ORDER).lean<ScheduleSummaryDoc[]>());
  }

  /** Summaries as lists show them, with the assistants using each. */
  async function summaries(ref: WorkspaceRef, docs: readonly ScheduleSummaryDoc[]): Promise<ScheduleSummary[]> {
    const defaultFor = await defaultsFor(ref, docs);
    return docs.map(({ _id, name, description, system, emailCc, stepCount, totalDays, createdBy, version }): ScheduleSummary => {
      const id = String(_id);
      return { id, name, description, system, emailCc, stepCount, totalDays, createdBy, version, defaultFor: defaultFor(id) };
    });
  }

  /**
   * Page `page` of `find` (zero-based), sorted, skipped and limited in the database. One more than a
   * page says whether a next one exists, without a count: FerretDB v1 counts (and sorts) by decoding
   * every matching document, so a count doubled a page's cost.
   */
  async function cutPage<T>(find: () => { skip(n: number): { limit(n: number): PromiseLike<T[]> } }, count: () => PromiseLike<number>, page: number, perPage: number) {
    const pageOf = (n: number) => find().skip(n * perPage).limit(perPage + 1);
    const wanted = Math.max(0, Math.floor(page) || 0);
    let current = wanted;
    let docs = await pageOf(wanted);
    if (!docs.length && wanted > 0) {
      // Past the end (schedules deleted since the buttons were drawn): the last page there is.
      current = Math.max(0, Math.ceil((await count()) / perPage) - 1);
      docs = await pageOf(current);
    }
    const hasNext = docs.length > perPage;
    const items = docs.slice(0, perPage);
    return { items, page: current, hasNext, total: hasNext ? null : current * perPage + items.length };
  }

  /**
   * Field errors (`name`, `description`, `steps`, `step.N`) a save of `input` would give; writes nothing.
   * `storedNameKey` is the schedule's own: a name with that key is its own (the unique index says so), not asked about.
   */
  async function fieldErrors(
    ref: WorkspaceRef,
    id: string,
    input: { name: string; description: string; steps: readonly StepInput[] },
    emailCc: boolean,
    storedNameKey?: string,
  ): Promise<Record<string, string>> {
    const errors: Record<string, string> = {};
    const nameError = nameProblem('schedule', input.name);
    if (nameError) errors.name = nameError;
    const descriptionError = validateDescription(input.description);
    if (descriptionError) errors.description = descriptionError;
    if (input.steps.length === 0) errors.steps = 'A schedule needs at least one step.';
    if (input.steps.length > MAX_STEPS) errors.steps = `A schedule has at most ${MAX_STEPS} steps (this one has ${input.steps.length}).`;
    input.steps.forEach((step, i) => {
      if (!isValidAfterDays(step.afterDays)) errors[`step.${i}`] = `Step ${i + 1}: after days are a number from 0 to ${MAX_AFTER_DAYS} with at most two decimals.`;
    });
    const ownEmail = ownEmailProblem(emailCc, input.steps);
    if (ownEmail && !errors.steps) errors.steps = ownEmail;
    Object.assign(errors, await assertMessagesExist(ref, input.steps));
    if (!errors.name && nameKey(input.name) !== storedNameKey) {
      try {
        await assertNameFree(ref, input.name, id);
      } catch (error) {
        if (error instanceof DomainError) errors.name = error.message;
        else throw error;
      }
    }
    return errors;
  }

  const service: ScheduleService = {
    assertCanEdit,

    async list(ref) {
      return summaries(ref, await listed(ref));
    },

    async summaryPage(ref, page, perPage) {
      const all = await listed(ref);
      // Shown as when pages were cut by the database: the total only on the last page, a page past the end is the last one.
      const current = Math.min(Math.max(0, Math.floor(page) || 0), Math.max(0, Math.ceil(all.length / perPage) - 1));
      const items = all.slice(current * perPage, (current + 1) * perPage);
      const hasNext = all.length > (current + 1) * perPage;
      return { items: await summaries(ref, items), page: current, hasNext, total: hasNext ? null : current * perPage + items.length };
    },

    async page(ref, page, perPage) {
      const workspace = workspaceKey(ref);
      const cut = await cutPage(() => Schedule.find({ workspace }).sort(LIST_ORDER).lean<ScheduleDoc[]>(), () => Schedule.countDocuments({ workspace }), page, perPage);
      const defaultFor = await defaultsFor(ref, cut.items);
      return {
        ...cut,
        items: cut.items.map((doc): ListedSchedule => ({ ...toSchedule(doc), totalDays: storedTotalDays(doc.steps), defaultFor: defaultFor(String(doc._id)) })),
      };
    },

    async get(ref, id) {
      return toSchedule(await load(ref, id));
    },

    async findByName(ref, name) {
      const doc = await Schedule.findOne({ workspace: workspaceKey(ref), nameKey: nameKey(name) }).lean<ScheduleDoc>();
      return doc ? toSchedule(doc) : null;
    },

    async search(ref, query, options = {}) {
      const filter: Record<string, unknown> = { workspace: workspaceKey(ref) };
      const key = nameKey(query);
      if (key) filter.nameKey = { $regex: escapeRegex(key) };
      if (options.emailCc !== undefined) filter.emailCc = options.emailCc;
      // A name containing the key contains each of its trigrams: asking for one (the last typed), an
      // equality FerretDB pushes down, leaves only names that may match for the regex. Shorter keys
      // read the summaries. Only what a menu shows: a type-ahead runs on every keystroke.
      const shown = { name: 1, system: 1, emailCc: 1 };
      const limit = options.limit ?? 100;
      type Shown = Pick<ScheduleDoc, '_id' | 'name' | 'system' | 'emailCc'>;
      const docs =
        key.length >= 3
          ? await ScheduleName.find({ ...filter, trigrams: key.slice(-3) }, shown).sort({ nameKey: 1 }).limit(limit).lean<Shown[]>()
          : await ScheduleSummary.find(filter, shown).sort({ nameKey: 1 }).limit(limit).lean<Shown[]>();
      return docs.map((d) => ({ id: String(d._id), name: d.name, system: d.system, emailCc: d.emailCc }));
    },

    async closeMatches(ref, name, limit) {
      return closeMatchesIn(ScheduleSummary, ref, name, limit);
    },

    async clone(actor, sourceId, input) {
      const ref = actor.workspace;
      const errors: Record<string, string> = {};
      const nameError = nameProblem('schedule', input.name);
      if (nameError) errors.name = nameError;
      const descriptionError = validateDescription(input.description);
      if (descriptionError) errors.description = descriptionError;
      if (Object.keys(errors).length) throw new ValidationError(errors);
      const source = await load(ref, sourceId);
      await assertNameFree(ref, input.name);
      return insert(actor, {
        name: input.name,
        description: input.description,
        emailCc: source.emailCc,
        steps: withOwnEmailFirst(source.emailCc, source.steps, ownEmailStep).map((s): StepDoc => ({ type: s.type, customMessageId: s.customMessageId ?? null, afterHundredths: storedHundredths(s) })),
      });
    },

    async create(actor, input) {
      const ref = actor.workspace;
      const errors = await fieldErrors(ref, '', input, input.emailCc);
      if (Object.keys(errors).length) throw new ValidationError(errors);
      return insert(actor, { ...input, steps: input.steps.map(storedStep) });
    },

    async validate(ref, id, input) {
      const stored = await load(ref, id);
      return fieldErrors(ref, id, input, stored.emailCc, stored.nameKey);
    },

    async save(actor, id, input) {
      const ref = actor.workspace;
      const stored = await load(ref, id);
      const current = toSchedule(stored);
      assertCanEdit(actor, current);
      const errors = await fieldErrors(ref, id, input, current.emailCc, stored.nameKey);
      if (Object.keys(errors).length) throw new ValidationError(errors);
      const fields = {
        name: normalizeName(input.name),
        nameKey: nameKey(input.name),
        description: input.description.trim(),
        steps: input.steps.map(storedStep),
      };
      const outcome = await writeNextVersion(models, clock, actor, 'schedule', current, input, fields);
      const saved = await synced(ref, id, { ...stored, ...fields, version: input.baseVersion + 1 });
      // A repeated Save (`already`) can't tell what the first one changed: it asks again (a replan run twice changes nothing).
      const rulesChanged = outcome === 'already' || !sameSteps(current.steps, saved.steps);
      const activeLeads = rulesChanged
        ? await replans.request(actor, { scheduleId: id }, `“${saved.name}” was edited`)
        : await replans.activeLeads(ref, { scheduleId: id });
      return { ...saved, replan: { activeLeads, rulesChanged } };
    },

    async rename(actor, id, newName) {
      const ref = actor.workspace;
      const stored = await load(ref, id);
      const current = toSchedule(stored);
      assertCanEdit(actor, current);
      const nameError = nameProblem('schedule', newName);
      if (nameError) throw new ValidationError({ name: nameError });
      await assertNameFree(ref, newName, id);
      const fields = { name: normalizeName(newName), nameKey: nameKey(newName) };
      await writeNextVersion(models, clock, actor, 'schedule', current, { baseVersion: current.version }, fields);
      return synced(ref, id, { ...stored, ...fields, version: current.version + 1 });
    },

    repairSummaries() {
      return repairScheduleSummaries(models);
    },

    async remove(actor, id) {
      const ref = actor.workspace;
      const current = toSchedule(await load(ref, id));
      assertCanEdit(actor, current);
      const _id = new Types.ObjectId(id);
      // Holding the schedule's lock: nobody makes it a default between the check and the delete
      // (assistants.setDefaults takes the same lock). FerretDB has no transactions.
      await withLocks(models, clock, [scheduleLock(id)], async () => {
        const users = await Assistant.find(
          { workspace: workspaceKey(ref), $or: [{ defaultScheduleId: _id }, { defaultEmailCcScheduleId: _id }] },
          { name: 1 },
        ).lean<{ name: string }[]>();
        // Adding leads holds this lock too (leads.addLeads): none is enrolled between this count and the delete.
        const following = await replans.following(ref, { scheduleId: id });
        if (following.active + following.paused) throw followedRefusal(current.name, following);
        if (users.length) {
          const names = users.map((a) => a.name).sort();
          throw new DomainError(
            'in_use',
            `“${current.name}” is the default schedule of ${names.join(', ')}. Choose another default for ${names.length > 1 ? 'them' : names[0]} first, then delete it.`,
            undefined,
            { defaultFor: names },
          );
        }
        await Schedule.deleteOne({ _id, workspace: workspaceKey(ref) });
      });
      await syncScheduleSummary(models, _id, null);
      await VersionClaim.deleteMany({ docId: _id });
    },
  };
  return service;
}


// Assistants: the sender persona leads are added for: name, sender, signature, the calendar its
// followups keep (zone, hours, off days, holidays, extra off dates), daily limit, notification
// channel, owner and the two default schedules. Settings are validated by one zod schema
// (assistantSettings.ts), whoever calls: the Slack modal, the HTTP API, tests.
import { Types } from 'mongoose';
import { isDuplicateKeyError, parseObjectId, type AssistantDoc, type Models, type ScheduleDoc } from '../db/models.js';
import { z } from 'zod';
import { DEFAULT_BUSINESS_HOURS, type BusinessHours, type HolidayRegion, type Weekday } from './calendar.js';
import {
  DEFAULT_DAILY_LIMIT,
  WEEKDAY_NAMES,
  assistantSettingsSchema,
  calendarRulesChanged,
  settingsErrors,
  weekdayNamesOf,
  weekdayNumbers,
  type AssistantResource,
  type AssistantSettings,
  type AssistantSettingsInput,
  type AssistantSettingsPatch,
} from './assistantSettings.js';
import { RECOMMENDED, RECOMMENDED_EMAIL_CC } from './workspaces.js';
import {
  DomainError,
  ValidationError,
  assertOwnerOrAdmin,
  duplicateName,
  nameKey,
  normalizeName,
  workspaceKey,
  type Actor,
  type WorkspaceRef,
} from './domain.js';
import { createdBySameSave, nameTaken } from './names.js';
import { scheduleLock, withLocks } from './locks.js';
import { closeMatchesIn } from './closeMatches.js';
import { writeNextVersion, type VersionedSave } from './versions.js';
import type { ReplanNotice, ReplanService } from './replans.js';
import type { Clock } from '../clock.js';

export interface Assistant {
  readonly id: string;
  readonly name: string;
  /** A channel id; '' for none yet. */
  readonly notificationChannel: string;
  readonly timeZone: string;
  readonly offDays: readonly Weekday[];
  readonly businessHours: BusinessHours;
  readonly holidays: HolidayRegion | null;
  /** Local dates `YYYY-MM-DD` off as well (a vacation), sorted. */
  readonly extraOffDates: readonly string[];
  readonly dailyLimit: number;
  /** '' when not set. */
  readonly senderName: string;
  readonly senderEmail: string | null;
  readonly signature: string;
  /** Who may change it besides workspace admins (the one who added it, unless handed over). */
  readonly owner: string;
  readonly defaultScheduleId: string | null;
  readonly defaultEmailCcScheduleId: string | null;
  readonly createdBy: string;
  readonly version: number;
  readonly updatedByName: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The older input shape (numeric off days, '' for no channel); the settings beyond it are optional. */
export interface AssistantInput {
  readonly name: string;
  /** A channel id; empty for none yet. */
  readonly notificationChannel: string;
  readonly timeZone: string;
  readonly offDays: readonly Weekday[];
  readonly businessHours?: BusinessHours;
  readonly holidays?: HolidayRegion | null;
  readonly extraOffDates?: readonly string[];
  readonly dailyLimit?: number;
  readonly senderName?: string;
  readonly senderEmail?: string | null;
  readonly signature?: string;
  readonly owner?: string;
}

/** Whether the app's bot is in a channel, as Slack says (`conversations.info`, `is_member`), asked with the acting workspace's token. */
export type ChannelMembership = 'member' | 'not_member' | 'not_found';
export type ChannelCheck = (channelId: string) => Promise<ChannelMembership>;

export interface SaveOptions {
  /**
   * Asks Slack whether the bot is in the notification channel; checked when the channel is new
   * or changed. null: the caller cannot ask Slack (tests and seeding only).
   */
  readonly channels: ChannelCheck | null;
  /** The editing session (a modal's view id): the same Save submitted twice answers with what the first did. */
  readonly saveId?: string;
}

export interface AssistantUpdate {
  readonly assistant: AssistantResource;
  /**
   * True when the time zone, hours, off days, holidays or extra off dates changed: the
   * assistant's leads' unsent followups are then replanned, after the request (a job).
   */
  readonly calendarChanged: boolean;
  /** How many active leads the change affects. */
  readonly replan: ReplanNotice;
}

export interface AssistantService {
  list(ref: WorkspaceRef): Promise<Assistant[]>;
  get(ref: WorkspaceRef, id: string): Promise<Assistant>;
  findByName(ref: WorkspaceRef, name: string): Promise<Assistant | null>;
  /** Up to `limit` names close to `name` (typos included), for "did you mean". */
  closeMatches(ref: WorkspaceRef, name: string, limit?: number): Promise<string[]>;

  // The settings shape the HTTP API speaks (see assistantSettings.ts); validated by `assistantSettingsSchema`.
  /** Every assistant of the workspace, by name. */
  listSettings(ref: WorkspaceRef): Promise<AssistantResource[]>;
  getSettings(ref: WorkspaceRef, id: string): Promise<AssistantResource>;
  /** Refused with a ValidationError keyed by field path (`businessHours.close`, `holidays.region`, …); nothing written. */
  createSettings(actor: Actor, input: AssistantSettingsInput, options: SaveOptions): Promise<AssistantResource>;
  /**
   * Changes the fields `patch` has. With `baseVersion`, refused (ConflictError, nothing written) when
   * someone saved since; without, it applies to the latest version.
   */
  updateSettings(actor: Actor, id: string, patch: AssistantSettingsPatch, options: SaveOptions & { readonly baseVersion?: number }): Promise<AssistantUpdate>;

  /** `saveId` (the modal's view id): the same Save submitted twice answers with what the first created. */
  create(actor: Actor, input: AssistantInput & { readonly saveId?: string }): Promise<Assistant>;
  /** Refused (ConflictError, nothing written) when someone saved since `baseVersion`, the version the modal opened. */
  update(actor: Actor, id: string, input: AssistantInput & VersionedSave): Promise<Assistant>;
  setDefaults(actor: Actor, id: string, defaults: { scheduleId: string; emailCcScheduleId: string }): Promise<Assistant>;
  assertCanChange(actor: Actor, assistant: Assistant): void;
}

export function toAssistant(doc: AssistantDoc): Assistant {
  return {
    id: String(doc._id),
    name: doc.name,
    notificationChannel: doc.notificationChannel ?? '',
    timeZone: doc.timeZone,
    offDays: (doc.offDays ?? []) as Weekday[],
    businessHours: doc.businessHours?.open && doc.businessHours.close ? { open: doc.businessHours.open, close: doc.businessHours.close } : DEFAULT_BUSINESS_HOURS,
    holidays: doc.holidays?.country ? { country: doc.holidays.country, region: doc.holidays.region ?? null } : null,
    extraOffDates: doc.extraOffDates ?? [],
    dailyLimit: doc.dailyLimit ?? DEFAULT_DAILY_LIMIT,
    senderName: doc.senderName ?? '',
    senderEmail: doc.senderEmail || null,
    signature: doc.signature ?? '',
    owner: doc.owner || doc.createdBy,
    defaultScheduleId: doc.defaultScheduleId ? String(doc.defaultScheduleId) : null,
    defaultEmailCcScheduleId: doc.defaultEmailCcScheduleId ? String(doc.defaultEmailCcScheduleId) : null,
    createdBy: doc.createdBy,
    version: doc.version ?? 1,
    updatedByName: doc.updatedByName ?? '',
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** An assistant in the API's shape. */
export function settingsOf(assistant: Assistant): AssistantSettings {
  return {
    name: assistant.name,
    timeZone: assistant.timeZone,
    businessHours: { ...assistant.businessHours },
    offDays: weekdayNamesOf(assistant.offDays),
    holidays: assistant.holidays ? { country: assistant.holidays.country, region: assistant.holidays.region } : null,
    extraOffDates: [...assistant.extraOffDates],
    dailyLimit: assistant.dailyLimit,
    senderName: assistant.senderName,
    senderEmail: assistant.senderEmail,
    signature: assistant.signature,
    notificationChannel: assistant.notificationChannel || null,
    defaultScheduleId: assistant.defaultScheduleId,
    defaultEmailCcScheduleId: assistant.defaultEmailCcScheduleId,
    owner: assistant.owner,
  };
}

function resourceOf(assistant: Assistant): AssistantResource {
  return { id: assistant.id, version: assistant.version, ...settingsOf(assistant), createdAt: assistant.createdAt, updatedAt: assistant.updatedAt };
}

/** The older input as settings (a patch: only the fields it has). */
function settingsInputOf(input: AssistantInput): AssistantSettingsPatch {
  const patch: Record<string, unknown> = {
    name: input.name,
    timeZone: input.timeZone,
    // A number that is no weekday stays visible to validation as itself.
    offDays: input.offDays.map((d) => WEEKDAY_NAMES[d] ?? String(d)),
    notificationChannel: input.notificationChannel || null,
  };
  for (const key of ['businessHours', 'holidays', 'extraOffDates', 'dailyLimit', 'senderName', 'senderEmail', 'signature', 'owner'] as const) {
    if (input[key] !== undefined) patch[key] = input[key];
  }
  return patch as AssistantSettingsPatch;
}

/** The problems of settings as `{ field path: sentence }`, or the parsed settings. */
function parseSettings(input: unknown): { ok: true; settings: z.output<typeof assistantSettingsSchema> } | { ok: false; errors: Record<string, string> } {
  const parsed = assistantSettingsSchema.safeParse(input);
  return parsed.success ? { ok: true, settings: parsed.data } : { ok: false, errors: settingsErrors(parsed.error) };
}

const CHANNEL_REFUSALS: Record<Exclude<ChannelMembership, 'member'>, string> = {
  not_member: 'The app is not in that channel, so it could not post there. Invite it first (in the channel, type /invite and the app’s name), then save again.',
  not_found: 'The app can’t see that channel: it is private and the app was not invited to it, or it was deleted. Invite the app to it, or pick another channel.',
};

export function createAssistantService(models: Models, clock: Clock, replans: ReplanService): AssistantService {
  const { Assistant, Schedule } = models;

  async function load(ref: WorkspaceRef, id: string): Promise<AssistantDoc> {
    const _id = parseObjectId(id);
    const doc = _id ? await Assistant.findOne({ _id, workspace: workspaceKey(ref) }).lean<AssistantDoc>() : null;
    if (!doc) throw new DomainError('not_found', 'That assistant no longer exists.');
    return doc;
  }

  function assertCanChange(actor: Actor, assistant: Assistant): void {
    assertOwnerOrAdmin(actor, assistant.owner, `Only {owner}, who owns ${assistant.name}, or a workspace admin or owner can change this assistant.`);
  }

  /** Problems with the default schedules picked (missing, or of the wrong kind), keyed by field. Run holding their locks. */
  async function defaultsErrors(workspace: string, ids: { scheduleId: Types.ObjectId | null; emailCcId: Types.ObjectId | null }, keys: { schedule: string; emailCc: string }) {
    const errors: Record<string, string> = {};
    const [schedule, emailCc] = await Promise.all([
      ids.scheduleId ? Schedule.findOne({ _id: ids.scheduleId, workspace }, { emailCc: 1, name: 1 }).lean<Pick<ScheduleDoc, 'emailCc' | 'name'>>() : null,
      ids.emailCcId ? Schedule.findOne({ _id: ids.emailCcId, workspace }, { emailCc: 1, name: 1 }).lean<Pick<ScheduleDoc, 'emailCc' | 'name'>>() : null,
    ]);
    if (!schedule) errors[keys.schedule] = 'Pick the schedule for new leads (the one you picked may have been deleted).';
    else if (schedule.emailCc) errors[keys.schedule] = `“${schedule.name}” is for Email CC leads: its first step is never sent. Pick it below instead.`;
    if (!emailCc) errors[keys.emailCc] = 'Pick the schedule for Email CC leads (the one you picked may have been deleted).';
    else if (!emailCc.emailCc) errors[keys.emailCc] = `“${emailCc.name}” is not an Email CC schedule. Pick one made for Email CC leads.`;
    return errors;
  }

  /**
   * Every problem of settings at once: the schema's, the name already taken, the notification
   * channel the app is not in (asked only when it is new or changed).
   */
  async function settingsProblems(ref: WorkspaceRef, input: unknown, before: Assistant | null, options: SaveOptions) {
    const parsed = parseSettings(input);
    const errors: Record<string, string> = parsed.ok ? {} : { ...parsed.errors };
    const name = parsed.ok ? parsed.settings.name : typeof (input as { name?: unknown }).name === 'string' ? (input as { name: string }).name : null;
    if (name !== null && !errors.name) {
      const taken = await nameTaken(models, 'assistant', ref, name, before?.id);
      if (taken) errors.name = taken.message;
    }
    // Asked even when other fields are wrong, so the user sees every problem at once.
    const typedChannel = (input as { notificationChannel?: unknown }).notificationChannel;
    const channel = !errors.notificationChannel && typeof typedChannel === 'string' ? typedChannel : null;
    if (channel && channel !== (before?.notificationChannel || null) && options.channels) {
      const membership = await options.channels(channel);
      if (membership !== 'member') errors.notificationChannel = CHANNEL_REFUSALS[membership];
    }
    if (!parsed.ok || Object.keys(errors).length) throw new ValidationError(errors);
    return parsed.settings;
  }

  /** What is stored of valid settings (defaults and owner apart). */
  function fields(settings: z.output<typeof assistantSettingsSchema>) {
    return {
      name: normalizeName(settings.name),
      nameKey: nameKey(settings.name),
      notificationChannel: settings.notificationChannel ?? '',
      timeZone: settings.timeZone,
      offDays: weekdayNumbers(settings.offDays),
      businessHours: { open: settings.businessHours.open, close: settings.businessHours.close },
      holidays: settings.holidays ? { country: settings.holidays.country, region: settings.holidays.region ?? null } : null,
      extraOffDates: [...new Set(settings.extraOffDates)].sort(),
      dailyLimit: settings.dailyLimit,
      senderName: settings.senderName.trim(),
      senderEmail: settings.senderEmail?.trim() || null,
      signature: settings.signature.replace(/\s+$/, ''),
    };
  }

  const idOrNull = (id: string | null | undefined) => (id ? new Types.ObjectId(id) : null);
  const lockKeys = (...ids: (Types.ObjectId | null)[]) => ids.flatMap((oid) => (oid ? [scheduleLock(String(oid))] : []));

  async function create(actor: Actor, input: unknown, options: SaveOptions): Promise<Assistant> {
    // The same Save submitted twice (a double click) answers with what the first one created.
    const repeated = async () => {
      const name = (input as { name?: unknown }).name;
      const doc = typeof name === 'string' ? await createdBySameSave<AssistantDoc>(models, 'assistant', actor.workspace, name, options.saveId) : null;
      return doc ? toAssistant(doc) : null;
    };
    let settings;
    try {
      settings = await settingsProblems(actor.workspace, input, null, options);
    } catch (error) {
      if (error instanceof ValidationError && error.errors.name) {
        const first = await repeated();
        if (first) return first;
      }
      throw error;
    }
    const workspace = workspaceKey(actor.workspace);
    // New assistants start on the system schedules unless others are named; `/schedule default` changes them.
    const system = await Schedule.find({ workspace, system: true, nameKey: { $in: [nameKey(RECOMMENDED), nameKey(RECOMMENDED_EMAIL_CC)] } }, { nameKey: 1 }).lean<
      Pick<ScheduleDoc, '_id' | 'nameKey'>[]
    >();
    const idOf = (name: string) => system.find((s) => s.nameKey === nameKey(name))?._id ?? null;
    const named = settings.defaultScheduleId !== undefined || settings.defaultEmailCcScheduleId !== undefined;
    const scheduleId = settings.defaultScheduleId !== undefined ? idOrNull(settings.defaultScheduleId) : idOf(RECOMMENDED);
    const emailCcId = settings.defaultEmailCcScheduleId !== undefined ? idOrNull(settings.defaultEmailCcScheduleId) : idOf(RECOMMENDED_EMAIL_CC);
    // Holding the schedules' locks: a schedule can't be deleted between the check and the insert.
    return withLocks(models, clock, named ? lockKeys(scheduleId, emailCcId) : [], async () => {
      if (named) {
        const errors = await defaultsErrors(workspace, { scheduleId, emailCcId }, { schedule: 'defaultScheduleId', emailCc: 'defaultEmailCcScheduleId' });
        if (Object.keys(errors).length) throw new ValidationError(errors);
      }
      try {
        const doc = await Assistant.create({
          workspace,
          ...fields(settings),
          owner: settings.owner ?? actor.userId,
          defaultScheduleId: scheduleId,
          defaultEmailCcScheduleId: emailCcId,
          createdBy: actor.userId,
          createdBySave: options.saveId ?? null,
        });
        return toAssistant(doc.toObject());
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const first = await repeated();
        if (first) return first;
        throw duplicateName('assistant', settings.name);
      }
    });
  }

  async function update(actor: Actor, id: string, patch: unknown, options: SaveOptions & { readonly baseVersion?: number }) {
    const current = toAssistant(await load(actor.workspace, id));
    assertCanChange(actor, current);
    const given = Object.fromEntries(Object.entries((patch ?? {}) as Record<string, unknown>).filter(([, value]) => value !== undefined));
    const settings = await settingsProblems(actor.workspace, { ...settingsOf(current), ...given }, current, options);
    const workspace = workspaceKey(actor.workspace);
    const scheduleId = idOrNull(settings.defaultScheduleId);
    const emailCcId = idOrNull(settings.defaultEmailCcScheduleId);
    const defaultsChanged = String(scheduleId) !== String(current.defaultScheduleId) || String(emailCcId) !== String(current.defaultEmailCcScheduleId);
    const save = { baseVersion: options.baseVersion ?? current.version, ...(options.saveId ? { saveId: options.saveId } : {}) };
    await withLocks(models, clock, defaultsChanged ? lockKeys(scheduleId, emailCcId) : [], async () => {
      if (defaultsChanged) {
        const errors = await defaultsErrors(workspace, { scheduleId, emailCcId }, { schedule: 'defaultScheduleId', emailCc: 'defaultEmailCcScheduleId' });
        if (Object.keys(errors).length) throw new ValidationError(errors);
      }
      await writeNextVersion(models, clock, actor, 'assistant', current, save, {
        ...fields(settings),
        owner: settings.owner ?? current.owner,
        ...(defaultsChanged ? { defaultScheduleId: scheduleId, defaultEmailCcScheduleId: emailCcId } : {}),
      });
    });
    const after = toAssistant(await load(actor.workspace, id));
    const calendarChanged = calendarRulesChanged(current, after);
    const activeLeads = calendarChanged
      ? await replans.request(actor, { assistantId: id }, `${after.name}’s working days or hours changed`)
      : await replans.activeLeads(actor.workspace, { assistantId: id });
    return { assistant: after, calendarChanged, replan: { activeLeads, rulesChanged: calendarChanged } };
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

    async listSettings(ref) {
      const docs = await Assistant.find({ workspace: workspaceKey(ref) }).sort({ nameKey: 1 }).lean<AssistantDoc[]>();
      return docs.map((doc) => resourceOf(toAssistant(doc)));
    },

    async getSettings(ref, id) {
      return resourceOf(toAssistant(await load(ref, id)));
    },

    async createSettings(actor, input, options) {
      return resourceOf(await create(actor, input, options));
    },

    async updateSettings(actor, id, patch, options) {
      const { assistant, calendarChanged, replan } = await update(actor, id, patch, options);
      return { assistant: resourceOf(assistant), calendarChanged, replan };
    },

    async create(actor, input) {
      return create(actor, settingsInputOf(input), { channels: null, ...(input.saveId ? { saveId: input.saveId } : {}) });
    },

    async update(actor, id, input) {
      const { baseVersion, saveId } = input;
      return (await update(actor, id, settingsInputOf(input), { channels: null, baseVersion, ...(saveId ? { saveId } : {}) })).assistant;
    },

    async setDefaults(actor, id, defaults) {
      const current = toAssistant(await load(actor.workspace, id));
      assertCanChange(actor, current);
      const workspace = workspaceKey(actor.workspace);
      const scheduleId = parseObjectId(defaults.scheduleId);
      const emailCcId = parseObjectId(defaults.emailCcScheduleId);
      // Holding the schedules' locks: a schedule can't be deleted between the check that it
      // exists and the write that makes it a default (schedules.remove takes the same lock).
      await withLocks(models, clock, lockKeys(scheduleId, emailCcId), async () => {
        const errors = await defaultsErrors(workspace, { scheduleId, emailCcId }, { schedule: 'schedule', emailCc: 'emailCcSchedule' });
        if (Object.keys(errors).length) throw new ValidationError(errors);
        await Assistant.updateOne({ _id: new Types.ObjectId(id), workspace }, { $set: { defaultScheduleId: scheduleId, defaultEmailCcScheduleId: emailCcId } });
      });
      return toAssistant(await load(actor.workspace, id));
    },
  };
}

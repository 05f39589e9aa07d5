// Custom messages: a name, an optional subject and a body with personalization tokens.
// Everyone may use one; only its creator or a workspace admin edits it.
import { Types } from 'mongoose';
import { isDuplicateKeyError, parseObjectId, type CustomMessageDoc, type Models } from '../db/models.js';
import { escapeRegex } from './schedules.js';
import { tokenProblems } from './personalization.js';
import { closeMatchesIn } from './closeMatches.js';
import {
  DomainError,
  MAX_MESSAGE_BODY,
  MAX_MESSAGE_SUBJECT,
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
import { writeNextVersion, type VersionedSave } from './versions.js';
import type { Clock } from '../clock.js';

export interface CustomMessage {
  readonly id: string;
  readonly name: string;
  readonly subject: string;
  readonly body: string;
  readonly createdBy: string;
  readonly version: number;
  readonly updatedByName: string;
  readonly updatedAt: Date;
}

export interface CustomMessageWithUsage extends CustomMessage {
  /** Names of the schedules with a step that sends it. */
  readonly usedBy: readonly string[];
}

export interface CustomMessageInput {
  readonly name: string;
  readonly subject: string;
  readonly body: string;
}

export interface CustomMessageService {
  list(ref: WorkspaceRef): Promise<CustomMessageWithUsage[]>;
  get(ref: WorkspaceRef, id: string): Promise<CustomMessage>;
  getMany(ref: WorkspaceRef, ids: readonly string[]): Promise<Map<string, CustomMessage>>;
  findByName(ref: WorkspaceRef, name: string): Promise<CustomMessage | null>;
  search(ref: WorkspaceRef, query: string, limit?: number): Promise<CustomMessage[]>;
  /** Up to `limit` names close to `name` (typos included), for "did you mean". */
  closeMatches(ref: WorkspaceRef, name: string, limit?: number): Promise<string[]>;
  usedBy(ref: WorkspaceRef, id: string): Promise<string[]>;
  /** `saveId` (the modal's view id): the same Save submitted twice answers with what the first created. */
  create(actor: Actor, input: CustomMessageInput & { readonly saveId?: string }): Promise<CustomMessage>;
  /** Refused (ConflictError, nothing written) when someone saved since `baseVersion`, the version the modal opened. */
  update(actor: Actor, id: string, input: CustomMessageInput & VersionedSave): Promise<CustomMessage>;
  assertCanEdit(actor: Actor, message: CustomMessage): void;
}

function toMessage(doc: CustomMessageDoc): CustomMessage {
  return {
    id: String(doc._id),
    name: doc.name,
    subject: doc.subject ?? '',
    body: doc.body,
    createdBy: doc.createdBy,
    version: doc.version ?? 1,
    updatedByName: doc.updatedByName ?? '',
    updatedAt: doc.updatedAt,
  };
}

/** Field errors keyed `name`, `subject`, `body`; empty when the input is fine. */
export function validateCustomMessage(input: CustomMessageInput): Record<string, string> {
  const errors: Record<string, string> = {};
  const nameError = nameProblem('customMessage', input.name);
  if (nameError) errors.name = nameError;
  const subject = input.subject.trim();
  if (subject.length > MAX_MESSAGE_SUBJECT) errors.subject = `Keep the subject to ${MAX_MESSAGE_SUBJECT} characters (this one has ${subject.length}).`;
  else if (/[\r\n]/.test(subject)) errors.subject = 'A subject is one line.';
  else if (tokenProblems(subject).length) errors.subject = tokenProblems(subject)[0]!;
  const body = input.body.trim();
  if (!body) errors.body = 'Write the message.';
  else if (body.length > MAX_MESSAGE_BODY) errors.body = `Keep the message to ${MAX_MESSAGE_BODY} characters (this one has ${body.length}).`;
  else if (tokenProblems(body).length) errors.body = tokenProblems(body)[0]!;
  // FerretDB cannot store NUL characters; no real message has one.
  for (const field of ['subject', 'body'] as const) {
    if (input[field].includes('\0') && !errors[field]) errors[field] = 'Remove the invisible NUL character.';
  }
  return errors;
}


export function createCustomMessageService(models: Models, clock: Clock): CustomMessageService {
  const { CustomMessage, Schedule } = models;

  async function load(ref: WorkspaceRef, id: string): Promise<CustomMessageDoc> {
    const _id = parseObjectId(id);
    const doc = _id ? await CustomMessage.findOne({ _id, workspace: workspaceKey(ref) }).lean<CustomMessageDoc>() : null;
    if (!doc) throw new DomainError('not_found', 'That custom message no longer exists. It may have been deleted.');
    return doc;
  }

  function assertCanEdit(actor: Actor, message: CustomMessage): void {
    assertOwnerOrAdmin(actor, message.createdBy, `Only {owner}, who wrote “${message.name}”, or a workspace admin or owner can edit it.`);
  }

  /** Every field problem at once, the name already taken included. */
  async function fieldErrors(ref: WorkspaceRef, input: CustomMessageInput, exceptId?: string): Promise<Record<string, string>> {
    const errors = validateCustomMessage(input);
    const taken = errors.name ? null : await nameTaken(models, 'customMessage', ref, input.name, exceptId);
    if (taken) errors.name = taken.message;
    return errors;
  }

  return {
    assertCanEdit,

    async list(ref) {
      const workspace = workspaceKey(ref);
      const [docs, schedules] = await Promise.all([
        CustomMessage.find({ workspace }).sort({ nameKey: 1 }).lean<CustomMessageDoc[]>(),
        Schedule.find({ workspace, 'steps.type': 'custom' }, { name: 1, steps: 1 }).lean<{ name: string; steps: { customMessageId?: Types.ObjectId | null }[] }[]>(),
      ]);
      return docs.map((doc) => {
        const id = String(doc._id);
        const usedBy = schedules.filter((s) => s.steps.some((step) => String(step.customMessageId) === id)).map((s) => s.name);
        return { ...toMessage(doc), usedBy: usedBy.sort((a, b) => a.localeCompare(b)) };
      });
    },

    async get(ref, id) {
      return toMessage(await load(ref, id));
    },

    async getMany(ref, ids) {
      const objectIds = [...new Set(ids)].map(parseObjectId).filter((id): id is Types.ObjectId => id !== null);
      const docs = objectIds.length ? await CustomMessage.find({ workspace: workspaceKey(ref), _id: { $in: objectIds } }).lean<CustomMessageDoc[]>() : [];
      return new Map(docs.map((doc) => [String(doc._id), toMessage(doc)]));
    },

    async findByName(ref, name) {
      const doc = await CustomMessage.findOne({ workspace: workspaceKey(ref), nameKey: nameKey(name) }).lean<CustomMessageDoc>();
      return doc ? toMessage(doc) : null;
    },

    async search(ref, query, limit = 100) {
      const filter: Record<string, unknown> = { workspace: workspaceKey(ref) };
      const key = nameKey(query);
      if (key) filter.nameKey = { $regex: escapeRegex(key) };
      const docs = await CustomMessage.find(filter).sort({ nameKey: 1 }).limit(limit).lean<CustomMessageDoc[]>();
      return docs.map(toMessage);
    },

    async closeMatches(ref, name, limit) {
      return closeMatchesIn(CustomMessage, ref, name, limit);
    },

    async usedBy(ref, id) {
      const _id = parseObjectId(id);
      if (!_id) return [];
      const schedules = await Schedule.find({ workspace: workspaceKey(ref), 'steps.customMessageId': _id }, { name: 1 }).lean<{ name: string }[]>();
      return schedules.map((s) => s.name).sort((a, b) => a.localeCompare(b));
    },

    async create(actor, input) {
      // The same Save submitted twice (a double click) answers with what the first one created.
      const repeated = async () => {
        const doc = await createdBySameSave<CustomMessageDoc>(models, 'customMessage', actor.workspace, input.name, input.saveId);
        return doc ? toMessage(doc) : null;
      };
      const errors = await fieldErrors(actor.workspace, input);
      if (Object.keys(errors).length) {
        if (errors.name) {
          const first = await repeated();
          if (first) return first;
        }
        throw new ValidationError(errors);
      }
      try {
        const doc = await CustomMessage.create({
          workspace: workspaceKey(actor.workspace),
          name: normalizeName(input.name),
          nameKey: nameKey(input.name),
          subject: input.subject.trim(),
          body: input.body.trim(),
          createdBy: actor.userId,
          createdBySave: input.saveId ?? null,
        });
        return toMessage(doc.toObject());
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const first = await repeated();
        if (first) return first;
        throw duplicateName('customMessage', input.name);
      }
    },

    async update(actor, id, input) {
      const current = toMessage(await load(actor.workspace, id));
      assertCanEdit(actor, current);
      const errors = await fieldErrors(actor.workspace, input, id);
      if (Object.keys(errors).length) throw new ValidationError(errors);
      await writeNextVersion(models, clock, actor, 'customMessage', current, input, {
        name: normalizeName(input.name),
        nameKey: nameKey(input.name),
        subject: input.subject.trim(),
        body: input.body.trim(),
      });
      return toMessage(await load(actor.workspace, id));
    },
  };
}

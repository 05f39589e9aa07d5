// The step editor's unsaved state. It lives in the database, keyed by its own id (which the
// modal carries), so any app process can handle the next click; the schedule itself changes
// only on Save. Writes are optimistic (a version field) and retried, since FerretDB has no
// transactions and two clicks may race.
import { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, parseObjectId, type DraftDoc, type DraftRevisionDoc, type DraftRowDoc, type DraftSessionCopy, type Models } from '../db/models.js';
import { calendarRulesOf } from './assistantSettings.js';
import { DEFAULT_OFF_DAYS, parseAfterDays, totalDays, type CalendarRules, type Weekday } from './calendar.js';
import { DomainError, MAX_STEPS, OWN_EMAIL, ValidationError, isPickableStepType, workspaceKey, type Actor, type PickableStepType, type StepType, type WorkspaceRef } from './domain.js';
import { withOwnEmailFirst } from './emailCc.js';
import type { SavedSchedule, Schedule, ScheduleService, StepInput } from './schedules.js';
import type { CustomMessageService } from './customMessages.js';
import type { AssistantService } from './assistants.js';
import { previewSteps, type StepPreview } from './stepPreview.js';

export interface DraftRow {
  readonly key: string;
  readonly rev: number;
  readonly type: StepType;
  readonly customMessageId: string | null;
  readonly afterDays: string;
}

export interface Draft {
  readonly id: string;
  readonly userId: string;
  readonly scheduleId: string;
  readonly baseVersion: number;
  readonly emailCc: boolean;
  readonly name: string;
  readonly description: string;
  readonly rows: readonly DraftRow[];
  readonly viewerTimeZone: string;
  readonly previewAssistantId: string | null;
  readonly version: number;
}

/** What the user has typed into the editor, as the edge read it from the modal's state. */
export interface TypedValues {
  readonly name?: string;
  readonly description?: string;
  readonly rows?: Readonly<Record<string, { readonly afterDays?: string; readonly type?: PickableStepType; readonly customMessageId?: string }>>;
}

export type DraftChange =
  | { readonly kind: 'add'; readonly belowKey: string | null }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'move'; readonly key: string; readonly by: -1 | 1 }
  | { readonly kind: 'setType'; readonly key: string; readonly type: PickableStepType }
  | { readonly kind: 'setMessage'; readonly key: string; readonly customMessageId: string }
  /** Shows the message select afresh (after "Create new…" was cancelled). */
  | { readonly kind: 'resetMessage'; readonly key: string }
  | { readonly kind: 'preview'; readonly assistantId: string | null };

export interface EditorModel {
  readonly draft: Draft;
  readonly steps: readonly StepPreview[];
  readonly totalDays: number | null;
  /** The assistant whose calendar the dates follow; null for the viewer's own (also when that assistant was deleted). */
  readonly previewAssistant: { readonly id: string; readonly name: string } | null;
  /** Whose calendar the example dates follow: the viewer's (assistant null) or the assistant's previewed for. */
  readonly datesFor: DatesFor;
}

export interface DatesFor {
  readonly assistantName: string | null;
  /** The first step counts from here (now). */
  readonly start: Date;
  readonly timeZone: string;
  readonly offDays: readonly Weekday[];
  /** An assistant's whole calendar (hours, holidays, extra off dates), when the dates follow one. */
  readonly rules?: CalendarRules;
}

export interface DraftService {
  /** A draft of the schedule: by id, or as the caller just read it from this service (opening the editor then reads it once, not twice). */
  start(actor: Actor, schedule: string | Schedule, viewerTimeZone: string): Promise<Draft>;
  get(ref: WorkspaceRef, draftId: string): Promise<Draft>;
  /**
   * Applies what was typed, then the change; returns the new draft. `seen` is the revision the
   * clicked view showed (`Draft.version`): a hint, read by number, checked by the insert of the next.
   */
  apply(ref: WorkspaceRef, draftId: string, typed: TypedValues, change?: DraftChange, seen?: number): Promise<Draft>;
  model(ref: WorkspaceRef, draft: Draft): Promise<EditorModel>;
  /** Validates and saves the schedule; saving again from the same draft answers the same. Field errors are keyed `name`, `description`, `steps`, `step.N`. */
  save(actor: Actor, draftId: string, typed: TypedValues, seen?: number): Promise<SavedSchedule>;
  discard(ref: WorkspaceRef, draftId: string): Promise<void>;
  /** Drops drafts untouched for `maxAgeMs` (editors closed without a view_closed, crashed clients). Returns how many. */
  purgeStale(maxAgeMs: number): Promise<number>;
}

/** An editor left open this long is abandoned: Slack's own modals do not live that long. */
export const DRAFT_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** A draft's last use is recorded this coarsely: far finer than DRAFT_MAX_AGE_MS needs, and not a write per click. */
const TOUCH_EVERY_MS = 60 * 60 * 1000;
/** Superseded revisions younger than this are left alone (a click may be working from them). */
const SUPERSEDED_GRACE_MS = 10 * 60 * 1000;

function toDraft(draftId: Types.ObjectId, session: DraftSessionCopy, revision: DraftRevisionDoc): Draft {
  // Read through the Email CC rule: a draft opened before the migration shows its own email first.
  const rows = draftRowsWithOwnEmailFirst(session.emailCc, revision.rows);
  return {
    id: String(draftId),
    userId: session.userId,
    scheduleId: String(session.scheduleId),
    baseVersion: session.baseVersion,
    emailCc: session.emailCc,
    name: revision.name,
    description: revision.description,
    rows: rows.map((r) => ({ key: r.key, rev: r.rev, type: r.type, customMessageId: r.customMessageId ? String(r.customMessageId) : null, afterDays: r.afterDays })),
    viewerTimeZone: session.viewerTimeZone,
    previewAssistantId: revision.previewAssistantId ? String(revision.previewAssistantId) : null,
    version: revision.rev,
  };
}

/** A schedule's after days as the editor shows them: "1", "1.5". */
function afterDaysText(n: number): string {
  return String(Number(n.toFixed(2)));
}

interface MutableDraft {
  name: string;
  description: string;
  rows: DraftRowDoc[];
  nextRowKey: number;
  previewAssistantId: Types.ObjectId | null;
}

/** A draft's rows under the Email CC rule (see emailCc.ts): the old placeholder row becomes the own email, keeping its key. */
export function draftRowsWithOwnEmailFirst(emailCc: boolean, rows: readonly DraftRowDoc[]): DraftRowDoc[] {
  return withOwnEmailFirst(emailCc, rows, (replacing) => ({ key: replacing?.key ?? 'r0', rev: replacing?.rev ?? 0, type: OWN_EMAIL, customMessageId: null, afterDays: '0' }));
}

/**
 * Pure: the draft after the typed values, then the change. Whatever they say, the own email
 * stays first and unchanged in an Email CC schedule (nothing typed into it, no move, retype or
 * delete of it, no move above it): a forged action, or a second quick click on a row that the
 * first one already moved, changes nothing.
 */
export function applyToDraft(draft: MutableDraft, typed: TypedValues, change: DraftChange | undefined, emailCc: boolean): MutableDraft {
  const next: MutableDraft = { ...draft, rows: draftRowsWithOwnEmailFirst(emailCc, draft.rows).map((r) => ({ ...r })) };
  const fixed = (row: DraftRowDoc | undefined) => row?.type === OWN_EMAIL;
  if (typed.name !== undefined) next.name = typed.name;
  if (typed.description !== undefined) next.description = typed.description;
  for (const row of next.rows) {
    const t = typed.rows?.[row.key];
    if (!t || fixed(row)) continue;
    if (t.afterDays !== undefined) row.afterDays = t.afterDays;
    if (t.type !== undefined && isPickableStepType(t.type)) row.type = t.type;
    if (t.customMessageId !== undefined) row.customMessageId = parseObjectId(t.customMessageId);
  }
  const index = (key: string) => next.rows.findIndex((r) => r.key === key);
  const editable = (key: string): DraftRowDoc | undefined => {
    const row = next.rows[index(key)];
    return row && !fixed(row) ? row : undefined;
  };
  switch (change?.kind) {
    case undefined:
      break;
    case 'add': {
      if (next.rows.length >= MAX_STEPS) break;
      const at = change.belowKey === null ? next.rows.length - 1 : index(change.belowKey);
      // The row to add below was deleted by a click just before: add nothing rather than a row at the top.
      if (change.belowKey !== null && at < 0) break;
      const row: DraftRowDoc = { key: `r${next.nextRowKey}`, rev: 0, type: 'custom', customMessageId: null, afterDays: '1' };
      next.nextRowKey += 1;
      next.rows.splice(at + 1, 0, row);
      break;
    }
    case 'delete': {
      if (editable(change.key)) next.rows.splice(index(change.key), 1);
      break;
    }
    case 'move': {
      const i = index(change.key);
      const j = i + change.by;
      if (editable(change.key) && j >= 0 && j < next.rows.length && !fixed(next.rows[j])) [next.rows[i], next.rows[j]] = [next.rows[j]!, next.rows[i]!];
      break;
    }
    case 'setType': {
      const row = editable(change.key);
      if (row && isPickableStepType(change.type)) {
        row.type = change.type;
        if (change.type !== 'custom') row.customMessageId = null;
      }
      break;
    }
    case 'setMessage': {
      const row = editable(change.key);
      if (row) {
        row.type = 'custom';
        row.customMessageId = parseObjectId(change.customMessageId);
        // A new block id: Slack would otherwise keep showing the user's previous pick.
        row.rev += 1;
      }
      break;
    }
    case 'resetMessage': {
      const row = editable(change.key);
      if (row) row.rev += 1;
      break;
    }
    case 'preview':
      next.previewAssistantId = change.assistantId ? parseObjectId(change.assistantId) : null;
      break;
  }
  return next;
}

export function createDraftService(
  models: Models,
  clock: Clock,
  deps: { schedules: ScheduleService; customMessages: CustomMessageService; assistants: AssistantService },
): DraftService {
  const { Draft, DraftRevision, Schedule, ScheduleSummary } = models;

  const expired = () => new DomainError('not_found', 'This editor has expired. Close it and open the schedule again.');
  const scheduleDeleted = () => new DomainError('not_found', 'This schedule was deleted while you were editing it.');

  /**
   * Whether the schedule still exists (and is Email CC): from its summary, a small document, or,
   * with no summary (yet: one an older release's process wrote during a deploy), the schedule.
   */
  async function scheduleNow(ref: WorkspaceRef, scheduleId: Types.ObjectId): Promise<{ emailCc: boolean } | null> {
    const filter = { _id: scheduleId, workspace: workspaceKey(ref) };
    const summary = await ScheduleSummary.findOne(filter, { emailCc: 1 }).lean<{ emailCc: boolean }>();
    return summary ?? Schedule.findOne(filter, { emailCc: 1 }).lean<{ emailCc: boolean }>();
  }

  /**
   * The draft at its latest revision, and what the click needs of its session: one read, as each
   * revision carries a copy of it. With `seen`, that revision is read by number (an equality FerretDB
   * pushes down) instead of sorting every revision of the draft, which FerretDB v1 does by decoding
   * them all; `apply`'s insert of the next revision then proves it was the latest. Without it, or
   * when it is gone (purged), the latest is looked up. Whether the schedule still exists is the
   * caller's to ask (`apply` asks while it writes).
   */
  async function load(ref: WorkspaceRef, draftId: string, seen?: number): Promise<{ draftId: Types.ObjectId; session: DraftSessionCopy; revision: DraftRevisionDoc }> {
    const _id = parseObjectId(draftId);
    if (!_id) throw expired();
    const workspace = workspaceKey(ref);
    const byNumber = seen !== undefined && Number.isSafeInteger(seen) && seen > 0;
    const revision =
      (byNumber ? await DraftRevision.findOne({ draftId: _id, workspace, rev: seen }).lean<DraftRevisionDoc>() : null) ??
      (await DraftRevision.findOne({ draftId: _id, workspace }).sort({ rev: -1 }).lean<DraftRevisionDoc>());
    if (!revision) throw expired();
    if (revision.session) return { draftId: _id, session: revision.session, revision };
    // A revision written before revisions carried their session: the session, and the schedule for Email CC.
    const stored = await Draft.findOne({ _id, workspace }).lean<DraftDoc>();
    if (!stored) throw expired();
    const schedule = await scheduleNow(ref, stored.scheduleId);
    if (!schedule) throw scheduleDeleted();
    const { userId, scheduleId, baseVersion, viewerTimeZone, updatedAt } = stored;
    return { draftId: _id, session: { userId, scheduleId, baseVersion, viewerTimeZone, emailCc: schedule.emailCc, touchedAt: updatedAt }, revision };
  }

  /**
   * Inserts a revision as given: no mongoose document built, cast or validated on each click (the
   * fields come from this service, already typed), hence the timestamp set here. A taken (draftId,
   * rev) throws the duplicate key error.
   */
  async function insertRevision(fields: Omit<DraftRevisionDoc, '_id' | 'createdAt'>): Promise<DraftRevisionDoc> {
    const [inserted] = await DraftRevision.insertMany([{ ...fields, createdAt: clock.now() }], { lean: true });
    return inserted as unknown as DraftRevisionDoc;
  }

  async function remove(draftIds: Types.ObjectId[]): Promise<void> {
    if (!draftIds.length) return;
    await DraftRevision.deleteMany({ draftId: { $in: draftIds } });
    await Draft.deleteMany({ _id: { $in: draftIds } });
  }

  /**
   * `apply`, and Save's first step: Save reads the schedule itself right after (and refuses a deleted
   * one there), so it does not ask whether the schedule still exists here (`checkSchedule` false).
   */
  async function applyChange(ref: WorkspaceRef, draftId: string, typed: TypedValues, change: DraftChange | undefined, seen: number | undefined, checkSchedule: boolean): Promise<Draft> {
    let shown: DraftRevisionDoc | undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      // A hint that lost (a newer revision exists) is not asked again.
      const { draftId: _id, session, revision } = await load(ref, draftId, attempt === 0 ? seen : undefined);
      // Slack sends the whole modal's state with a click: only what differs from the view it came from
      // was changed, so a click replayed on a newer revision does not undo another click's change there.
      shown ??= revision;
      const next = applyToDraft(revision, changedSince(shown, typed), change, session.emailCc);
      // The session's last use, for the purge: written at most once per TOUCH_EVERY_MS, not per
      // click. Superseded revisions are removed in bulk by the purge job, not here.
      const now = clock.now();
      const touch = now.getTime() - session.touchedAt.getTime() > TOUCH_EVERY_MS;
      const copy = touch ? { ...session, touchedAt: now } : session;
      // Asked while the revision is written: one written for a schedule deleted meanwhile is never shown.
      const schedule = checkSchedule ? scheduleNow(ref, session.scheduleId) : Promise.resolve({});
      schedule.catch(() => {}); // awaited below, unless the insert fails first
      let created: DraftRevisionDoc;
      try {
        created = await insertRevision({
          draftId: _id,
          workspace: workspaceKey(ref),
          rev: revision.rev + 1,
          name: next.name,
          description: next.description,
          rows: next.rows,
          nextRowKey: next.nextRowKey,
          previewAssistantId: next.previewAssistantId,
          session: copy,
        });
      } catch (error) {
        // Another click wrote this revision first: start again from it.
        if (isDuplicateKeyError(error)) continue;
        throw error;
      }
      if (!(await schedule)) throw scheduleDeleted();
      if (touch) await Draft.updateOne({ _id }, { $set: { updatedAt: now } }, { timestamps: false });
      return toDraft(_id, copy, created);
    }
    throw new Error('The editor is busy: too many changes at once');
  }

  const service: DraftService = {
    async start(actor, scheduleOrId, viewerTimeZone) {
      const schedule = typeof scheduleOrId === 'string' ? await deps.schedules.get(actor.workspace, scheduleOrId) : scheduleOrId;
      deps.schedules.assertCanEdit(actor, schedule);
      const session = await Draft.create({
        workspace: workspaceKey(actor.workspace),
        userId: actor.userId,
        scheduleId: new Types.ObjectId(schedule.id),
        baseVersion: schedule.version,
        viewerTimeZone,
      });
      const copy: DraftSessionCopy = {
        userId: session.userId,
        scheduleId: session.scheduleId,
        baseVersion: session.baseVersion,
        viewerTimeZone: session.viewerTimeZone,
        emailCc: schedule.emailCc,
        touchedAt: session.updatedAt,
      };
      const revision = await insertRevision({
        draftId: session._id,
        workspace: workspaceKey(actor.workspace),
        rev: 1,
        name: schedule.name,
        description: schedule.description,
        rows: schedule.steps.map((s, i) => ({
          key: `r${i + 1}`,
          rev: 0,
          type: s.type,
          customMessageId: s.customMessageId ? new Types.ObjectId(s.customMessageId) : null,
          afterDays: afterDaysText(s.afterDays),
        })),
        nextRowKey: schedule.steps.length + 1,
        previewAssistantId: null,
        session: copy,
      });
      return toDraft(session._id, copy, revision);
    },

    async get(ref, draftId) {
      const { draftId: _id, session, revision } = await load(ref, draftId);
      if (!(await scheduleNow(ref, session.scheduleId))) throw scheduleDeleted();
      return toDraft(_id, session, revision);
    },

    apply(ref, draftId, typed, change, seen) {
      return applyChange(ref, draftId, typed, change, seen, true);
    },

    async model(ref, draft) {
      // Only the assistant previewed for, and only when there is one: a click on the viewer's own dates reads no assistant.
      const [messages, preview] = await Promise.all([
        deps.customMessages.getMany(ref, draft.rows.flatMap((r) => (r.customMessageId ? [r.customMessageId] : []))),
        draft.previewAssistantId ? deps.assistants.get(ref, draft.previewAssistantId).catch(notFoundAsUndefined) : undefined,
      ]);
      // The assistant's whole calendar (hours, holidays, extra off dates too), as its leads' send times use it.
      const rules: CalendarRules = preview ? calendarRulesOf(preview) : { timeZone: draft.viewerTimeZone, offDays: DEFAULT_OFF_DAYS };
      const parsed = draft.rows.map((r) => {
        const result = parseAfterDays(r.afterDays);
        return result.ok ? result.value : null;
      });
      const start = clock.now();
      const steps = previewSteps(
        draft.rows.map((r, i) => ({ type: r.type, customMessageId: r.customMessageId, afterDays: parsed[i] ?? null })),
        { messages, start, rules },
      );
      return {
        draft,
        steps,
        totalDays: parsed.every((n) => n !== null) ? totalDays(parsed as number[]) : null,
        previewAssistant: preview ? { id: preview.id, name: preview.name } : null,
        datesFor: { assistantName: preview?.name ?? null, start, timeZone: rules.timeZone, offDays: rules.offDays, ...(preview ? { rules } : {}) },
      };
    },

    async save(actor, draftId, typed, seen) {
      const draft = await applyChange(actor.workspace, draftId, typed, undefined, seen, false);
      const afterDaysErrors: Record<string, string> = {};
      const steps: StepInput[] = draft.rows.map((row, i) => {
        const parsed = parseAfterDays(row.afterDays);
        if (!parsed.ok) afterDaysErrors[`step.${i}`] = afterDaysProblem(i, row.afterDays, parsed.reason);
        return { type: row.type, customMessageId: row.type === 'custom' ? row.customMessageId : null, afterDays: parsed.ok ? parsed.value : 0 };
      });
      const input = { name: draft.name, description: draft.description, steps };
      if (Object.keys(afterDaysErrors).length) {
        // Report the rest too, so every problem shows at once; a step's after days and its
        // message are reported together, on that step's row. Permission comes first, as in save().
        deps.schedules.assertCanEdit(actor, await deps.schedules.get(actor.workspace, draft.scheduleId));
        const errors = await deps.schedules.validate(actor.workspace, draft.scheduleId, input);
        for (const [key, message] of Object.entries(afterDaysErrors)) errors[key] = errors[key] ? `${message} ${errors[key]}` : message;
        throw new ValidationError(errors);
      }
      // save() validates (and checks permissions) itself.
      // The draft stays (the purge job drops it): the same Save submitted again (a double click)
      // then answers "saved" instead of "this editor has expired"; the draft id tells it apart.
      return deps.schedules.save(actor, draft.scheduleId, { ...input, baseVersion: draft.baseVersion, saveId: draft.id });
    },

    async discard(ref, draftId) {
      const _id = parseObjectId(draftId);
      const session = _id ? await Draft.findOne({ _id, workspace: workspaceKey(ref) }, { _id: 1 }).lean<{ _id: Types.ObjectId }>() : null;
      if (session) await remove([session._id]);
    },

    async purgeStale(maxAgeMs) {
      // FerretDB v1 has no TTL indexes, so a job does what a TTL index would.
      const stale = await Draft.find({ updatedAt: { $lt: new Date(clock.now().getTime() - maxAgeMs) } }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
      await remove(stale.map((d) => d._id));
      await purgeSuperseded();
      return stale.length;
    },
  };

  /**
   * Open editors need only their latest revision: the older ones go, in one bulk write for all drafts.
   * Only revisions older than SUPERSEDED_GRACE_MS, so a click still in flight on rev N cannot re-insert
   * a just-deleted N+1 (the unique (draftId, rev) insert is what serializes clicks).
   */
  async function purgeSuperseded(): Promise<void> {
    const cutoff = new Date(clock.now().getTime() - SUPERSEDED_GRACE_MS);
    // FerretDB v1's $group has neither $max nor $first: read (draft, rev) pairs and take the newest here.
    const old = await DraftRevision.find({ createdAt: { $lt: cutoff } }, { _id: 0, draftId: 1, rev: 1 }).lean<{ draftId: Types.ObjectId; rev: number }[]>();
    const newest = new Map<string, { _id: Types.ObjectId; rev: number; count: number }>();
    for (const r of old) {
      const seen = newest.get(String(r.draftId)) ?? { _id: r.draftId, rev: r.rev, count: 0 };
      newest.set(String(r.draftId), { _id: r.draftId, rev: Math.max(seen.rev, r.rev), count: seen.count + 1 });
    }
    const latest = [...newest.values()].filter((d) => d.count > 1);
    if (!latest.length) return;
    await DraftRevision.bulkWrite(
      latest.map((d) => ({ deleteMany: { filter: { draftId: d._id, rev: { $lt: d.rev }, createdAt: { $lt: cutoff } } } })),
      { ordered: false },
    );
  }
  return service;
}

/** The typed values that differ from what `shown` (the revision the clicked view showed) holds. */
export function changedSince(shown: Pick<DraftRevisionDoc, 'name' | 'description' | 'rows'>, typed: TypedValues): TypedValues {
  const rows: Record<string, { afterDays?: string; type?: PickableStepType; customMessageId?: string }> = {};
  for (const [key, t] of Object.entries(typed.rows ?? {})) {
    const row = shown.rows.find((r) => r.key === key);
    rows[key] = {
      ...(t.afterDays !== undefined && t.afterDays !== row?.afterDays ? { afterDays: t.afterDays } : {}),
      ...(t.type !== undefined && t.type !== row?.type ? { type: t.type } : {}),
      ...(t.customMessageId !== undefined && t.customMessageId !== (row?.customMessageId ? String(row.customMessageId) : undefined) ? { customMessageId: t.customMessageId } : {}),
    };
  }
  return {
    ...(typed.name !== undefined && typed.name !== shown.name ? { name: typed.name } : {}),
    ...(typed.description !== undefined && typed.description !== shown.description ? { description: typed.description } : {}),
    rows,
  };
}

/** An assistant deleted since it was picked: the dates follow the viewer's own calendar again. */
function notFoundAsUndefined(error: unknown): undefined {
  if (error instanceof DomainError && error.code === 'not_found') return undefined;
  throw error;
}

function afterDaysProblem(index: number, typed: string, reason: 'not_a_number' | 'negative' | 'too_large' | 'too_many_decimals'): string {
  const step = `Step ${index + 1}:`;
  switch (reason) {
    case 'not_a_number':
      return typed.trim() ? `${step} “${typed.trim()}” is not a number of days. Use a number such as 2 or 1.5.` : `${step} enter after how many days it is sent (0 to 365).`;
    case 'negative':
      return `${step} after days can't be negative.`;
    case 'too_large':
      return `${step} after days can be at most 365.`;
    case 'too_many_decimals':
      return `${step} use at most two decimals, e.g. 1.25.`;
  }
}

// Modal state as Slack keeps it: views and their stacks (at most 3), hashes that change on every update, the
// state.values of what a user typed or picked, and Slack's rule that typed input survives views.update when the
// element keeps its block_id and action_id. Also what the Slack client does with a modal: typing, submitting
// (applying the app's response_action), closing.
import { randomBytes } from 'node:crypto';
import { ELEMENT_KEYS, LIMITS, chars, deepCopy, isNumeric, isObj, isValidDate, isValidTime, viewRefusal, type JsonObject } from './blockKit.js';

export interface ViewState {
  values: Record<string, Record<string, JsonObject>>;
}

/** A view as Slack returns it (views.* responses and interaction payloads): the definition plus Slack's fields. */
export type FakeView = JsonObject & {
  id: string;
  type: string;
  hash: string;
  root_view_id: string | null;
  previous_view_id: string | null;
  state: ViewState;
};

export type ViewResponseOutcome =
  | { action: 'errors'; errors: Record<string, string>; view: FakeView }
  | { action: 'update'; view: FakeView }
  | { action: 'push'; view: FakeView }
  | { action: 'clear' }
  | { action: 'close'; top: FakeView | undefined };

export interface CloseOutcome {
  /** Slack sends view_closed only when the closed view had notify_on_close: true. */
  notify: boolean;
  /** True when the whole stack went (clear_on_close, or the user closed it all). */
  isCleared: boolean;
  /** The closed view, as it was. */
  view: FakeView;
}

/** Thrown by helpers (typeInto, applyViewResponse…) when Slack would not let the interaction happen. */
export class FakeSlackError extends Error {
  override name = 'FakeSlackError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

const clone = deepCopy;

/** Slack fills in missing block_id / action_id with short random strings; so do we. */
function generatedId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(5);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

function viewId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let out = 'V';
  for (const b of randomBytes(10)) out += alphabet[b % alphabet.length];
  return out;
}

// ─── View state ─────────────────────────────────────────────────────────────────────────────────────────────────

interface StateSpec {
  key: string;
  initial: string | undefined;
  multi: boolean;
}

const STATE_SPECS: Record<string, StateSpec> = {
  plain_text_input: { key: 'value', initial: 'initial_value', multi: false },
  email_text_input: { key: 'value', initial: 'initial_value', multi: false },
  url_text_input: { key: 'value', initial: 'initial_value', multi: false },
  number_input: { key: 'value', initial: 'initial_value', multi: false },
  rich_text_input: { key: 'rich_text_value', initial: 'initial_value', multi: false },
  static_select: { key: 'selected_option', initial: 'initial_option', multi: false },
  external_select: { key: 'selected_option', initial: 'initial_option', multi: false },
  radio_buttons: { key: 'selected_option', initial: 'initial_option', multi: false },
  multi_static_select: { key: 'selected_options', initial: 'initial_options', multi: true },
  multi_external_select: { key: 'selected_options', initial: 'initial_options', multi: true },
  checkboxes: { key: 'selected_options', initial: 'initial_options', multi: true },
  users_select: { key: 'selected_user', initial: 'initial_user', multi: false },
  multi_users_select: { key: 'selected_users', initial: 'initial_users', multi: true },
  conversations_select: { key: 'selected_conversation', initial: 'initial_conversation', multi: false },
  multi_conversations_select: { key: 'selected_conversations', initial: 'initial_conversations', multi: true },
  channels_select: { key: 'selected_channel', initial: 'initial_channel', multi: false },
  multi_channels_select: { key: 'selected_channels', initial: 'initial_channels', multi: true },
  datepicker: { key: 'selected_date', initial: 'initial_date', multi: false },
  timepicker: { key: 'selected_time', initial: 'initial_time', multi: false },
  datetimepicker: { key: 'selected_date_time', initial: 'initial_date_time', multi: false },
  file_input: { key: 'files', initial: undefined, multi: true },
};

export interface LocatedElement {
  blockId: string;
  actionId: string;
  element: JsonObject;
  block: JsonObject;
}

/** Every interactive element in a list of blocks (input elements, actions elements, section accessories). */
export function interactiveElements(blocks: unknown): LocatedElement[] {
  const out: LocatedElement[] = [];
  if (!Array.isArray(blocks)) return out;
  for (const block of blocks) {
    if (!isObj(block) || typeof block.block_id !== 'string') continue;
    const candidates: unknown[] = [];
    if (block.type === 'input') candidates.push(block.element);
    else if (block.type === 'actions' && Array.isArray(block.elements)) candidates.push(...block.elements);
    else if (block.type === 'section') candidates.push(block.accessory);
    for (const el of candidates) {
      if (isObj(el) && typeof el.action_id === 'string') out.push({ blockId: block.block_id, actionId: el.action_id, element: el, block });
    }
  }
  return out;
}

function initialStateEntry(el: JsonObject): JsonObject | undefined {
  const type = String(el.type);
  const spec = STATE_SPECS[type];
  if (!spec) return undefined;
  const initial = spec.initial ? el[spec.initial] : undefined;
  const entry: JsonObject = { type, [spec.key]: initial === undefined ? (spec.multi ? [] : null) : clone(initial) };
  if (type === 'timepicker' && typeof el.timezone === 'string') entry.timezone = el.timezone;
  return entry;
}

/**
 * State for a set of blocks, as Slack builds it: an entry for every stateful element, starting from its initial
 * value; with `previous`, an entry whose block_id, action_id and element type are unchanged keeps what the user
 * entered (Slack's documented rule for views.update).
 */
export function computeState(blocks: unknown, previous?: ViewState): ViewState {
  const values: ViewState['values'] = {};
  for (const { blockId, actionId, element } of interactiveElements(blocks)) {
    const kept = previous?.values[blockId]?.[actionId];
    const entry = kept && kept.type === element.type ? clone(kept) : initialStateEntry(element);
    if (!entry) continue;
    (values[blockId] ??= {})[actionId] = entry;
  }
  return { values };
}

/** Deep copy with Slack's generated block_id / action_id wherever the app left them out. */
export function withGeneratedIds(blocks: unknown): JsonObject[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.filter(isObj).map((raw) => {
    const block = clone(raw);
    if (block.block_id === undefined) block.block_id = generatedId();
    const fill = (el: unknown): void => {
      if (isObj(el) && el.type !== 'image' && ELEMENT_KEYS[String(el.type)] && el.action_id === undefined) el.action_id = generatedId();
    };
    if (block.type === 'input') fill(block.element);
    if (block.type === 'actions' && Array.isArray(block.elements)) block.elements.forEach(fill);
    if (block.type === 'section') fill(block.accessory);
    return block;
  });
}

/** A copy of a view definition, its blocks with Slack's generated ids (copied once: they are most of a view). */
function copyWithGeneratedIds(definition: JsonObject): JsonObject {
  const def: JsonObject = clone({ ...definition, blocks: [] });
  def.blocks = withGeneratedIds(definition.blocks);
  return def;
}

function toPlainOption(v: unknown): JsonObject {
  if (typeof v === 'string') return { text: { type: 'plain_text', text: v, emoji: true }, value: v };
  if (isObj(v)) {
    const text = typeof v.text === 'string' ? { type: 'plain_text', text: v.text, emoji: true } : v.text;
    return { ...clone(v), text };
  }
  throw new FakeSlackError('invalid_value', `not an option: ${JSON.stringify(v)}`);
}

function allStaticOptions(el: JsonObject): JsonObject[] {
  if (Array.isArray(el.options)) return el.options.filter(isObj);
  if (Array.isArray(el.option_groups)) return el.option_groups.filter(isObj).flatMap((g) => (Array.isArray(g.options) ? g.options.filter(isObj) : []));
  return [];
}

/** Picks the element's own option for `v` (a value string, or an option-like object with that value). */
function pickOption(el: JsonObject, v: unknown): JsonObject {
  const wanted = typeof v === 'string' ? v : isObj(v) ? v.value : undefined;
  const found = allStaticOptions(el).find((o) => o.value === wanted);
  if (!found) {
    throw new FakeSlackError('invalid_value', `${String(el.type)} ${String(el.action_id)} has no option with value ${JSON.stringify(wanted)}`);
  }
  return clone(found);
}

/** Turns a test's "typed" value (the element's state shape or a shorthand) into a state entry. */
export function stateEntryFor(el: JsonObject, value: unknown): JsonObject {
  const type = String(el.type);
  const spec = STATE_SPECS[type];
  if (!spec) throw new FakeSlackError('invalid_element', `${type} ${String(el.action_id)} holds no state`);
  if (isObj(value) && value.type === type) {
    if (!(spec.key in value)) throw new FakeSlackError('invalid_value', `state for ${type} needs ${spec.key}`);
    return stateEntryFor(el, value[spec.key]);
  }
  const entry = (v: unknown): JsonObject => {
    const e: JsonObject = { type, [spec.key]: v };
    if (type === 'timepicker' && typeof el.timezone === 'string') e.timezone = el.timezone;
    return e;
  };
  if (value === null || value === undefined) return entry(spec.multi ? [] : null);
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
      if (typeof value !== 'string') throw new FakeSlackError('invalid_value', `${type} takes a string`);
      if (type === 'plain_text_input' && el.multiline !== true && value.includes('\n')) {
        throw new FakeSlackError('invalid_value', 'a single-line plain_text_input cannot hold a newline');
      }
      return entry(value === '' ? null : value);
    case 'number_input':
      if (typeof value !== 'string' && typeof value !== 'number') throw new FakeSlackError('invalid_value', 'number_input takes a number or a string');
      return entry(String(value) === '' ? null : String(value));
    case 'rich_text_input':
      if (typeof value === 'string') {
        return entry({ type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: value }] }] });
      }
      return entry(clone(value));
    case 'static_select':
    case 'radio_buttons':
      return entry(pickOption(el, value));
    case 'external_select':
      return entry(toPlainOption(value));
    case 'multi_static_select':
    case 'checkboxes': {
      const list = Array.isArray(value) ? value : [value];
      if (type === 'multi_static_select' && typeof el.max_selected_items === 'number' && list.length > el.max_selected_items) {
        throw new FakeSlackError('invalid_value', `at most ${el.max_selected_items} items can be selected`);
      }
      return entry(list.map((v) => pickOption(el, v)));
    }
    case 'multi_external_select': {
      const list = Array.isArray(value) ? value : [value];
      return entry(list.map(toPlainOption));
    }
    case 'users_select':
    case 'conversations_select':
    case 'channels_select':
      if (typeof value !== 'string') throw new FakeSlackError('invalid_value', `${type} takes an id string`);
      return entry(value);
    case 'multi_users_select':
    case 'multi_conversations_select':
    case 'multi_channels_select': {
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((x) => typeof x === 'string')) throw new FakeSlackError('invalid_value', `${type} takes id strings`);
      if (typeof el.max_selected_items === 'number' && list.length > el.max_selected_items) {
        throw new FakeSlackError('invalid_value', `at most ${el.max_selected_items} items can be selected`);
      }
      return entry(list);
    }
    case 'datepicker':
      if (typeof value !== 'string' || !isValidDate(value)) throw new FakeSlackError('invalid_value', 'datepicker takes YYYY-MM-DD');
      return entry(value);
    case 'timepicker':
      if (typeof value !== 'string' || !isValidTime(value)) throw new FakeSlackError('invalid_value', 'timepicker takes HH:mm');
      return entry(value);
    case 'datetimepicker':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new FakeSlackError('invalid_value', 'datetimepicker takes UNIX seconds');
      return entry(value);
    case 'file_input':
      return entry(Array.isArray(value) ? clone(value) : [clone(value)]);
    default:
      throw new FakeSlackError('invalid_element', `${type} holds no state`);
  }
}

function isEmptyEntry(entry: JsonObject | undefined, el: JsonObject): boolean {
  if (!entry) return true;
  const spec = STATE_SPECS[String(el.type)];
  if (!spec) return false;
  const v = entry[spec.key];
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

// ─── The views Slack holds ──────────────────────────────────────────────────────────────────────────────────────

interface StoredView {
  id: string;
  /** The workspace the view was opened in; another team's token cannot see it. */
  teamId: string;
  type: 'modal' | 'home';
  userId: string | undefined;
  definition: JsonObject;
  hash: string;
  rootViewId: string | null;
  previousViewId: string | null;
  state: ViewState;
  errors: Record<string, string> | undefined;
  open: boolean;
}

/** A Web API answer: `{ ok: true, view }` or `{ ok: false, error }`. */
type ViewResult = JsonObject;

export interface ModalsOptions {
  now: () => number;
  appId: string;
  botId: string;
}

/**
 * Every view of every workspace. The Web API side (open, push, update, publish) takes views the caller has
 * already validated with `viewRefusal`; the user side (typeInto, applyViewResponse, closeView) is what a person
 * does in the Slack client.
 */
export class Modals {
  private readonly views = new Map<string, StoredView>();
  /** Root view id -> the ids on its stack, bottom first. */
  private readonly stacks = new Map<string, string[]>();
  /** `team user` -> that person's Home tab view. */
  private readonly homeViews = new Map<string, string>();

  constructor(private readonly options: ModalsOptions) {}

  // ── Web API side ──

  /** views.open: a new stack holding this modal. */
  open(teamId: string, definition: JsonObject, userId: string | undefined): ViewResult {
    if (this.externalIdTaken(teamId, definition)) return { ok: false, error: 'duplicate_external_id' };
    const created = this.createView(teamId, definition, 'modal', userId, null, null);
    this.stacks.set(created.id, [created.id]);
    return { ok: true, view: this.render(created) };
  }

  /** views.push: onto the stack of `fromViewId`, the modal the interaction happened in. */
  push(teamId: string, fromViewId: string | undefined, definition: JsonObject): ViewResult {
    const from = fromViewId ? this.views.get(fromViewId) : undefined;
    // views.push needs a trigger from an interaction inside an open modal (of this workspace).
    if (!from || !from.open || from.type !== 'modal' || from.teamId !== teamId) return { ok: false, error: 'not_found' };
    const rootId = from.rootViewId ?? from.id;
    const stack = this.stacks.get(rootId);
    if (!stack) return { ok: false, error: 'not_found' };
    if (stack.length >= LIMITS.viewStackMax) return { ok: false, error: 'push_limit_reached' };
    if (this.externalIdTaken(teamId, definition)) return { ok: false, error: 'duplicate_external_id' };
    const pushed = this.createView(teamId, definition, 'modal', from.userId, rootId, stack[stack.length - 1] ?? null);
    stack.push(pushed.id);
    return { ok: true, view: this.render(pushed) };
  }

  /** The open view views.update means (by id or by external_id), or undefined: another workspace's view is not found. */
  find(teamId: string, target: { viewId?: string; externalId?: string }): { id: string; type: 'modal' | 'home' } | undefined {
    const stored = target.viewId !== undefined
      ? this.views.get(target.viewId)
      : [...this.views.values()].find((v) => v.open && v.teamId === teamId && v.definition.external_id === target.externalId);
    return stored && stored.open && stored.teamId === teamId ? { id: stored.id, type: stored.type } : undefined;
  }

  /** views.update of a view `find` found: same id, new hash, typed input kept (see replaceDefinition). */
  update(viewId: string, definition: JsonObject, hash: unknown): ViewResult {
    const stored = this.storedView(viewId);
    if (hash !== undefined && hash !== stored.hash) return { ok: false, error: 'hash_conflict' };
    if (this.externalIdTaken(stored.teamId, definition, stored.id)) return { ok: false, error: 'duplicate_external_id' };
    this.replaceDefinition(stored, definition);
    return { ok: true, view: this.render(stored) };
  }

  /** views.publish: the user's Home tab, created on first publish. */
  publish(teamId: string, userId: string, definition: JsonObject, hash: unknown): ViewResult {
    const home = `${teamId} ${userId}`;
    const existingId = this.homeViews.get(home);
    const existing = existingId ? this.views.get(existingId) : undefined;
    if (hash !== undefined && (!existing || hash !== existing.hash)) return { ok: false, error: 'hash_conflict' };
    if (this.externalIdTaken(teamId, definition, existing?.id)) return { ok: false, error: 'duplicate_external_id' };
    if (existing) {
      this.replaceDefinition(existing, definition);
      return { ok: true, view: this.render(existing) };
    }
    const created = this.createView(teamId, definition, 'home', userId, null, null);
    this.homeViews.set(home, created.id);
    return { ok: true, view: this.render(created) };
  }

  // ── views: inspection and user input ──

  /** The current stored view, as Slack would render it in a payload (with state). */
  view(viewId: string): FakeView {
    return this.render(this.storedView(viewId));
  }

  isOpen(viewId: string): boolean {
    return this.views.get(viewId)?.open ?? false;
  }

  /** Open views (modals on any stack plus published home views). */
  openViews(): FakeView[] {
    return [...this.views.values()].filter((v) => v.open).map((v) => this.render(v));
  }

  /** The stack holding `viewId`, bottom (root) first; empty once the stack is closed. */
  stackOf(viewId: string): FakeView[] {
    const stored = this.storedView(viewId);
    if (stored.type !== 'modal') return stored.open ? [this.render(stored)] : [];
    const rootId = stored.rootViewId ?? stored.id;
    return (this.stacks.get(rootId) ?? []).map((id) => this.view(id));
  }

  /** The view on top of the stack holding `viewId` (root or any view of it). */
  topView(viewId: string): FakeView | undefined {
    const stack = this.stackOf(viewId);
    return stack[stack.length - 1];
  }

  /** Validation errors currently shown on a view (after response_action: errors). */
  viewErrors(viewId: string): Record<string, string> | undefined {
    const errors = this.storedView(viewId).errors;
    return errors ? { ...errors } : undefined;
  }

  /** The user types / picks a value. `value` is the element's state shape or a shorthand (string, option, ids…). */
  typeInto(viewId: string, blockId: string, actionId: string, value: unknown): JsonObject {
    const stored = this.storedView(viewId);
    if (!stored.open) throw new FakeSlackError('view_closed', `view ${viewId} is not open`);
    const located = interactiveElements(stored.definition.blocks).find((e) => e.blockId === blockId && e.actionId === actionId);
    if (!located) throw new FakeSlackError('not_found', `view ${viewId} has no element ${blockId}/${actionId}`);
    const entry = stateEntryFor(located.element, value);
    (stored.state.values[blockId] ??= {})[actionId] = entry;
    return clone(entry);
  }

  /**
   * What the Slack client itself refuses before sending view_submission (required inputs left empty, text
   * shorter/longer than min_length/max_length, numbers out of range, malformed email/url). Keyed by block_id.
   */
  clientValidationErrors(viewId: string): Record<string, string> {
    const stored = this.storedView(viewId);
    const errors: Record<string, string> = {};
    for (const block of (stored.definition.blocks as JsonObject[] | undefined) ?? []) {
      if (block.type !== 'input' || !isObj(block.element) || typeof block.block_id !== 'string') continue;
      const el = block.element;
      const entry = stored.state.values[block.block_id]?.[String(el.action_id)];
      if (isEmptyEntry(entry, el)) {
        if (block.optional !== true) errors[block.block_id] = 'Please complete this required field.';
        continue;
      }
      const value = entry?.value;
      if (el.type === 'plain_text_input' && typeof value === 'string') {
        const n = chars(value);
        if (typeof el.min_length === 'number' && n < el.min_length) errors[block.block_id] = `Must be at least ${el.min_length} characters.`;
        if (typeof el.max_length === 'number' && n > el.max_length) errors[block.block_id] = `Must be at most ${el.max_length} characters.`;
      }
      if (el.type === 'number_input' && typeof value === 'string') {
        const n = Number(value);
        if (!isNumeric(value)) errors[block.block_id] = 'Please enter a number.';
        else if (el.is_decimal_allowed !== true && !Number.isInteger(n)) errors[block.block_id] = 'Please enter a whole number.';
        else if (typeof el.min_value === 'string' && n < Number(el.min_value)) errors[block.block_id] = `Must be at least ${el.min_value}.`;
        else if (typeof el.max_value === 'string' && n > Number(el.max_value)) errors[block.block_id] = `Must be at most ${el.max_value}.`;
      }
      if (el.type === 'email_text_input' && typeof value === 'string' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
        errors[block.block_id] = 'Please enter a valid email address.';
      }
      if (el.type === 'url_text_input' && typeof value === 'string' && !URL.canParse(value)) errors[block.block_id] = 'Please enter a valid URL.';
    }
    return errors;
  }

  /**
   * Applies the app's ack to a view_submission, as Slack does. Throws FakeSlackError when Slack would refuse the
   * response (the user would see "We had some trouble connecting").
   */
  applyViewResponse(viewId: string, ackBody: unknown): ViewResponseOutcome {
    const stored = this.storedView(viewId);
    if (!stored.open || stored.type !== 'modal') throw new FakeSlackError('not_found', `view ${viewId} is not an open modal`);
    let body = ackBody;
    if (typeof body === 'string') {
      if (body.trim() === '') body = undefined;
      else {
        try {
          body = JSON.parse(body);
        } catch {
          throw new FakeSlackError('invalid_response', `a view_submission ack must be empty or JSON, got ${JSON.stringify(body)}`);
        }
      }
    }
    if (body === undefined || body === null || (isObj(body) && Object.keys(body).length === 0)) {
      stored.errors = undefined;
      this.closeStackFrom(stored);
      return { action: 'close', top: this.topOfStack(stored) };
    }
    if (!isObj(body)) throw new FakeSlackError('invalid_response', `a view_submission ack must be a JSON object, got ${JSON.stringify(body)}`);
    switch (body.response_action) {
      case 'errors': {
        const errors = body.errors;
        if (!isObj(errors) || Object.keys(errors).length === 0) throw new FakeSlackError('invalid_response', 'response_action errors needs a non-empty errors object');
        const inputIds = new Set(
          ((stored.definition.blocks as JsonObject[] | undefined) ?? []).filter((b) => b.type === 'input').map((b) => String(b.block_id)),
        );
        for (const [key, message] of Object.entries(errors)) {
          if (!inputIds.has(key)) throw new FakeSlackError('invalid_response', `errors key ${JSON.stringify(key)} is not the block_id of an input block in view ${viewId}`);
          if (typeof message !== 'string' || message === '') throw new FakeSlackError('invalid_response', `error for ${key} must be a non-empty string`);
        }
        stored.errors = errors as Record<string, string>;
        return { action: 'errors', errors: { ...stored.errors }, view: this.render(stored) };
      }
      case 'update': {
        this.assertAcceptable('update', body.view);
        this.assertExternalIdFree(stored.teamId, body.view as JsonObject, stored.id);
        this.replaceDefinition(stored, body.view as JsonObject);
        return { action: 'update', view: this.render(stored) };
      }
      case 'push': {
        this.assertAcceptable('push', body.view);
        stored.errors = undefined;
        const rootId = stored.rootViewId ?? stored.id;
        const stack = this.stacks.get(rootId) ?? [];
        if (stack.length >= LIMITS.viewStackMax) throw new FakeSlackError('push_limit_reached', `a stack holds at most ${LIMITS.viewStackMax} views`);
        this.assertExternalIdFree(stored.teamId, body.view as JsonObject);
        const pushed = this.createView(stored.teamId, body.view as JsonObject, 'modal', stored.userId, rootId, stack[stack.length - 1] ?? null);
        stack.push(pushed.id);
        return { action: 'push', view: this.render(pushed) };
      }
      case 'clear': {
        const rootId = stored.rootViewId ?? stored.id;
        for (const id of this.stacks.get(rootId) ?? []) {
          const v = this.views.get(id);
          if (v) v.open = false;
        }
        this.stacks.delete(rootId);
        return { action: 'clear' };
      }
      default:
        throw new FakeSlackError('invalid_response', `unknown response_action ${JSON.stringify(body.response_action)}`);
    }
  }

  /**
   * The user closes a view: with clear_on_close (or `all`), the whole stack goes; otherwise the view (and anything
   * above it) is popped.
   */
  closeView(viewId: string, opts: { all?: boolean } = {}): CloseOutcome {
    const stored = this.storedView(viewId);
    if (!stored.open || stored.type !== 'modal') throw new FakeSlackError('not_found', `view ${viewId} is not an open modal`);
    const snapshot = this.render(stored);
    const clearAll = opts.all === true || stored.definition.clear_on_close === true;
    const rootId = stored.rootViewId ?? stored.id;
    if (clearAll) {
      for (const id of this.stacks.get(rootId) ?? []) {
        const v = this.views.get(id);
        if (v) v.open = false;
      }
      this.stacks.delete(rootId);
    } else this.closeStackFrom(stored);
    return { notify: stored.definition.notify_on_close === true, isCleared: clearAll, view: snapshot };
  }

  // ── internals ──

  /** A response_action view is held to the same rules as views.update / views.push (size included). */
  private assertAcceptable(action: string, view: unknown): void {
    const refusal = viewRefusal(view, 'modal');
    if (!refusal) return;
    const messages = (refusal.response_metadata as { messages?: string[] } | undefined)?.messages ?? [];
    throw new FakeSlackError(String(refusal.error), `response_action ${action} with a view Slack refuses${messages.length ? `:\n${messages.join('\n')}` : ''}`);
  }

  private storedView(viewId: string): StoredView {
    const stored = this.views.get(viewId);
    if (!stored) throw new FakeSlackError('not_found', `no view ${viewId}`);
    return stored;
  }

  private newHash(): string {
    return `${Math.floor(this.options.now() / 1000)}.${randomBytes(6).toString('hex')}`;
  }

  private createView(teamId: string, definition: JsonObject, type: 'modal' | 'home', userId: string | undefined, rootViewId: string | null, previousViewId: string | null): StoredView {
    const def = copyWithGeneratedIds(definition);
    const stored: StoredView = {
      id: viewId(),
      teamId,
      type,
      userId,
      definition: def,
      hash: this.newHash(),
      rootViewId,
      previousViewId,
      state: computeState(def.blocks),
      errors: undefined,
      open: true,
    };
    if (type === 'modal' && rootViewId === null) stored.rootViewId = stored.id;
    this.views.set(stored.id, stored);
    return stored;
  }

  /** views.update / response_action update: same id, new hash, input kept where block_id and action_id match. */
  private replaceDefinition(stored: StoredView, definition: JsonObject): void {
    const def = copyWithGeneratedIds(definition);
    stored.state = computeState(def.blocks, stored.state);
    stored.definition = def;
    stored.hash = this.newHash();
    stored.errors = undefined;
  }

  private render(stored: StoredView): FakeView {
    const def = clone(stored.definition);
    const base: JsonObject =
      stored.type === 'modal'
        ? { close: null, submit: null, clear_on_close: false, notify_on_close: false, submit_disabled: false }
        : {};
    return {
      ...base,
      private_metadata: '',
      callback_id: '',
      external_id: '',
      ...def,
      id: stored.id,
      team_id: stored.teamId,
      type: stored.type,
      state: clone(stored.state),
      hash: stored.hash,
      root_view_id: stored.rootViewId,
      previous_view_id: stored.previousViewId,
      app_id: this.options.appId,
      app_installed_team_id: stored.teamId,
      bot_id: this.options.botId,
    } as FakeView;
  }

  private topOfStack(stored: StoredView): FakeView | undefined {
    const stack = this.stacks.get(stored.rootViewId ?? stored.id) ?? [];
    const top = stack[stack.length - 1];
    return top ? this.view(top) : undefined;
  }

  /** Pops `stored` and every view above it. */
  private closeStackFrom(stored: StoredView): void {
    const rootId = stored.rootViewId ?? stored.id;
    const stack = this.stacks.get(rootId) ?? [];
    const index = stack.indexOf(stored.id);
    const removed = index >= 0 ? stack.splice(index) : [stored.id];
    for (const id of removed) {
      const v = this.views.get(id);
      if (v) v.open = false;
    }
    if (stack.length === 0) this.stacks.delete(rootId);
  }

  /** external_id is unique among a team's views (Slack: "unique for all views on a team"). */
  private externalIdTaken(teamId: string, definition: JsonObject, exceptViewId?: string): boolean {
    const ext = definition.external_id;
    if (typeof ext !== 'string' || ext === '') return false;
    return [...this.views.values()].some((v) => v.open && v.teamId === teamId && v.id !== exceptViewId && v.definition.external_id === ext);
  }

  private assertExternalIdFree(teamId: string, definition: JsonObject, exceptViewId?: string): void {
    if (this.externalIdTaken(teamId, definition, exceptViewId)) throw new FakeSlackError('duplicate_external_id', `external_id ${String(definition.external_id)} is in use`);
  }
}

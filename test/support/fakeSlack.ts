// A local, faithful stand-in for Slack's Web API (and for response_url), for tests.
//
// Every WebClient of the app points here through SLACK_API_URL. The fake enforces the limits Slack documents
// for views and Block Kit, tracks modal stacks and view state the way Slack does, and records every call so tests
// can assert on them. A view or message real Slack would refuse is refused here too — never loosen a rule to make
// a test pass; fix the app instead.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

// ─── Types ──────────────────────────────────────────────────────────────────────────────────────────────────────

export type JsonObject = Record<string, unknown>;

/** One Web API call, in the order received. `args` is the parsed body (nested JSON strings parsed back). */
export interface ApiCall {
  method: string;
  args: JsonObject;
  token: string | undefined;
  response: JsonObject;
}

/** One POST to a response_url. `status` is the HTTP status the fake answered with. */
export interface ResponseUrlPost {
  url: string;
  body: unknown;
  status: number;
  response: JsonObject;
}

export interface FakeUserInput {
  id: string;
  teamId?: string;
  name?: string;
  realName?: string;
  tz?: string;
  /** Seconds east of UTC. Defaults to the offset of `tz` at `now()`. */
  tzOffset?: number;
  isAdmin?: boolean;
  isOwner?: boolean;
  isPrimaryOwner?: boolean;
  isBot?: boolean;
  deleted?: boolean;
}

export interface FakeUser {
  id: string;
  teamId: string;
  name: string;
  realName: string;
  tz: string;
  tzOffset: number | undefined;
  isAdmin: boolean;
  isOwner: boolean;
  isPrimaryOwner: boolean;
  isBot: boolean;
  deleted: boolean;
}

export interface FakeChannelInput {
  id: string;
  /** The workspace the channel is in; defaults to the fake's own team. */
  teamId?: string;
  name: string;
  isPrivate?: boolean;
  botIsMember?: boolean;
  isArchived?: boolean;
  /** When given, chat.postEphemeral refuses users outside this list with `user_not_in_channel`. */
  members?: string[];
}

export interface FakeChannel {
  id: string;
  teamId: string;
  name: string;
  isPrivate: boolean;
  isIm: boolean;
  botIsMember: boolean;
  isArchived: boolean;
  members: Set<string> | undefined;
  /** For a DM (im) channel: the other user. */
  imUser?: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: JsonObject[] | undefined;
  attachments: unknown;
  threadTs: string | undefined;
  /** Author: the bot for everything the app sends. */
  user: string;
  ephemeral: boolean;
  /** For an ephemeral message: who sees it. */
  visibleTo: string | undefined;
  deleted: boolean;
  /** Earlier versions, oldest first, after chat.update / replace_original. */
  history: Array<{ text: string | undefined; blocks: JsonObject[] | undefined }>;
  via: 'chat.postMessage' | 'chat.postEphemeral' | 'response_url';
}

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

export interface ResponseUrlContext {
  /** The workspace the interaction happened in; defaults to the fake's own team. */
  teamId?: string;
  channelId?: string;
  userId?: string;
  /** The message an interaction came from (replace_original / delete_original act on it). */
  messageTs?: string;
}

export interface TriggerContext {
  /** The workspace the interaction happened in: only that team's bot token can exchange the trigger. */
  teamId?: string;
  userId?: string;
  /** The view the interaction happened in: views.push pushes onto that view's stack. */
  viewId?: string;
}

export interface StartFakeSlackOptions {
  /** Milliseconds since the epoch; drives trigger and response_url expiry and ts values. */
  now?: () => number;
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
}

/** A workspace the app is installed in, with the bot token Slack issued for it. */
export interface FakeTeam {
  id: string;
  domain: string;
  botToken: string;
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

// ─── Limits (Slack's documented values) ─────────────────────────────────────────────────────────────────────────

export const LIMITS = {
  triggerTtlMs: 3000,
  viewStackMax: 3,
  viewBytesMax: 250 * 1024,
  modalTitle: 24,
  modalButton: 24,
  viewBlocks: 100,
  messageBlocks: 50,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  blockId: 255,
  actionId: 255,
  textObject: 3000,
  sectionText: 3000,
  sectionFields: 10,
  sectionField: 2000,
  headerText: 150,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  accessibilityLabel: 75,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  textInputLength: 3000,
  selectOptions: 100,
  optionGroups: 100,
  optionGroupLabel: 75,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  choiceOptions: 10,
  overflowOptions: 5,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  imageAltText: 2000,
  imageTitle: 2000,
  messageText: 40000,
  responseUrlUses: 5,
  responseUrlTtlMs: 30 * 60 * 1000,
  maxFiles: 10,
} as const;

// ─── Small helpers ──────────────────────────────────────────────────────────────────────────────────────────────

const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Length in characters (code points), as a person counts them. */
const chars = (s: string): number => [...s].length;
const clone = <T>(v: T): T => structuredClone(v);

function randomId(prefix: string, length = 10): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(length);
  let out = prefix;
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Slack fills in missing block_id / action_id with short random strings; so do we. */
function generatedId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(5);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

function tzOffsetSeconds(tz: string, atMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(new Date(atMs));
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 3600 + Number(m[3]) * 60);
}

function tzLabel(tz: string, atMs: number): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' }).formatToParts(new Date(atMs));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? tz;
}

async function pollUntil<T>(find: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ─── Block Kit validation ───────────────────────────────────────────────────────────────────────────────────────

type Surface = 'modal' | 'home' | 'message';
type ElementPlace = 'input' | 'actions' | 'accessory';

const TEXT_INPUTS = ['plain_text_input', 'email_text_input', 'url_text_input', 'number_input', 'rich_text_input'] as const;
const SELECTS = [
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
] as const;

const ELEMENTS_IN: Record<ElementPlace, ReadonlySet<string>> = {
  input: new Set<string>([
    ...SELECTS,
    ...TEXT_INPUTS,
    'checkboxes',
    'radio_buttons',
    'datepicker',
    'timepicker',
    'datetimepicker',
    'file_input',
  ]),
  actions: new Set<string>([
    ...SELECTS,
    'button',
    'overflow',
    'checkboxes',
    'radio_buttons',
    'datepicker',
    'timepicker',
    'datetimepicker',
    'workflow_button',
  ]),
  accessory: new Set<string>([
    ...SELECTS,
    'button',
    'overflow',
    'checkboxes',
    'radio_buttons',
    'datepicker',
    'timepicker',
    'image',
    'workflow_button',
  ]),
};

const BLOCKS_ON: Record<Surface, ReadonlySet<string>> = {
  modal: new Set(['section', 'divider', 'image', 'actions', 'context', 'input', 'header', 'rich_text', 'video']),
  home: new Set(['section', 'divider', 'image', 'actions', 'context', 'input', 'header', 'rich_text', 'video']),
  message: new Set([
    'section',
    'divider',
    'image',
    'actions',
    'context',
    'input',
    'header',
    'rich_text',
    'video',
    'file',
    'markdown',
    'table',
  ]),
};

const BLOCK_KEYS: Record<string, readonly string[]> = {
  section: ['text', 'fields', 'accessory', 'expand'],
  divider: [],
  image: ['image_url', 'slack_file', 'alt_text', 'title'],
  actions: ['elements'],
  context: ['elements'],
  input: ['label', 'element', 'dispatch_action', 'hint', 'optional'],
  header: ['text'],
  rich_text: ['elements'],
  video: [
    'alt_text',
    'author_name',
    'description',
    'provider_icon_url',
    'provider_name',
    'title',
    'title_url',
    'thumbnail_url',
    'video_url',
  ],
  file: ['external_id', 'source'],
  markdown: ['text'],
  table: ['rows', 'column_settings'],
};

const FOCUS = ['focus_on_load'];
const ELEMENT_KEYS: Record<string, readonly string[]> = {
  button: ['text', 'url', 'value', 'style', 'confirm', 'accessibility_label'],
  static_select: ['placeholder', 'options', 'option_groups', 'initial_option', 'confirm', ...FOCUS],
  multi_static_select: ['placeholder', 'options', 'option_groups', 'initial_options', 'confirm', 'max_selected_items', ...FOCUS],
  external_select: ['placeholder', 'initial_option', 'min_query_length', 'confirm', ...FOCUS],
  multi_external_select: ['placeholder', 'initial_options', 'min_query_length', 'confirm', 'max_selected_items', ...FOCUS],
  users_select: ['placeholder', 'initial_user', 'confirm', ...FOCUS],
  multi_users_select: ['placeholder', 'initial_users', 'confirm', 'max_selected_items', ...FOCUS],
  conversations_select: [
    'placeholder',
    'initial_conversation',
    'default_to_current_conversation',
    'confirm',
    'response_url_enabled',
    'filter',
    ...FOCUS,
  ],
  multi_conversations_select: [
    'placeholder',
    'initial_conversations',
    'default_to_current_conversation',
    'confirm',
    'max_selected_items',
    'filter',
    ...FOCUS,
  ],
  channels_select: ['placeholder', 'initial_channel', 'confirm', 'response_url_enabled', ...FOCUS],
  multi_channels_select: ['placeholder', 'initial_channels', 'confirm', 'max_selected_items', ...FOCUS],
  overflow: ['options', 'confirm'],
  datepicker: ['placeholder', 'initial_date', 'confirm', ...FOCUS],
  timepicker: ['placeholder', 'initial_time', 'confirm', 'timezone', ...FOCUS],
  datetimepicker: ['initial_date_time', 'confirm', ...FOCUS],
  checkboxes: ['options', 'initial_options', 'confirm', ...FOCUS],
  radio_buttons: ['options', 'initial_option', 'confirm', ...FOCUS],
  plain_text_input: ['placeholder', 'initial_value', 'multiline', 'min_length', 'max_length', 'dispatch_action_config', ...FOCUS],
  email_text_input: ['placeholder', 'initial_value', 'dispatch_action_config', ...FOCUS],
  url_text_input: ['placeholder', 'initial_value', 'dispatch_action_config', ...FOCUS],
  number_input: ['placeholder', 'is_decimal_allowed', 'initial_value', 'min_value', 'max_value', 'dispatch_action_config', ...FOCUS],
  rich_text_input: ['placeholder', 'initial_value', 'dispatch_action_config', ...FOCUS],
  file_input: ['filetypes', 'max_files'],
  image: ['image_url', 'slack_file', 'alt_text'],
  workflow_button: ['text', 'workflow', 'style', 'accessibility_label'],
};

class Checker {
  readonly errors: string[] = [];
  readonly blockIds = new Set<string>();
  readonly actionIds = new Set<string>();
  inputBlocks = 0;
  constructor(readonly surface: Surface) {}

  err(ptr: string, message: string): void {
    this.errors.push(`[ERROR] ${message} [json-pointer:${ptr}]`);
  }

  keys(ptr: string, obj: JsonObject, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.err(ptr, `invalid additional property: ${key}`);
    }
  }

  string(ptr: string, v: unknown, opts: { max: number; min?: number; required?: boolean }): v is string {
    if (v === undefined) {
      if (opts.required) this.err(ptr, 'must provide a string');
      return false;
    }
    if (typeof v !== 'string') {
      this.err(ptr, 'must provide a string');
      return false;
    }
    const n = chars(v);
    if (n < (opts.min ?? 0)) this.err(ptr, `must be more than ${(opts.min ?? 0) - 1} characters`);
    if (n > opts.max) this.err(ptr, `must be less than ${opts.max + 1} characters`);
    return true;
  }

  bool(ptr: string, v: unknown): void {
    if (v !== undefined && typeof v !== 'boolean') this.err(ptr, 'must provide a boolean');
  }

  /** A text object: plain_text or mrkdwn, non-empty text of at most `max` characters. */
  text(ptr: string, v: unknown, opts: { max: number; plainOnly?: boolean; required?: boolean }): void {
    if (v === undefined) {
      if (opts.required !== false) this.err(ptr, 'must provide an object');
      return;
    }
    if (!isObj(v)) {
      this.err(ptr, 'must provide an object');
      return;
    }
    const type = v.type;
    if (type !== 'plain_text' && type !== 'mrkdwn') {
      this.err(`${ptr}/type`, 'must be a valid enum value: plain_text or mrkdwn');
      return;
    }
    if (opts.plainOnly && type !== 'plain_text') this.err(`${ptr}/type`, 'must be plain_text');
    this.keys(ptr, v, type === 'plain_text' ? ['type', 'text', 'emoji'] : ['type', 'text', 'verbatim']);
    this.string(`${ptr}/text`, v.text, { max: opts.max, min: 1, required: true });
    if (type === 'plain_text') this.bool(`${ptr}/emoji`, v.emoji);
    else this.bool(`${ptr}/verbatim`, v.verbatim);
  }

  blockId(ptr: string, v: unknown): void {
    if (v === undefined) return;
    if (!this.string(ptr, v, { max: LIMITS.blockId, min: 1, required: true })) return;
    if (this.blockIds.has(v)) this.err(ptr, `duplicate block_id: ${v}`);
    this.blockIds.add(v);
  }

  actionId(ptr: string, v: unknown): void {
    if (v === undefined) return;
    if (!this.string(ptr, v, { max: LIMITS.actionId, min: 1, required: true })) return;
    if (this.actionIds.has(v)) this.err(ptr, `duplicate action_id: ${v}`);
    this.actionIds.add(v);
  }

  url(ptr: string, v: unknown, required = false): void {
    this.string(ptr, v, { max: LIMITS.url, min: 1, required });
  }

  confirm(ptr: string, v: unknown): void {
    if (v === undefined) return;
    if (!isObj(v)) return this.err(ptr, 'must provide an object');
    this.keys(ptr, v, ['title', 'text', 'confirm', 'deny', 'style']);
    this.text(`${ptr}/title`, v.title, { max: LIMITS.confirmTitle, plainOnly: true });
    this.text(`${ptr}/text`, v.text, { max: LIMITS.confirmText });
    this.text(`${ptr}/confirm`, v.confirm, { max: LIMITS.confirmButton, plainOnly: true });
    this.text(`${ptr}/deny`, v.deny, { max: LIMITS.confirmButton, plainOnly: true });
    if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger') this.err(`${ptr}/style`, 'must be a valid enum value: primary or danger');
  }

  option(ptr: string, v: unknown, opts: { plainOnly: boolean; allowUrl: boolean }): void {
    if (!isObj(v)) return this.err(ptr, 'must provide an object');
    this.keys(ptr, v, opts.allowUrl ? ['text', 'value', 'description', 'url'] : ['text', 'value', 'description']);
    this.text(`${ptr}/text`, v.text, { max: LIMITS.optionText, plainOnly: opts.plainOnly });
    this.string(`${ptr}/value`, v.value, { max: LIMITS.optionValue, min: 1, required: true });
    if (v.description !== undefined) this.text(`${ptr}/description`, v.description, { max: LIMITS.optionDescription, plainOnly: opts.plainOnly });
    if (v.url !== undefined) this.url(`${ptr}/url`, v.url);
  }

  options(ptr: string, v: unknown, opts: { min: number; max: number; plainOnly: boolean; allowUrl?: boolean }): JsonObject[] {
    if (!Array.isArray(v)) {
      this.err(ptr, 'must provide an array');
      return [];
    }
    if (v.length < opts.min) this.err(ptr, `must provide at least ${opts.min} items`);
    if (v.length > opts.max) this.err(ptr, `no more than ${opts.max} items allowed`);
    v.forEach((o, i) => this.option(`${ptr}/${i}`, o, { plainOnly: opts.plainOnly, allowUrl: opts.allowUrl ?? false }));
    return v.filter(isObj);
  }

  placeholder(ptr: string, v: unknown): void {
    if (v !== undefined) this.text(ptr, v, { max: LIMITS.placeholder, plainOnly: true });
  }

  element(ptr: string, el: unknown, place: ElementPlace): void {
    if (!isObj(el)) return this.err(ptr, 'must provide an object');
    const type = el.type;
    if (typeof type !== 'string') return this.err(`${ptr}/type`, 'must provide a string');
    const allowedKeys = ELEMENT_KEYS[type];
    if (!allowedKeys) return this.err(`${ptr}/type`, `unsupported element type: ${type}`);
    if (!ELEMENTS_IN[place].has(type)) {
      return this.err(`${ptr}/type`, `element type ${type} is not allowed in ${place === 'accessory' ? 'a section accessory' : `an ${place} block`}`);
    }
    const hasActionId = type !== 'image';
    this.keys(ptr, el, ['type', ...(hasActionId ? ['action_id'] : []), ...allowedKeys]);
    if (hasActionId) this.actionId(`${ptr}/action_id`, el.action_id);
    this.confirm(`${ptr}/confirm`, el.confirm);
    this.placeholder(`${ptr}/placeholder`, el.placeholder);
    this.bool(`${ptr}/focus_on_load`, el.focus_on_load);
    const maxSelected = el.max_selected_items;
    if (maxSelected !== undefined && (typeof maxSelected !== 'number' || !Number.isInteger(maxSelected) || maxSelected < 1)) {
      this.err(`${ptr}/max_selected_items`, 'must be an integer of at least 1');
    }

    switch (type) {
      case 'button':
      case 'workflow_button':
        this.text(`${ptr}/text`, el.text, { max: LIMITS.buttonText, plainOnly: true });
        this.string(`${ptr}/value`, el.value, { max: LIMITS.buttonValue });
        if (el.url !== undefined) this.url(`${ptr}/url`, el.url);
        if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') this.err(`${ptr}/style`, 'must be a valid enum value: primary or danger');
        this.string(`${ptr}/accessibility_label`, el.accessibility_label, { max: LIMITS.accessibilityLabel, min: 1 });
        if (type === 'workflow_button' && !isObj(el.workflow)) this.err(`${ptr}/workflow`, 'must provide an object');
        break;
      case 'static_select':
      case 'multi_static_select': {
        const all: JsonObject[] = [];
        if (el.options !== undefined && el.option_groups !== undefined) this.err(ptr, 'must provide either options or option_groups, not both');
        if (el.options === undefined && el.option_groups === undefined) this.err(ptr, 'must provide either options or option_groups');
        if (el.options !== undefined) all.push(...this.options(`${ptr}/options`, el.options, { min: 1, max: LIMITS.selectOptions, plainOnly: true }));
        if (el.option_groups !== undefined) {
          const groups = el.option_groups;
          if (!Array.isArray(groups)) this.err(`${ptr}/option_groups`, 'must provide an array');
          else {
            if (groups.length < 1) this.err(`${ptr}/option_groups`, 'must provide at least 1 items');
            if (groups.length > LIMITS.optionGroups) this.err(`${ptr}/option_groups`, `no more than ${LIMITS.optionGroups} items allowed`);
            groups.forEach((g, i) => {
              const gp = `${ptr}/option_groups/${i}`;
              if (!isObj(g)) return this.err(gp, 'must provide an object');
              this.keys(gp, g, ['label', 'options']);
              this.text(`${gp}/label`, g.label, { max: LIMITS.optionGroupLabel, plainOnly: true });
              all.push(...this.options(`${gp}/options`, g.options, { min: 1, max: LIMITS.selectOptions, plainOnly: true }));
            });
          }
        }
        if (type === 'static_select') this.initialOption(`${ptr}/initial_option`, el.initial_option, all, true);
        else this.initialOptions(`${ptr}/initial_options`, el.initial_options, all, true);
        break;
      }
      case 'external_select':
        if (el.initial_option !== undefined) this.option(`${ptr}/initial_option`, el.initial_option, { plainOnly: true, allowUrl: false });
        this.minQueryLength(`${ptr}/min_query_length`, el.min_query_length);
        break;
      case 'multi_external_select':
        if (el.initial_options !== undefined) this.options(`${ptr}/initial_options`, el.initial_options, { min: 0, max: LIMITS.selectOptions, plainOnly: true });
        this.minQueryLength(`${ptr}/min_query_length`, el.min_query_length);
        break;
      case 'users_select':
        this.string(`${ptr}/initial_user`, el.initial_user, { max: 255, min: 1 });
        break;
      case 'conversations_select':
        this.string(`${ptr}/initial_conversation`, el.initial_conversation, { max: 255, min: 1 });
        this.conversationFilter(`${ptr}/filter`, el.filter);
        break;
      case 'channels_select':
        this.string(`${ptr}/initial_channel`, el.initial_channel, { max: 255, min: 1 });
        break;
      case 'multi_users_select':
      case 'multi_conversations_select':
      case 'multi_channels_select': {
        const key = type === 'multi_users_select' ? 'initial_users' : type === 'multi_channels_select' ? 'initial_channels' : 'initial_conversations';
        const v = el[key];
        if (v !== undefined && (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))) this.err(`${ptr}/${key}`, 'must provide an array of strings');
        if (type === 'multi_conversations_select') this.conversationFilter(`${ptr}/filter`, el.filter);
        break;
      }
      case 'overflow':
        this.options(`${ptr}/options`, el.options, { min: 1, max: LIMITS.overflowOptions, plainOnly: true, allowUrl: true });
        break;
      case 'datepicker':
        if (el.initial_date !== undefined && (typeof el.initial_date !== 'string' || !isValidDate(el.initial_date))) {
          this.err(`${ptr}/initial_date`, 'must be a date in the format YYYY-MM-DD');
        }
        break;
      case 'timepicker':
        if (el.initial_time !== undefined && (typeof el.initial_time !== 'string' || !isValidTime(el.initial_time))) {
          this.err(`${ptr}/initial_time`, 'must be a time in the format HH:mm');
        }
        if (el.timezone !== undefined && (typeof el.timezone !== 'string' || !isValidTimeZone(el.timezone))) this.err(`${ptr}/timezone`, 'must be a valid IANA time zone');
        break;
      case 'datetimepicker':
        if (el.initial_date_time !== undefined && (typeof el.initial_date_time !== 'number' || !Number.isInteger(el.initial_date_time))) {
          this.err(`${ptr}/initial_date_time`, 'must be a UNIX timestamp in seconds');
        }
        break;
      case 'checkboxes': {
        const all = this.options(`${ptr}/options`, el.options, { min: 1, max: LIMITS.choiceOptions, plainOnly: false });
        this.initialOptions(`${ptr}/initial_options`, el.initial_options, all, false);
        break;
      }
      case 'radio_buttons': {
        const all = this.options(`${ptr}/options`, el.options, { min: 1, max: LIMITS.choiceOptions, plainOnly: false });
        this.initialOption(`${ptr}/initial_option`, el.initial_option, all, false);
        break;
      }
      case 'plain_text_input': {
        this.string(`${ptr}/initial_value`, el.initial_value, { max: LIMITS.textInputLength });
        this.bool(`${ptr}/multiline`, el.multiline);
        const min = this.lengthBound(`${ptr}/min_length`, el.min_length, 0);
        const max = this.lengthBound(`${ptr}/max_length`, el.max_length, 1);
        if (min !== undefined && max !== undefined && min > max) this.err(`${ptr}/min_length`, 'must not be greater than max_length');
        this.dispatchConfig(`${ptr}/dispatch_action_config`, el.dispatch_action_config);
        break;
      }
      case 'email_text_input':
      case 'url_text_input':
        this.string(`${ptr}/initial_value`, el.initial_value, { max: LIMITS.textInputLength });
        this.dispatchConfig(`${ptr}/dispatch_action_config`, el.dispatch_action_config);
        break;
      case 'number_input': {
        if (typeof el.is_decimal_allowed !== 'boolean') this.err(`${ptr}/is_decimal_allowed`, 'missing required field: is_decimal_allowed (boolean)');
        for (const key of ['initial_value', 'min_value', 'max_value'] as const) {
          const v = el[key];
          if (v === undefined) continue;
          if (typeof v !== 'string' || !isNumeric(v)) this.err(`${ptr}/${key}`, 'must be a string holding a number');
          else if (el.is_decimal_allowed === false && !/^-?\d+$/.test(v.trim())) this.err(`${ptr}/${key}`, 'must be a whole number when is_decimal_allowed is false');
        }
        const lo = typeof el.min_value === 'string' ? Number(el.min_value) : undefined;
        const hi = typeof el.max_value === 'string' ? Number(el.max_value) : undefined;
        if (lo !== undefined && hi !== undefined && lo > hi) this.err(`${ptr}/min_value`, 'must not be greater than max_value');
        this.dispatchConfig(`${ptr}/dispatch_action_config`, el.dispatch_action_config);
        break;
      }
      case 'rich_text_input':
        if (el.initial_value !== undefined && !isObj(el.initial_value)) this.err(`${ptr}/initial_value`, 'must provide a rich_text object');
        this.dispatchConfig(`${ptr}/dispatch_action_config`, el.dispatch_action_config);
        break;
      case 'file_input':
        if (el.max_files !== undefined && (typeof el.max_files !== 'number' || el.max_files < 1 || el.max_files > LIMITS.maxFiles)) {
          this.err(`${ptr}/max_files`, `must be an integer from 1 to ${LIMITS.maxFiles}`);
        }
        break;
      case 'image':
        this.image(ptr, el);
        break;
      default:
        break;
    }
  }

  private image(ptr: string, el: JsonObject): void {
    if (el.image_url === undefined && el.slack_file === undefined) this.err(ptr, 'must provide either image_url or slack_file');
    if (el.image_url !== undefined) this.url(`${ptr}/image_url`, el.image_url);
    if (el.slack_file !== undefined && !isObj(el.slack_file)) this.err(`${ptr}/slack_file`, 'must provide an object');
    this.string(`${ptr}/alt_text`, el.alt_text, { max: LIMITS.imageAltText, min: 1, required: true });
  }

  private initialOption(ptr: string, v: unknown, all: JsonObject[], plainOnly: boolean): void {
    if (v === undefined) return;
    this.option(ptr, v, { plainOnly, allowUrl: false });
    if (isObj(v) && !all.some((o) => sameOption(o, v))) this.err(ptr, 'must exactly match one of the provided options');
  }

  private initialOptions(ptr: string, v: unknown, all: JsonObject[], plainOnly: boolean): void {
    if (v === undefined) return;
    if (!Array.isArray(v)) return this.err(ptr, 'must provide an array');
    v.forEach((o, i) => this.initialOption(`${ptr}/${i}`, o, all, plainOnly));
  }

  private minQueryLength(ptr: string, v: unknown): void {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) this.err(ptr, 'must be a non-negative integer');
  }

  private lengthBound(ptr: string, v: unknown, min: number): number | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.err(ptr, 'must provide an integer');
      return undefined;
    }
    if (v < min) this.err(ptr, `must be at least ${min}`);
    if (v > LIMITS.textInputLength) this.err(ptr, `must be no more than ${LIMITS.textInputLength}`);
    return v;
  }

  private dispatchConfig(ptr: string, v: unknown): void {
    if (v === undefined) return;
    if (!isObj(v)) return this.err(ptr, 'must provide an object');
    this.keys(ptr, v, ['trigger_actions_on']);
    const on = v.trigger_actions_on;
    if (on !== undefined && (!Array.isArray(on) || !on.every((x) => x === 'on_enter_pressed' || x === 'on_character_entered'))) {
      this.err(`${ptr}/trigger_actions_on`, 'must be an array of on_enter_pressed / on_character_entered');
    }
  }

  private conversationFilter(ptr: string, v: unknown): void {
    if (v === undefined) return;
    if (!isObj(v)) return this.err(ptr, 'must provide an object');
    this.keys(ptr, v, ['include', 'exclude_external_shared_channels', 'exclude_bot_users']);
    const inc = v.include;
    if (inc !== undefined && (!Array.isArray(inc) || inc.length < 1 || !inc.every((x) => ['im', 'mpim', 'private', 'public'].includes(String(x))))) {
      this.err(`${ptr}/include`, 'must be a non-empty array of im, mpim, private, public');
    }
  }

  block(ptr: string, block: unknown): void {
    if (!isObj(block)) return this.err(ptr, 'must provide an object');
    const type = block.type;
    if (typeof type !== 'string') return this.err(`${ptr}/type`, 'must provide a string');
    const keys = BLOCK_KEYS[type];
    if (!keys || !BLOCKS_ON[this.surface].has(type)) return this.err(`${ptr}/type`, `unsupported block type: ${type}`);
    this.keys(ptr, block, ['type', 'block_id', ...keys]);
    this.blockId(`${ptr}/block_id`, block.block_id);

    switch (type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) this.err(ptr, 'must provide either text or fields');
        if (block.text !== undefined) this.text(`${ptr}/text`, block.text, { max: LIMITS.sectionText });
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields)) this.err(`${ptr}/fields`, 'must provide an array');
          else {
            if (block.fields.length < 1) this.err(`${ptr}/fields`, 'must provide at least 1 items');
            if (block.fields.length > LIMITS.sectionFields) this.err(`${ptr}/fields`, `no more than ${LIMITS.sectionFields} items allowed`);
            block.fields.forEach((f, i) => this.text(`${ptr}/fields/${i}`, f, { max: LIMITS.sectionField }));
          }
        }
        if (block.accessory !== undefined) this.element(`${ptr}/accessory`, block.accessory, 'accessory');
        this.bool(`${ptr}/expand`, block.expand);
        break;
      }
      case 'divider':
        break;
      case 'image':
        this.image(ptr, block);
        if (block.title !== undefined) this.text(`${ptr}/title`, block.title, { max: LIMITS.imageTitle, plainOnly: true });
        break;
      case 'actions': {
        const els = block.elements;
        if (!Array.isArray(els)) return this.err(`${ptr}/elements`, 'must provide an array');
        if (els.length < 1) this.err(`${ptr}/elements`, 'must provide at least 1 items');
        if (els.length > LIMITS.actionsElements) this.err(`${ptr}/elements`, `no more than ${LIMITS.actionsElements} items allowed`);
        els.forEach((el, i) => this.element(`${ptr}/elements/${i}`, el, 'actions'));
        break;
      }
      case 'context': {
        const els = block.elements;
        if (!Array.isArray(els)) return this.err(`${ptr}/elements`, 'must provide an array');
        if (els.length < 1) this.err(`${ptr}/elements`, 'must provide at least 1 items');
        if (els.length > LIMITS.contextElements) this.err(`${ptr}/elements`, `no more than ${LIMITS.contextElements} items allowed`);
        els.forEach((el, i) => {
          const ep = `${ptr}/elements/${i}`;
          if (isObj(el) && el.type === 'image') {
            this.keys(ep, el, ['type', ...(ELEMENT_KEYS.image ?? [])]);
            this.image(ep, el);
          } else this.text(ep, el, { max: LIMITS.textObject });
        });
        break;
      }
      case 'input': {
        this.inputBlocks += 1;
        this.text(`${ptr}/label`, block.label, { max: LIMITS.inputLabel, plainOnly: true });
        if (block.hint !== undefined) this.text(`${ptr}/hint`, block.hint, { max: LIMITS.inputHint, plainOnly: true });
        this.bool(`${ptr}/optional`, block.optional);
        this.bool(`${ptr}/dispatch_action`, block.dispatch_action);
        if (block.element === undefined) this.err(ptr, 'missing required field: element');
        else this.element(`${ptr}/element`, block.element, 'input');
        if (block.dispatch_action === true && isObj(block.element) && block.element.type === 'file_input') {
          this.err(`${ptr}/dispatch_action`, 'unsupported type: dispatch_action cannot be used with file_input');
        }
        break;
      }
      case 'header':
        this.text(`${ptr}/text`, block.text, { max: LIMITS.headerText, plainOnly: true });
        break;
      case 'rich_text':
        if (!Array.isArray(block.elements)) this.err(`${ptr}/elements`, 'must provide an array');
        break;
      case 'video':
        this.text(`${ptr}/title`, block.title, { max: 200, plainOnly: true });
        this.string(`${ptr}/alt_text`, block.alt_text, { max: LIMITS.imageAltText, min: 1, required: true });
        this.url(`${ptr}/video_url`, block.video_url, true);
        this.url(`${ptr}/thumbnail_url`, block.thumbnail_url, true);
        break;
      case 'file':
        this.string(`${ptr}/external_id`, block.external_id, { max: 255, min: 1, required: true });
        if (block.source !== 'remote') this.err(`${ptr}/source`, 'must be remote');
        break;
      case 'markdown':
        this.string(`${ptr}/text`, block.text, { max: 12000, min: 1, required: true });
        break;
      case 'table':
        if (!Array.isArray(block.rows)) this.err(`${ptr}/rows`, 'must provide an array');
        break;
      default:
        break;
    }
  }

  blocks(ptr: string, blocks: unknown, max: number): void {
    if (!Array.isArray(blocks)) return this.err(ptr, 'must provide an array');
    if (blocks.length > max) this.err(ptr, `no more than ${max} items allowed`);
    blocks.forEach((b, i) => this.block(`${ptr}/${i}`, b));
  }
}

function sameOption(a: JsonObject, b: JsonObject): boolean {
  const textOf = (o: JsonObject): unknown => (isObj(o.text) ? o.text.text : undefined);
  return a.value === b.value && textOf(a) === textOf(b);
}

function isValidDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function isValidTime(s: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(s);
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function isNumeric(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

/**
 * Validates a view (modal or home) the way views.open / push / update / publish do.
 * Returns Slack-style messages (`[ERROR] … [json-pointer:/view/…]`); an empty list means the view is valid.
 */
export function validateView(view: unknown, opts: { expectedType?: 'modal' | 'home' } = {}): string[] {
  const root = '/view';
  if (!isObj(view)) return [`[ERROR] must provide an object [json-pointer:${root}]`];
  const type = view.type;
  const surface: Surface = type === 'home' ? 'home' : 'modal';
  const c = new Checker(surface);
  if (type !== 'modal' && type !== 'home') c.err(`${root}/type`, 'must be a valid enum value: modal or home');
  else if (opts.expectedType && type !== opts.expectedType) c.err(`${root}/type`, `must be ${opts.expectedType} for this method`);

  const common = ['type', 'blocks', 'private_metadata', 'callback_id', 'external_id'];
  const modalOnly = ['title', 'close', 'submit', 'clear_on_close', 'notify_on_close', 'submit_disabled'];
  c.keys(root, view, type === 'home' ? common : [...common, ...modalOnly]);

  if (type === 'modal') {
    if (view.title === undefined) c.err(root, 'missing required field: title');
    else c.text(`${root}/title`, view.title, { max: LIMITS.modalTitle, plainOnly: true });
    if (view.close !== undefined) c.text(`${root}/close`, view.close, { max: LIMITS.modalButton, plainOnly: true });
    if (view.submit !== undefined) c.text(`${root}/submit`, view.submit, { max: LIMITS.modalButton, plainOnly: true });
    c.bool(`${root}/clear_on_close`, view.clear_on_close);
    c.bool(`${root}/notify_on_close`, view.notify_on_close);
  }
  if (view.blocks === undefined) c.err(root, 'missing required field: blocks');
  else c.blocks(`${root}/blocks`, view.blocks, LIMITS.viewBlocks);
  c.string(`${root}/private_metadata`, view.private_metadata, { max: LIMITS.privateMetadata });
  c.string(`${root}/callback_id`, view.callback_id, { max: LIMITS.callbackId });
  c.string(`${root}/external_id`, view.external_id, { max: LIMITS.externalId });
  if (type === 'modal' && c.inputBlocks > 0 && view.submit === undefined) {
    c.err(root, 'must provide a submit property when using input blocks');
  }
  return c.errors;
}

/** Validates a message's `blocks` (chat.postMessage / postEphemeral / update, response_url, ack bodies). */
export function validateMessageBlocks(blocks: unknown): string[] {
  const c = new Checker('message');
  c.blocks('/blocks', blocks, LIMITS.messageBlocks);
  return c.errors;
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
function withGeneratedIds(blocks: unknown): JsonObject[] {
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

// ─── The fake ───────────────────────────────────────────────────────────────────────────────────────────────────

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

interface Trigger {
  issuedAt: number;
  used: boolean;
  teamId: string;
  context: TriggerContext;
}

interface ResponseUrlRecord extends ResponseUrlContext {
  teamId: string;
  issuedAt: number;
  uses: number;
}

type MethodResult = JsonObject;
/** A Web API method, called with the workspace its bot token belongs to. */
type Handler = (args: JsonObject, team: FakeTeam) => MethodResult;

const NESTED_JSON_ARGS = ['view', 'blocks', 'attachments', 'metadata', 'unfurls', 'user_auth_blocks', 'options', 'option_groups'];

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly messages: FakeMessage[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  /** The fake's own workspace (used when a test names no other) and its bot token. */
  readonly teamId: string;
  readonly teamDomain: string;
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly now: () => number;
  apiUrl = '';
  baseUrl = '';

  private server: Server | undefined;
  private readonly views = new Map<string, StoredView>();
  private readonly stacks = new Map<string, string[]>();
  private readonly homeViews = new Map<string, string>();
  private readonly triggers = new Map<string, Trigger>();
  private readonly responseUrls = new Map<string, ResponseUrlRecord>();
  private readonly teams = new Map<string, FakeTeam>();
  /** Bot token -> team id: as in Slack, a token acts for the one workspace it was issued in. */
  private readonly tokens = new Map<string, string>();
  private tsSeq = 0;
  private readonly handlers: Record<string, Handler>;

  constructor(options: StartFakeSlackOptions = {}) {
    this.now = options.now ?? Date.now;
    this.teamId = options.teamId ?? 'T0FAKE';
    this.teamDomain = options.teamDomain ?? 'fake-workspace';
    this.botUserId = options.botUserId ?? 'UBOT';
    this.botId = options.botId ?? 'BBOT';
    this.appId = options.appId ?? 'A0FAKEAPP';
    this.botToken = this.addTeam({ id: this.teamId, domain: this.teamDomain }).botToken;
    this.addUser({ id: this.botUserId, name: 'followup-bot', realName: 'Followup Bot', isBot: true });
    this.handlers = {
      'auth.test': (_a, t) => this.authTest(t),
      'chat.postMessage': (a, t) => this.chatPostMessage(a, t),
      'chat.postEphemeral': (a, t) => this.chatPostEphemeral(a, t),
      'chat.update': (a, t) => this.chatUpdate(a, t),
      'views.open': (a, t) => this.viewsOpen(a, t),
      'views.push': (a, t) => this.viewsPush(a, t),
      'views.update': (a, t) => this.viewsUpdate(a, t),
      'views.publish': (a, t) => this.viewsPublish(a, t),
      'users.info': (a, t) => this.usersInfo(a, t),
      'conversations.info': (a, t) => this.conversationsInfo(a, t),
      'conversations.join': (a, t) => this.conversationsJoin(a, t),
    };
  }

  // ── lifecycle ──

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      void this.route(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'fatal_error', detail: String(error) }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.baseUrl}/api/`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ── workspace model ──

  /** Installs the app in a workspace: Slack issues a bot token that works for that team only. */
  addTeam(input: { id: string; domain?: string }): FakeTeam {
    const existing = this.teams.get(input.id);
    if (existing) return existing;
    const team: FakeTeam = { id: input.id, domain: input.domain ?? input.id.toLowerCase(), botToken: `xoxb-${input.id}-${randomBytes(12).toString('hex')}` };
    this.teams.set(team.id, team);
    this.tokens.set(team.botToken, team.id);
    return team;
  }

  /** The bot token of a workspace the app is installed in, or undefined. */
  botTokenOf(teamId: string): string | undefined {
    return this.teams.get(teamId)?.botToken;
  }

  addUser(input: FakeUserInput): FakeUser {
    const user: FakeUser = {
      id: input.id,
      teamId: input.teamId ?? this.teamId,
      name: input.name ?? input.id.toLowerCase(),
      realName: input.realName ?? input.name ?? input.id,
      tz: input.tz ?? 'America/Los_Angeles',
      tzOffset: input.tzOffset,
      isAdmin: input.isAdmin ?? false,
      isOwner: input.isOwner ?? false,
      isPrimaryOwner: input.isPrimaryOwner ?? false,
      isBot: input.isBot ?? false,
      deleted: input.deleted ?? false,
    };
    this.users.set(user.id, user);
    return user;
  }

  addChannel(input: FakeChannelInput): FakeChannel {
    const channel: FakeChannel = {
      id: input.id,
      teamId: input.teamId ?? this.teamId,
      name: input.name,
      isPrivate: input.isPrivate ?? false,
      isIm: false,
      botIsMember: input.botIsMember ?? false,
      isArchived: input.isArchived ?? false,
      members: input.members ? new Set(input.members) : undefined,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** Puts the bot (default) or a user into a channel. */
  joinChannel(channelId: string, userId: string = this.botUserId): void {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`joinChannel: no channel ${channelId}`);
    if (userId === this.botUserId) channel.botIsMember = true;
    else (channel.members ??= new Set()).add(userId);
  }

  // ── recorded calls ──

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  waitForCall(method: string, predicate: (call: ApiCall) => boolean = () => true, timeoutMs = 3000): Promise<ApiCall> {
    return pollUntil(
      () => this.calls.find((c) => c.method === method && predicate(c)),
      timeoutMs,
      () => `a ${method} call matching the predicate; calls so far: ${this.calls.map((c) => c.method).join(', ') || 'none'}`,
    );
  }

  waitForResponse(predicate: (post: ResponseUrlPost) => boolean = () => true, timeoutMs = 3000): Promise<ResponseUrlPost> {
    return pollUntil(
      () => this.responses.find(predicate),
      timeoutMs,
      () => `a response_url POST matching the predicate; ${this.responses.length} so far`,
    );
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  // ── triggers and response URLs ──

  /** A fresh trigger_id, valid for 3 s from now() and for one views.open / views.push. */
  issueTriggerId(context: TriggerContext = {}): string {
    const id = `${Math.floor(this.now() / 1000)}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { issuedAt: this.now(), used: false, teamId: context.teamId ?? this.teamId, context: { ...context } });
    return id;
  }

  /** A fresh response_url on this server (valid 5 times within 30 minutes, as Slack documents). */
  responseUrl(context: ResponseUrlContext = {}): string {
    const id = randomId('R', 16);
    const teamId = context.teamId ?? this.teamId;
    this.responseUrls.set(id, { ...context, teamId, issuedAt: this.now(), uses: 0 });
    return `${this.baseUrl}/response/${teamId}/${id}`;
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
        const problems = validateView(body.view, { expectedType: 'modal' });
        if (problems.length > 0) throw new FakeSlackError('invalid_arguments', `response_action update with an invalid view:\n${problems.join('\n')}`);
        this.assertExternalIdFree(stored.teamId, body.view as JsonObject, stored.id);
        this.replaceDefinition(stored, body.view as JsonObject);
        return { action: 'update', view: this.render(stored) };
      }
      case 'push': {
        const problems = validateView(body.view, { expectedType: 'modal' });
        if (problems.length > 0) throw new FakeSlackError('invalid_arguments', `response_action push with an invalid view:\n${problems.join('\n')}`);
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

  // ── HTTP ──

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = await readBody(req);
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      const method = decodeURIComponent(url.pathname.slice('/api/'.length));
      const { args, token } = parseApiRequest(req, raw);
      const response = this.dispatch(method, args, token);
      this.calls.push({ method, args, token, response });
      sendJson(res, 200, response);
      return;
    }
    const responseMatch = /^\/response\/[^/]+\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && responseMatch?.[1]) {
      const { status, response, body } = this.handleResponseUrl(responseMatch[1], req, raw);
      this.responses.push({ url: `${this.baseUrl}${url.pathname}`, body, status, response });
      sendJson(res, status, response);
      return;
    }
    sendJson(res, 404, { ok: false, error: 'not_found' });
  }

  private dispatch(method: string, args: JsonObject, token: string | undefined): JsonObject {
    const handler = this.handlers[method];
    if (!handler) return { ok: false, error: 'unknown_method' };
    if (token === undefined || token === '') return { ok: false, error: 'not_authed' };
    const team = this.teams.get(this.tokens.get(token) ?? '');
    if (!team) return { ok: false, error: 'invalid_auth' };
    try {
      return handler(args, team);
    } catch (error) {
      if (error instanceof FakeSlackError) return { ok: false, error: error.code };
      throw error;
    }
  }

  // ── Web API methods ──

  private authTest(team: FakeTeam): MethodResult {
    return {
      ok: true,
      url: `https://${team.domain}.slack.com/`,
      team: team.domain,
      user: this.users.get(this.botUserId)?.name ?? 'bot',
      team_id: team.id,
      user_id: this.botUserId,
      bot_id: this.botId,
      is_enterprise_install: false,
    };
  }

  private chatPostMessage(args: JsonObject, team: FakeTeam): MethodResult {
    const target = this.resolveChannelForPost(args.channel, team);
    if ('error' in target) return { ok: false, error: target.error };
    const content = this.messageContent(args);
    if ('error' in content) return content.response;
    const message = this.storeMessage(target.channel.id, content, 'chat.postMessage', {
      threadTs: typeof args.thread_ts === 'string' ? args.thread_ts : undefined,
    });
    return { ok: true, channel: message.channel, ts: message.ts, message: this.renderMessage(message) };
  }

  private chatPostEphemeral(args: JsonObject, team: FakeTeam): MethodResult {
    const target = this.resolveChannelForPost(args.channel, team);
    if ('error' in target) return { ok: false, error: target.error };
    const userId = args.user;
    if (typeof userId !== 'string' || !this.userIn(team, userId)) return { ok: false, error: 'user_not_found' };
    const ch = target.channel;
    if (ch.isIm ? ch.imUser !== userId : ch.members !== undefined && !ch.members.has(userId)) return { ok: false, error: 'user_not_in_channel' };
    const content = this.messageContent(args);
    if ('error' in content) return content.response;
    const message = this.storeMessage(ch.id, content, 'chat.postEphemeral', { visibleTo: userId });
    return { ok: true, message_ts: message.ts };
  }

  private chatUpdate(args: JsonObject, team: FakeTeam): MethodResult {
    const target = this.resolveChannelForPost(args.channel, team);
    if ('error' in target) return { ok: false, error: target.error };
    const ts = args.ts;
    const message = typeof ts === 'string' ? this.message(target.channel.id, ts) : undefined;
    if (!message || message.deleted || message.ephemeral) return { ok: false, error: 'message_not_found' };
    if (message.user !== this.botUserId) return { ok: false, error: 'cant_update_message' };
    const content = this.messageContent(args);
    if ('error' in content) return content.response;
    message.history.push({ text: message.text, blocks: message.blocks });
    if (content.text !== undefined) message.text = content.text;
    if (content.blocks !== undefined) message.blocks = content.blocks;
    if (content.attachments !== undefined) message.attachments = content.attachments;
    return { ok: true, channel: message.channel, ts: message.ts, text: message.text ?? '', message: this.renderMessage(message) };
  }

  private viewsOpen(args: JsonObject, team: FakeTeam): MethodResult {
    const view = args.view;
    const problems = validateView(view, { expectedType: 'modal' });
    if (problems.length > 0) return invalidArguments(problems);
    if (JSON.stringify(view).length > LIMITS.viewBytesMax) return { ok: false, error: 'view_too_large' };
    const trigger = this.checkTrigger(args, team);
    if ('error' in trigger) return { ok: false, error: trigger.error };
    const definition = view as JsonObject;
    const duplicate = this.externalIdTaken(team.id, definition);
    if (duplicate) return { ok: false, error: 'duplicate_external_id' };
    trigger.trigger.used = true;
    const created = this.createView(team.id, definition, 'modal', trigger.trigger.context.userId, null, null);
    this.stacks.set(created.id, [created.id]);
    return { ok: true, view: this.render(created) };
  }

  private viewsPush(args: JsonObject, team: FakeTeam): MethodResult {
    const view = args.view;
    const problems = validateView(view, { expectedType: 'modal' });
    if (problems.length > 0) return invalidArguments(problems);
    if (JSON.stringify(view).length > LIMITS.viewBytesMax) return { ok: false, error: 'view_too_large' };
    const trigger = this.checkTrigger(args, team);
    if ('error' in trigger) return { ok: false, error: trigger.error };
    const from = trigger.trigger.context.viewId ? this.views.get(trigger.trigger.context.viewId) : undefined;
    // views.push needs a trigger from an interaction inside an open modal.
    if (!from || !from.open || from.type !== 'modal') return { ok: false, error: 'not_found' };
    const rootId = from.rootViewId ?? from.id;
    const stack = this.stacks.get(rootId);
    if (!stack) return { ok: false, error: 'not_found' };
    if (stack.length >= LIMITS.viewStackMax) return { ok: false, error: 'push_limit_reached' };
    if (this.externalIdTaken(team.id, view as JsonObject)) return { ok: false, error: 'duplicate_external_id' };
    trigger.trigger.used = true;
    const pushed = this.createView(team.id, view as JsonObject, 'modal', from.userId, rootId, stack[stack.length - 1] ?? null);
    stack.push(pushed.id);
    return { ok: true, view: this.render(pushed) };
  }

  private viewsUpdate(args: JsonObject, team: FakeTeam): MethodResult {
    const hasId = typeof args.view_id === 'string' && args.view_id !== '';
    const hasExternal = typeof args.external_id === 'string' && args.external_id !== '';
    if (hasId === hasExternal) return invalidArguments(['[ERROR] exactly one of view_id or external_id is required [json-pointer:/]']);
    const stored = hasId
      ? this.views.get(args.view_id as string)
      : [...this.views.values()].find((v) => v.open && v.teamId === team.id && v.definition.external_id === args.external_id);
    // Another workspace's view does not exist for this token.
    if (!stored || !stored.open || stored.teamId !== team.id) return { ok: false, error: 'not_found' };
    const view = args.view;
    const problems = validateView(view, { expectedType: stored.type });
    if (problems.length > 0) return invalidArguments(problems);
    if (JSON.stringify(view).length > LIMITS.viewBytesMax) return { ok: false, error: 'view_too_large' };
    if (args.hash !== undefined && args.hash !== stored.hash) return { ok: false, error: 'hash_conflict' };
    if (this.externalIdTaken(team.id, view as JsonObject, stored.id)) return { ok: false, error: 'duplicate_external_id' };
    this.replaceDefinition(stored, view as JsonObject);
    return { ok: true, view: this.render(stored) };
  }

  private viewsPublish(args: JsonObject, team: FakeTeam): MethodResult {
    const userId = args.user_id;
    if (typeof userId !== 'string' || userId === '') return invalidArguments(['[ERROR] missing required field: user_id [json-pointer:/]']);
    // Slack's answer for a user it does not know in this workspace.
    if (!this.userIn(team, userId)) return invalidArguments(['invalid `user_id`']);
    const view = args.view;
    const problems = validateView(view, { expectedType: 'home' });
    if (problems.length > 0) return invalidArguments(problems);
    if (JSON.stringify(view).length > LIMITS.viewBytesMax) return { ok: false, error: 'view_too_large' };
    const existingId = this.homeViews.get(userId);
    const existing = existingId ? this.views.get(existingId) : undefined;
    if (args.hash !== undefined && (!existing || args.hash !== existing.hash)) return { ok: false, error: 'hash_conflict' };
    if (this.externalIdTaken(team.id, view as JsonObject, existing?.id)) return { ok: false, error: 'duplicate_external_id' };
    if (existing) {
      this.replaceDefinition(existing, view as JsonObject);
      return { ok: true, view: this.render(existing) };
    }
    const created = this.createView(team.id, view as JsonObject, 'home', userId, null, null);
    this.homeViews.set(userId, created.id);
    return { ok: true, view: this.render(created) };
  }

  private usersInfo(args: JsonObject, team: FakeTeam): MethodResult {
    const user = typeof args.user === 'string' ? this.userIn(team, args.user) : undefined;
    if (!user) return { ok: false, error: 'user_not_found' };
    const offset = user.tzOffset ?? tzOffsetSeconds(user.tz, this.now());
    return {
      ok: true,
      user: {
        id: user.id,
        team_id: user.teamId,
        name: user.name,
        deleted: user.deleted,
        real_name: user.realName,
        tz: user.tz,
        tz_label: tzLabel(user.tz, this.now()),
        tz_offset: offset,
        is_admin: user.isAdmin,
        is_owner: user.isOwner,
        is_primary_owner: user.isPrimaryOwner,
        is_restricted: false,
        is_ultra_restricted: false,
        is_bot: user.isBot,
        is_app_user: false,
        updated: Math.floor(this.now() / 1000),
        profile: {
          real_name: user.realName,
          real_name_normalized: user.realName,
          display_name: user.name,
          display_name_normalized: user.name,
          team: user.teamId,
        },
      },
    };
  }

  private conversationsInfo(args: JsonObject, team: FakeTeam): MethodResult {
    const channel = typeof args.channel === 'string' ? this.channelIn(team, args.channel) : undefined;
    // A private channel the bot is not in is invisible to it.
    if (!channel || (channel.isPrivate && !channel.botIsMember)) return { ok: false, error: 'channel_not_found' };
    return { ok: true, channel: this.renderChannel(channel) };
  }

  private conversationsJoin(args: JsonObject, team: FakeTeam): MethodResult {
    const channel = typeof args.channel === 'string' ? this.channelIn(team, args.channel) : undefined;
    if (!channel || (channel.isPrivate && !channel.botIsMember)) return { ok: false, error: 'channel_not_found' };
    if (channel.isPrivate || channel.isIm) return { ok: false, error: 'method_not_supported_for_channel_type' };
    if (channel.isArchived) return { ok: false, error: 'is_archived' };
    const already = channel.botIsMember;
    channel.botIsMember = true;
    return { ok: true, channel: this.renderChannel(channel), ...(already ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } } : {}) };
  }

  // ── response_url ──

  private handleResponseUrl(id: string, req: IncomingMessage, raw: string): { status: number; response: JsonObject; body: unknown } {
    let body: unknown = raw;
    try {
      const type = req.headers['content-type'] ?? '';
      body = type.includes('application/x-www-form-urlencoded') ? JSON.parse(new URLSearchParams(raw).get('payload') ?? 'null') : JSON.parse(raw);
    } catch {
      return { status: 400, response: { ok: false, error: 'invalid_payload' }, body };
    }
    const record = this.responseUrls.get(id);
    if (!record) return { status: 404, response: { ok: false, error: 'invalid_url' }, body };
    if (this.now() - record.issuedAt > LIMITS.responseUrlTtlMs) return { status: 404, response: { ok: false, error: 'expired_url' }, body };
    if (record.uses >= LIMITS.responseUrlUses) return { status: 404, response: { ok: false, error: 'used_url' }, body };
    if (!isObj(body)) return { status: 400, response: { ok: false, error: 'invalid_payload' }, body };

    const original = record.messageTs && record.channelId ? this.message(record.channelId, record.messageTs) : undefined;
    if (body.delete_original === true) {
      if (!original) return { status: 404, response: { ok: false, error: 'message_not_found' }, body };
      record.uses += 1;
      original.deleted = true;
      return { status: 200, response: { ok: true }, body };
    }
    const content = this.messageContent(body);
    if ('error' in content) return { status: 400, response: content.response, body };
    record.uses += 1;
    if (body.replace_original === true && original) {
      original.history.push({ text: original.text, blocks: original.blocks });
      original.text = content.text;
      original.blocks = content.blocks;
      original.attachments = content.attachments;
      return { status: 200, response: { ok: true }, body };
    }
    if (record.channelId) {
      const inChannel = body.response_type === 'in_channel';
      this.storeMessage(record.channelId, content, 'response_url', {
        visibleTo: inChannel ? undefined : record.userId,
        threadTs: typeof body.thread_ts === 'string' ? body.thread_ts : undefined,
      });
    }
    return { status: 200, response: { ok: true }, body };
  }

  // ── internals ──

  private storedView(viewId: string): StoredView {
    const stored = this.views.get(viewId);
    if (!stored) throw new FakeSlackError('not_found', `no view ${viewId}`);
    return stored;
  }

  private newHash(): string {
    return `${Math.floor(this.now() / 1000)}.${randomBytes(6).toString('hex')}`;
  }

  private createView(teamId: string, definition: JsonObject, type: 'modal' | 'home', userId: string | undefined, rootViewId: string | null, previousViewId: string | null): StoredView {
    const def = { ...clone(definition), blocks: withGeneratedIds(definition.blocks) };
    const stored: StoredView = {
      id: randomId('V'),
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
    const def = { ...clone(definition), blocks: withGeneratedIds(definition.blocks) };
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
      app_id: this.appId,
      app_installed_team_id: stored.teamId,
      bot_id: this.botId,
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

  private checkTrigger(args: JsonObject, team: FakeTeam): { trigger: Trigger } | { error: string } {
    const id = args.trigger_id ?? args.interactivity_pointer;
    if (typeof id !== 'string' || id === '') return { error: 'invalid_trigger_id' };
    const trigger = this.triggers.get(id);
    // A trigger issued in another workspace does not exist for this team's token.
    if (!trigger || trigger.teamId !== team.id) return { error: 'invalid_trigger_id' };
    if (trigger.used) return { error: 'exchanged_trigger_id' };
    if (this.now() - trigger.issuedAt > LIMITS.triggerTtlMs) return { error: 'expired_trigger_id' };
    return { trigger };
  }

  private resolveChannelForPost(ref: unknown, team: FakeTeam): { channel: FakeChannel } | { error: string } {
    if (typeof ref !== 'string' || ref === '') return { error: 'channel_not_found' };
    // A user id opens (or reuses) the bot's DM with that user.
    if (/^[UW]/.test(ref)) {
      const user = this.userIn(team, ref);
      if (!user || user.deleted) return { error: 'channel_not_found' };
      return { channel: this.imWith(user) };
    }
    const name = ref.startsWith('#') ? ref.slice(1) : ref;
    const channel = this.channelIn(team, ref) ?? [...this.channels.values()].find((c) => !c.isIm && c.teamId === team.id && c.name === name);
    if (!channel) return { error: 'channel_not_found' };
    if (channel.isIm) return { channel };
    if (channel.isPrivate && !channel.botIsMember) return { error: 'channel_not_found' };
    if (channel.isArchived) return { error: 'is_archived' };
    if (!channel.botIsMember) return { error: 'not_in_channel' };
    return { channel };
  }

  /** A user of this workspace (the app's bot user is in every workspace the app is installed in). */
  private userIn(team: FakeTeam, userId: string): FakeUser | undefined {
    const user = this.users.get(userId);
    return user && (user.teamId === team.id || user.id === this.botUserId) ? user : undefined;
  }

  /** A channel of this workspace: another team's channel does not exist for its token. */
  private channelIn(team: FakeTeam, channelId: string): FakeChannel | undefined {
    const channel = this.channels.get(channelId);
    return channel?.teamId === team.id ? channel : undefined;
  }

  private imWith(user: FakeUser): FakeChannel {
    const userId = user.id;
    const existing = [...this.channels.values()].find((c) => c.isIm && c.imUser === userId);
    if (existing) return existing;
    const channel: FakeChannel = {
      id: `D${userId.slice(1)}`,
      teamId: user.teamId,
      name: userId,
      isPrivate: true,
      isIm: true,
      botIsMember: true,
      isArchived: false,
      members: new Set([userId, this.botUserId]),
      imUser: userId,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  private messageContent(
    args: JsonObject,
    opts: { allowEmpty?: boolean } = {},
  ): { text: string | undefined; blocks: JsonObject[] | undefined; attachments: unknown } | { error: true; response: JsonObject } {
    const fail = (error: string, messages?: string[]): { error: true; response: JsonObject } => ({
      error: true,
      response: { ok: false, error, ...(messages ? { response_metadata: { messages } } : {}) },
    });
    const text = args.text;
    if (text !== undefined && typeof text !== 'string') return fail('invalid_arguments', ['[ERROR] must provide a string [json-pointer:/text]']);
    const hasText = typeof text === 'string' && text.trim() !== '';
    const hasBlocks = Array.isArray(args.blocks) ? args.blocks.length > 0 : args.blocks !== undefined;
    const hasAttachments = Array.isArray(args.attachments) && args.attachments.length > 0;
    if (!hasText && !hasBlocks && !hasAttachments && !opts.allowEmpty) return fail('no_text');
    if (typeof text === 'string' && chars(text) > LIMITS.messageText) return fail('msg_too_long');
    if (args.blocks !== undefined) {
      const problems = validateMessageBlocks(args.blocks);
      if (problems.length > 0) return fail('invalid_blocks', problems);
    }
    return {
      text: typeof text === 'string' ? text : undefined,
      blocks: Array.isArray(args.blocks) ? withGeneratedIds(args.blocks) : undefined,
      attachments: args.attachments,
    };
  }

  private nextTs(): string {
    this.tsSeq += 1;
    return `${Math.floor(this.now() / 1000)}.${String(this.tsSeq).padStart(6, '0')}`;
  }

  private storeMessage(
    channel: string,
    content: { text: string | undefined; blocks: JsonObject[] | undefined; attachments: unknown },
    via: FakeMessage['via'],
    opts: { visibleTo?: string | undefined; threadTs?: string | undefined } = {},
  ): FakeMessage {
    const message: FakeMessage = {
      channel,
      ts: this.nextTs(),
      text: content.text,
      blocks: content.blocks,
      attachments: content.attachments,
      threadTs: opts.threadTs,
      user: this.botUserId,
      ephemeral: opts.visibleTo !== undefined,
      visibleTo: opts.visibleTo,
      deleted: false,
      history: [],
      via,
    };
    this.messages.push(message);
    return message;
  }

  /** A message as Slack renders it in API responses and interaction payloads. */
  renderMessage(message: FakeMessage): JsonObject {
    return {
      type: 'message',
      ...(message.history.length > 0 ? { edited: { user: this.botUserId, ts: message.ts } } : {}),
      user: message.user,
      bot_id: this.botId,
      app_id: this.appId,
      team: this.channels.get(message.channel)?.teamId ?? this.teamId,
      text: message.text ?? '',
      ts: message.ts,
      ...(message.blocks ? { blocks: clone(message.blocks) } : {}),
      ...(message.attachments !== undefined ? { attachments: clone(message.attachments) } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    };
  }

  private renderChannel(channel: FakeChannel): JsonObject {
    return {
      id: channel.id,
      name: channel.name,
      is_channel: !channel.isPrivate && !channel.isIm,
      is_group: false,
      is_im: channel.isIm,
      is_mpim: false,
      is_private: channel.isPrivate,
      is_archived: channel.isArchived,
      is_general: channel.name === 'general',
      is_member: channel.botIsMember,
      is_shared: false,
      is_ext_shared: false,
      is_org_shared: false,
      context_team_id: channel.teamId,
      ...(channel.isIm ? { user: channel.imUser } : {}),
    };
  }
}

function invalidArguments(messages: string[]): JsonObject {
  return { ok: false, error: 'invalid_arguments', response_metadata: { messages } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseApiRequest(req: IncomingMessage, raw: string): { args: JsonObject; token: string | undefined } {
  const auth = req.headers.authorization;
  let token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : undefined;
  const type = req.headers['content-type'] ?? '';
  let args: JsonObject = {};
  if (type.includes('application/json')) {
    try {
      const parsed: unknown = raw === '' ? {} : JSON.parse(raw);
      args = isObj(parsed) ? parsed : {};
    } catch {
      args = {};
    }
  } else {
    for (const [key, value] of new URLSearchParams(raw)) args[key] = value;
    for (const key of NESTED_JSON_ARGS) {
      const value = args[key];
      if (typeof value === 'string') {
        try {
          args[key] = JSON.parse(value);
        } catch {
          // Left as the string: validation reports it as Slack would.
        }
      }
    }
    if (token === undefined && typeof args.token === 'string') token = args.token;
  }
  return { args, token };
}

export async function startFakeSlack(options: StartFakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlack(options);
  await fake.listen();
  return fake;
}

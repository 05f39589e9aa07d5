// Block Kit as Slack checks it: the documented limits, and the validation views.open / push / update / publish,
// chat.* and response_url run on what an app sends. Messages are Slack's (`[ERROR] … [json-pointer:/view/…]`).
// A view or message real Slack would refuse is refused here too: never loosen a rule to make a test pass.

export type JsonObject = Record<string, unknown>;

// ─── Limits (Slack's documented values) ─────────────────────────────────────────────────────────────────────────

export const LIMITS = {
  triggerTtlMs: 3000,
  viewStackMax: 3,
  /** Slack: view_too_large "if the provided view is greater than 250kb"; read as 250,000 bytes, the stricter reading. */
  viewBytesMax: 250_000,
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
  /** A response_url is good for 5 posts within 30 minutes of the interaction. */
  responseUrlUses: 5,
  responseUrlTtlMs: 30 * 60 * 1000,
  maxFiles: 10,
} as const;

export const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A deep copy of what the Web API takes and answers (plain objects, arrays, primitives), as structuredClone
 * makes it but several times faster on a view's many small objects: every views.* call copies one or two.
 * Anything else (a Date a test passes in) goes through structuredClone.
 */
export function deepCopy<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(deepCopy) as T;
  if (Object.getPrototypeOf(v) !== Object.prototype) return structuredClone(v);
  const out: JsonObject = {};
  for (const key of Object.keys(v)) {
    const value = deepCopy((v as JsonObject)[key]);
    // A "__proto__" key (JSON.parse makes it an own property) stays a property, not the copy's prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out as T;
}
/** Length in characters (code points), as a person counts them. */
export const chars = (s: string): number => [...s].length;

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
export const ELEMENT_KEYS: Record<string, readonly string[]> = {
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

export function isValidDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function isValidTime(s: string): boolean {
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

export function isNumeric(s: string): boolean {
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

/** Slack's size of a view: the bytes of its JSON, as sent (UTF-8). */
export function viewBytes(view: unknown): number {
  return Buffer.byteLength(JSON.stringify(view) ?? '', 'utf8');
}

/**
 * What views.open / push / update / publish answer for a view Slack would refuse (invalid_arguments with the
 * messages, or view_too_large over 250 kB), or undefined for a view it accepts.
 */
export function viewRefusal(view: unknown, expectedType: 'modal' | 'home'): JsonObject | undefined {
  const problems = validateView(view, { expectedType });
  if (problems.length > 0) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } };
  if (viewBytes(view) > LIMITS.viewBytesMax) return { ok: false, error: 'view_too_large' };
  return undefined;
}

/** Validates a message's `blocks` (chat.postMessage / postEphemeral / update, response_url, ack bodies). */
export function validateMessageBlocks(blocks: unknown): string[] {
  const c = new Checker('message');
  c.blocks('/blocks', blocks, LIMITS.messageBlocks);
  return c.errors;
}


// Plays Slack toward the running app: signed, form-encoded POSTs to /slack/events, shaped like Slack's payloads,
// with trigger_ids, response_urls and view state taken from the fake Slack. Every request must be answered within
// 3 s, as Slack requires, or the call throws (and the test fails).
import { createHmac } from 'node:crypto';
import {
  FakeSlackError,
  computeState,
  stateEntryFor,
  interactiveElements,
  validateMessageBlocks,
  LIMITS,
  type FakeMessage,
  type FakeSlack,
  type FakeView,
  type JsonObject,
  type ViewResponseOutcome,
  type CloseOutcome,
} from './fakeSlack.js';

/** Slack gives up on an app that has not answered within 3 seconds. */
export const SLACK_TIMEOUT_MS = 3000;

export interface DriverTeam {
  id: string;
  domain?: string;
  enterpriseId?: string;
  enterpriseName?: string;
  /** The app is installed org-wide (Enterprise Grid): payloads say is_enterprise_install. */
  isEnterpriseInstall?: boolean;
}

export interface DriverUser {
  id: string;
  name?: string;
}

export interface SlackDriverOptions {
  /** Where the app listens, e.g. http://127.0.0.1:3000 */
  appUrl: string;
  signingSecret: string;
  fake: FakeSlack;
  team: DriverTeam;
  user: DriverUser;
  /** The channel commands and message actions come from. */
  channelId?: string;
  /** Path of Bolt's HTTP receiver. */
  eventsPath?: string;
  apiAppId?: string;
  /** The (deprecated) verification token Slack still sends. */
  verificationToken?: string;
}

export interface DriverResponse {
  status: number;
  /** Parsed JSON when the app answered JSON, otherwise the text ('' for an empty ack). */
  body: unknown;
  text: string;
  ms: number;
  headers: Record<string, string>;
}

export interface CommandResponse extends DriverResponse {
  triggerId: string;
  responseUrl: string;
}

export interface BlockActionResponse extends DriverResponse {
  triggerId: string;
  responseUrl: string | undefined;
  payload: JsonObject;
}

export interface ViewSubmissionResponse extends DriverResponse {
  triggerId: string;
  payload: JsonObject;
  /** What the fake did with the ack (only when the app answered 200). */
  outcome: ViewResponseOutcome | undefined;
}

export interface ViewClosedResponse extends DriverResponse {
  payload: JsonObject;
  closed: CloseOutcome;
}

export interface BlockSuggestionResponse extends DriverResponse {
  payload: JsonObject;
  options: JsonObject[];
  optionGroups: JsonObject[];
}

export type OptionLike = string | { text: string | JsonObject; value: string };

export interface BlockActionOptions {
  /** The view (modal or home) the element is in… */
  viewId?: string;
  /** …or the message it is in (a stored message, or its channel and ts). */
  message?: FakeMessage | { channel: string; ts: string };
  actionId: string;
  /** Needed only when the action_id appears in more than one block. */
  blockId?: string;
  /** The new value of a stateful element (what the user picked/typed), in the shapes `fake.typeInto` accepts. */
  value?: unknown;
  /** The option picked (selects, radio buttons, overflow menus). */
  selectedOption?: OptionLike;
  /**
   * The view hash the payload carries, when the user's client has not yet shown the latest update (an
   * older hash, as Slack sends when another update landed after the click was made). Defaults to the current one.
   */
  viewHash?: string;
}

export interface SignedPostOptions {
  /** Unix seconds to sign with (and send). Defaults to now. */
  timestamp?: number;
  /** Sign with this secret instead of the app's. */
  secretOverride?: string;
  contentType?: string;
}

/** Slack's request signature: v0= + hex HMAC-SHA256 of `v0:{timestamp}:{body}`. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export class SlackDriver {
  private readonly options: SlackDriverOptions;

  constructor(options: SlackDriverOptions) {
    this.options = { ...options };
  }

  get fake(): FakeSlack {
    return this.options.fake;
  }

  get user(): DriverUser {
    return this.options.user;
  }

  get channelId(): string {
    return this.options.channelId ?? 'C0GENERAL';
  }

  /** The same driver acting as another user. */
  withUser(user: DriverUser): SlackDriver {
    return new SlackDriver({ ...this.options, user });
  }

  /** The same driver in another workspace. */
  inTeam(team: DriverTeam): SlackDriver {
    return new SlackDriver({ ...this.options, team });
  }

  /** The same driver in another channel. */
  inChannel(channelId: string): SlackDriver {
    return new SlackDriver({ ...this.options, channelId });
  }

  // ── requests ──

  /** A slash command, with a fresh trigger_id and response_url. */
  async command(text: string, opts: { command?: string; channelId?: string } = {}): Promise<CommandResponse> {
    const channelId = opts.channelId ?? this.channelId;
    const triggerId = this.fake.issueTriggerId({ teamId: this.teamId, userId: this.user.id });
    const responseUrl = this.fake.responseUrl({ teamId: this.teamId, channelId, userId: this.user.id });
    const team = this.options.team;
    const fields: Record<string, string> = {
      token: this.verificationToken,
      team_id: team.id,
      team_domain: team.domain ?? this.fake.teamDomain,
      ...(team.enterpriseId ? { enterprise_id: team.enterpriseId, enterprise_name: team.enterpriseName ?? 'Enterprise' } : {}),
      channel_id: channelId,
      channel_name: this.channelName(channelId),
      user_id: this.user.id,
      user_name: this.userName,
      command: opts.command ?? '/schedule',
      text,
      api_app_id: this.apiAppId,
      is_enterprise_install: String(team.isEnterpriseInstall ?? false),
      response_url: responseUrl,
      trigger_id: triggerId,
    };
    const response = await this.signedPost(new URLSearchParams(fields).toString(), { contentType: 'application/x-www-form-urlencoded' });
    // An immediate command response is shown as a message: Slack validates it like one.
    if (response.status === 200 && isObject(response.body) && response.body.blocks !== undefined) {
      const problems = validateMessageBlocks(response.body.blocks);
      if (problems.length > 0) throw new FakeSlackError('invalid_blocks', `the command's immediate response has invalid blocks:\n${problems.join('\n')}`);
    }
    return { ...response, triggerId, responseUrl };
  }

  /** A block_actions interaction on an element of a view or a message. */
  async blockAction(opts: BlockActionOptions): Promise<BlockActionResponse> {
    if ((opts.viewId === undefined) === (opts.message === undefined)) throw new Error('blockAction needs exactly one of viewId or message');
    const actionTs = this.actionTs();
    if (opts.viewId !== undefined) {
      const viewId = opts.viewId;
      const before = this.ownView(viewId);
      if (!this.fake.isOpen(viewId)) throw new FakeSlackError('view_closed', `view ${viewId} is not open: nobody can click in it`);
      const located = findElement(before.blocks, opts.actionId, opts.blockId, `view ${viewId}`);
      if (located.block.type === 'input' && located.block.dispatch_action !== true) {
        throw new FakeSlackError('no_dispatch', `${located.blockId}/${located.actionId} is in an input block without dispatch_action: Slack sends no block_actions for it`);
      }
      const newValue = opts.selectedOption ?? opts.value;
      let stateEntry: JsonObject | undefined;
      if (newValue !== undefined && located.element.type !== 'overflow' && located.element.type !== 'button') {
        stateEntry = this.fake.typeInto(viewId, located.blockId, located.actionId, newValue);
      }
      const view = this.fake.view(viewId);
      const action = buildAction(located, stateEntry ?? view.state.values[located.blockId]?.[located.actionId], opts, actionTs);
      return this.viewAction(opts.viewHash === undefined ? view : { ...view, hash: opts.viewHash }, action);
    }

    const ref = opts.message as FakeMessage | { channel: string; ts: string };
    const message = this.fake.message(ref.channel, ref.ts);
    if (!message || message.deleted || this.fake.channels.get(message.channel)?.teamId !== this.teamId) throw new FakeSlackError('message_not_found', `no message ${ref.channel}/${ref.ts}`);
    if (message.ephemeral && message.visibleTo !== this.user.id) {
      throw new FakeSlackError('message_not_found', `ephemeral message ${message.ts} is only visible to ${String(message.visibleTo)}`);
    }
    const located = findElement(message.blocks ?? [], opts.actionId, opts.blockId, `message ${message.ts}`);
    // Slack keeps no state for messages server-side: it starts from the elements' initial values.
    const state = computeState(message.blocks ?? []);
    const newValue = opts.selectedOption ?? opts.value;
    let stateEntry = state.values[located.blockId]?.[located.actionId];
    if (newValue !== undefined && located.element.type !== 'overflow' && located.element.type !== 'button') {
      stateEntry = stateEntryFor(located.element, newValue);
      (state.values[located.blockId] ??= {})[located.actionId] = stateEntry;
    }
    const triggerId = this.fake.issueTriggerId({ teamId: this.teamId, userId: this.user.id });
    const responseUrl = this.fake.responseUrl({ teamId: this.teamId, channelId: message.channel, userId: this.user.id, messageTs: message.ts });
    const payload: JsonObject = {
      type: 'block_actions',
      user: this.userPayload,
      api_app_id: this.apiAppId,
      token: this.verificationToken,
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: message.ephemeral },
      trigger_id: triggerId,
      team: this.teamPayload,
      enterprise: this.enterprisePayload,
      is_enterprise_install: this.options.team.isEnterpriseInstall ?? false,
      channel: { id: message.channel, name: this.channelName(message.channel) },
      ...(message.ephemeral ? {} : { message: this.fake.renderMessage(message) }),
      state,
      response_url: responseUrl,
      actions: [buildAction(located, stateEntry, opts, actionTs)],
    };
    const response = await this.postPayload(payload);
    return { ...response, triggerId, responseUrl, payload };
  }

  /**
   * A block_actions payload for an element the view does not show (a button hidden from this user, a menu
   * option not offered, a row that is gone): Slack's client never sends one, but anyone can sign a request.
   */
  async forgedBlockAction(opts: { viewId: string; action: JsonObject }): Promise<BlockActionResponse> {
    return this.viewAction(this.fake.view(opts.viewId), { ...opts.action, action_ts: this.actionTs() });
  }

  /**
   * The user presses the modal's submit button. Refused (throws) when the Slack client would not send it: the view
   * is not the open top view, has no submit button, or a required input is empty / out of bounds. After a 200 ack,
   * the fake applies the response_action.
   */
  async viewSubmission(viewId: string): Promise<ViewSubmissionResponse> {
    return this.submit(viewId);
  }

  /**
   * A submission whose state holds values the modal never offered (an option no select has): Slack's client never
   * sends one, but anyone can sign a request. `values` replace those inputs' entries in the submitted state.
   */
  async forgedViewSubmission(viewId: string, values: Record<string, Record<string, JsonObject>>): Promise<ViewSubmissionResponse> {
    return this.submit(viewId, values);
  }

  private async submit(viewId: string, forged?: Record<string, Record<string, JsonObject>>): Promise<ViewSubmissionResponse> {
    const shown = this.ownView(viewId);
    const view = forged ? { ...shown, state: { values: { ...shown.state.values, ...forged } } } : shown;
    if (!this.fake.isOpen(viewId) || view.type !== 'modal') throw new FakeSlackError('view_closed', `view ${viewId} is not an open modal`);
    if (this.fake.topView(viewId)?.id !== viewId) throw new FakeSlackError('not_top', `view ${viewId} is not on top of its stack`);
    if (view.submit === null || view.submit === undefined) throw new FakeSlackError('no_submit', `view ${viewId} has no submit button`);
    const clientErrors = this.fake.clientValidationErrors(viewId);
    if (Object.keys(clientErrors).length > 0) {
      throw new FakeSlackError('client_validation', `the Slack client would not submit view ${viewId}: ${JSON.stringify(clientErrors)}`);
    }
    const triggerId = this.fake.issueTriggerId({ teamId: this.teamId, userId: this.user.id, viewId });
    const payload: JsonObject = {
      type: 'view_submission',
      team: this.teamPayload,
      user: this.userPayload,
      api_app_id: this.apiAppId,
      token: this.verificationToken,
      trigger_id: triggerId,
      view,
      response_urls: [],
      is_enterprise_install: this.options.team.isEnterpriseInstall ?? false,
      enterprise: this.enterprisePayload,
    };
    const response = await this.postPayload(payload);
    const outcome = response.status === 200 ? this.fake.applyViewResponse(viewId, response.body) : undefined;
    return { ...response, triggerId, payload, outcome };
  }

  /**
   * The user closes the modal (Cancel pops this view; `all` = the X, closing the whole stack). Slack only tells the
   * app (view_closed) when the view has notify_on_close: true — otherwise this returns null.
   */
  async viewClosed(viewId: string, opts: { all?: boolean } = {}): Promise<ViewClosedResponse | null> {
    this.ownView(viewId);
    const closed = this.fake.closeView(viewId, opts);
    if (!closed.notify) return null;
    const payload: JsonObject = {
      type: 'view_closed',
      team: this.teamPayload,
      user: this.userPayload,
      api_app_id: this.apiAppId,
      token: this.verificationToken,
      view: closed.view,
      is_cleared: closed.isCleared,
      is_enterprise_install: this.options.team.isEnterpriseInstall ?? false,
      enterprise: this.enterprisePayload,
    };
    const response = await this.postPayload(payload);
    return { ...response, payload, closed };
  }

  /**
   * The user types into an external select: Slack asks the app for options (block_suggestion). The answer is
   * validated like Slack does (≤ 100 options or groups, option text ≤ 75, value ≤ 150); a bad answer throws.
   */
  async blockSuggestion(opts: { viewId: string; actionId: string; blockId?: string; value: string }): Promise<BlockSuggestionResponse> {
    const view = this.ownView(opts.viewId);
    if (!this.fake.isOpen(opts.viewId)) throw new FakeSlackError('view_closed', `view ${opts.viewId} is not open`);
    const located = findElement(view.blocks, opts.actionId, opts.blockId, `view ${opts.viewId}`);
    const type = String(located.element.type);
    if (type !== 'external_select' && type !== 'multi_external_select') throw new FakeSlackError('not_external', `${located.actionId} is a ${type}, not an external select`);
    const minQuery = typeof located.element.min_query_length === 'number' ? located.element.min_query_length : 3;
    if (opts.value.length < minQuery) {
      throw new FakeSlackError('query_too_short', `Slack only asks for options once ${minQuery} characters are typed (min_query_length)`);
    }
    const payload: JsonObject = {
      type: 'block_suggestion',
      user: this.userPayload,
      container: { type: 'view', view_id: opts.viewId },
      api_app_id: this.apiAppId,
      token: this.verificationToken,
      action_id: located.actionId,
      block_id: located.blockId,
      value: opts.value,
      team: this.teamPayload,
      enterprise: this.enterprisePayload,
      is_enterprise_install: this.options.team.isEnterpriseInstall ?? false,
      view,
    };
    const response = await this.postPayload(payload);
    if (response.status !== 200) return { ...response, payload, options: [], optionGroups: [] };
    const { options, optionGroups } = validateSuggestionBody(response.body);
    return { ...response, payload, options, optionGroups };
  }

  // ── raw HTTP ──

  /** POSTs `body` as-is with the given headers (no signing). */
  async rawPost(body: string, headers: Record<string, string> = {}): Promise<DriverResponse> {
    const url = `${this.options.appUrl.replace(/\/$/, '')}${this.options.eventsPath ?? '/slack/events'}`;
    const started = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(SLACK_TIMEOUT_MS) });
      text = await res.text();
    } catch (error) {
      // DOMException comes from another realm under jest: test the name, not instanceof.
      const name = (error as { name?: unknown } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new Error(`The app did not answer within ${SLACK_TIMEOUT_MS} ms (Slack would show the user an error)`);
      }
      throw error;
    }
    const ms = performance.now() - started;
    if (ms > SLACK_TIMEOUT_MS) throw new Error(`The app took ${Math.round(ms)} ms to answer; Slack gives up after ${SLACK_TIMEOUT_MS} ms`);
    const responseHeaders: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      responseHeaders[key] = value;
    });
    return { status: res.status, body: parseBody(text, responseHeaders['content-type']), text, ms, headers: responseHeaders };
  }

  /** POSTs `body` signed as Slack signs it (optionally with another timestamp or secret). */
  signedPost(body: string, opts: SignedPostOptions = {}): Promise<DriverResponse> {
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const signature = slackSignature(opts.secretOverride ?? this.options.signingSecret, timestamp, body);
    return this.rawPost(body, {
      'Content-Type': opts.contentType ?? 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': signature,
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    });
  }

  // ── internals ──

  private async viewAction(view: FakeView, action: JsonObject): Promise<BlockActionResponse> {
    const triggerId = this.fake.issueTriggerId({ teamId: this.teamId, userId: this.user.id, viewId: view.id });
    const payload: JsonObject = {
      type: 'block_actions',
      user: this.userPayload,
      api_app_id: this.apiAppId,
      token: this.verificationToken,
      container: { type: 'view', view_id: view.id },
      trigger_id: triggerId,
      team: this.teamPayload,
      enterprise: this.enterprisePayload,
      is_enterprise_install: this.options.team.isEnterpriseInstall ?? false,
      view,
      actions: [action],
    };
    const response = await this.postPayload(payload);
    return { ...response, triggerId, responseUrl: undefined, payload };
  }

  private postPayload(payload: JsonObject): Promise<DriverResponse> {
    return this.signedPost(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), {
      contentType: 'application/x-www-form-urlencoded',
    });
  }

  /** A view this user can see: one opened in their own workspace (another team's view is not on their screen). */
  private ownView(viewId: string): FakeView {
    const view = this.fake.view(viewId);
    if (view.team_id !== this.teamId) throw new FakeSlackError('not_found', `view ${viewId} belongs to workspace ${String(view.team_id)}, not ${this.teamId}`);
    return view;
  }

  private get teamId(): string {
    return this.options.team.id;
  }

  private get apiAppId(): string {
    return this.options.apiAppId ?? this.fake.appId;
  }

  private get verificationToken(): string {
    return this.options.verificationToken ?? 'fake-verification-token';
  }

  private get userName(): string {
    return this.user.name ?? this.fake.user(this.user.id, this.teamId)?.name ?? this.user.id.toLowerCase();
  }

  private get userPayload(): JsonObject {
    return { id: this.user.id, username: this.userName, name: this.userName, team_id: this.options.team.id };
  }

  private get teamPayload(): JsonObject {
    const team = this.options.team;
    return {
      id: team.id,
      domain: team.domain ?? this.fake.teamDomain,
      ...(team.enterpriseId ? { enterprise_id: team.enterpriseId, enterprise_name: team.enterpriseName ?? 'Enterprise' } : {}),
    };
  }

  private get enterprisePayload(): JsonObject | null {
    const team = this.options.team;
    return team.enterpriseId ? { id: team.enterpriseId, name: team.enterpriseName ?? 'Enterprise' } : null;
  }

  private channelName(channelId: string): string {
    const channel = this.fake.channels.get(channelId);
    if (channel?.isIm || channelId.startsWith('D')) return 'directmessage';
    return channel?.name ?? 'privategroup';
  }

  private actionTs(): string {
    const ms = this.fake.now();
    return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000`;
  }
}

// ─── helpers ────────────────────────────────────────────────────────────────────────────────────────────────────

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return '';
  if (contentType?.includes('json') || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

type Located = ReturnType<typeof interactiveElements>[number];

function findElement(blocks: unknown, actionId: string, blockId: string | undefined, where: string): Located {
  const matches = interactiveElements(blocks).filter((e) => e.actionId === actionId && (blockId === undefined || e.blockId === blockId));
  if (matches.length === 0) throw new FakeSlackError('not_found', `${where} has no interactive element ${blockId ?? '*'}/${actionId}`);
  if (matches.length > 1) throw new FakeSlackError('ambiguous', `${where} has ${matches.length} elements with action_id ${actionId}; pass blockId`);
  return matches[0] as Located;
}

function buildAction(located: Located, stateEntry: JsonObject | undefined, opts: BlockActionOptions, actionTs: string): JsonObject {
  const el = located.element;
  const base: JsonObject = { type: el.type, action_id: located.actionId, block_id: located.blockId };
  switch (el.type) {
    case 'button':
    case 'workflow_button':
      return {
        ...base,
        text: el.text,
        ...(el.value !== undefined ? { value: el.value } : {}),
        ...(el.style !== undefined ? { style: el.style } : {}),
        action_ts: actionTs,
      };
    case 'overflow': {
      const wanted = opts.selectedOption ?? opts.value;
      const value = typeof wanted === 'string' ? wanted : isObject(wanted) ? wanted.value : undefined;
      const option = Array.isArray(el.options) ? (el.options as JsonObject[]).find((o) => o.value === value) : undefined;
      if (!option) throw new FakeSlackError('invalid_value', `overflow ${located.actionId} has no option with value ${JSON.stringify(value)}`);
      return { ...base, selected_option: option, action_ts: actionTs };
    }
    default: {
      const { type: _type, ...selection } = stateEntry ?? {};
      return {
        ...base,
        ...selection,
        ...(el.placeholder !== undefined ? { placeholder: el.placeholder } : {}),
        action_ts: actionTs,
      };
    }
  }
}

function validateSuggestionBody(body: unknown): { options: JsonObject[]; optionGroups: JsonObject[] } {
  if (!isObject(body)) throw new FakeSlackError('invalid_options', `block_suggestion must be answered with JSON {options} or {option_groups}, got ${JSON.stringify(body)}`);
  const problems: string[] = [];
  const checkOption = (o: unknown, ptr: string): void => {
    if (!isObject(o)) return void problems.push(`${ptr}: must be an object`);
    const text = isObject(o.text) ? o.text : undefined;
    if (!text || text.type !== 'plain_text' || typeof text.text !== 'string' || text.text === '') problems.push(`${ptr}/text: must be a non-empty plain_text object`);
    else if ([...text.text].length > LIMITS.optionText) problems.push(`${ptr}/text/text: must be less than ${LIMITS.optionText + 1} characters`);
    if (typeof o.value !== 'string' || o.value === '') problems.push(`${ptr}/value: must be a non-empty string`);
    else if ([...o.value].length > LIMITS.optionValue) problems.push(`${ptr}/value: must be less than ${LIMITS.optionValue + 1} characters`);
  };
  const checkList = (list: unknown, ptr: string): JsonObject[] => {
    if (!Array.isArray(list)) {
      problems.push(`${ptr}: must be an array`);
      return [];
    }
    if (list.length > LIMITS.selectOptions) problems.push(`${ptr}: no more than ${LIMITS.selectOptions} items allowed`);
    list.forEach((o, i) => checkOption(o, `${ptr}/${i}`));
    return list.filter(isObject);
  };
  let options: JsonObject[] = [];
  let optionGroups: JsonObject[] = [];
  if (body.options !== undefined && body.option_groups !== undefined) problems.push('provide options or option_groups, not both');
  if (body.options === undefined && body.option_groups === undefined) problems.push('missing options or option_groups');
  if (body.options !== undefined) options = checkList(body.options, '/options');
  if (body.option_groups !== undefined) {
    if (!Array.isArray(body.option_groups)) problems.push('/option_groups: must be an array');
    else {
      if (body.option_groups.length > LIMITS.optionGroups) problems.push(`/option_groups: no more than ${LIMITS.optionGroups} items allowed`);
      body.option_groups.forEach((g, i) => {
        const ptr = `/option_groups/${i}`;
        if (!isObject(g)) return void problems.push(`${ptr}: must be an object`);
        const label = isObject(g.label) ? g.label : undefined;
        if (!label || label.type !== 'plain_text' || typeof label.text !== 'string' || label.text === '') problems.push(`${ptr}/label: must be a non-empty plain_text object`);
        else if ([...label.text].length > LIMITS.optionGroupLabel) problems.push(`${ptr}/label/text: must be less than ${LIMITS.optionGroupLabel + 1} characters`);
        checkList(g.options, `${ptr}/options`);
      });
      optionGroups = body.option_groups.filter(isObject);
    }
  }
  if (problems.length > 0) throw new FakeSlackError('invalid_options', `Slack would refuse these options:\n${problems.join('\n')}`);
  return { options, optionGroups };
}

export type { FakeView };

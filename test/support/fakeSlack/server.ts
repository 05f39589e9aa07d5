// The local Slack's HTTP side: the Web API methods the app calls (with Slack's tokens, one per workspace, and its
// error codes), triggers, response_url, and the workspaces' users, channels and messages. Every call is recorded
// so tests can assert on it. Block Kit rules live in blockKit.ts, modal state in modals.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { LIMITS, chars, deepCopy, isObj, validateMessageBlocks, viewRefusal, type JsonObject } from './blockKit.js';
import { FakeSlackError, Modals, withGeneratedIds, type CloseOutcome, type FakeView, type ViewResponseOutcome } from './modals.js';
import { FakeOAuth } from './oauth.js';

/** One Web API call, in the order received. `args` is the parsed body (nested JSON strings parsed back). */
export interface ApiCall {
  method: string;
  args: JsonObject;
  token: string | undefined;
  response: JsonObject;
  /** Wall time (ms) the call arrived. */
  at: number;
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
  /** A multi-channel guest (users.info `is_restricted`). */
  isRestricted?: boolean;
  /** A single-channel guest (users.info `is_restricted` and `is_ultra_restricted`). */
  isUltraRestricted?: boolean;
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
  isRestricted: boolean;
  isUltraRestricted: boolean;
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
  via: 'chat.postMessage' | 'chat.postEphemeral' | 'response_url' | 'files.completeUploadExternal';
  /** Files shared with the message (files.completeUploadExternal). */
  files?: string[];
}

/** A file uploaded by the app: files.getUploadURLExternal, the bytes to its upload URL, files.completeUploadExternal. */
export interface FakeUpload {
  fileId: string;
  teamId: string;
  filename: string;
  /** What getUploadURLExternal was told the file's size is. */
  length: number;
  /** Null until the bytes are posted to the upload URL. */
  content: Buffer | null;
  completed: boolean;
  title?: string;
  /** Where completeUploadExternal shared it (none: the file stays private to the app). */
  channel?: string;
  initialComment?: string;
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

/** A file someone uploaded or shared in a workspace (files.info finds it only with that workspace's token). */
export interface FakeFileInput {
  /** The workspace the file belongs to; defaults to the fake's own team. */
  teamId?: string;
  /** Who uploaded it. */
  user?: string;
  name: string;
  content: string | Buffer;
  /** Slack's file type (`csv`, `text`, …); from the name's extension when not given. */
  filetype?: string;
  mimetype?: string;
}

export interface FakeFile {
  id: string;
  teamId: string;
  user: string;
  name: string;
  content: Buffer;
  filetype: string;
  mimetype: string;
  created: number;
  deleted: boolean;
}

/** A workspace the app is installed in, with the bot token Slack issued for it. */
export interface FakeTeam {
  id: string;
  domain: string;
  /** The Enterprise Grid org the workspace belongs to. */
  enterpriseId?: string;
  /** '' until the app is installed (addTeam installs unless told not to; "Add to Slack" installs through oauth). */
  botToken: string;
}

// ─── Small helpers ──────────────────────────────────────────────────────────────────────────────────────────────

const clone = deepCopy;

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

/**
 * Calls per minute per workspace for the methods the app may call in bursts, by Slack's tiers
 * (Tier 3 "50+ per minute": chat.update, files.info). Slack allows short bursts over a tier; the
 * fake holds to the tier's floor, so what passes here passes there.
 */
const RATE_LIMITS: Readonly<Record<string, number>> = { 'chat.update': 50, 'files.info': 50 };

/**
 * The bot-token scopes each Web API method needs, as Slack's method pages list them (any one of a
 * list will do). Views and auth.test need none. conversations.info's depends on the channel (see
 * `scopesNeeded`). A call whose token lacks them is answered `missing_scope` with `needed` and `provided`.
 */
const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'views.open': [],
  'views.push': [],
  'views.update': [],
  'views.publish': [],
  'users.info': ['users:read'],
  'conversations.join': ['channels:join'],
  'files.info': ['files:read'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
};

/** The bot scopes manifest.yml asks for: what a token made without "Add to Slack" carries, as an app installed from the manifest. */
export const MANIFEST_BOT_SCOPES: readonly string[] = (() => {
  // Found by walking up: this file runs from test/support/fakeSlack/ under jest and from dist/test/... in benchmarks.
  let dir = new URL('.', import.meta.url);
  while (!existsSync(new URL('manifest.yml', dir)) && dir.pathname !== '/') dir = new URL('..', dir);
  const manifest = readFileSync(new URL('manifest.yml', dir), 'utf8');
  const bot = /scopes:\n\s+bot:\n((?:\s+(?:#.*|- \S+)\n)+)/.exec(manifest)?.[1] ?? '';
  return [...bot.matchAll(/- (\S+)/g)].map((m) => m[1]!);
})();

/**
 * chat.postMessage into one channel (Slack's rate limits page: "Posting messages: 1 per second.
 * Short bursts >1 allowed. If you attempt bursts, there is no guarantee that messages will be
 * posted"): a token bucket per workspace and channel that refills one post a second and holds a
 * short burst of POST_BURST; a post with the bucket empty is answered 429 with Retry-After.
 */
export const POST_BURST = 3;

const NESTED_JSON_ARGS = ['view', 'blocks', 'attachments', 'metadata', 'unfurls', 'user_auth_blocks', 'options', 'option_groups'];

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly messages: FakeMessage[] = [];
  /** Users by workspace, then id: tests may reuse an id (UALEX) in many workspaces, each a different person. */
  private readonly users = new Map<string, Map<string, FakeUser>>();
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

  /** Every workspace's views and modal stacks (see modals.ts). */
  readonly modals: Modals;
  private server: Server | undefined;
  private readonly triggers = new Map<string, Trigger>();
  private readonly responseUrls = new Map<string, ResponseUrlRecord>();
  private readonly teams = new Map<string, FakeTeam>();
  /** Bot token -> team id: as in Slack, a token acts for the one workspace it was issued in. */
  private readonly tokens = new Map<string, string>();
  /** Bot token -> the scopes it was installed with (tokens from "Add to Slack": oauth.ts knows theirs). */
  private readonly tokenScopes = new Map<string, ReadonlySet<string>>();
  private tsSeq = 0;
  private readonly handlers: Record<string, Handler>;
  /** "Add to Slack": the authorize page, oauth.v2.access, apps.uninstall, and the tokens they issue (oauth.ts). */
  readonly oauth: FakeOAuth;
  private readonly files = new Map<string, FakeFile>();
  /** Uploads started with files.getUploadURLExternal, by file id (see `sharedFiles`). */
  private readonly uploads = new Map<string, FakeUpload>();
  /** Every POST to an upload URL, with the status the fake answered. */
  readonly uploadPosts: Array<{ fileId: string; bytes: number; status: number }> = [];
  /** Recent calls per workspace and rate-limited method, for Slack's per-minute tiers (see RATE_LIMITS). */
  private readonly recentCalls = new Map<string, number[]>();
  /** Per workspace and channel: chat.postMessage's bucket (see POST_BURST). */
  private readonly postBuckets = new Map<string, { tokens: number; at: number }>();
  /** Wall time (ms) of every chat.postMessage that posted, per channel id, in order. */
  readonly postTimes = new Map<string, number[]>();
  /** Every GET of a file's private download URL, with the status the fake answered. */
  readonly downloads: Array<{ fileId: string; token: string | undefined; status: number }> = [];

  constructor(options: StartFakeSlackOptions = {}) {
    this.now = options.now ?? Date.now;
    this.teamId = options.teamId ?? 'T0FAKE';
    this.teamDomain = options.teamDomain ?? 'fake-workspace';
    this.botUserId = options.botUserId ?? 'UBOT';
    this.botId = options.botId ?? 'BBOT';
    this.appId = options.appId ?? 'A0FAKEAPP';
    this.modals = new Modals({ now: this.now, appId: this.appId, botId: this.botId });
    this.oauth = new FakeOAuth({
      appId: this.appId,
      botUserId: this.botUserId,
      botId: this.botId,
      now: this.now,
      team: (teamId) => this.teams.get(teamId),
      teamsOf: (enterpriseId) => [...this.teams.values()].filter((t) => t.enterpriseId === enterpriseId),
      hasUser: (teamId, userId) => this.user(userId, teamId) !== undefined,
      installed: (teamId, token) => {
        const team = this.teams.get(teamId);
        if (team) team.botToken = token ?? '';
      },
    });
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
      'files.info': (a, t) => this.filesInfo(a, t),
      'files.getUploadURLExternal': (a, t) => this.filesGetUploadURLExternal(a, t),
      'files.completeUploadExternal': (a, t) => this.filesCompleteUploadExternal(a, t),
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

  /**
   * A workspace, with the app installed in it (Slack issues a bot token that works for that team only),
   * or not yet (`installed: false`: "Add to Slack" installs it through oauth).
   */
  addTeam(input: { id: string; domain?: string; enterpriseId?: string; installed?: boolean; /** The bot token's scopes; default manifest.yml's. */ scopes?: readonly string[] }): FakeTeam {
    const existing = this.teams.get(input.id);
    if (existing) return existing;
    const installed = input.installed ?? true;
    const team: FakeTeam = {
      id: input.id,
      domain: input.domain ?? input.id.toLowerCase(),
      ...(input.enterpriseId ? { enterpriseId: input.enterpriseId } : {}),
      botToken: installed ? `xoxb-${input.id}-${randomBytes(12).toString('hex')}` : '',
    };
    this.teams.set(team.id, team);
    if (installed) {
      this.tokens.set(team.botToken, team.id);
      this.tokenScopes.set(team.botToken, new Set(input.scopes ?? MANIFEST_BOT_SCOPES));
    }
    return team;
  }

  /** Gives a bot token other scopes, as installing the app again with another manifest would. */
  setScopes(token: string, scopes: readonly string[]): void {
    this.tokenScopes.set(token, new Set(scopes));
  }

  /** The bot token of a workspace the app is installed in, or undefined. */
  botTokenOf(teamId: string): string | undefined {
    return this.teams.get(teamId)?.botToken || undefined;
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
      // Slack marks a single-channel guest restricted too.
      isRestricted: (input.isRestricted ?? false) || (input.isUltraRestricted ?? false),
      isUltraRestricted: input.isUltraRestricted ?? false,
    };
    let members = this.users.get(user.teamId);
    if (!members) this.users.set(user.teamId, (members = new Map()));
    members.set(user.id, user);
    return user;
  }

  /** A user of `teamId` (the fake's own team when not given). */
  user(userId: string, teamId: string = this.teamId): FakeUser | undefined {
    return this.users.get(teamId)?.get(userId);
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

  /** Uploads a file to a workspace, as a user sharing it in a conversation or a file_input would. */
  addFile(input: FakeFileInput): FakeFile {
    const extension = /\.([A-Za-z0-9]+)$/.exec(input.name)?.[1]?.toLowerCase() ?? 'text';
    const file: FakeFile = {
      id: `F${randomBytes(5).toString('hex').toUpperCase()}`,
      teamId: input.teamId ?? this.teamId,
      user: input.user ?? 'UUPLOADER',
      name: input.name,
      content: typeof input.content === 'string' ? Buffer.from(input.content, 'utf8') : input.content,
      filetype: input.filetype ?? extension,
      mimetype: input.mimetype ?? (extension === 'csv' ? 'text/csv' : 'text/plain'),
      created: Math.floor(this.now() / 1000),
      deleted: false,
    };
    this.files.set(file.id, file);
    return file;
  }

  deleteFile(fileId: string): void {
    const file = this.files.get(fileId);
    if (file) file.deleted = true;
  }

  /** A file object as Slack renders it (files.info, and a file_input's state after an upload). */
  renderFile(file: FakeFile): JsonObject {
    const team = this.teams.get(file.teamId);
    const domain = team?.domain ?? file.teamId.toLowerCase();
    return {
      id: file.id,
      created: file.created,
      timestamp: file.created,
      name: file.name,
      title: file.name,
      mimetype: file.mimetype,
      filetype: file.filetype,
      pretty_type: file.filetype.toUpperCase(),
      user: file.user,
      user_team: file.teamId,
      editable: false,
      size: file.content.length,
      mode: 'hosted',
      is_external: false,
      external_type: '',
      is_public: false,
      public_url_shared: false,
      display_as_bot: false,
      url_private: `${this.baseUrl}/files-pri/${file.teamId}-${file.id}/${encodeURIComponent(file.name)}`,
      url_private_download: `${this.baseUrl}/files-pri/${file.teamId}-${file.id}/download/${encodeURIComponent(file.name)}`,
      permalink: `https://${domain}.slack.com/files/${file.user}/${file.id}/${encodeURIComponent(file.name)}`,
    };
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
    const id = `R${randomBytes(8).toString('hex').toUpperCase()}`;
    const teamId = context.teamId ?? this.teamId;
    this.responseUrls.set(id, { ...context, teamId, issuedAt: this.now(), uses: 0 });
    return `${this.baseUrl}/response/${teamId}/${id}`;
  }

  // ── views, as the user sees and handles them (see Modals) ──

  /** The current stored view, as Slack would render it in a payload (with state). */
  view(viewId: string): FakeView {
    return this.modals.view(viewId);
  }

  isOpen(viewId: string): boolean {
    return this.modals.isOpen(viewId);
  }

  openViews(): FakeView[] {
    return this.modals.openViews();
  }

  stackOf(viewId: string): FakeView[] {
    return this.modals.stackOf(viewId);
  }

  topView(viewId: string): FakeView | undefined {
    return this.modals.topView(viewId);
  }

  viewErrors(viewId: string): Record<string, string> | undefined {
    return this.modals.viewErrors(viewId);
  }

  typeInto(viewId: string, blockId: string, actionId: string, value: unknown): JsonObject {
    return this.modals.typeInto(viewId, blockId, actionId, value);
  }

  clientValidationErrors(viewId: string): Record<string, string> {
    return this.modals.clientValidationErrors(viewId);
  }

  applyViewResponse(viewId: string, ackBody: unknown): ViewResponseOutcome {
    return this.modals.applyViewResponse(viewId, ackBody);
  }

  closeView(viewId: string, opts: { all?: boolean } = {}): CloseOutcome {
    return this.modals.closeView(viewId, opts);
  }

  // ── HTTP ──

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const bytes = await readBody(req);
    const raw = bytes.toString('utf8');
    const upload = /^\/upload\/v1\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && upload?.[1]) {
      const answer = await this.receiveUpload(upload[1], req.headers['content-type'] ?? '', bytes);
      sendText(res, answer.status, answer.text);
      return;
    }
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      const method = decodeURIComponent(url.pathname.slice('/api/'.length));
      const { args, token } = parseApiRequest(req, raw);
      const retryAfter = this.rateLimited(method, token, args);
      if (retryAfter !== undefined) {
        const response = { ok: false, error: 'ratelimited' };
        this.calls.push({ method, args, token, response, at: Date.now() });
        // Slack answers a call over its method's tier with HTTP 429 and the seconds to wait in Retry-After.
        res.writeHead(429, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': String(retryAfter) });
        res.end(JSON.stringify(response));
        return;
      }
      const response = this.dispatch(method, args, token, req.headers.authorization);
      this.calls.push({ method, args, token, response, at: Date.now() });
      sendJson(res, 200, response);
      return;
    }
    const responseMatch = /^\/response\/[^/]+\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && responseMatch?.[1]) {
      const { status, response, body } = this.handleResponseUrl(responseMatch[1], req, raw);
      this.responses.push({ url: `${this.baseUrl}${url.pathname}`, body, status, response });
      // Like an incoming webhook, a response_url answers a refusal with the bare error code as plain text.
      if (status === 200) sendJson(res, status, response);
      else sendText(res, status, String(response.error));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/oauth/v2/authorize') {
      const answer = this.oauth.authorize(url, req.headers.cookie);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    const download = /^\/files-pri\/([^/]+)-([^/]+)\/download\/[^/]*$/.exec(url.pathname);
    if (req.method === 'GET' && download?.[1] && download[2]) {
      this.serveDownload(download[1], download[2], req, res);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/signin') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Sign in | Slack</title></head><body>Sign in to your workspace</body></html>');
      return;
    }
    sendJson(res, 404, { ok: false, error: 'not_found' });
  }

  /**
   * A file's private URL serves its bytes only with a token of the file's workspace in an
   * `Authorization: Bearer` header (Slack: url_private needs a token with files:read). Without one,
   * Slack does not answer 401: it redirects to its sign-in page, an HTML page answered 200.
   */
  private serveDownload(teamId: string, fileId: string, req: IncomingMessage, res: ServerResponse): void {
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : undefined;
    const file = this.files.get(fileId);
    const allowed = file !== undefined && !file.deleted && file.teamId === teamId && token !== undefined && this.teamOfToken(token, { team_id: teamId }) === teamId;
    if (!allowed) {
      this.downloads.push({ fileId, token, status: 302 });
      res.writeHead(302, { Location: `${this.baseUrl}/signin?redir=${encodeURIComponent(req.url ?? '/')}` });
      res.end();
      return;
    }
    this.downloads.push({ fileId, token, status: 200 });
    res.writeHead(200, { 'Content-Type': file.mimetype, 'Content-Length': file.content.length, 'Content-Disposition': `attachment; filename="${file.name}"` });
    res.end(file.content);
  }

  /** The workspace a token acts for in this call (an org-wide OAuth token: the one `team_id` names), if any. */
  private teamOfToken(token: string, args: JsonObject): string | undefined {
    const own = this.tokens.get(token);
    if (own) return own;
    if (!this.oauth.knows(token)) return undefined;
    const found = this.oauth.teamFor(token, args, () => undefined);
    return 'teamId' in found ? found.teamId : undefined;
  }

  /** Seconds to wait when `token`'s workspace has used up `method`'s per-minute tier, else undefined. */
  private rateLimited(method: string, token: string | undefined, args: JsonObject): number | undefined {
    const perMinute = RATE_LIMITS[method];
    const teamId = token ? this.teamOfToken(token, args) : undefined;
    if (method === 'chat.postMessage' && teamId !== undefined && typeof args.channel === 'string') {
      const bucket = this.postBucket(teamId, args.channel);
      if (bucket.tokens < 1) return Math.max(1, Math.ceil(1 - bucket.tokens));
    }
    if (perMinute === undefined || teamId === undefined) return undefined;
    // Wall time, not now(): a test's fixed clock must not make every later call look like a burst.
    const at = Date.now();
    const key = `${teamId}:${method}`;
    const recent = (this.recentCalls.get(key) ?? []).filter((t) => at - t < 60_000);
    if (recent.length >= perMinute) {
      this.recentCalls.set(key, recent);
      return Math.max(1, Math.ceil((recent[0]! + 60_000 - at) / 1000));
    }
    recent.push(at);
    this.recentCalls.set(key, recent);
    return undefined;
  }

  /** chat.postMessage's bucket for a channel, refilled up to now (wall time, like the per-minute tiers). */
  private postBucket(teamId: string, channel: string): { tokens: number; at: number } {
    const key = `${teamId}:${channel}`;
    const at = Date.now();
    const bucket = this.postBuckets.get(key) ?? { tokens: POST_BURST, at };
    bucket.tokens = Math.min(POST_BURST, bucket.tokens + (at - bucket.at) / 1000);
    bucket.at = at;
    this.postBuckets.set(key, bucket);
    return bucket;
  }

  private dispatch(method: string, args: JsonObject, token: string | undefined, authorization: string | undefined): JsonObject {
    // These take the app's client id and secret (in the body or as HTTP Basic), not a bot token.
    if (method === 'oauth.v2.access') return this.oauth.oauthV2Access(args, authorization);
    if (method === 'apps.uninstall') return this.oauth.appsUninstall(args, token);
    const handler = this.handlers[method];
    if (!handler) return { ok: false, error: 'unknown_method' };
    if (token === undefined || token === '') return { ok: false, error: 'not_authed' };
    let team = this.teams.get(this.tokens.get(token) ?? '');
    if (!team && this.oauth.knows(token)) {
      const found = this.oauth.teamFor(token, args, () => this.teamNamedBy(args));
      if ('error' in found) return { ok: false, error: found.error };
      if ('orgAuthTest' in found) return method === 'auth.test' ? found.orgAuthTest : { ok: false, error: 'missing_argument', response_metadata: { messages: ['[ERROR] missing required field: team_id'] } };
      team = this.teams.get(found.teamId);
    }
    if (!team) return { ok: false, error: 'invalid_auth' };
    const missing = this.missingScope(method, args, token, team);
    if (missing) return missing;
    try {
      return handler(args, team);
    } catch (error) {
      if (error instanceof FakeSlackError) return { ok: false, error: error.code };
      throw error;
    }
  }

  /** Slack's refusal of a call whose token lacks every scope the method accepts, or undefined. */
  private missingScope(method: string, args: JsonObject, token: string, team: FakeTeam): JsonObject | undefined {
    const needed = this.scopesNeeded(method, args, team);
    const provided = this.tokenScopes.get(token) ?? this.oauth.scopesOf(token) ?? new Set<string>();
    if (needed.length === 0 || needed.some((scope) => provided.has(scope))) return undefined;
    return { ok: false, error: 'missing_scope', needed: needed.join(','), provided: [...provided].join(',') };
  }

  /** conversations.info reads a channel with the scope of its type; every other method has one list. */
  private scopesNeeded(method: string, args: JsonObject, team: FakeTeam): readonly string[] {
    if (method !== 'conversations.info') return METHOD_SCOPES[method] ?? [];
    const channel = typeof args.channel === 'string' ? this.channelIn(team, args.channel) : undefined;
    if (!channel) return ['channels:read', 'groups:read', 'im:read', 'mpim:read'];
    return [channel.isIm ? 'im:read' : channel.isPrivate ? 'groups:read' : 'channels:read'];
  }

  /** The workspace of the object a call names (for an org-wide token called without team_id). */
  private teamNamedBy(args: JsonObject): string | undefined {
    const id = args.trigger_id ?? args.interactivity_pointer;
    if (typeof id === 'string') return this.triggers.get(id)?.teamId;
    if (typeof args.channel === 'string') return this.channels.get(args.channel)?.teamId;
    return undefined;
  }

  // ── Web API methods ──

  private authTest(team: FakeTeam): MethodResult {
    return {
      ok: true,
      url: `https://${team.domain}.slack.com/`,
      team: team.domain,
      user: this.user(this.botUserId)?.name ?? 'bot',
      team_id: team.id,
      user_id: this.botUserId,
      bot_id: this.botId,
      ...(team.enterpriseId ? { enterprise_id: team.enterpriseId } : {}),
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
    // A post spends one of the channel's tokens (a refused call posts nothing and spends none).
    this.postBucket(team.id, String(args.channel)).tokens -= 1;
    const times = this.postTimes.get(message.channel) ?? [];
    times.push(Date.now());
    this.postTimes.set(message.channel, times);
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
    const refusal = viewRefusal(args.view, 'modal');
    if (refusal) return refusal;
    const trigger = this.checkTrigger(args, team);
    if ('error' in trigger) return { ok: false, error: trigger.error };
    const result = this.modals.open(team.id, args.view as JsonObject, trigger.trigger.context.userId);
    if (result.ok === true) trigger.trigger.used = true;
    return result;
  }

  private viewsPush(args: JsonObject, team: FakeTeam): MethodResult {
    const refusal = viewRefusal(args.view, 'modal');
    if (refusal) return refusal;
    const trigger = this.checkTrigger(args, team);
    if ('error' in trigger) return { ok: false, error: trigger.error };
    const result = this.modals.push(team.id, trigger.trigger.context.viewId, args.view as JsonObject);
    if (result.ok === true) trigger.trigger.used = true;
    return result;
  }

  private viewsUpdate(args: JsonObject, team: FakeTeam): MethodResult {
    const hasId = typeof args.view_id === 'string' && args.view_id !== '';
    const hasExternal = typeof args.external_id === 'string' && args.external_id !== '';
    if (hasId === hasExternal) return invalidArguments(['[ERROR] exactly one of view_id or external_id is required [json-pointer:/]']);
    const target = this.modals.find(team.id, hasId ? { viewId: args.view_id as string } : { externalId: args.external_id as string });
    if (!target) return { ok: false, error: 'not_found' };
    const refusal = viewRefusal(args.view, target.type);
    if (refusal) return refusal;
    return this.modals.update(target.id, args.view as JsonObject, args.hash);
  }

  private viewsPublish(args: JsonObject, team: FakeTeam): MethodResult {
    const userId = args.user_id;
    if (typeof userId !== 'string' || userId === '') return invalidArguments(['[ERROR] missing required field: user_id [json-pointer:/]']);
    // Slack's answer for a user it does not know in this workspace.
    if (!this.userIn(team, userId)) return invalidArguments(['invalid `user_id`']);
    const refusal = viewRefusal(args.view, 'home');
    if (refusal) return refusal;
    return this.modals.publish(team.id, userId, args.view as JsonObject, args.hash);
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
        is_restricted: user.isRestricted,
        is_ultra_restricted: user.isUltraRestricted,
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

  private filesInfo(args: JsonObject, team: FakeTeam): MethodResult {
    const file = typeof args.file === 'string' ? this.files.get(args.file) : undefined;
    // Another workspace's file does not exist for this token.
    if (!file || file.teamId !== team.id) return { ok: false, error: 'file_not_found' };
    if (file.deleted) return { ok: false, error: 'file_deleted' };
    return { ok: true, file: this.renderFile(file), comments: [], response_metadata: { next_cursor: '' } };
  }

  // files.uploadV2 is these three steps (WebClient.filesUploadV2): get an upload URL, POST the bytes
  // there, complete the upload. Slack's rules as documented: `filename` and `length` are required (a
  // length of 0 is `missing_argument`); an upload URL takes the bytes raw or as multipart and answers
  // 200 "OK - <bytes>" (non-200 is a failure); completion needs this workspace's file ids, can be
  // called once, and shares into a channel id (`channel_id`; a user id is refused, as Slack
  // validates it as a conversation id) the bot can post in.

  private filesGetUploadURLExternal(args: JsonObject, team: FakeTeam): MethodResult {
    const missing = ['filename', 'length'].filter((key) => args[key] === undefined || args[key] === '');
    if (missing.length) return invalidArguments(missing.map((key) => `[ERROR] missing required field: ${key} [json-pointer:/${key}]`));
    if (typeof args.filename !== 'string') return invalidArguments(['[ERROR] must provide a string [json-pointer:/filename]']);
    const length = typeof args.length === 'number' ? args.length : Number(args.length);
    if (!Number.isInteger(length) || length < 0) return invalidArguments(['[ERROR] must provide an integer [json-pointer:/length]']);
    if (length === 0) return { ok: false, error: 'missing_argument' };
    if (typeof args.alt_txt === 'string' && chars(args.alt_txt) > 1000) return { ok: false, error: 'alt_txt_too_large' };
    const fileId = `F${randomBytes(5).toString('hex').toUpperCase()}`;
    this.uploads.set(fileId, { fileId, teamId: team.id, filename: args.filename, length, content: null, completed: false });
    return { ok: true, upload_url: `${this.baseUrl}/upload/v1/${fileId}`, file_id: fileId };
  }

  /** The upload URL: the bytes, raw or as the one file of a multipart form, exactly `length` of them. */
  private async receiveUpload(fileId: string, contentType: string, body: Buffer): Promise<{ status: number; text: string }> {
    const upload = this.uploads.get(fileId);
    const answer = (status: number, text: string, bytes = 0) => {
      this.uploadPosts.push({ fileId, bytes, status });
      return { status, text };
    };
    if (!upload || upload.completed || upload.content) return answer(404, 'not_found');
    let bytes = body;
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
      const file = [...form.values()].find((value) => typeof value !== 'string');
      if (!file || typeof file === 'string') return answer(400, 'no file in the form');
      bytes = Buffer.from(await file.arrayBuffer());
    }
    // The fake's strictness: the file must be what files.getUploadURLExternal was told it is.
    if (bytes.length !== upload.length) return answer(400, `length mismatch: ${bytes.length} bytes, ${upload.length} announced`, bytes.length);
    upload.content = bytes;
    return answer(200, `OK - ${bytes.length}`, bytes.length);
  }

  private filesCompleteUploadExternal(args: JsonObject, team: FakeTeam): MethodResult {
    let files: unknown = args.files;
    if (typeof files === 'string') {
      try {
        files = JSON.parse(files);
      } catch {
        return invalidArguments(['[ERROR] must provide an array [json-pointer:/files]']);
      }
    }
    if (files === undefined) return invalidArguments(['[ERROR] missing required field: files [json-pointer:/files]']);
    if (!Array.isArray(files) || files.length === 0 || !files.every((f) => isObj(f) && typeof f.id === 'string')) return invalidArguments(['[ERROR] must provide an array of objects with an id [json-pointer:/files]']);
    const uploads: FakeUpload[] = [];
    for (const entry of files as JsonObject[]) {
      const upload = this.uploads.get(entry.id as string);
      // Another workspace's upload, one completed already (it can be completed once), or one whose
      // bytes never came (the fake has no job handler to wait for): not a file this call can finish.
      if (!upload || upload.teamId !== team.id || upload.completed || !upload.content) return { ok: false, error: 'file_not_found' };
      uploads.push(upload);
    }
    const channelArg = typeof args.channel_id === 'string' && args.channel_id !== '' ? args.channel_id : typeof args.channels === 'string' && args.channels !== '' ? args.channels : undefined;
    let channel: FakeChannel | undefined;
    if (channelArg !== undefined) {
      if (!/^[CGDZ][A-Z0-9]{8,}$/.test(channelArg)) return invalidArguments([`[ERROR] invalid channel id [json-pointer:/channel_id]`]);
      const target = this.resolveChannelForPost(channelArg, team);
      if ('error' in target) return { ok: false, error: target.error };
      channel = target.channel;
    }
    const initialComment = typeof args.initial_comment === 'string' ? args.initial_comment : undefined;
    if (initialComment !== undefined && chars(initialComment) > LIMITS.messageText) return { ok: false, error: 'msg_too_long' };
    for (const [i, upload] of uploads.entries()) {
      const title = (files as JsonObject[])[i]!.title;
      upload.completed = true;
      if (typeof title === 'string') upload.title = title;
      if (channel) upload.channel = channel.id;
      if (initialComment !== undefined) upload.initialComment = initialComment;
      const extension = /\.([A-Za-z0-9]+)$/.exec(upload.filename)?.[1]?.toLowerCase() ?? 'text';
      this.files.set(upload.fileId, {
        id: upload.fileId,
        teamId: team.id,
        user: this.botUserId,
        name: upload.filename,
        content: upload.content!,
        filetype: extension,
        mimetype: extension === 'json' ? 'application/json' : extension === 'gz' ? 'application/gzip' : 'application/octet-stream',
        created: Math.floor(this.now() / 1000),
        deleted: false,
      });
    }
    if (channel) {
      const message = this.storeMessage(channel.id, { text: initialComment ?? '', blocks: undefined, attachments: undefined }, 'files.completeUploadExternal');
      message.files = uploads.map((u) => u.fileId);
    }
    return { ok: true, files: uploads.map((u) => ({ id: u.fileId, title: u.title ?? u.filename })) };
  }

  /** Files the app shared with files.completeUploadExternal, in order (`content` is what it uploaded). */
  sharedFiles(): FakeUpload[] {
    return [...this.uploads.values()].filter((u) => u.completed);
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
    return this.user(userId, userId === this.botUserId ? this.teamId : team.id);
  }

  /** A channel of this workspace: another team's channel does not exist for its token. */
  private channelIn(team: FakeTeam, channelId: string): FakeChannel | undefined {
    const channel = this.channels.get(channelId);
    return channel?.teamId === team.id ? channel : undefined;
  }

  private imWith(user: FakeUser): FakeChannel {
    const userId = user.id;
    const existing = [...this.channels.values()].find((c) => c.isIm && c.teamId === user.teamId && c.imUser === userId);
    if (existing) return existing;
    const channel: FakeChannel = {
      id: `D${user.teamId.slice(1)}${userId.slice(1)}`,
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

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
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

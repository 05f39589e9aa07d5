// The local Slack's side of "Add to Slack", as Slack documents it (docs.slack.dev, "Installing with
// OAuth", oauth.v2.access, apps.uninstall, token rotation):
//   GET /oauth/v2/authorize   the user (signed in with a session cookie) approves; Slack redirects
//                             to the app's redirect URL with a code and the app's state
//   oauth.v2.access           the code, once, for the team (or, org-wide, the Enterprise Grid org) it
//                             was issued in, with the app's client id and secret; with token rotation,
//                             also grant_type=refresh_token
//   apps.uninstall            revokes every token of that installation
// A token acts for its own workspace only; an org-wide token for the org's workspaces, the one named
// by `team_id` (WebClient adds it). A revoked token answers `token_revoked`, an expired one
// `token_expired`, an unknown one `invalid_auth`.
import { randomBytes } from 'node:crypto';
import type { JsonObject } from './blockKit.js';

export interface FakeOAuthApp {
  clientId: string;
  clientSecret: string;
  /** The app settings' redirect URLs: the first is used when the authorize URL names none. */
  redirectUrls: string[];
  /** "Token rotation" in the app's settings: bot tokens expire and come with a refresh token. */
  tokenRotation: boolean;
  /** Lifetime of a rotating token (Slack: 12 hours). */
  tokenLifetimeSeconds: number;
  /** "Org-level apps": an Enterprise Grid org can install the app once for its workspaces. */
  orgDeployEnabled: boolean;
}

/** Who is signed in to Slack in the browser, and what they answer on the consent page. */
export interface FakeSession {
  teamId: string;
  userId: string;
  /** Install for the whole Enterprise Grid org of `teamId` (an org admin's choice). */
  orgWide?: boolean;
  /** Clicks Cancel instead of Allow. */
  deny?: boolean;
}

/** What the fake knows of its workspaces (server.ts). */
export interface OAuthWorld {
  readonly appId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly now: () => number;
  team(teamId: string): { id: string; domain: string; enterpriseId?: string | undefined } | undefined;
  teamsOf(enterpriseId: string): Array<{ id: string; domain: string }>;
  hasUser(teamId: string, userId: string): boolean;
  /** Records the newest bot token of a workspace (botTokenOf). */
  installed(teamId: string, token: string | undefined): void;
}

type Grant = { kind: 'team'; teamId: string; enterpriseId: string | undefined } | { kind: 'org'; enterpriseId: string };

interface IssuedToken {
  grant: Grant;
  /** Milliseconds; undefined = never expires. */
  expiresAt: number | undefined;
  revoked: boolean;
  /** The scopes the installer approved (the authorize URL's `scope`). */
  scopes: ReadonlySet<string>;
}

interface IssuedCode {
  grant: Grant;
  userId: string;
  scopes: string;
  redirectUri: string | undefined;
  issuedAt: number;
  used: boolean;
}

const CODE_TTL_MS = 10 * 60 * 1000;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const grantKey = (grant: Grant) => (grant.kind === 'org' ? `org:${grant.enterpriseId}` : `team:${grant.teamId}`);

export class FakeOAuth {
  readonly app: FakeOAuthApp = {
    clientId: `${1000000000 + Math.floor(Math.random() * 8999999999)}.${Date.now()}`,
    clientSecret: randomBytes(16).toString('hex'),
    redirectUrls: [],
    tokenRotation: false,
    tokenLifetimeSeconds: 12 * 3600,
    orgDeployEnabled: true,
  };
  private readonly sessions = new Map<string, FakeSession>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, IssuedToken>();
  /** Refresh token -> the grant it refreshes (and its scopes); deleted once used (each refresh gives a new one). */
  private readonly refreshTokens = new Map<string, { grant: Grant; scopes: ReadonlySet<string> }>();

  constructor(private readonly world: OAuthWorld) {}

  /** Signs a user in to Slack in "the browser": the Cookie header to send to /oauth/v2/authorize. */
  signIn(session: FakeSession): string {
    const id = randomBytes(12).toString('hex');
    this.sessions.set(id, { ...session });
    return `d=${id}`;
  }

  /** The scopes a token this module issued carries, or undefined for another token. */
  scopesOf(token: string): ReadonlySet<string> | undefined {
    return this.tokens.get(token)?.scopes;
  }

  /** True when `token` is one this module issued (the server asks before answering invalid_auth). */
  knows(token: string): boolean {
    return this.tokens.has(token);
  }

  /**
   * The workspace a call made with an OAuth-issued token acts in, or Slack's error for the token.
   * An org-wide token acts in the org workspace that `team_id` names (or whose object the call names).
   */
  teamFor(token: string, args: JsonObject, infer: () => string | undefined): { teamId: string } | { error: string } | { orgAuthTest: JsonObject } {
    const issued = this.tokens.get(token);
    if (!issued) return { error: 'invalid_auth' };
    if (issued.revoked) return { error: 'token_revoked' };
    if (issued.expiresAt !== undefined && this.world.now() >= issued.expiresAt) return { error: 'token_expired' };
    const grant = issued.grant;
    if (grant.kind === 'team') return { teamId: grant.teamId };
    const wanted = typeof args.team_id === 'string' && args.team_id !== '' ? args.team_id : infer();
    if (wanted === undefined) return { orgAuthTest: this.orgAuthTest(grant.enterpriseId) };
    if (this.world.team(wanted)?.enterpriseId !== grant.enterpriseId) return { error: 'team_access_not_granted' };
    return { teamId: wanted };
  }

  private orgAuthTest(enterpriseId: string): JsonObject {
    return {
      ok: true,
      url: `https://${enterpriseId.toLowerCase()}.enterprise.slack.com/`,
      team: enterpriseId,
      user: 'followup-bot',
      team_id: enterpriseId,
      user_id: this.world.botUserId,
      bot_id: this.world.botId,
      enterprise_id: enterpriseId,
      is_enterprise_install: true,
    };
  }

  // ── the browser's side ──

  authorize(url: URL, cookie: string | undefined): HttpAnswer {
    const query = url.searchParams;
    if (query.get('client_id') !== this.app.clientId) return page(400, 'invalid_client_id');
    const scopes = query.get('scope') ?? '';
    if (scopes.trim() === '') return page(400, 'invalid_scope');
    const given = query.get('redirect_uri') ?? undefined;
    if (given !== undefined && !this.app.redirectUrls.includes(given)) return page(400, 'bad_redirect_uri');
    const redirect = given ?? this.app.redirectUrls[0];
    if (!redirect) return page(400, 'no_redirect_uri');
    const sessionId = /(?:^|;\s*)d=([^;]+)/.exec(cookie ?? '')?.[1];
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    // Slack shows its sign-in page; nothing is redirected until someone signs in.
    if (!session) return page(200, 'sign_in_required');
    const team = this.world.team(session.teamId);
    if (!team || !this.world.hasUser(team.id, session.userId)) return page(400, 'invalid_team_for_user');
    const state = query.get('state');
    const back = new URL(redirect);
    if (session.deny) {
      back.searchParams.set('error', 'access_denied');
      if (state !== null) back.searchParams.set('state', state);
      return { status: 302, headers: { Location: back.toString() }, body: '' };
    }
    let grant: Grant = { kind: 'team', teamId: team.id, enterpriseId: team.enterpriseId };
    if (session.orgWide) {
      if (!team.enterpriseId || !this.app.orgDeployEnabled) return page(400, 'org_install_not_available');
      grant = { kind: 'org', enterpriseId: team.enterpriseId };
    }
    const code = `${Date.now()}.${randomBytes(12).toString('hex')}`;
    this.codes.set(code, { grant, userId: session.userId, scopes, redirectUri: given, issuedAt: this.world.now(), used: false });
    back.searchParams.set('code', code);
    if (state !== null) back.searchParams.set('state', state);
    return { status: 302, headers: { Location: back.toString() }, body: '' };
  }

  // ── Web API methods that take the app's credentials instead of a token ──

  oauthV2Access(args: JsonObject, basicAuth: string | undefined): JsonObject {
    const credentials = clientCredentials(args, basicAuth);
    if (credentials.clientId !== this.app.clientId) return { ok: false, error: 'invalid_client_id' };
    if (credentials.clientSecret !== this.app.clientSecret) return { ok: false, error: 'bad_client_secret' };
    if (args.grant_type === 'refresh_token') return this.refresh(args);
    if (args.grant_type !== undefined && args.grant_type !== 'authorization_code') return { ok: false, error: 'invalid_grant_type' };
    const code = typeof args.code === 'string' ? this.codes.get(args.code) : undefined;
    if (!code || this.world.now() - code.issuedAt > CODE_TTL_MS) return { ok: false, error: 'invalid_code' };
    if (code.used) return { ok: false, error: 'code_already_used' };
    // When the authorize step named a redirect_uri, the exchange must name the same one.
    if (code.redirectUri !== undefined && args.redirect_uri !== code.redirectUri) return { ok: false, error: 'bad_redirect_uri' };
    code.used = true;
    const { token, rotation } = this.issue(code.grant, scopeSet(code.scopes));
    const grant = code.grant;
    const enterpriseId = grant.enterpriseId;
    return {
      ok: true,
      app_id: this.world.appId,
      authed_user: { id: code.userId },
      scope: code.scopes,
      token_type: 'bot',
      access_token: token,
      bot_user_id: this.world.botUserId,
      team: grant.kind === 'team' ? { id: grant.teamId, name: this.world.team(grant.teamId)?.domain ?? grant.teamId } : null,
      enterprise: enterpriseId ? { id: enterpriseId, name: enterpriseId } : null,
      is_enterprise_install: grant.kind === 'org',
      ...rotation,
    };
  }

  private refresh(args: JsonObject): JsonObject {
    const refreshToken = typeof args.refresh_token === 'string' ? args.refresh_token : '';
    const refreshed = this.refreshTokens.get(refreshToken);
    if (!refreshed) return { ok: false, error: 'invalid_refresh_token' };
    this.refreshTokens.delete(refreshToken);
    const { grant, scopes } = refreshed;
    const { token, rotation } = this.issue(grant, scopes);
    return {
      ok: true,
      app_id: this.world.appId,
      token_type: 'bot',
      access_token: token,
      scope: [...scopes].join(','),
      bot_user_id: this.world.botUserId,
      team: grant.kind === 'team' ? { id: grant.teamId } : null,
      enterprise: grant.enterpriseId ? { id: grant.enterpriseId } : null,
      is_enterprise_install: grant.kind === 'org',
      ...rotation,
    };
  }

  private issue(grant: Grant, scopes: ReadonlySet<string>): { token: string; rotation: JsonObject } {
    const owner = grant.kind === 'org' ? grant.enterpriseId : grant.teamId;
    const token = `${this.app.tokenRotation ? 'xoxe.' : ''}xoxb-${owner}-${randomBytes(12).toString('hex')}`;
    const expiresAt = this.app.tokenRotation ? this.world.now() + this.app.tokenLifetimeSeconds * 1000 : undefined;
    this.tokens.set(token, { grant, expiresAt, revoked: false, scopes });
    if (grant.kind === 'team') this.world.installed(grant.teamId, token);
    else for (const team of this.world.teamsOf(grant.enterpriseId)) this.world.installed(team.id, token);
    if (!this.app.tokenRotation) return { token, rotation: {} };
    const refreshToken = `xoxe-1-${randomBytes(16).toString('hex')}`;
    this.refreshTokens.set(refreshToken, { grant, scopes });
    return { token, rotation: { refresh_token: refreshToken, expires_in: this.app.tokenLifetimeSeconds } };
  }

  /** apps.uninstall: the app's credentials, and a token of the installation to remove. */
  appsUninstall(args: JsonObject, token: string | undefined): JsonObject {
    if (args.client_id !== this.app.clientId) return { ok: false, error: 'invalid_client_id' };
    if (args.client_secret !== this.app.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const issued = token ? this.tokens.get(token) : undefined;
    if (!issued) return { ok: false, error: 'invalid_auth' };
    if (issued.revoked) return { ok: false, error: 'token_revoked' };
    this.revoke(issued.grant);
    return { ok: true };
  }

  /** Every token and refresh token of a workspace's (or an org's) installation stops working. */
  revoke(grant: { teamId: string } | { enterpriseId: string }): void {
    const key = 'teamId' in grant ? `team:${grant.teamId}` : `org:${grant.enterpriseId}`;
    for (const issued of this.tokens.values()) if (grantKey(issued.grant) === key) issued.revoked = true;
    for (const [refreshToken, r] of this.refreshTokens) if (grantKey(r.grant) === key) this.refreshTokens.delete(refreshToken);
    if ('teamId' in grant) this.world.installed(grant.teamId, undefined);
    else for (const team of this.world.teamsOf(grant.enterpriseId)) this.world.installed(team.id, undefined);
  }
}

function clientCredentials(args: JsonObject, basicAuth: string | undefined): { clientId: unknown; clientSecret: unknown } {
  if (basicAuth?.startsWith('Basic ')) {
    const [clientId, clientSecret] = Buffer.from(basicAuth.slice('Basic '.length), 'base64').toString('utf8').split(':');
    return { clientId, clientSecret };
  }
  return { clientId: args.client_id, clientSecret: args.client_secret };
}

function page(status: number, error: string): HttpAnswer {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: `<html><body><h1>Slack</h1><p id="error">${error}</p></body></html>` };
}

/** The `scope` of an authorize URL ("commands,users:read") as a set. */
function scopeSet(scopes: string): ReadonlySet<string> {
  return new Set(scopes.split(/[\s,]+/).filter(Boolean));
}

// The local Slack's "Add to Slack" refuses what Slack refuses: a code works once, for the team it was
// issued in, with the app's own credentials; a revoked token is refused; an org-wide token acts only
// in its org's workspaces, and a workspace token never on another team's objects.
import { readFileSync } from 'node:fs';
import { WebClient, LogLevel as WebLogLevel } from '@slack/web-api';
import { startFakeSlack, type FakeSlack } from './fakeSlack.js';
import { BOT_SCOPES } from '../../src/installs/installer.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => WebLogLevel.ERROR, setName() {} };
const REDIRECT = 'https://followups.example.com/slack/oauth_redirect';

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack();
  fake.oauth.app.redirectUrls = [REDIRECT];
});
afterAll(() => fake.close());

/** A client as Bolt makes one; `teamId` is what an org-wide token acts in (the client adds team_id to each call). */
const client = (token?: string, teamId?: string) => new WebClient(token, { slackApiUrl: fake.apiUrl, logger: quiet, retryConfig: { retries: 0 }, ...(teamId ? { teamId } : {}) });
const error = (promise: Promise<unknown>) => promise.then(() => 'ok', (e: { data?: { error?: string } }) => e.data?.error ?? String(e));

/** Approves the app on Slack's authorize page as `userId` of `teamId`; returns the code. */
async function approve(teamId: string, userId: string, options: { orgWide?: boolean; redirectUri?: string } = {}): Promise<string> {
  const url = new URL(`${fake.baseUrl}/oauth/v2/authorize`);
  url.searchParams.set('client_id', fake.oauth.app.clientId);
  url.searchParams.set('scope', 'commands,users:read');
  url.searchParams.set('state', 's1');
  if (options.redirectUri) url.searchParams.set('redirect_uri', options.redirectUri);
  const res = await fetch(url, { redirect: 'manual', headers: { cookie: fake.oauth.signIn({ teamId, userId, ...(options.orgWide ? { orgWide: true } : {}) }) } });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(back.searchParams.get('state')).toBe('s1');
  return back.searchParams.get('code')!;
}

const exchange = (code: string, extra: Record<string, string> = {}) =>
  client().oauth.v2.access({ client_id: fake.oauth.app.clientId, client_secret: fake.oauth.app.clientSecret, code, ...extra });

function team(id: string, enterpriseId?: string) {
  fake.addTeam({ id, installed: false, ...(enterpriseId ? { enterpriseId } : {}) });
  fake.addUser({ id: `U${id}`, teamId: id });
  return id;
}

test('a code is exchanged once, for a token of the team it was issued in; the app’s credentials are checked', async () => {
  const acme = team('TACME01');
  const code = await approve(acme, 'UTACME01');
  expect(await error(client().oauth.v2.access({ client_id: fake.oauth.app.clientId, client_secret: 'wrong', code }))).toBe('bad_client_secret');
  expect(await error(client().oauth.v2.access({ client_id: '1.2', client_secret: fake.oauth.app.clientSecret, code }))).toBe('invalid_client_id');
  const granted = await exchange(code);
  expect(granted).toMatchObject({ ok: true, token_type: 'bot', team: { id: acme }, enterprise: null, is_enterprise_install: false, authed_user: { id: 'UTACME01' }, bot_user_id: fake.botUserId });
  expect(await error(exchange(code))).toBe('code_already_used');
  expect(await error(exchange('made-up'))).toBe('invalid_code');
  expect((await client(granted.access_token).auth.test()).team_id).toBe(acme);
});

test('a redirect_uri named at authorize must be named again at the exchange, and must be one of the app’s', async () => {
  const t = team('TREDIR01');
  const res = await fetch(`${fake.baseUrl}/oauth/v2/authorize?client_id=${fake.oauth.app.clientId}&scope=commands&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`, {
    redirect: 'manual',
    headers: { cookie: fake.oauth.signIn({ teamId: t, userId: `U${t}` }) },
  });
  expect(res.status).toBe(400);
  expect(await res.text()).toContain('bad_redirect_uri');
  const code = await approve(t, `U${t}`, { redirectUri: REDIRECT });
  expect(await error(exchange(code))).toBe('bad_redirect_uri');
  expect((await exchange(code, { redirect_uri: REDIRECT })).ok).toBe(true);
});

test('a token never acts on another team’s objects; an unknown token is invalid_auth and a revoked one token_revoked', async () => {
  const a = team('TCROSSA');
  const b = team('TCROSSB');
  const tokenA = (await exchange(await approve(a, `U${a}`))).access_token!;
  expect((await client(tokenA).users.info({ user: `U${a}` })).ok).toBe(true);
  expect(await error(client(tokenA).users.info({ user: `U${b}` }))).toBe('user_not_found');
  expect(await error(client('xoxb-made-up').auth.test())).toBe('invalid_auth');
  expect((await client(tokenA).apps.uninstall({ client_id: fake.oauth.app.clientId, client_secret: fake.oauth.app.clientSecret })).ok).toBe(true);
  expect(await error(client(tokenA).auth.test())).toBe('token_revoked');
  expect(fake.botTokenOf(a)).toBeUndefined();
});

test('an org-wide install gives one token for the org’s workspaces, each named by team_id, and none outside the org', async () => {
  const east = team('TORGEAST', 'EORG01');
  const west = team('TORGWEST', 'EORG01');
  const other = team('TOTHER01');
  const granted = await exchange(await approve(east, `U${east}`, { orgWide: true }));
  expect(granted).toMatchObject({ ok: true, team: null, enterprise: { id: 'EORG01' }, is_enterprise_install: true });
  const token = granted.access_token!;
  expect(await client(token).auth.test()).toMatchObject({ is_enterprise_install: true, enterprise_id: 'EORG01' });
  expect((await client(token, west).users.info({ user: `U${west}` })).ok).toBe(true);
  expect(await error(client(token, east).users.info({ user: `U${west}` }))).toBe('user_not_found');
  expect(await error(client(token, other).users.info({ user: `U${other}` }))).toBe('team_access_not_granted');
});

test('with token rotation a refresh token gives a new token once', async () => {
  fake.oauth.app.tokenRotation = true;
  try {
    const t = team('TROTATE1');
    const granted = await exchange(await approve(t, `U${t}`));
    expect(granted).toMatchObject({ ok: true, expires_in: fake.oauth.app.tokenLifetimeSeconds, refresh_token: expect.stringMatching(/^xoxe-1-/) });
    const refresh = () => client().oauth.v2.access({ client_id: fake.oauth.app.clientId, client_secret: fake.oauth.app.clientSecret, grant_type: 'refresh_token', refresh_token: granted.refresh_token! });
    const next = await refresh();
    expect(next.access_token).not.toBe(granted.access_token);
    expect(await error(refresh())).toBe('invalid_refresh_token');
  } finally {
    fake.oauth.app.tokenRotation = false;
  }
});

test('"Add to Slack" asks for the bot scopes manifest.yml lists (a scope added there goes into BOT_SCOPES too)', () => {
  const manifest = readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8');
  const bot = /scopes:\n\s+bot:\n((?:\s+(?:#.*|- \S+)\n)+)/.exec(manifest)?.[1] ?? '';
  const listed = [...bot.matchAll(/- (\S+)/g)].map((m) => m[1]);
  expect([...BOT_SCOPES].sort()).toEqual(listed.sort());
});

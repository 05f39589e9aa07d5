// "Add to Slack" into many workspaces, through real HTTP: the app's /slack/install, the local Slack's
// authorize page, the app's /slack/oauth_redirect; then each workspace's requests act with its own
// token only (the local Slack refuses a token used for another team's objects).
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { addToSlackLink, Browser, installWithBrowser } from '../support/browser.js';
import { openedViewId, viewText } from '../support/flows.js';
import { NotInstalledError } from '../../src/installs/slackClients.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ distributed: true });
});
afterAll(() => app.stop());

/** Installs the app in `ws` as `userId` (an admin of it), through the browser. */
async function install(ws: TestWorkspace, userId = 'UADMIN') {
  ws.as(userId, { isAdmin: true });
  return installWithBrowser(app.url, app.fake, { teamId: ws.ref.teamId, userId });
}

/** Opens the clone modal with /schedule clone and returns the tokens of every Web API call it made. */
async function cloneModalTokens(ws: TestWorkspace): Promise<{ status: number; tokens: Set<string | undefined>; viewId?: string }> {
  const since = app.fake.calls.length;
  const res = await ws.as('UALEX').command('clone');
  if (res.status !== 200) return { status: res.status, tokens: new Set() };
  const viewId = await openedViewId(app.fake, 'views.open', since);
  return { status: res.status, tokens: new Set(app.fake.calls.slice(since).map((c) => c.token)), viewId };
}

test('installing into two workspaces stores two installations, and each workspace’s commands use only its own token', async () => {
  const acme = app.workspace();
  const globex = app.workspace();

  for (const ws of [acme, globex]) {
    const { installPage, authorize, redirect } = await install(ws);
    expect(installPage.status).toBe(200);
    expect(authorize.status).toBe(302);
    expect(redirect.status).toBe(200);
    expect(redirect.html).toContain('Followups is installed in');
    expect(redirect.html).toContain('/schedule help');
  }

  const stored = await Promise.all([acme, globex].map((ws) => app.services.installations.find({ teamId: ws.ref.teamId, isEnterpriseInstall: false })));
  expect(stored.map((s) => s?.bot.token)).toEqual([app.fake.botTokenOf(acme.ref.teamId), app.fake.botTokenOf(globex.ref.teamId)]);
  expect(stored[0]!.bot.token).not.toEqual(stored[1]!.bot.token);
  expect(stored[0]).toMatchObject({ isEnterpriseInstall: false, installerUserId: 'UADMIN', bot: { userId: app.fake.botUserId, id: app.fake.botId, scopes: expect.arrayContaining(['commands', 'users:read']) } });

  for (const ws of [acme, globex]) {
    const { status, tokens, viewId } = await cloneModalTokens(ws);
    expect(status).toBe(200);
    expect([...tokens]).toEqual([app.fake.botTokenOf(ws.ref.teamId)]);
    expect(viewText(app.fake, viewId!)).toContain('Schedule to clone');
  }
});

test('a workspace that has not installed the app gets Bolt’s authorization failure, and a job for it stops with NotInstalledError', async () => {
  const ws = app.workspace();
  const since = app.fake.calls.length;
  const res = await ws.as('UALEX').command('list');
  expect(res.status).toBe(401);
  expect(app.fake.calls.slice(since)).toEqual([]);
  await expect(app.runtime.slackClients.forWorkspace(ws.ref)).rejects.toBeInstanceOf(NotInstalledError);
});

test('a job’s client for an installed workspace acts with that workspace’s token', async () => {
  const ws = app.workspace();
  await install(ws);
  const client = await app.runtime.slackClients.forWorkspace(ws.ref);
  const auth = await client.auth.test();
  expect(auth.team_id).toBe(ws.ref.teamId);
  expect(app.fake.calls.at(-1)!.token).toBe(app.fake.botTokenOf(ws.ref.teamId));
});

test('a forged state is refused with a page that says so, and nothing is installed', async () => {
  const ws = app.workspace();
  ws.as('UADMIN', { isAdmin: true });
  const browser = new Browser();
  browser.signInToSlack(app.fake, { teamId: ws.ref.teamId, userId: 'UADMIN' });
  const link = new URL(addToSlackLink(await browser.get(`${app.url}/slack/install`)));
  // An attacker's own state, set both in the link and in the victim's cookie: only the signature can tell.
  const forged = `${Buffer.from(JSON.stringify({ n: 'attacker', t: Date.now(), o: { scopes: ['commands'] } })).toString('base64url')}.forged-signature`;
  link.searchParams.set('state', forged);
  browser.setCookie(app.url, 'slack-app-oauth-state', forged);
  const authorize = await browser.get(link.toString());
  const redirect = await browser.get(authorize.location!);
  expect(redirect.status).toBe(400);
  expect(redirect.html).toContain('This install link can’t be used');
  expect(redirect.html).toContain('/slack/install');
  expect(await app.services.installations.find({ teamId: ws.ref.teamId, isEnterpriseInstall: false })).toBeNull();
  expect(app.fake.callsTo('oauth.v2.access').filter((c) => c.args.code === new URL(authorize.location!).searchParams.get('code'))).toEqual([]);
});

test('a state is used once: the same state with a second code is refused, even though Slack issued the code', async () => {
  const ws = app.workspace();
  ws.as('UADMIN', { isAdmin: true });
  const browser = new Browser();
  browser.signInToSlack(app.fake, { teamId: ws.ref.teamId, userId: 'UADMIN' });
  const link = addToSlackLink(await browser.get(`${app.url}/slack/install`));
  const state = browser.cookie(app.url, 'slack-app-oauth-state')!;
  // Slack's authorize page approved twice with the same link: two codes, one state.
  const first = await browser.get(link);
  const second = await browser.get(link);
  expect((await browser.get(first.location!)).status).toBe(200);
  const installed = await app.services.installations.find({ teamId: ws.ref.teamId, isEnterpriseInstall: false });
  expect(installed).not.toBeNull();

  browser.setCookie(app.url, 'slack-app-oauth-state', state); // the cookie was cleared; a replay brings it back
  const replay = await browser.get(second.location!);
  expect(replay.status).toBe(400);
  expect(replay.html).toContain('This install link can’t be used');
  expect(replay.html).toContain('already used');
  // The replayed code was never exchanged: the installation is the first one.
  expect(app.fake.callsTo('oauth.v2.access').some((c) => c.args.code === new URL(second.location!).searchParams.get('code'))).toBe(false);
  expect((await app.services.installations.find({ teamId: ws.ref.teamId, isEnterpriseInstall: false }))?.bot.token).toBe(installed!.bot.token);
});

test('cancelling on Slack’s page installs nothing and says so', async () => {
  const ws = app.workspace();
  ws.as('UADMIN', { isAdmin: true });
  const { redirect } = await installWithBrowser(app.url, app.fake, { teamId: ws.ref.teamId, userId: 'UADMIN', deny: true });
  expect(redirect.status).toBe(400);
  expect(redirect.html).toContain('Installation cancelled');
  expect(await app.services.installations.find({ teamId: ws.ref.teamId, isEnterpriseInstall: false })).toBeNull();
});

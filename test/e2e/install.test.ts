// "Add to Slack" into many workspaces, through real HTTP: the app's /slack/install, the local Slack's
// authorize page, the app's /slack/oauth_redirect; then each workspace's requests act with its own
// token only (the local Slack refuses a token used for another team's objects).
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { addToSlackLink, Browser, installWithBrowser } from '../support/browser.js';
import { blocksText, openedViewId, viewText } from '../support/flows.js';
import { Types } from 'mongoose';
import { NotInstalledError } from '../../src/installs/slackClients.js';
import { JOBS } from '../../src/jobs/index.js';

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

/** Opens the clone modal with /schedule clone and returns the bot tokens of every Web API call it made (a token refresh sends none). */
async function cloneModalTokens(ws: TestWorkspace): Promise<{ status: number; tokens: Set<string | undefined>; viewId?: string }> {
  const since = app.fake.calls.length;
  const res = await ws.as('UALEX').command('clone');
  if (res.status !== 200) return { status: res.status, tokens: new Set() };
  const viewId = await openedViewId(app.fake, 'views.open', since);
  return { status: res.status, tokens: new Set(app.fake.calls.slice(since).filter((c) => c.method !== 'oauth.v2.access').map((c) => c.token)), viewId };
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

/** An Events API delivery, as Slack signs and sends it. */
function eventBody(ws: TestWorkspace, event: Record<string, unknown>, options: { isEnterpriseInstall?: boolean; eventTime?: number } = {}): string {
  const { teamId, enterpriseId } = ws.ref;
  return JSON.stringify({
    token: 'verification-token',
    team_id: teamId,
    ...(enterpriseId ? { enterprise_id: enterpriseId } : {}),
    api_app_id: app.fake.appId,
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2)}`,
    event_time: options.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: enterpriseId ?? null, team_id: options.isEnterpriseInstall ? null : teamId, user_id: app.fake.botUserId, is_bot: true, is_enterprise_install: options.isEnterpriseInstall ?? false }],
    is_ext_shared_channel: false,
    event,
  });
}

/** Opens App Home as `userId` and returns the text of what the app published there. */
async function openHome(ws: TestWorkspace, userId: string, options: { isEnterpriseInstall?: boolean } = {}) {
  const since = app.fake.calls.length;
  const res = await ws.as(userId).signedPost(eventBody(ws, { type: 'app_home_opened', user: userId, channel: 'D123', tab: 'home', event_ts: `${Date.now() / 1000}` }, options), { contentType: 'application/json' });
  expect(res.status).toBe(200);
  const publish = await app.fake.waitForCall('views.publish', (c) => app.fake.calls.indexOf(c) >= since && c.args.user_id === userId);
  expect(publish.response.ok).toBe(true);
  return { call: publish, text: blocksText((publish.args.view as { blocks: unknown }).blocks), viewId: (publish.response.view as { id: string }).id };
}

async function until<T>(what: string, find: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('an Enterprise Grid org-wide install serves two of its workspaces, each with its own data', async () => {
  const enterpriseId = `E${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
  const east = app.workspace({ enterpriseId, isEnterpriseInstall: true });
  const west = app.workspace({ enterpriseId, isEnterpriseInstall: true });
  east.as('UORGADMIN', { isAdmin: true });
  const { redirect } = await installWithBrowser(app.url, app.fake, { teamId: east.ref.teamId, userId: 'UORGADMIN', orgWide: true });
  expect(redirect.status).toBe(200);
  expect(redirect.html).toContain(`Followups is installed in ${enterpriseId}`);
  expect(redirect.html).toContain('/workspaces/add');

  const org = await app.services.installations.find({ enterpriseId, isEnterpriseInstall: true });
  expect(org).toMatchObject({ isEnterpriseInstall: true, enterprise: { id: enterpriseId } });
  expect(org!.team).toBeUndefined();
  expect(await app.services.installations.find({ teamId: east.ref.teamId, isEnterpriseInstall: false })).toBeNull();

  // Data made in one workspace of the org is that workspace's only.
  await app.services.assistants.create({ workspace: east.ref, userId: 'UORGADMIN', name: 'Admin', isAdmin: true }, { name: 'Ava', notificationChannel: '', timeZone: 'America/New_York', offDays: [6, 0] });
  const eastHome = await openHome(east, 'UEAST', { isEnterpriseInstall: true });
  const westHome = await openHome(west, 'UWEST', { isEnterpriseInstall: true });
  expect(eastHome.text).toContain('1 assistant');
  expect(westHome.text).toContain('0 assistants');
  // One org token, acting in the workspace each call names.
  expect(eastHome.call.token).toBe(org!.bot.token);
  expect([eastHome.call.args.team_id, westHome.call.args.team_id]).toEqual([east.ref.teamId, west.ref.teamId]);

  for (const ws of [east, west]) {
    const { status, tokens } = await cloneModalTokens(ws);
    expect(status).toBe(200);
    expect([...tokens]).toEqual([org!.bot.token]);
  }
});

/** A workspace that installed the app, with an assistant and these leads following the Recommended schedule. */
async function installedWithLeads(emails: string[]) {
  const ws = app.workspace();
  await install(ws);
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'Alex', isAdmin: false };
  const ava = await app.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'America/New_York', offDays: [6, 0] });
  await app.services.workspaces.ensureSeeded(ws.ref);
  const recommended = (await app.services.schedules.list(ws.ref)).find((s) => s.name === 'Recommended')!;
  const added = await app.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: recommended.id }, emails.map((email) => ({ email })));
  return { ws, alex, added };
}

test('uninstalling pauses the workspace’s active enrollments and stops its requests; reinstalling offers to resume them in App Home', async () => {
  const { ws, alex, added } = await installedWithLeads(['jamie@acme.example', 'kim@acme.example']);
  expect(added.every((r) => r.ok)).toBe(true);
  // Kim was paused by a person before: the reinstall must not resume her.
  await app.services.leads.pause(alex, (added[1] as { leadId: string }).leadId);

  // Slack revokes the tokens and tells the app.
  app.fake.oauth.revoke({ teamId: ws.ref.teamId });
  const uninstalled = await ws.as('UALEX').signedPost(eventBody(ws, { type: 'app_uninstalled' }), { contentType: 'application/json' });
  expect(uninstalled.status).toBe(200);
  const jamie = await until('Jamie paused', async () => {
    const lead = await app.services.leads.findByEmail(ws.ref, 'jamie@acme.example');
    return lead?.enrollment?.state === 'paused' ? lead : undefined;
  });
  expect(jamie.enrollment!.history.at(-1)).toMatchObject({ action: 'paused', reason: 'app uninstalled' });
  expect(await app.services.installations.find({ teamId: ws.ref.teamId, isEnterpriseInstall: false })).toBeNull();
  await expect(app.runtime.slackClients.forWorkspace(ws.ref)).rejects.toBeInstanceOf(NotInstalledError);
  expect((await ws.as('UALEX').command('list')).status).toBe(401);

  await install(ws);
  const home = await openHome(ws, 'UALEX');
  expect(home.text).toContain('it paused 1 lead');
  await ws.as('UALEX').blockAction({ viewId: home.viewId, actionId: 'home.resume_after_reinstall' });
  await until('Jamie resumed', async () => (await app.services.leads.findByEmail(ws.ref, 'jamie@acme.example'))?.enrollment?.state === 'active');
  expect((await app.services.leads.findByEmail(ws.ref, 'kim@acme.example'))?.enrollment?.state).toBe('paused');
  expect((await openHome(ws, 'UALEX')).text).not.toContain('Welcome back');
});

test('with token rotation the store keeps the refresh token, and a token about to expire is refreshed and the new one kept', async () => {
  app.fake.oauth.app.tokenRotation = true;
  // Less than Bolt's two-hour margin: the first request refreshes.
  app.fake.oauth.app.tokenLifetimeSeconds = 3600;
  try {
    const ws = app.workspace();
    await install(ws);
    const first = (await app.services.installations.find({ teamId: ws.ref.teamId, isEnterpriseInstall: false }))!;
    expect(first.bot.token).toMatch(/^xoxe\.xoxb-/);
    expect(first.bot.refreshToken).toMatch(/^xoxe-1-/);
    expect(first.bot.expiresAt).toBeGreaterThan(Date.now() / 1000 + 3500);

    const { status, tokens } = await cloneModalTokens(ws);
    expect(status).toBe(200);
    const refreshed = (await app.services.installations.find({ teamId: ws.ref.teamId, isEnterpriseInstall: false }))!;
    expect(refreshed.bot.token).not.toBe(first.bot.token);
    expect(refreshed.bot.refreshToken).not.toBe(first.bot.refreshToken);
    expect([...tokens]).toEqual([refreshed.bot.token]);
    expect(app.fake.callsTo('oauth.v2.access').some((c) => c.args.refresh_token === first.bot.refreshToken && c.response.ok === true)).toBe(true);

    // A job refreshes the same way, and the store keeps what it got.
    await app.runtime.slackClients.forWorkspace(ws.ref);
    const again = (await app.services.installations.find({ teamId: ws.ref.teamId, isEnterpriseInstall: false }))!;
    expect(again.bot.refreshToken).not.toBe(refreshed.bot.refreshToken);
    expect(again.bot.token).toBe(app.fake.botTokenOf(ws.ref.teamId));
  } finally {
    app.fake.oauth.app.tokenRotation = false;
  }
});

test('tokens_revoked for the bot removes the installation and pauses the workspace’s enrollments', async () => {
  const { ws } = await installedWithLeads(['jamie@acme.example']);

  app.fake.oauth.revoke({ teamId: ws.ref.teamId });
  await ws.as('UALEX').signedPost(eventBody(ws, { type: 'tokens_revoked', tokens: { bot: [app.fake.botUserId] } }), { contentType: 'application/json' });
  const jamie = await until('Jamie paused', async () => {
    const lead = await app.services.leads.findByEmail(ws.ref, 'jamie@acme.example');
    return lead?.enrollment?.state === 'paused' ? lead : undefined;
  });
  expect(jamie.enrollment!.history.at(-1)).toMatchObject({ action: 'paused', reason: 'app uninstalled' });
  expect(await app.services.installations.find({ teamId: ws.ref.teamId, isEnterpriseInstall: false })).toBeNull();
});

test('a job for a workspace that removed the app stops quietly: recorded, not failed or retried', async () => {
  const ws = app.workspace();
  const importId = new Types.ObjectId().toHexString();
  await app.runtime.agenda.now(JOBS.importLeads, { workspace: ws.ref, importId });
  const stopped = await until('the job recorded as stopped', async () => {
    const record = await app.services.installations.stoppedJobs(ws.ref);
    return record.count > 0 ? record : undefined;
  });
  expect(stopped).toMatchObject({ count: 1, last: { name: JOBS.importLeads } });
  const job = await until('the job finished', () => app.runtime.connection.db!.collection('agendaJobs').findOne({ name: JOBS.importLeads, 'data.importId': importId, lastFinishedAt: { $exists: true } }));
  expect(job.failCount ?? 0).toBe(0);
  expect(job.failReason ?? null).toBeNull();
});

test('an app_uninstalled event from before a reinstall (retried or late) leaves the new installation and its leads alone', async () => {
  const { ws, added } = await installedWithLeads(['late@acme.example']);
  expect(added.every((r) => r.ok)).toBe(true);
  // Slack saw the uninstall two minutes ago; the workspace installed the app again since.
  const stale = await ws.as('UALEX').signedPost(eventBody(ws, { type: 'app_uninstalled' }, { eventTime: Math.floor(Date.now() / 1000) - 120 }), { contentType: 'application/json' });
  expect(stale.status).toBe(200);
  // A later event of the same kind is acted on, so once it is, the stale one has surely been handled before it.
  const other = await installedWithLeads(['marker@acme.example']);
  await other.ws.as('UALEX').signedPost(eventBody(other.ws, { type: 'app_uninstalled' }), { contentType: 'application/json' });
  await until('the other workspace uninstalled', async () => ((await app.services.installations.find({ teamId: other.ws.ref.teamId, isEnterpriseInstall: false })) === null ? true : undefined));

  expect(await app.services.installations.find({ teamId: ws.ref.teamId, isEnterpriseInstall: false })).not.toBeNull();
  expect((await app.services.leads.findByEmail(ws.ref, 'late@acme.example'))!.enrollment!.state).toBe('active');
  expect((await ws.as('UALEX').command('list')).status).toBe(200);
});

// `/schedule api-token create | list | revoke` through the local Slack, and the tokens against the API.
import { createHash } from 'node:crypto';
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { postedTo } from '../support/flows.js';
import { apiClient } from '../support/api.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

const TOKEN = /fut_[A-Za-z0-9_-]{43}/;

/** What `/schedule <text>` answers `userId` (ephemerally, on the command's response_url). */
async function answer(ws: TestWorkspace, userId: string, text: string, user: { isAdmin?: boolean; isOwner?: boolean } = {}) {
  const res = await ws.as(userId, user).command(text);
  const post = await postedTo(app.fake, res.responseUrl);
  expect(post.body.response_type).toBe('ephemeral');
  return post;
}

/** Every document of every collection of the app's database, as text. */
async function wholeDatabase(): Promise<string> {
  const db = app.runtime.connection.db!;
  const collections = await db.listCollections().toArray();
  const dumps = await Promise.all(collections.map(async (c) => JSON.stringify(await db.collection(c.name).find({}).toArray())));
  return dumps.join('\n');
}

test('an admin’s new token is shown once in a code span, stored only as its hash, and works', async () => {
  const ws = app.workspace();
  const created = await answer(ws, 'UADMIN', 'api-token create CRM sync', { isAdmin: true });
  const token = TOKEN.exec(created.text)?.[0];
  expect(token).toBeDefined();
  expect(created.text).toContain(`\`${token}\``);
  expect(created.text).toContain('*CRM sync*');
  expect(created.text).toContain('shown only this once');

  const everything = await wholeDatabase();
  expect(everything).not.toContain(token);
  expect(everything).toContain(createHash('sha256').update(token!).digest('hex'));

  const res = await apiClient(app.url, token!).get('/api/v1/schedules');
  expect(res.status).toBe(200);
  expect(res.body.schedules).toHaveLength(2);
  // Listing never shows a token again.
  const listed = await answer(ws, 'UADMIN', 'api-token list');
  expect(listed.text).not.toMatch(TOKEN);
});

test('the list shows each token’s label, creator, creation and last use; revoking stops the token at once', async () => {
  const ws = app.workspace();
  const first = TOKEN.exec((await answer(ws, 'UOWNER', 'api-token create', { isOwner: true })).text)![0];
  const second = TOKEN.exec((await answer(ws, 'UADMIN', 'api-token create Zapier', { isAdmin: true })).text)![0];
  await apiClient(app.url, second).get('/api/v1/schedules');

  const listed = await answer(ws, 'UADMIN', 'api-token list');
  expect(listed.text).toContain('API tokens (2)');
  // In the viewer's time zone (America/New_York for the local Slack's users).
  const local = (at: Date) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', day: 'numeric', month: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .formatToParts(at)
        .map((p) => [p.type, p.value]),
    );
    const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(parts.month) - 1];
    return `${parts.day} ${month} ${parts.year} ${parts.hour}:${parts.minute}`;
  };
  const tokens = await app.services.apiTokens.list({ workspace: ws.ref, userId: 'UADMIN', name: 'Admin', isAdmin: true });
  const [token1, zapier] = tokens;
  expect(listed.text).toContain(`*token 1* · by <@UOWNER> · created ${local(token1!.createdAt)} · never used`);
  expect(listed.text).toContain(`*Zapier* · by <@UADMIN> · created ${local(zapier!.createdAt)} · last used ${local(zapier!.lastUsedAt!)}`);
  expect(listed.text).toContain('Times in America/New_York.');

  const revoked = await answer(ws, 'UADMIN', 'api-token revoke zapier');
  expect(revoked.text).toContain('API token *Zapier* is revoked');
  expect((await apiClient(app.url, second).get('/api/v1/schedules')).status).toBe(401);
  expect((await apiClient(app.url, first).get('/api/v1/schedules')).status).toBe(200);
  expect((await answer(ws, 'UADMIN', 'api-token list')).text).toContain('API tokens (1)');

  const again = await answer(ws, 'UADMIN', 'api-token revoke Zapier');
  expect(again.text).toContain('No API token is labelled *Zapier*');
});

test('someone who is not a workspace admin can’t create, list or revoke tokens', async () => {
  const ws = app.workspace();
  await answer(ws, 'UADMIN', 'api-token create Kept', { isAdmin: true });
  for (const text of ['api-token create Mine', 'api-token list', 'api-token revoke Kept']) {
    const refused = await answer(ws, 'UMEMBER', text);
    expect(refused.body.text).toBe('Only a workspace admin or owner can create, list or revoke API tokens.');
  }
  expect(await app.runtime.services.models.ApiToken.countDocuments({ workspace: ws.ref.teamId })).toBe(1);
});

test('labels are unique per workspace, whatever their case; another workspace may reuse one', async () => {
  const ws = app.workspace();
  await answer(ws, 'UADMIN', 'api-token create CRM', { isAdmin: true });
  const taken = await answer(ws, 'UADMIN', 'api-token create crm');
  expect(taken.body.text).toBe('An API token named “crm” already exists. Pick another name.');
  expect((await answer(ws, 'UADMIN', 'api-token create')).text).toContain('*token 1*');
  expect((await answer(ws, 'UADMIN', 'api-token create')).text).toContain('*token 2*');
  const other = app.workspace();
  expect((await answer(other, 'UADMIN', 'api-token create CRM', { isAdmin: true })).text).toMatch(TOKEN);
});

test('a token of one workspace never reaches another workspace’s schedules', async () => {
  const ours = app.workspace();
  const theirs = app.workspace();
  const ourToken = TOKEN.exec((await answer(ours, 'UADMIN', 'api-token create', { isAdmin: true })).text)![0];
  const theirToken = TOKEN.exec((await answer(theirs, 'UADMIN', 'api-token create', { isAdmin: true })).text)![0];
  const theirIds = ((await apiClient(app.url, theirToken).get('/api/v1/schedules')).body.schedules as { id: string }[]).map((s) => s.id);
  for (const id of theirIds) expect((await apiClient(app.url, ourToken).get(`/api/v1/schedules/${id}`)).status).toBe(404);
});

test('an admin of another workspace neither sees nor revokes this workspace’s tokens', async () => {
  const ours = app.workspace();
  const theirs = app.workspace();
  const token = TOKEN.exec((await answer(ours, 'UADMIN', 'api-token create Shared name', { isAdmin: true })).text)![0];
  expect((await answer(theirs, 'UADMIN', 'api-token list', { isAdmin: true })).body.text).toBe('No API tokens yet. Create one with `/schedule api-token create [label]`.');
  expect((await answer(theirs, 'UADMIN', 'api-token revoke Shared name')).text).toContain('No API token is labelled *Shared name*');
  expect((await apiClient(app.url, token).get('/api/v1/schedules')).status).toBe(200);
});

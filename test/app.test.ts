// The foundation end to end: signed requests into the running app, the local Slack, /healthz.
import { startTestApp, type TestApp } from './support/testApp.js';
import { startFakeSlack } from './support/fakeSlack.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startRuntime } from '../src/runtime.js';
import { startLocalMongo, tempDataDir } from '../src/db/localServer.js';
import { rm } from 'node:fs/promises';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

function textOf(body: unknown): string {
  const b = body as { text?: string; blocks?: { text?: { text?: string } }[] };
  return [b.text ?? '', ...(b.blocks ?? []).map((block) => block.text?.text ?? '')].join('\n');
}

describe('/schedule help', () => {
  test('a signed /schedule help answers with an ephemeral list of subcommands and an example each', async () => {
    const slack = app.workspace().as('UALEX');
    const res = await slack.command('help');
    expect(res.status).toBe(200);
    const body = res.body as { response_type: string };
    expect(body.response_type).toBe('ephemeral');
    const text = textOf(res.body);
    for (const sub of ['list', 'clone [name]', 'edit <name>', 'view <name>', 'default [assistant]', 'rename <name>', 'delete <name>', 'message new', 'assistant add']) {
      // `<name>` travels as `&lt;name&gt;`: a bare `<` starts a link or mention in mrkdwn.
      expect(text).toContain(`/schedule ${sub.replace('<', '&lt;').replace('>', '&gt;')}`);
    }
    expect(text).toContain('e.g. `/schedule clone Recommended`');
  });

  test('no words at all also shows the help', async () => {
    const res = await app.workspace().as('UALEX').command('');
    expect(textOf(res.body)).toContain('Here is what `/schedule` can do');
  });

  test('an unknown word is named back to the user', async () => {
    const res = await app.workspace().as('UALEX').command('frobnicate the schedules');
    expect(textOf(res.body)).toContain("I don't know `frobnicate`");
    expect(textOf(res.body)).toContain('/schedule list');
  });
});

describe('request signatures', () => {
  const body = new URLSearchParams({ command: '/schedule', text: 'help', team_id: 'TSIG', user_id: 'U1', channel_id: 'C1', trigger_id: 't', response_url: 'http://127.0.0.1:1/x' }).toString();

  test('a bad signature gets 401 and nothing else happens', async () => {
    const slack = app.workspace().as('UALEX');
    const callsBefore = app.fake.calls.length;
    const res = await slack.signedPost(body, { secretOverride: 'not-the-secret' });
    expect(res.status).toBe(401);
    expect(app.fake.calls.length).toBe(callsBefore);
    expect(await app.services.models.Workspace.exists({ _id: 'TSIG' })).toBeNull();
  });

  test('a timestamp more than 5 minutes old gets 401 and nothing else happens', async () => {
    const slack = app.workspace().as('UALEX');
    const callsBefore = app.fake.calls.length;
    const res = await slack.signedPost(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
    expect(app.fake.calls.length).toBe(callsBefore);
    expect(await app.services.models.Workspace.exists({ _id: 'TSIG' })).toBeNull();
  });

  test('the same request, correctly signed and fresh, is accepted', async () => {
    // From a workspace the app is installed in (Bolt answers 401 to any other).
    const ws = app.workspace();
    const res = await ws.as('UALEX').signedPost(body.replace('team_id=TSIG', `team_id=${ws.ref.teamId}`));
    expect(res.status).toBe(200);
  });
});

describe('GET /healthz', () => {
  test('reports the database up, and 503 once the database is stopped', async () => {
    // A database of its own, so stopping it leaves the other tests alone.
    const dataDir = await tempDataDir();
    const database = await startLocalMongo({ dataDir, throwaway: true });
    const fake = await startFakeSlack();
    const config = parseConfig({
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
      MONGODB_URI: database.uri,
      LOG_LEVEL: 'error',
    });
    const runtime = await startRuntime(config, { logger: createLogger('error'), dbName: 'health', webApiRetries: 0 });
    try {
      const up = await fetch(`http://127.0.0.1:${runtime.port}/healthz`);
      expect(up.status).toBe(200);
      expect(await up.json()).toEqual({ ok: true, database: 'up' });

      await database.stop();
      const down = await fetch(`http://127.0.0.1:${runtime.port}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ ok: false, database: 'down' });
    } finally {
      await runtime.stop();
      await fake.close();
      await database.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

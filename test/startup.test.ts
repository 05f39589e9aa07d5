// `npm start` itself: the compiled entry point, run as a person would run it.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const main = resolve('dist/src/main.js');

function runMain(env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [main], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('start-up', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'followups-start-')); // no .env here
  });
  afterAll(() => rm(cwd, { recursive: true, force: true }));

  test('without SLACK_SIGNING_SECRET it prints one line naming it and exits non-zero', async () => {
    const result = await runMain({ SLACK_BOT_TOKEN: 'xoxb-1' }, cwd);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Cannot start: SLACK_SIGNING_SECRET is not set: copy the Signing Secret from your Slack app\'s "Basic Information" page.',
    ]);
    expect(result.stdout).toBe('');
  });

  test('without any Slack token it says how to choose one workspace or many, and exits non-zero', async () => {
    const result = await runMain({}, cwd);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^Cannot start: SLACK_BOT_TOKEN is not set, nor SLACK_CLIENT_ID: set SLACK_BOT_TOKEN .* for one workspace, or SLACK_CLIENT_ID .* to install into many workspaces/);
    expect(result.stdout).toBe('');
  });

  test('with both a bot token and OAuth credentials it refuses in one line and exits non-zero', async () => {
    const result = await runMain(
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'c', SLACK_STATE_SECRET: 'a-long-random-state-secret-0123456789' },
      cwd,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Cannot start: SLACK_BOT_TOKEN and SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET are both set: set SLACK_BOT_TOKEN/),
    ]);
    expect(await readdir(cwd)).toEqual([]); // nothing started
  });

  test('in production without MONGODB_URI it refuses in one line and starts no local database', async () => {
    const result = await runMain({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', NODE_ENV: 'production' }, cwd);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Cannot start: MONGODB_URI is not set, and NODE_ENV is production: set it to your MongoDB (replica set or Atlas); the local database is for development only.',
    ]);
    expect(await readdir(cwd)).toEqual([]); // no ./.data
  });
});

// A production install: `npm ci --omit=dev` on a build made beforehand, then `npm start`,
// as the README's "In production" says. No TypeScript, jest or PostgreSQL package there.
import { spawn } from 'node:child_process';
import { access, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeSlack, type FakeSlack } from './support/fakeSlack.js';
import { testDatabaseUri, uniqueName } from './support/db.js';

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => done({ code, output }));
  });
}

async function waitFor<T>(read: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('in production', () => {
  let dir: string;
  let fake: FakeSlack;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'followups-production-'));
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('npm start runs the build from an install without dev dependencies', async () => {
    for (const path of ['package.json', 'package-lock.json', 'scripts', 'dist']) await cp(resolve(path), join(dir, path), { recursive: true });
    const install = await run('npm', ['ci', '--omit=dev', '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    expect(install.output).not.toMatch(/ERR!/);
    expect(install.code).toBe(0);
    await expect(access(join(dir, 'node_modules', 'typescript'))).rejects.toThrow();

    const uri = new URL(testDatabaseUri());
    uri.pathname = `/${uniqueName('production')}`;
    const app = spawn('npm', ['start'], {
      cwd: dir,
      detached: true, // its own process group: npm, the shell and node stop together
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'production',
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_API_URL: fake.apiUrl,
        PORT: '0',
        MONGODB_URI: uri.toString(),
      },
    });
    let output = '';
    app.stdout.on('data', (c: Buffer) => (output += c.toString()));
    app.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise((done) => app.on('close', done));
    try {
      const port = await waitFor(() => /listening on port (\d+)/.exec(output)?.[1] ?? (app.exitCode !== null ? 'exited' : undefined), 'the app to listen', 60_000);
      expect(output).not.toMatch(/Cannot start/);
      expect(port).toMatch(/^\d+$/);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.json()).toEqual({ ok: true, database: 'up' });
    } finally {
      process.kill(-app.pid!, 'SIGTERM');
      await exited;
    }
  }, 180_000);
});

// `npm run bench:api`: the HTTP API as a CRM uses it, over real HTTP against the app on the local
// database. Prints figures; asserts nothing.
//  - POST /api/v1/leads with 1,000 leads (10 custom fields each): time per request, leads per second
//  - GET /api/v1/leads/{id} and GET /api/v1/leads?email=: time per request
//  - the request body's size, and the app's peak memory (RSS)
// BENCH_ROUNDS (default 5) sets how many 1,000-lead requests are sent.
import { performance } from 'node:perf_hooks';
import { rm } from 'node:fs/promises';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startRuntime } from '../src/runtime.js';
import { startLocalMongo, tempDataDir } from '../src/db/localServer.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const LEADS_PER_REQUEST = 1000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function report(name: string, samplesMs: number[], extra = ''): void {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  console.log(`${name.padEnd(44)} n=${String(sorted.length).padStart(4)}  mean ${mean.toFixed(1)} ms  p50 ${percentile(sorted, 50).toFixed(1)} ms  max ${sorted.at(-1)!.toFixed(1)} ms${extra}`);
}

async function main(): Promise<void> {
  const dataDir = await tempDataDir('followups-bench-api-');
  const database = await startLocalMongo({ dataDir, throwaway: true, log: (line) => console.log(`[db] ${line}`) });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const config = parseConfig({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench', PORT: '0', MONGODB_URI: database.uri, LOG_LEVEL: 'error' });
  const runtime = await startRuntime(config, { logger: createLogger('error'), dbName: 'bench_api' });
  try {
    const { services } = runtime;
    const ws = { teamId: 'TBENCHAPI' };
    const admin = { workspace: ws, userId: 'UADMIN', name: 'Admin', isAdmin: true };
    await services.workspaces.ensureSeeded(ws);
    const { token } = await services.apiTokens.create(admin, 'bench');
    const assistant = await services.assistants.create(admin, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0] });
    const base = `http://127.0.0.1:${runtime.port}`;
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const custom = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`field ${i}`, `value ${i} `.repeat(8)]));

    const posts: number[] = [];
    let bodyBytes = 0;
    let firstId = '';
    for (let round = 0; round < ROUNDS; round++) {
      const leads = Array.from({ length: LEADS_PER_REQUEST }, (_, i) => ({ email: `lead${round}-${i}@example.com`, firstName: `Lead ${i}`, company: 'Example Ltd', tags: ['bench'], custom }));
      const body = JSON.stringify({ assistantId: assistant.id, leads });
      bodyBytes = Buffer.byteLength(body);
      const started = performance.now();
      const res = await fetch(`${base}/api/v1/leads`, { method: 'POST', headers, body });
      const answer = (await res.json()) as { added: number; results: { id?: string }[] };
      posts.push(performance.now() - started);
      if (res.status !== 200 || answer.added !== LEADS_PER_REQUEST) throw new Error(`POST /api/v1/leads answered ${res.status}, ${answer.added} added`);
      firstId ||= answer.results[0]!.id!;
    }
    const perSecond = (LEADS_PER_REQUEST * posts.length) / (posts.reduce((a, b) => a + b, 0) / 1000);
    report(`POST /api/v1/leads, ${LEADS_PER_REQUEST.toLocaleString('en-US')} leads`, posts, `  (${Math.round(perSecond).toLocaleString('en-US')} leads/s, body ${(bodyBytes / 1024).toFixed(0)} kB of 5 MB)`);

    const gets: number[] = [];
    const byEmail: number[] = [];
    for (let i = 0; i < 50; i++) {
      let started = performance.now();
      await (await fetch(`${base}/api/v1/leads/${firstId}`, { headers })).json();
      gets.push(performance.now() - started);
      started = performance.now();
      await (await fetch(`${base}/api/v1/leads?email=lead0-${i}%40example.com`, { headers })).json();
      byEmail.push(performance.now() - started);
    }
    report('GET /api/v1/leads/{id}', gets);
    report('GET /api/v1/leads?email=', byEmail);
    console.log(`${'peak RSS (app and benchmark, one process)'.padEnd(44)} ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
  } finally {
    clearInterval(sampler);
    await runtime.connection.dropDatabase().catch(() => {});
    await runtime.stop();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

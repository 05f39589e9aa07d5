// `npm run bench:cost`: what one interaction costs the machine, one user at a time: the CPU time the
// app, FerretDB and PostgreSQL each spend on it (read from /proc, Linux only), its database commands,
// and its wall time. CPU per interaction is what limits how many users two cores serve at once, and
// it barely changes with other load on the machine, unlike latency. Prints figures; asserts nothing.
// BENCH_ROUNDS sets the interactions per operation (default 40), BENCH_OPS=keystroke,save picks some,
// BENCH_DRAFTS=2000 opens that many other drafts first, and BENCH_CPU_PROF=<dir> writes a V8 CPU
// profile of the app process there (under load its time in socket writes is mostly other processes').
import { fork } from 'node:child_process';
import { readFile, readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startFakeSlack, type FakeSlack } from '../test/support/fakeSlack.js';
import { SlackDriver } from '../test/support/slackDriver.js';
import { startLocalMongo, tempDataDir } from '../src/db/localServer.js';
import { connectDatabase } from '../src/db/connection.js';
import { createServices, type Services } from '../src/services/index.js';
import { systemClock } from '../src/clock.js';
import { TONES, nameKey, type Actor, type WorkspaceRef } from '../src/services/domain.js';
import { RECOMMENDED } from '../src/services/workspaces.js';
import { syncScheduleSummaries } from '../src/services/scheduleSummaries.js';
import { stepDoc } from '../src/services/steps.js';
import type { ChildOptions } from './loadApp.js';

const SIGNING_SECRET = 'bench-signing-secret';
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 40;
const TICK_MS = 1000 / 100; // /proc times are in clock ticks (USER_HZ, 100 on Linux)

// ── CPU time of processes, from /proc ──

async function statOf(pid: number): Promise<{ ppid: number; ownMs: number; childrenMs: number } | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!text) return null;
  // Fields after the command name (which may hold spaces, inside parentheses).
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i]);
  return { ppid: n(1), ownMs: (n(11) + n(12)) * TICK_MS, childrenMs: (n(13) + n(14)) * TICK_MS };
}

async function cmdlineOf(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
}

async function allPids(): Promise<number[]> {
  return (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
}

/** A process's CPU time, its children's included (live ones, and those it has reaped). */
async function treeCpuMs(root: number): Promise<number> {
  const pids = await allPids();
  const stats = new Map<number, NonNullable<Awaited<ReturnType<typeof statOf>>>>();
  await Promise.all(pids.map(async (pid) => {
    const s = await statOf(pid);
    if (s) stats.set(pid, s);
  }));
  let total = 0;
  const visit = (pid: number) => {
    const s = stats.get(pid);
    if (!s) return;
    total += s.ownMs + s.childrenMs;
    for (const [child, c] of stats) if (c.ppid === pid) visit(child);
  };
  visit(root);
  return total;
}

async function pidWhose(test: (cmdline: string) => boolean): Promise<number> {
  for (const pid of await allPids()) if (test(await cmdlineOf(pid))) return pid;
  throw new Error('process not found');
}

// ── data ──

const stepsOf = (count: number) => Array.from({ length: count }, (_, i) => ({ type: TONES[i % TONES.length]!, customMessageId: null, afterDays: 1 + (i % 3) }));

async function seed(services: Services, ws: WorkspaceRef, actor: Actor): Promise<void> {
  await services.workspaces.ensureSeeded(ws);
  const recommended = (await services.schedules.findByName(ws, RECOMMENDED))!;
  for (const [name, steps] of [['Bench 20', 20], ['Add 10', 10]] as const) {
    const copy = await services.schedules.clone(actor, recommended.id, { name, description: '' });
    await services.schedules.save(actor, copy.id, { name, description: '', steps: stepsOf(steps), baseVersion: copy.version });
  }
  const docs = Array.from({ length: 196 }, (_, i) => {
    const name = `Campaign ${String(i).padStart(3, '0')}`;
    return { workspace: ws.teamId, name, nameKey: nameKey(name), steps: stepsOf(7).map((s) => stepDoc(s.type, null, s.afterDays)), createdBy: 'UFILL', updatedBy: 'UFILL' };
  });
  await services.models.Schedule.insertMany(docs);
  await syncScheduleSummaries(services.models, { workspace: ws.teamId, createdBy: 'UFILL' });
}

// ── the interactions ──

async function waitFor<T>(what: string, find: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function interactions(fake: FakeSlack, driver: SlackDriver) {
  const updatesOf = (viewId: string) => fake.calls.filter((c) => c.method === 'views.update' && c.args.view_id === viewId && c.response.ok === true).length;
  const openEditor = async (name: string): Promise<string> => {
    const since = fake.calls.length;
    const res = await driver.command(`edit ${name}`);
    const opened = await waitFor('views.open', () => fake.calls.slice(since).find((c) => c.method === 'views.open' && c.args.trigger_id === res.triggerId));
    const viewId = String((opened.response.view as { id: string }).id);
    await waitFor('the editor', () => (JSON.stringify(fake.view(viewId).blocks).includes('editor.preview_for') ? true : undefined));
    return viewId;
  };
  const afterAction = (viewId: string) => {
    const block = ((fake.view(viewId).blocks ?? []) as { block_id?: string }[]).find((b) => /^row\..+\.after$/.test(b.block_id ?? ''));
    return `editor.after.${/^row\.([^.]+)\./.exec(block?.block_id ?? '')?.[1] ?? ''}`;
  };
  let editorId = '';
  let addEditorId = '';
  let pickerId = '';
  let keystrokes = 0;
  const click = async (viewId: string, actionId: string, value?: string) => {
    const before = updatesOf(viewId);
    await driver.blockAction({ viewId, actionId, ...(value !== undefined ? { value } : {}) });
    await waitFor('views.update', () => (updatesOf(viewId) > before ? true : undefined));
  };
  return {
    prepare: async () => {
      editorId = await openEditor('Bench 20');
      addEditorId = await openEditor('Add 10');
      const since = fake.calls.length;
      const res = await driver.command('clone');
      const opened = await waitFor('views.open', () => fake.calls.slice(since).find((c) => c.method === 'views.open' && c.args.trigger_id === res.triggerId));
      pickerId = String((opened.response.view as { id: string }).id);
      await waitFor('the picker', () => (JSON.stringify(fake.view(pickerId).blocks).includes('clone.source_select') ? true : undefined));
    },
    ops: {
      list: async () => {
        const res = await driver.command('list');
        await waitFor('the list', () => (fake.responses.some((r) => r.url === res.responseUrl && JSON.stringify(r.body).includes('Followup schedules')) ? true : undefined));
      },
      typeAhead: async () => {
        const res = await driver.blockSuggestion({ viewId: pickerId, actionId: 'clone.source_select', value: `campaign 0${keystrokes++ % 10}` });
        if (!res.options.length) throw new Error('no options');
      },
      openEditor: async () => {
        await openEditor('Bench 20');
      },
      keystroke: async () => click(editorId, afterAction(editorId), String((keystrokes++ % 9) + 1)),
      // An editor holds at most 20 steps: the loop below opens a fresh one every 9 Adds, untimed.
      add: async () => click(addEditorId, 'editor.add_end'),
      save: async (viewId: string) => {
        await driver.viewSubmission(viewId);
        await waitFor('the saved view', () => (JSON.stringify(fake.view(viewId)).includes('is saved') ? true : undefined));
      },
    },
    openEditor,
    reopenAddEditor: async () => {
      addEditorId = await openEditor('Add 10');
    },
  };
}

// ── main ──

async function main(): Promise<void> {
  const dataDir = await tempDataDir('followups-bench-cost-');
  const database = await startLocalMongo({ dataDir, useMongod: false });
  const fake = await startFakeSlack();
  const ws = { teamId: 'TBENCHCOST' };
  const token = fake.addTeam({ id: ws.teamId }).botToken;
  fake.addChannel({ id: `C${ws.teamId}`, teamId: ws.teamId, name: 'sales', botIsMember: true });
  fake.addUser({ id: 'UCOST', teamId: ws.teamId, tz: 'America/New_York' });
  const dbName = 'bench_cost';
  const connection = await connectDatabase(database.uri, { dbName });
  await connection.dropDatabase();
  const services = await createServices(connection, systemClock);
  await seed(services, ws, { workspace: ws, userId: 'UCOST', name: 'UCOST', isAdmin: false });
  const extraDrafts = Number(process.env.BENCH_DRAFTS) || 0;
  if (extraDrafts) {
    const owner = { workspace: ws, userId: 'UCOST', name: 'UCOST', isAdmin: false };
    const scheduleId = (await services.schedules.findByName(ws, 'Bench 20'))!.id;
    for (let i = 0; i < extraDrafts; i++) await services.drafts.start(owner, scheduleId, 'UTC');
  }
  // The round trips, counted on the app's side: its command events, over IPC.
  const options: ChildOptions = { mode: 'app', apiUrl: fake.apiUrl, signingSecret: SIGNING_SECRET, tokens: { [ws.teamId]: token }, mongoUri: database.uri, dbName, countCommands: true };
  const profDir = process.env.BENCH_CPU_PROF;
  const child = fork(fileURLToPath(new URL('./loadApp.js', import.meta.url)), [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
  });
  let commands: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message: { port?: number; command?: string }) => {
      if (message.port) resolve(message.port);
      if (message.command) commands.push(message.command);
    });
    child.once('exit', (code) => reject(new Error(`the app exited (${String(code)})`)));
  });
  const ferret = await pidWhose((c) => c.includes(`--state-dir=${dataDir}`));
  const postgres = await pidWhose((c) => c.includes(`-D ${dataDir}`) && !c.startsWith('runuser'));
  const driver = new SlackDriver({ appUrl: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET, fake, team: { id: ws.teamId }, user: { id: 'UCOST' }, channelId: `C${ws.teamId}` });
  const run = interactions(fake, driver);
  try {
    await run.prepare();
    console.log(`FerretDB on PostgreSQL; ${ROUNDS} interactions of each kind, one at a time; load average ${(await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')}.\n`);
    console.log('| interaction | wall p50 ms | app CPU ms | FerretDB CPU ms | PostgreSQL CPU ms | local Slack CPU ms | database commands |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const op of ['list', 'typeAhead', 'openEditor', 'keystroke', 'add', 'save'] as const) {
      if (process.env.BENCH_OPS && !process.env.BENCH_OPS.split(',').includes(op)) continue;
      const walls: number[] = [];
      let app = 0;
      let db = 0;
      let pg = 0;
      let slack = 0;
      let lastCommands: string[] = [];
      for (let i = 0; i < ROUNDS + 3; i++) {
        // Untimed setup: a Save needs an editor of its own, an Add one with room left.
        const saveView = op === 'save' ? await run.openEditor('Bench 20') : '';
        if (op === 'add' && i % 9 === 0) await run.reopenAddEditor();
        await new Promise((resolve) => setTimeout(resolve, 30)); // let the setup's work settle
        const before = await Promise.all([treeCpuMs(child.pid!), treeCpuMs(ferret), treeCpuMs(postgres)]);
        commands = [];
        const slackBefore = process.cpuUsage();
        const start = performance.now();
        await (op === 'save' ? run.ops.save(saveView) : run.ops[op]());
        const wall = performance.now() - start;
        const slackUsed = process.cpuUsage(slackBefore);
        await new Promise((resolve) => setTimeout(resolve, 30)); // work after the visible result (a queued job)
        const after = await Promise.all([treeCpuMs(child.pid!), treeCpuMs(ferret), treeCpuMs(postgres)]);
        if (i < 3) continue; // warm-up
        walls.push(wall);
        app += after[0] - before[0];
        db += after[1] - before[1];
        pg += after[2] - before[2];
        slack += (slackUsed.user + slackUsed.system) / 1000;
        lastCommands = commands;
      }
      walls.sort((a, b) => a - b);
      const per = (total: number) => (total / ROUNDS).toFixed(1);
      const counts = new Map<string, number>();
      for (const c of lastCommands) counts.set(c, (counts.get(c) ?? 0) + 1);
      console.log(`| ${op} | ${walls[Math.floor(walls.length / 2)]!.toFixed(0)} | ${per(app)} | ${per(db)} | ${per(pg)} | ${per(slack)} | ${lastCommands.length}: ${[...counts].map(([c, n]) => (n > 1 ? `${n}× ${c}` : c)).join(', ')} |`);
    }
  } finally {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.disconnect();
    });
    await connection.close();
    await fake.close();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

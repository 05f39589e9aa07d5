// `npm run bench:cost`: what one interaction costs the machine, one user at a time: the CPU time the
// app, FerretDB and PostgreSQL each spend on it (read from /proc, Linux only), its database commands,
// and its wall time. CPU per interaction is what limits how many users two cores serve at once, and
// it barely changes with other load on the machine, unlike latency. Prints figures; asserts nothing.
// BENCH_ROUNDS sets the interactions per operation (default 40), BENCH_OPS=keystroke,save picks some,
// BENCH_DRAFTS=2000 opens that many other drafts first, and BENCH_CPU_PROF=<dir> writes a V8 CPU
// profile of the app process there (under load its time in socket writes is mostly other processes').
import { fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startFakeSlack, type FakeSlack } from '../test/support/fakeSlack.js';
import { SlackDriver } from '../test/support/slackDriver.js';
import { startLocalMongo, tempDataDir } from '../src/db/localServer.js';
import { connectDatabase } from '../src/db/connection.js';
import { createServices, type Services } from '../src/services/index.js';
import { systemClock } from '../src/clock.js';
import type { Actor, WorkspaceRef } from '../src/services/domain.js';
import type { ChildOptions } from './loadApp.js';
import { treeCpuMs, pidWhose } from './procCpu.js';
import { Arrivals, SIGNING_SECRET, editorAfterActionId, fillSchedules, loadAverage, openedModal, ownedSchedule, updatedView } from './slackSide.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS) || 40;

// ── data ──

async function seed(services: Services, ws: WorkspaceRef, actor: Actor): Promise<void> {
  await services.workspaces.ensureSeeded(ws);
  await ownedSchedule(services, actor, 'Bench 20', 20);
  await ownedSchedule(services, actor, 'Add 10', 10);
  await fillSchedules(services, ws, 'Campaign', 196);
}

// ── the interactions ──

/** Waits for what `arrived` finds (an event on the local Slack's record, no polling: polling is CPU counted as Slack's). */
async function expect<T>(what: string, arrived: Promise<T | null | string>): Promise<T> {
  const result = await arrived;
  if (result === null || typeof result === 'string') throw new Error(`no ${what}${typeof result === 'string' ? `: ${result}` : ''}`);
  return result;
}

function interactions(fake: FakeSlack, arrivals: Arrivals, driver: SlackDriver) {
  const openEditor = async (name: string): Promise<string> => {
    const since = arrivals.count;
    const res = await driver.command(`edit ${name}`);
    return (await expect('the editor', openedModal(arrivals, since, res.triggerId, 'editor.preview_for'))).viewId;
  };
  let editorId = '';
  let afterActionId = '';
  let addEditorId = '';
  let pickerId = '';
  let keystrokes = 0;
  const click = async (viewId: string, actionId: string, value?: string) => {
    const since = arrivals.count;
    await driver.blockAction({ viewId, actionId, ...(value !== undefined ? { value } : {}) });
    await expect('views.update', updatedView(arrivals, since, viewId));
  };
  return {
    prepare: async () => {
      editorId = await openEditor('Bench 20');
      // Looked up once, as bench:load does: reading the view back copies it, and a person does not.
      afterActionId = editorAfterActionId(fake, editorId);
      addEditorId = await openEditor('Add 10');
      const since = arrivals.count;
      const res = await driver.command('clone');
      pickerId = (await expect('the picker', openedModal(arrivals, since, res.triggerId, 'clone.source_select'))).viewId;
    },
    ops: {
      list: async () => {
        const since = arrivals.count;
        const res = await driver.command('list');
        const url = res.responseUrl;
        await expect('the list', arrivals.until(since, (s) => s.kind === 'response' && s.post.url === url && s.post.status === 200 && JSON.stringify(s.post.body).includes('Followup schedules')));
      },
      typeAhead: async () => {
        const res = await driver.blockSuggestion({ viewId: pickerId, actionId: 'clone.source_select', value: `campaign 0${keystrokes++ % 10}` });
        if (!res.options.length) throw new Error('no options');
      },
      openEditor: async () => {
        await openEditor('Bench 20');
      },
      keystroke: async () => click(editorId, afterActionId, String((keystrokes++ % 9) + 1)),
      // An editor holds at most 20 steps: the loop below opens a fresh one every 9 Adds, untimed.
      add: async () => click(addEditorId, 'editor.add_end'),
      save: async (viewId: string) => {
        const since = arrivals.count;
        const res = await driver.viewSubmission(viewId);
        // The saved view is the ack (response_action update); a views.update follows only when it is not.
        if ((res.outcome as { action?: string } | undefined)?.action === 'update' && JSON.stringify(res.outcome).includes('is saved')) return;
        await expect('the saved view', updatedView(arrivals, since, viewId, 'is saved'));
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
  // The round trips, counted on the app's side (its command events) and fetched over IPC between
  // interactions, so that the counting costs the app no CPU while an interaction is measured.
  const options: ChildOptions = { mode: 'app', apiUrl: fake.apiUrl, signingSecret: SIGNING_SECRET, tokens: { [ws.teamId]: token }, mongoUri: database.uri, dbName, countCommands: true };
  const profDir = process.env.BENCH_CPU_PROF;
  const child = fork(fileURLToPath(new URL('./loadApp.js', import.meta.url)), [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
  });
  let commandsArrived: (commands: string[]) => void = () => {};
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message: { port?: number; commands?: string[] }) => {
      if (message.port) resolve(message.port);
      if (message.commands) commandsArrived(message.commands);
    });
    child.once('exit', (code) => reject(new Error(`the app exited (${String(code)})`)));
  });
  /** The commands the app sent since the last time it was asked. */
  const takeCommands = () =>
    new Promise<string[]>((resolve) => {
      commandsArrived = resolve;
      child.send({ commands: true });
    });
  const ferret = await pidWhose((c) => c.includes(`--state-dir=${dataDir}`));
  const postgres = await pidWhose((c) => c.includes(`-D ${dataDir}`) && !c.startsWith('runuser'));
  if (ferret === null || postgres === null) throw new Error('FerretDB or PostgreSQL not found');
  const driver = new SlackDriver({ appUrl: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET, fake, team: { id: ws.teamId }, user: { id: 'UCOST' }, channelId: `C${ws.teamId}` });
  const arrivals = new Arrivals(fake);
  const run = interactions(fake, arrivals, driver);
  try {
    await run.prepare();
    console.log(`FerretDB on PostgreSQL; ${ROUNDS} interactions of each kind, one at a time; load average ${await loadAverage()}.\n`);
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
        await takeCommands(); // the setup's
        const before = await Promise.all([treeCpuMs(child.pid!), treeCpuMs(ferret), treeCpuMs(postgres)]);
        const slackBefore = process.cpuUsage();
        const start = performance.now();
        await (op === 'save' ? run.ops.save(saveView) : run.ops[op]());
        const wall = performance.now() - start;
        const slackUsed = process.cpuUsage(slackBefore);
        await new Promise((resolve) => setTimeout(resolve, 30)); // work after the visible result (a queued job)
        const after = await Promise.all([treeCpuMs(child.pid!), treeCpuMs(ferret), treeCpuMs(postgres)]);
        const commands = await takeCommands();
        arrivals.forget();
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

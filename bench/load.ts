// `npm run bench:load`: the app under many users at once, against a bare Bolt app on the same machine.
// Prints figures; asserts nothing. The app and the bare app each run in a process of their own (as in
// production); this process plays Slack: the local Web API (test/support/fakeSlack.ts) and signed
// requests (test/support/slackDriver.ts). For each operation and level of concurrent users it prints
// p50/p99 of the ack and of the visible result (the views.open / views.update / response_url call
// reaching the local Web API, or the ack itself where the ack is what the user sees), failures, the
// ratio of the app's p99 to the bare app's, and the app's peak memory. For scenario 1 it also prints
// the CPU each request costs every process involved (from /proc, Linux only): on two cores, a p99 at 50
// users is roughly 50 times that total over two.
//   1. one workspace: /schedule list (200 schedules), a type-ahead over 500, opening a 20-step editor,
//      a keystroke, an Add and a Save, at 1, 10 and 50 users, each with their own modal;
//   2. the list and the type-ahead for a workspace of 100 schedules alone, then among 50 such workspaces;
//   3. a keystroke with 10 open drafts, then with 500.
// BENCH_LEVELS=1,10 and BENCH_ROUNDS=2 shorten a run.
import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startFakeSlack, type ApiCall, type FakeSlack, type JsonObject } from '../test/support/fakeSlack.js';
import { SlackDriver } from '../test/support/slackDriver.js';
import { startLocalMongo, tempDataDir, type LocalMongo } from '../src/db/localServer.js';
import { connectDatabase } from '../src/db/connection.js';
import { createServices, type Services } from '../src/services/index.js';
import { systemClock } from '../src/clock.js';
import type { Actor, WorkspaceRef } from '../src/services/domain.js';
import type { ChildOptions, SizedPayloads } from './loadApp.js';
import { pidWhose, treeCpuMs } from './procCpu.js';
import { Arrivals, SIGNING_SECRET, editorAfterActionId, fillSchedules, isCall, loadAverage, openedModal, ownedSchedule, updatedView, viewHas } from './slackSide.js';
import { UNAVAILABLE_OPTION } from '../views/progressModals.js';

const LEVELS = (process.env.BENCH_LEVELS ?? '1,10,50').split(',').map(Number);
/** Rounds per user at each level, so every level gets enough samples for a p99. */
const roundsAt = (users: number) => Number(process.env.BENCH_ROUNDS) || Math.max(2, Math.ceil(100 / users));

// ── one user's operations ──

interface Sample {
  readonly ackMs: number;
  readonly visibleMs: number;
}
type Outcome = Sample | { failure: string };

interface User {
  readonly driver: SlackDriver;
  /** App: a 20-step schedule the user owns, and a 10-step one to Add to. */
  readonly schedule20: string;
  readonly scheduleAdd: string;
  editorId?: string;
  addEditorId?: string;
  pickerId?: string;
  keystrokes: number;
}

interface Target {
  readonly name: 'app' | 'bare' | 'sized';
  readonly arrivals: Arrivals;
  /** Marks in a view that it is the real content, not a loading view. */
  readonly editorMarker: string;
  readonly savedMarker: string;
  readonly picker: { command: string; actionId: string; marker: string };
  readonly afterActionId: (viewId: string) => string;
  readonly addActionId: string;
  /** What the app answered in acks (options, a saved view), for the same-size bare app to answer alike. */
  readonly acked: { options?: unknown[]; saved?: JsonObject };
}

function failureOf(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  if (/did not answer within|took \d+ ms to answer/.test(message)) return 'ack timeout';
  return `error: ${message.slice(0, 80)}`;
}

async function timed(target: Target, send: () => Promise<{ status: number }>, visible: (since: number, sent: number, ackAt: number) => Promise<number | string | null>): Promise<Outcome> {
  const since = target.arrivals.count;
  const sent = performance.now();
  try {
    const res = await send();
    const ackAt = performance.now();
    if (res.status !== 200) return { failure: `ack ${res.status}` };
    const at = await visible(since, sent, ackAt);
    if (typeof at === 'string') return { failure: at };
    if (at === null) {
      if (process.env.BENCH_DEBUG) console.error('no visible result after', target.arrivals.since(since).map((s) => (s.kind === 'api' ? `${s.call.method} ${JSON.stringify(s.call.args).slice(0, 300)} ${JSON.stringify(s.call.response).slice(0, 100)}` : `response ${JSON.stringify(s.post.body).slice(0, 300)}`)));
      return { failure: 'no visible result' };
    }
    return { ackMs: ackAt - sent, visibleMs: at - sent };
  } catch (error) {
    return { failure: failureOf(error) };
  }
}

const OPERATIONS = {
  async list(target: Target, user: User): Promise<Outcome> {
    let responseUrl = '';
    return timed(
      target,
      async () => {
        const res = await user.driver.command('list');
        responseUrl = res.responseUrl;
        return res;
      },
      // The list itself, not a sentence saying the database did not answer.
      (since) => target.arrivals.until(since, (s) => s.kind === 'response' && s.post.url === responseUrl && s.post.status === 200 && JSON.stringify(s.post.body).includes('Followup schedules')),
    );
  },

  async typeAhead(target: Target, user: User): Promise<Outcome> {
    const viewId = user.pickerId!;
    let count = 0;
    let unavailable = false;
    return timed(
      target,
      async () => {
        const res = await user.driver.blockSuggestion({ viewId, actionId: target.picker.actionId, value: `campaign 0${Math.floor(Math.random() * 10)}` });
        count = res.options.length;
        target.acked.options = res.options;
        // The one option saying the database is busy or not answering is a failure, not a result.
        unavailable = res.options.some((o) => o.value === UNAVAILABLE_OPTION);
        return res;
      },
      async (_since, _sent, ackAt) => (unavailable ? 'database busy or not answering' : count > 0 ? ackAt : 'no options'),
    );
  },

  async openEditor(target: Target, user: User): Promise<Outcome> {
    let triggerId = '';
    return timed(
      target,
      async () => {
        const res = await user.driver.command(`edit ${user.schedule20}`);
        triggerId = res.triggerId;
        return res;
      },
      async (since) => {
        const opened = await openedModal(target.arrivals, since, triggerId, target.editorMarker);
        if (typeof opened === 'string') return opened;
        user.editorId = opened.viewId;
        return opened.at;
      },
    );
  },

  async keystroke(target: Target, user: User): Promise<Outcome> {
    const viewId = user.editorId!;
    user.keystrokes += 1;
    return timed(
      target,
      () => user.driver.blockAction({ viewId, actionId: target.afterActionId(viewId), value: String((user.keystrokes % 9) + 1) }),
      (since) => updatedView(target.arrivals, since, viewId, target.editorMarker),
    );
  },

  async add(target: Target, user: User): Promise<Outcome> {
    const viewId = user.addEditorId!;
    return timed(target, () => user.driver.blockAction({ viewId, actionId: target.addActionId }), (since) => updatedView(target.arrivals, since, viewId, target.editorMarker));
  },

  async save(target: Target, user: User): Promise<Outcome> {
    // Each Save needs an editor of its own: opened first, not timed.
    const open = await OPERATIONS.openEditor(target, user);
    if ('failure' in open) return { failure: `opening the editor: ${open.failure}` };
    const viewId = user.editorId!;
    let saved = false;
    return timed(
      target,
      async () => {
        const res = await user.driver.viewSubmission(viewId);
        const outcome = res.outcome as { action?: string; errors?: unknown } | undefined;
        if (outcome?.action === 'errors') throw new Error(`refused: ${JSON.stringify(outcome.errors).slice(0, 60)}`);
        saved = JSON.stringify(user.driver.fake.view(viewId)).includes(target.savedMarker);
        const ackedView = (res.body as { view?: JsonObject } | undefined)?.view;
        if (saved && ackedView) target.acked.saved = ackedView;
        return res;
      },
      (since, _sent, ackAt) => (saved ? Promise.resolve(ackAt) : updatedView(target.arrivals, since, viewId, target.savedMarker)),
    );
  },
} as const;
type Operation = keyof typeof OPERATIONS;

// ── running levels and printing ──

interface Result {
  readonly samples: Sample[];
  readonly failures: Map<string, number>;
}

async function runLevel(target: Target, users: User[], operation: Operation, rounds: number): Promise<Result> {
  const samples: Sample[] = [];
  const failures = new Map<string, number>();
  await Promise.all(
    users.map(async (user) => {
      for (let round = 0; round < rounds; round++) {
        const outcome = await OPERATIONS[operation](target, user);
        if ('failure' in outcome) failures.set(outcome.failure, (failures.get(outcome.failure) ?? 0) + 1);
        else samples.push(outcome);
      }
    }),
  );
  return { samples, failures };
}

function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (n: number) => (Number.isNaN(n) ? '—' : `${Math.round(n)}`);
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

function failuresText(result: Result): string {
  return result.failures.size ? [...result.failures].map(([what, n]) => `${n} ${what}`).join(', ') : '0';
}

// ── CPU per request ──

/** CPU ms per request of each process involved in one run; null where the process is not known (another server). */
interface CpuPerRequest {
  readonly requests: number;
  /** The process that answered: the app or a bare app. */
  readonly server: number;
  readonly ferretdb: number | null;
  readonly postgres: number | null;
  /** This process: the local Slack, and building and signing the requests. */
  readonly generator: number;
}

/** The local database's processes, found by their data folder (as bench:cost does); null for another server. */
interface DatabasePids {
  readonly ferretdb: number | null;
  readonly postgres: number | null;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/**
 * Runs `run` and reads around it the CPU time of the serving process, FerretDB and PostgreSQL (from
 * /proc, after letting the work before and after it settle) and of this process (only while `run` runs:
 * reading /proc is the benchmark's, not a request's).
 */
async function withCpu(pids: DatabasePids, serverPid: number, run: () => Promise<Result>): Promise<{ result: Result; cpu: CpuPerRequest }> {
  const read = () => Promise.all([treeCpuMs(serverPid), pids.ferretdb === null ? null : treeCpuMs(pids.ferretdb), pids.postgres === null ? null : treeCpuMs(pids.postgres)]);
  await settle();
  const before = await read();
  const generatorBefore = process.cpuUsage();
  const result = await run();
  const generator = process.cpuUsage(generatorBefore);
  await settle(); // work left after the visible result (a queued job)
  const after = await read();
  const requests = result.samples.length + [...result.failures.values()].reduce((sum, n) => sum + n, 0);
  const per = (a: number | null, b: number | null) => (a === null || b === null ? null : (b - a) / requests);
  return {
    result,
    cpu: { requests, server: per(before[0], after[0])!, ferretdb: per(before[1], after[1]), postgres: per(before[2], after[2]), generator: (generator.user + generator.system) / 1000 / requests },
  };
}

const cpuMs = (n: number | null) => (n === null ? '—' : n.toFixed(1));

/** One row per path: the app's counts FerretDB and PostgreSQL; a bare app's shows them in parentheses (the database's work meanwhile, not the bare app's). */
function cpuRow(label: string, level: number, path: string, cpu: CpuPerRequest, usesDatabase: boolean): string {
  const database = usesDatabase ? (cpu.ferretdb ?? 0) + (cpu.postgres ?? 0) : 0;
  const shown = (n: number | null) => (usesDatabase || n === null ? cpuMs(n) : `(${cpuMs(n)})`);
  return row([label, String(level), path, String(cpu.requests), cpuMs(cpu.server), shown(cpu.ferretdb), shown(cpu.postgres), cpuMs(cpu.generator), cpuMs(cpu.server + database + cpu.generator)]);
}

// ── the processes ──

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
  peakRssMiB(): Promise<number>;
  /** The same-size bare app: what to send from now on. */
  usePayloads(payloads: SizedPayloads): Promise<void>;
  stop(): Promise<void>;
}

async function startChild(options: ChildOptions): Promise<Child> {
  const child = fork(fileURLToPath(new URL('./loadApp.js', import.meta.url)), [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port?: number }) => (message.port ? resolve(message.port) : reject(new Error('no port'))));
    child.once('exit', (code) => reject(new Error(`the ${options.mode} process exited (${String(code)})`)));
  });
  return {
    process: child,
    url: `http://127.0.0.1:${port}`,
    peakRssMiB: () =>
      new Promise((resolve) => {
        child.once('message', (message: { peakRss?: number }) => resolve((message.peakRss ?? 0) / 2 ** 20));
        child.send({ peak: true });
      }),
    usePayloads: (payloads) =>
      new Promise((resolve) => {
        child.once('message', () => resolve());
        child.send({ payloads });
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

type Database = Pick<LocalMongo, 'uri' | 'stop'> & { readonly kind: string };

interface Bench {
  readonly fake: FakeSlack;
  readonly arrivals: Arrivals;
  readonly database: Database;
  readonly tokens: Record<string, string>;
  readonly databasePids: DatabasePids;
}

function addWorkspace(bench: Bench, teamId: string): WorkspaceRef {
  bench.tokens[teamId] = bench.fake.addTeam({ id: teamId }).botToken;
  bench.fake.addChannel({ id: `C${teamId}`, teamId, name: `sales-${teamId.toLowerCase()}`, botIsMember: true });
  return { teamId };
}

function driverFor(bench: Bench, url: string, teamId: string, userId: string): SlackDriver {
  if (!bench.fake.user(userId, teamId)) bench.fake.addUser({ id: userId, teamId, tz: 'America/New_York' });
  return new SlackDriver({ appUrl: url, signingSecret: SIGNING_SECRET, fake: bench.fake, team: { id: teamId }, user: { id: userId }, channelId: `C${teamId}` });
}

function memoized(find: (viewId: string) => string): (viewId: string) => string {
  const found = new Map<string, string>();
  return (viewId) => found.get(viewId) ?? found.set(viewId, find(viewId)).get(viewId)!;
}

function appTarget(arrivals: Arrivals, fake: FakeSlack, name: 'app' | 'sized' = 'app'): Target {
  return {
    name,
    arrivals,
    editorMarker: 'editor.preview_for',
    savedMarker: 'is saved',
    picker: { command: 'clone', actionId: 'clone.source_select', marker: 'clone.source_select' },
    // Looked up once per editor (a row's block ids keep its stable key): reading the view back from the
    // local Slack copies it, CPU the bare app's runs do not spend.
    afterActionId: memoized((viewId) => editorAfterActionId(fake, viewId)),
    addActionId: 'editor.add_end',
    acked: {},
  };
}

/**
 * What the app sent from `from` to `to` in the local Slack's record (and acked), over `payloads`: the
 * same-size bare app then sends these, so Slack's side checks the same views and messages for both.
 */
function capturedPayloads(app: Target, from: number, to: number, payloads: SizedPayloads, op: Operation): SizedPayloads {
  const out = { ...payloads, ...(app.acked.options ? { options: app.acked.options } : {}), ...(app.acked.saved ? { saved: app.acked.saved } : {}) };
  for (const seen of app.arrivals.since(from, to)) {
    if (seen.kind === 'response' && seen.post.status === 200 && JSON.stringify(seen.post.body).includes('Followup schedules')) out.list = seen.post.body as JsonObject;
    const sent = (method: string, marker: string) => isCall(seen, method, (args, res) => res.ok === true && viewHas(args, marker));
    const view = seen.kind === 'api' ? (seen.call.args.view as JsonObject) : undefined;
    // An editor with an Add button for the Adds (a 20-step editor has none): the last one that still had it.
    if ((sent('views.open', app.editorMarker) || sent('views.update', app.editorMarker)) && (op !== 'add' || viewHas(seen.kind === 'api' ? seen.call.args : {}, app.addActionId))) out.editor = view;
    if (sent('views.open', app.picker.marker)) out.picker = view;
    if (sent('views.update', app.savedMarker)) out.saved = view;
  }
  return out;
}

function bareTarget(arrivals: Arrivals): Target {
  return {
    name: 'bare',
    arrivals,
    editorMarker: 'bare.text',
    savedMarker: 'Saved',
    picker: { command: 'clone', actionId: 'bare.pick_select', marker: 'bare.pick_select' },
    afterActionId: () => 'bare.type_input',
    addActionId: 'bare.click',
    acked: {},
  };
}

/** Opens what each user needs open before the timed operations (not timed; a second try after a failure). */
async function prepare(target: Target, users: User[], needs: { picker?: boolean; editor?: boolean; addEditor?: boolean }): Promise<void> {
  for (const user of users) await prepareUser(target, user, needs).catch(() => prepareUser(target, user, needs));
}

async function prepareUser(target: Target, user: User, needs: { picker?: boolean; editor?: boolean; addEditor?: boolean }): Promise<void> {
  {
    if (needs.picker) {
      const since = target.arrivals.count;
      const res = await user.driver.command(target.picker.command);
      const opened = await openedModal(target.arrivals, since, res.triggerId, target.picker.marker);
      if (typeof opened === 'string') throw new Error(`opening the picker: ${opened}`);
      user.pickerId = opened.viewId;
    }
    if (needs.editor) {
      const outcome = await OPERATIONS.openEditor(target, user);
      if ('failure' in outcome) throw new Error(`opening the editor: ${outcome.failure}`);
    }
    if (needs.addEditor) {
      const since = target.arrivals.count;
      const res = await user.driver.command(`edit ${user.scheduleAdd}`);
      const opened = await openedModal(target.arrivals, since, res.triggerId, target.editorMarker);
      if (typeof opened === 'string') throw new Error(`opening the editor to add to: ${opened}`);
      user.addEditorId = opened.viewId;
    }
  }
}

// ── the scenarios ──

async function scenarioLoad(bench: Bench, services: Services, dbName: string): Promise<void> {
  const maxUsers = Math.max(...LEVELS);
  const main = addWorkspace(bench, 'TBENCHMAIN');
  const picking = addWorkspace(bench, 'TBENCHPICK');
  await services.workspaces.ensureSeeded(main);
  await services.workspaces.ensureSeeded(picking);
  const userIds = Array.from({ length: maxUsers }, (_, i) => `UB${String(i).padStart(3, '0')}`);
  for (const userId of userIds) {
    const actor: Actor = { workspace: main, userId, name: userId, isAdmin: false };
    await ownedSchedule(services, actor, `Bench ${userId}`, 20);
    await ownedSchedule(services, actor, `Add ${userId}`, 10);
  }
  // 200 schedules in the list: 2 system, 2 per user, the rest filled in.
  await fillSchedules(services, main, 'Campaign', Math.max(0, 200 - 2 - 2 * maxUsers));
  await fillSchedules(services, picking, 'Campaign', 500);

  const app = await startChild({ mode: 'app', apiUrl: bench.fake.apiUrl, signingSecret: SIGNING_SECRET, tokens: bench.tokens, mongoUri: bench.database.uri, dbName });
  const bare = await startChild({ mode: 'bare', apiUrl: bench.fake.apiUrl, signingSecret: SIGNING_SECRET, tokens: bench.tokens, mongoUri: bench.database.uri, dbName });
  const sized = await startChild({ mode: 'sized', apiUrl: bench.fake.apiUrl, signingSecret: SIGNING_SECRET, tokens: bench.tokens, mongoUri: bench.database.uri, dbName });
  const appSide = appTarget(bench.arrivals, bench.fake);
  const targets = [
    { target: appSide, child: app, path: "the app's" },
    { target: bareTarget(bench.arrivals), child: bare, path: "the bare app's" },
    { target: appTarget(bench.arrivals, bench.fake, 'sized'), child: sized, path: "the same-size bare app's" },
  ];
  const cpuRows: string[] = [];
  let payloads: SizedPayloads = {};
  const operations: { op: Operation; label: string; team: WorkspaceRef; needs: Parameters<typeof prepare>[2] }[] = [
    { op: 'list', label: '/schedule list (200 schedules)', team: main, needs: {} },
    { op: 'typeAhead', label: 'type-ahead over 500', team: picking, needs: { picker: true } },
    { op: 'openEditor', label: 'open a 20-step editor', team: main, needs: {} },
    { op: 'keystroke', label: 'keystroke (after days)', team: main, needs: { editor: true } },
    { op: 'add', label: 'Add a step', team: main, needs: { addEditor: true } },
    { op: 'save', label: 'Save (20 steps)', team: main, needs: {} },
  ];
  console.log('\n### 1. One workspace, 1 to 50 users at once\n');
  console.log('The bare app sends a small fixed view (or message, or 100 options); the same-size bare app sends what the app sent');
  console.log('for the same kind of request (its views, list message and options), so that the local Slack checks the same bytes for both.\n');
  console.log(row(['operation', 'users', 'ack p50/p99 ms', 'visible p50/p99 ms', 'failures', 'bare app visible p50/p99 ms', 'app/bare p99', 'bare failures', 'same-size bare visible p50/p99 ms', 'app/same-size p99', 'same-size failures']));
  console.log(row(['---', '---', '---', '---', '---', '---', '---', '---', '---', '---', '---']));
  try {
    const only = process.env.BENCH_OPS?.split(',');
    for (const { op, label, team, needs } of operations.filter((o) => !only || only.includes(o.op))) {
      for (const level of LEVELS) {
        const results: Result[] = [];
        let appFrom = 0;
        let appTo = 0;
        for (const { target, child, path } of targets) {
          const url = child.url;
          if (target.name === 'sized') await sized.usePayloads((payloads = capturedPayloads(appSide, appFrom, appTo, payloads, op)));
          const from = bench.arrivals.count;
          const users: User[] = userIds.slice(0, level).map((userId) => ({
            driver: driverFor(bench, url, team.teamId, team === main ? userId : `${userId}P`),
            schedule20: `Bench ${userId}`,
            scheduleAdd: `Add ${userId}`,
            keystrokes: 0,
          }));
          await prepare(target, users, needs);
          const { result, cpu } = await withCpu(bench.databasePids, child.process.pid!, () => runLevel(target, users, op, op === 'add' ? Math.min(roundsAt(level), 10) : roundsAt(level)));
          results.push(result);
          cpuRows.push(cpuRow(label, level, path, cpu, target.name === 'app'));
          if (target.name === 'app') [appFrom, appTo] = [from, bench.arrivals.count];
        }
        const [mine, theirs, sameSize] = results as [Result, Result, Result];
        const p = (r: Result, key: keyof Sample, q: number) => percentile(r.samples.map((s) => s[key]), q);
        console.log(
          row([
            label,
            String(level),
            `${ms(p(mine, 'ackMs', 50))} / ${ms(p(mine, 'ackMs', 99))}`,
            `${ms(p(mine, 'visibleMs', 50))} / ${ms(p(mine, 'visibleMs', 99))}`,
            failuresText(mine),
            `${ms(p(theirs, 'visibleMs', 50))} / ${ms(p(theirs, 'visibleMs', 99))}`,
            `${(p(mine, 'visibleMs', 99) / p(theirs, 'visibleMs', 99)).toFixed(1)}×`,
            failuresText(theirs),
            `${ms(p(sameSize, 'visibleMs', 50))} / ${ms(p(sameSize, 'visibleMs', 99))}`,
            `${(p(mine, 'visibleMs', 99) / p(sameSize, 'visibleMs', 99)).toFixed(1)}×`,
            failuresText(sameSize),
          ]),
        );
        bench.arrivals.forget();
      }
    }
    console.log(`\nApp's peak memory (RSS) over scenario 1: ${(await app.peakRssMiB()).toFixed(0)} MiB; the bare app's: ${(await bare.peakRssMiB()).toFixed(0)} MiB; the same-size bare app's: ${(await sized.peakRssMiB()).toFixed(0)} MiB.`);
    console.log('\nCPU ms per request of each process, read from /proc around each run above (Linux only): the process that answered,');
    console.log('FerretDB, PostgreSQL (with its backends), and the load generator (this process: the local Slack, and building and');
    console.log('signing the requests). The bare apps do not use the database: in parentheses, what FerretDB and PostgreSQL spent');
    console.log("meanwhile (the app's own background jobs), not in their total. A Save's figures include the editor opened before it.\n");
    console.log(row(['operation', 'users', 'path', 'requests', 'its process', 'FerretDB', 'PostgreSQL', 'load generator', 'total']));
    console.log(row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:']));
    for (const line of cpuRows) console.log(line);
  } finally {
    await app.stop();
    await bare.stop();
    await sized.stop();
  }
}

async function measureAlone(bench: Bench, url: string, team: WorkspaceRef, levels: number[]): Promise<Map<string, Result>> {
  const target = appTarget(bench.arrivals, bench.fake);
  const out = new Map<string, Result>();
  for (const level of levels) {
    const users: User[] = Array.from({ length: level }, (_, i) => ({ driver: driverFor(bench, url, team.teamId, `UW${i}`), schedule20: '', scheduleAdd: '', keystrokes: 0 }));
    await prepare(target, users, { picker: true });
    out.set(`list ${level}`, await runLevel(target, users, 'list', roundsAt(level)));
    out.set(`typeAhead ${level}`, await runLevel(target, users, 'typeAhead', roundsAt(level)));
    bench.arrivals.forget();
  }
  return out;
}

async function scenarioWorkspaces(bench: Bench, services: Services, dbName: string): Promise<void> {
  const levels = LEVELS.filter((l) => l <= 10);
  const team = addWorkspace(bench, 'TBENCHALONE');
  await services.workspaces.ensureSeeded(team);
  await fillSchedules(services, team, 'Campaign', 98);
  const app = await startChild({ mode: 'app', apiUrl: bench.fake.apiUrl, signingSecret: SIGNING_SECRET, tokens: bench.tokens, mongoUri: bench.database.uri, dbName });
  try {
    const alone = await measureAlone(bench, app.url, team, levels);
    for (let w = 0; w < 49; w++) {
      const other = addWorkspace(bench, `TBENCHOTHER${w}`);
      await services.workspaces.ensureSeeded(other);
      await fillSchedules(services, other, 'Campaign', 98);
    }
    // The app learns each workspace's token at start: restart it with the others installed.
    await app.stop();
    const again = await startChild({ mode: 'app', apiUrl: bench.fake.apiUrl, signingSecret: SIGNING_SECRET, tokens: bench.tokens, mongoUri: bench.database.uri, dbName });
    try {
      const among = await measureAlone(bench, again.url, team, levels);
      console.log('\n### 2. A workspace of 100 schedules alone, then among 50 such workspaces (5,000 schedules)\n');
      console.log(row(['operation', 'users', 'alone visible p50/p99 ms', 'among 50 visible p50/p99 ms', 'p50 ratio', 'failures']));
      console.log(row(['---', '---', '---', '---', '---', '---']));
      for (const key of alone.keys()) {
        const [op, level] = key.split(' ');
        const a = alone.get(key)!;
        const b = among.get(key)!;
        const p = (r: Result, q: number) => percentile(r.samples.map((s) => s.visibleMs), q);
        console.log(row([op === 'list' ? '/schedule list' : 'type-ahead', level!, `${ms(p(a, 50))} / ${ms(p(a, 99))}`, `${ms(p(b, 50))} / ${ms(p(b, 99))}`, `${(p(b, 50) / p(a, 50)).toFixed(2)}×`, `${failuresText(a)} / ${failuresText(b)}`]));
      }
    } finally {
      await again.stop();
    }
  } catch (error) {
    await app.stop().catch(() => {});
    throw error;
  }
}

async function scenarioDrafts(bench: Bench, services: Services, dbName: string): Promise<void> {
  const team = addWorkspace(bench, 'TBENCHDRAFTS');
  await services.workspaces.ensureSeeded(team);
  const userIds = Array.from({ length: 10 }, (_, i) => `UD${i}`);
  for (const userId of userIds) await ownedSchedule(services, { workspace: team, userId, name: userId, isAdmin: false }, `Bench ${userId}`, 20);
  const app = await startChild({ mode: 'app', apiUrl: bench.fake.apiUrl, signingSecret: SIGNING_SECRET, tokens: bench.tokens, mongoUri: bench.database.uri, dbName });
  const target = appTarget(bench.arrivals, bench.fake);
  const users: User[] = userIds.map((userId) => ({ driver: driverFor(bench, app.url, team.teamId, userId), schedule20: `Bench ${userId}`, scheduleAdd: '', keystrokes: 0 }));
  try {
    await prepare(target, users, { editor: true }); // 10 open drafts
    const few = await runLevel(target, users, 'keystroke', 10);
    const fewOne = await runLevel(target, users.slice(0, 1), 'keystroke', 30);
    const owner = { workspace: team, userId: userIds[0]!, name: userIds[0]!, isAdmin: false };
    const scheduleId = (await services.schedules.findByName(team, `Bench ${userIds[0]}`))!.id;
    for (let i = 0; i < 490; i++) await services.drafts.start(owner, scheduleId, 'UTC');
    const many = await runLevel(target, users, 'keystroke', 10);
    const manyOne = await runLevel(target, users.slice(0, 1), 'keystroke', 30);
    const p = (r: Result, q: number) => percentile(r.samples.map((s) => s.visibleMs), q);
    console.log('\n### 3. A keystroke with 10 open drafts, then with 500\n');
    console.log(row(['users', '10 drafts visible p50/p99 ms', '500 drafts visible p50/p99 ms', 'p50 ratio', 'failures']));
    console.log(row(['---', '---', '---', '---', '---']));
    console.log(row(['1', `${ms(p(fewOne, 50))} / ${ms(p(fewOne, 99))}`, `${ms(p(manyOne, 50))} / ${ms(p(manyOne, 99))}`, `${(p(manyOne, 50) / p(fewOne, 50)).toFixed(2)}×`, `${failuresText(fewOne)} / ${failuresText(manyOne)}`]));
    console.log(row(['10', `${ms(p(few, 50))} / ${ms(p(few, 99))}`, `${ms(p(many, 50))} / ${ms(p(many, 99))}`, `${(p(many, 50) / p(few, 50)).toFixed(2)}×`, `${failuresText(few)} / ${failuresText(many)}`]));
  } finally {
    await app.stop();
  }
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  // MONGODB_URI runs it against another server (its bench_* databases are dropped first).
  const dataDir = await tempDataDir('followups-bench-load-');
  const database: Database = process.env.MONGODB_URI
    ? { kind: 'MONGODB_URI', uri: process.env.MONGODB_URI, stop: async () => {} }
    : await startLocalMongo({ dataDir, log: (line) => console.log(line) });
  const fake = await startFakeSlack();
  const databasePids: DatabasePids = {
    ferretdb: await pidWhose((c) => c.includes(`--state-dir=${dataDir}`)),
    postgres: await pidWhose((c) => c.includes(`-D ${dataDir}`) && !c.startsWith('runuser')),
  };
  const bench: Bench = { fake, arrivals: new Arrivals(fake), database, tokens: {}, databasePids };
  console.log(`Local database: ${database.kind}; ${LEVELS.join(', ')} users; the app, a bare Bolt app and a same-size bare app each in their own process; load average ${await loadAverage()} at the start.`);
  try {
    const scenarios = (process.env.BENCH_SCENARIOS ?? '1,2,3').split(',');
    const run = async (n: string, dbName: string, scenario: (b: Bench, s: Services, db: string) => Promise<void>) => {
      if (!scenarios.includes(n)) return;
      const connection = await connectDatabase(database.uri, { dbName });
      await connection.dropDatabase();
      try {
        await scenario(bench, await createServices(connection, systemClock), dbName);
      } finally {
        await connection.close();
      }
      console.log(`\n(load average ${await loadAverage()} after scenario ${n})`);
    };
    await run('1', 'bench_load', scenarioLoad);
    await run('2', 'bench_workspaces', scenarioWorkspaces);
    await run('3', 'bench_drafts', scenarioDrafts);
  } finally {
    await fake.close();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  console.log(`\nThe whole run took ${((performance.now() - startedAt) / 1000).toFixed(0)} s.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

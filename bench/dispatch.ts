// `npm run bench:dispatch [-- <max>]`: N due followups (1,000, 10,000 and 100,000, up to <max>) sent
// through the whole app (the runtime: Agenda, the send claims, rendering, nodemailer, the notices and
// their Slack posts) to a real SMTP server on loopback (bench/smtpSink.ts, a process of its own) and
// the local Web API, once with the design on main (the dispatcher job) and once with one Agenda job
// per followup (bench/perFollowupJobs.ts) on the same data. Prints, per design and N: followups per
// second, the lateness of the emails (p50, p99, max: arrival at the SMTP server after the planned
// time), the peak memory of this process while sending (the app and the local Slack; the database
// and the SMTP server are other processes), and when the last Slack notice was posted.
//
// The followups are all due at one instant T, a Wednesday inside the assistants' working time: the
// app runs on a clock that stands still an hour before T while the data is written, then runs from T
// in real time ("go"), so lateness is time since go. Ten assistants (a daily limit of 10,000 each),
// each with its own channel. BENCH_DESIGNS=dispatcher or =jobs runs one design; BENCH_TIMEOUT_S
// (default 1200) gives up on a run that has not sent everything by then.
import { fork } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Types } from 'mongoose';
import type { Clock } from '../src/clock.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startRuntime, type Runtime } from '../src/runtime.js';
import { startLocalMongo, tempDataDir, type LocalMongo } from '../src/db/localServer.js';
import { newUnsubscribeToken, type EnrollmentDoc, type LeadDoc } from '../src/db/models.js';
import { JOBS } from '../src/jobs/index.js';
import { dueHourOf } from '../src/services/leads/plan.js';
import { waitingKey } from '../src/services/notices/posting.js';
import { workspaceKey } from '../src/services/domain.js';
import { startFakeSlack, type FakeSlack } from '../test/support/fakeSlack.js';
import type { SinkMessage } from './smtpSink.js';
import { definePerFollowupJob, schedulePerFollowupJobs } from './perFollowupJobs.js';
import { cpuMsOf } from './procCpu.js';

const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [1_000, 10_000, 100_000];
const MAX = Number(process.argv[2] ?? process.env.BENCH_MAX ?? 100_000);
const DESIGNS = (process.env.BENCH_DESIGNS ?? 'dispatcher,jobs').split(',') as Design[];
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 1200) * 1000;
/** The per-followup jobs get their own limit (BENCH_JOBS_TIMEOUT_S, default a minute): on FerretDB they may send nothing for minutes. */
const JOBS_TIMEOUT_MS = Number(process.env.BENCH_JOBS_TIMEOUT_S ?? 60) * 1000;
const ASSISTANTS = 10;
/** Sends in flight at once for the per-followup jobs: what the dispatcher runs at once (its default). */
const JOB_CONCURRENCY = 8;
/** When every followup is due: Wednesday 3 March 2027, 10:00 UTC. */
const T = Date.parse('2027-03-03T10:00:00Z');
const HOUR_MS = 3_600_000;

type Design = 'dispatcher' | 'jobs';

interface Figures {
  readonly design: Design;
  readonly n: number;
  readonly sent: number;
  readonly seconds: number;
  /** Not everything was sent within the time limit: `seconds` is the limit. */
  readonly gaveUp: boolean;
  readonly lateness: { p50: number; p99: number; max: number };
  readonly peakRssMiB: number;
  readonly peakHeapMiB: number;
  readonly noticesDoneSeconds: number | null;
  readonly slackPosts: number;
  readonly duplicates: number;
  /** Per followup sent, while sending: CPU ms of this process (the app and the local Slack), FerretDB and PostgreSQL (null without /proc), and the app's database commands. */
  readonly perFollowup: { appMs: number; ferretMs: number | null; postgresMs: number | null; commands: number };
}

/** Stands still an hour before T until go(), then runs in real time from T. */
function benchClock(): Clock & { go(): number } {
  let goAt: number | null = null;
  return {
    now: () => new Date(goAt === null ? T - HOUR_MS : T + (Date.now() - goAt)),
    go() {
      goAt = Date.now();
      return goAt;
    },
  };
}

/** The SMTP server in its own process: its URL, and every arrival (Message-ID → times seen). */
async function startSink() {
  const child = fork(fileURLToPath(new URL('./smtpSink.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const arrivals = new Map<string, number[]>();
  let total = 0;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message: SinkMessage) => {
      if (message.kind === 'ready') resolve(message.url);
      else
        for (const [id, at] of message.arrivals) {
          total++;
          const seen = arrivals.get(id);
          if (seen) seen.push(at);
          else arrivals.set(id, [at]);
        }
    });
  });
  return {
    url,
    arrivals,
    total: () => total,
    reset() {
      arrivals.clear();
      total = 0;
    },
    async stop() {
      child.send({ kind: 'stop' });
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
type Sink = Awaited<ReturnType<typeof startSink>>;

/** The p-th percentile of `n` values of which `sorted` are known (the rest: larger); NaN when it is not among them. */
function percentile(sorted: readonly number[], p: number, n: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * n) - 1)] ?? NaN;
}

async function until(test: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Ten assistants and their channels, then N leads each following the Recommended schedule, step 1
 * due at T: one lead added through the lead service, the others written as copies of its documents
 * (adding 100,000 leads one by one through the service would take longer than sending them).
 */
async function seed(runtime: Runtime, fake: FakeSlack, teamId: string, n: number): Promise<{ enrollmentIds: string[]; waitingKeys: string[] }> {
  const { services } = runtime;
  const ws = { teamId };
  await services.workspaces.ensureSeeded(ws);
  const actor = { workspace: ws, userId: 'UALEX', name: 'Alex', isAdmin: true };
  const assistants = [];
  for (let a = 0; a < ASSISTANTS; a++) {
    const channel = fake.addChannel({ id: `CBENCH${teamId}${a}`, teamId, name: `followups-${a}`, botIsMember: true });
    assistants.push(
      await services.assistants.create(actor, {
        name: `Assistant ${a}`,
        notificationChannel: channel.id,
        timeZone: 'UTC',
        offDays: [],
        businessHours: { open: '00:00', close: '24:00' },
        holidays: null,
        dailyLimit: 10_000,
        senderName: `Ava ${a}`,
        senderEmail: `ava${a}@seller.example`,
        signature: 'Ava\nAcme Inc.',
      }),
    );
  }
  const [added] = await services.leads.addLeads(actor, { assistantId: assistants[0]!.id }, [{ email: 'lead0@buyer.example', firstName: 'Lead', lastName: '0', company: 'Buyer Co' }]);
  if (!added?.ok) throw new Error(`the template lead was not added: ${JSON.stringify(added)}`);
  const { Lead, Enrollment } = services.models;
  const lead = (await Lead.findById(added.leadId).lean<LeadDoc>())!;
  const enrollment = (await Enrollment.findById(added.enrollmentId).lean<EnrollmentDoc>())!;
  const shift = T - enrollment.followups[0]!.plannedAt.getTime();
  const followups = enrollment.followups.map((f) => ({ ...f, plannedAt: new Date(f.plannedAt.getTime() + shift) }));
  // Step 1 is the first unsent: the enrollment is due at T, in T's due-hour bucket.
  const due = { nextDueAt: new Date(T), dueHour: dueHourOf(new Date(T), services.clock.now()) };
  await Enrollment.collection.updateOne({ _id: enrollment._id }, { $set: { followups, ...due } });

  const enrollmentIds = [String(enrollment._id)];
  for (let from = 1; from < n; from += 1000) {
    const leads: LeadDoc[] = [];
    const enrollments: EnrollmentDoc[] = [];
    for (let i = from; i < Math.min(n, from + 1000); i++) {
      const leadId = new Types.ObjectId();
      const assistantId = new Types.ObjectId(assistants[i % ASSISTANTS]!.id);
      const email = `lead${i}@buyer.example`;
      leads.push({ ...lead, _id: leadId, email, lastName: String(i), unsubscribeToken: newUnsubscribeToken() });
      const _id = new Types.ObjectId();
      enrollments.push({ ...enrollment, _id, leadId, email, assistantId, slot: `${assistantId}:${leadId}`, followups, ...due });
      enrollmentIds.push(String(_id));
    }
    await Lead.collection.insertMany(leads);
    await Enrollment.collection.insertMany(enrollments);
  }
  return { enrollmentIds, waitingKeys: assistants.map((a) => waitingKey(workspaceKey(ws), a.id)) };
}

/**
 * Seconds from go until every notice was posted to Slack; null when no notice was posted for a minute.
 * It counts the notices still waiting per assistant (`waitingFor`, the equality the posting run reads by,
 * which FerretDB v1 pushes down): `postedAt: null` is not pushed down, and a count of 100,000 notices by it
 * took longer than the driver's socket timeout while the posting ran, which ended two 100,000 runs after
 * every email had been sent. A probe that times out all the same is tried again.
 */
async function noticesPosted(runtime: Runtime, goAt: number, waitingKeys: readonly string[]): Promise<number | null> {
  const { Notice } = runtime.services.models;
  let waiting = -1;
  let changedAt = Date.now();
  for (;;) {
    try {
      const now = (await Promise.all(waitingKeys.map((waitingFor) => Notice.countDocuments({ waitingFor })))).reduce((a, b) => a + b, 0);
      if (now === 0) return (Date.now() - goAt) / 1000;
      if (now !== waiting) [waiting, changedAt] = [now, Date.now()];
    } catch (error) {
      console.error(`(counting waiting notices failed, trying again: ${error instanceof Error ? error.message : String(error)})`);
    }
    if (Date.now() - changedAt > 60_000) return null;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** CPU used so far by this process, FerretDB and PostgreSQL (ms). */
async function cpuNow(dataDir: string) {
  const { user, system } = process.cpuUsage();
  const [ferretMs, postgresMs] = await Promise.all([cpuMsOf((c) => c.includes('ferretdb') && c.includes(dataDir)), cpuMsOf((c) => c.includes(join(dataDir, 'postgres')))]);
  return { appMs: (user + system) / 1000, ferretMs, postgresMs };
}

async function runOnce(design: Design, n: number, database: LocalMongo, dataDir: string, sink: Sink): Promise<Figures> {
  const fake = await startFakeSlack();
  const team = fake.addTeam({ id: `TB${design === 'jobs' ? 'J' : 'D'}${n}` });
  const clock = benchClock();
  const runtime = await startRuntime(
    parseConfig({ SLACK_BOT_TOKEN: 'xoxb-unused', SLACK_SIGNING_SECRET: 'bench', SLACK_API_URL: fake.apiUrl, PORT: '0', MONGODB_URI: database.uri, LOG_LEVEL: 'error', SMTP_URL: sink.url, PUBLIC_URL: 'https://followups.example' }),
    {
      logger: createLogger('error'),
      clock,
      dbName: `bench_dispatch_${design}_${n}_${Date.now()}`,
      webApiRetries: 0,
      monitorCommands: true,
      authorize: async () => ({ botToken: team.botToken, botId: fake.botId, botUserId: fake.botUserId, teamId: team.id }),
    },
  );
  try {
    const results = new Map<string, number>();
    if (design === 'jobs') await runtime.agenda.cancel({ name: JOBS.dispatch });
    process.stdout.write(`  ${design}, ${n.toLocaleString('en')}: seeding… `);
    const seeded = await seed(runtime, fake, team.id, n);
    if (design === 'jobs') await schedulePerFollowupJobs(runtime.agenda, runtime.connection, seeded.enrollmentIds.map((enrollmentId) => ({ enrollmentId, step: 1 })), new Date());
    process.stdout.write('sending… ');
    sink.reset();
    const postsBefore = fake.calls.length;

    let peakRss = 0;
    let peakHeap = 0;
    const sample = () => {
      const memory = process.memoryUsage();
      peakRss = Math.max(peakRss, memory.rss);
      peakHeap = Math.max(peakHeap, memory.heapUsed);
    };
    const sampler = setInterval(sample, 100);
    let commands = 0;
    const byCommand = new Map<string, number>();
    runtime.connection.getClient().on('commandStarted', (event: { commandName: string; command: Record<string, unknown> }) => {
      commands++;
      // BENCH_COMMANDS=1: which commands on which collections, to see where a followup's round trips go.
      if (!process.env.BENCH_COMMANDS) return;
      const key = `${event.commandName} ${String(event.command[event.commandName] ?? '')}`;
      byCommand.set(key, (byCommand.get(key) ?? 0) + 1);
    });
    const cpuBefore = await cpuNow(dataDir);
    const commandsBefore = commands;
    const goAt = clock.go();
    if (design === 'jobs') definePerFollowupJob(runtime.agenda, runtime.services, JOB_CONCURRENCY, results);
    let progressAt = Date.now();
    await until(async () => {
      if (Date.now() - progressAt >= 15_000) {
        progressAt = Date.now();
        const outcomes = design === 'jobs' ? ` (${[...results].map(([result, count]) => `${result} ${count}`).join(', ')})` : '';
        const jobs = process.env.BENCH_COMMANDS ? ` (${await runtime.connection.db!.collection('agendaJobs').countDocuments({})} Agenda jobs)` : '';
        process.stdout.write(`${sink.arrivals.size.toLocaleString('en')} after ${((progressAt - goAt) / 1000).toFixed(0)} s${outcomes}${jobs}… `);
      }
      return sink.arrivals.size >= n;
    }, design === 'jobs' ? JOBS_TIMEOUT_MS : TIMEOUT_MS);
    const gaveUp = sink.arrivals.size < n;
    const stoppedAt = Date.now();
    const cpuAfter = await cpuNow(dataDir);
    const sentCount = Math.max(1, sink.arrivals.size);
    const delta = (after: number | null, before: number | null) => (after === null || before === null ? null : (after - before) / sentCount);
    const perFollowup = { appMs: delta(cpuAfter.appMs, cpuBefore.appMs)!, ferretMs: delta(cpuAfter.ferretMs, cpuBefore.ferretMs), postgresMs: delta(cpuAfter.postgresMs, cpuBefore.postgresMs), commands: (commands - commandsBefore) / sentCount };
    // What arrived by the end of the run (more may trickle in while the notices are awaited).
    const firstArrivals = [...sink.arrivals.values()].map((times) => times[0]!);
    const twice = sink.total() - sink.arrivals.size;
    const lastAt = gaveUp ? stoppedAt : firstArrivals.reduce((last, at) => Math.max(last, at), goAt);
    sample();
    clearInterval(sampler);
    // After giving up, sending goes on: the notices would never all be posted.
    const noticesDoneSeconds = gaveUp ? null : await noticesPosted(runtime, goAt, seeded.waitingKeys);
    const lateness = firstArrivals.map((at) => at - goAt).sort((a, b) => a - b);
    const seconds = (lastAt - goAt) / 1000;
    const figures: Figures = {
      design,
      n,
      sent: firstArrivals.length,
      seconds,
      gaveUp,
      lateness: { p50: percentile(lateness, 50, n) / 1000, p99: percentile(lateness, 99, n) / 1000, max: percentile(lateness, 100, n) / 1000 },
      peakRssMiB: peakRss / 2 ** 20,
      peakHeapMiB: peakHeap / 2 ** 20,
      noticesDoneSeconds,
      slackPosts: fake.calls.slice(postsBefore).filter((call) => call.method === 'chat.postMessage' || call.method === 'chat.update').length,
      duplicates: twice,
      perFollowup,
    };
    if (byCommand.size) console.log(`\n    commands per followup: ${[...byCommand].sort((a, b) => b[1] - a[1]).map(([key, count]) => `${key} ${(count / sentCount).toFixed(2)}`).join(', ')}`);
    console.log(gaveUp ? `gave up after ${seconds.toFixed(0)} s` : `done in ${seconds.toFixed(1)} s`);
    return figures;
  } finally {
    await runtime.connection.dropDatabase().catch(() => {});
    await runtime.stop();
    await fake.close();
  }
}

/** A lateness percentile; one that falls among the followups never sent is "> the time limit". */
function late(f: Figures, p: 50 | 99 | 100): string {
  if (f.sent < Math.ceil((p / 100) * f.n)) return `> ${f.seconds.toFixed(0)} s`;
  const value = p === 50 ? f.lateness.p50 : p === 99 ? f.lateness.p99 : f.lateness.max;
  return `${value.toFixed(1)} s`;
}

function report(all: readonly Figures[]): void {
  const head = ['design', 'followups', 'sent', 'per second', 'p50 late', 'p99 late', 'max late', 'peak RSS', 'peak heap', 'notices done', 'Slack posts', 'twice', 'CPU ms/followup app+Slack, FerretDB, PG', 'db commands/followup'];
  const ms = (value: number | null) => (value === null ? '-' : value.toFixed(1));
  const rows = all.map((f) => [
    f.design === 'dispatcher' ? 'dispatcher (main)' : 'one job per followup',
    f.n.toLocaleString('en'),
    f.sent.toLocaleString('en'),
    f.seconds > 0 ? (f.sent / f.seconds).toFixed(0) : '-',
    late(f, 50),
    late(f, 99),
    late(f, 100),
    `${f.peakRssMiB.toFixed(0)} MiB`,
    `${f.peakHeapMiB.toFixed(0)} MiB`,
    f.noticesDoneSeconds === null ? 'stalled' : `${f.noticesDoneSeconds.toFixed(0)} s`,
    String(f.slackPosts),
    String(f.duplicates),
    `${ms(f.perFollowup.appMs)}, ${ms(f.perFollowup.ferretMs)}, ${ms(f.perFollowup.postgresMs)}`,
    f.perFollowup.commands.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${line(head)}`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  console.log(`bench:dispatch: ${SIZES.filter((n) => n <= MAX).join(', ')} due followups; ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);
  const dataDir = await tempDataDir('followups-bench-dispatch-');
  const database = await startLocalMongo({ dataDir, throwaway: true });
  const sink = await startSink();
  const all: Figures[] = [];
  try {
    for (const n of SIZES.filter((size) => size <= MAX)) {
      for (const design of DESIGNS) all.push(await runOnce(design, n, database, dataDir, sink));
    }
  } finally {
    await sink.stop();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  report(all);
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (1, 5, 15 min)`);
}

// An error that escapes the app (an unhandled rejection or an uncaught exception) ends the run: say which, and from where.
process.on('uncaughtExceptionMonitor', (error, origin) => console.error(`\nbench:dispatch: the process ends on an ${origin}:`, error));

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

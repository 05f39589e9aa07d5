// Agenda on the app's own MongoDB connection. Job definitions stay thin: load, then call a
// service. Every job is safe to run twice (Agenda's lock is at-least-once, and on FerretDB
// not atomic), so each one is idempotent.
import { Agenda, InMemoryNotificationChannel, backoffStrategies, type Job, type JobParameters } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Connection } from 'mongoose';
import type { Db } from 'mongodb';
import type { Services } from '../services/index.js';
import { AGENDA_JOBS_COLLECTION } from '../db/models.js';
import { REPLAN_JOB, type ReplanRequest } from '../services/replans.js';
import { DRAFT_MAX_AGE_MS } from '../services/drafts.js';
import { REQUEST_CLAIM_KEEP_MS } from '../services/requestClaims.js';
import type { Logger } from '../logger.js';
import { IMPORT_RETRIES, importLeadsJob, type LeadImportJobData, type SlackClients } from './leadImport.js';
import { unlessUninstalled } from './uninstalled.js';
import { DISPATCH_EVERY, DISPATCH_JOB, DISPATCH_LOCK_MS, dispatchJob } from './delivery.js';
import { DELETE_WORKSPACE_DATA_JOB, EXPORT_WORKSPACE_JOB, type DeleteWorkspaceDataJob, type ExportWorkspaceJob } from '../services/workspaceDataRequests.js';
import { deleteWorkspaceDataJob, exportWorkspaceJob } from './workspaceData.js';
import { POST_NOTICES_JOB, type PostNoticesRequest } from '../services/notices/index.js';
import { nextRunAt, postNotices } from './notices.js';

export const JOBS = {
  purgeDrafts: 'drafts.purge-stale',
  purgeRequestClaims: 'requests.purge-claims',
  purgeOAuthStateClaims: 'installs.purge-state-claims',
  repairScheduleSummaries: 'schedules.repair-summaries',
  importLeads: 'leads.import',
  deleteUninstalledWorkspaces: 'workspaces.delete-uninstalled',
  deleteWorkspaceData: DELETE_WORKSPACE_DATA_JOB,
  exportWorkspace: EXPORT_WORKSPACE_JOB,
  replan: REPLAN_JOB,
  dispatch: DISPATCH_JOB,
  postNotices: POST_NOTICES_JOB,
  sweepNotices: 'notices.sweep',
  purgeDelivery: 'delivery.purge',
} as const;

/** What jobs that talk to Slack need (tests and the app pass the same as for requests). */
export interface JobDeps {
  readonly slack: SlackClients;
  readonly logger: Logger;
}

/** A lead import's lock: extended after every chunk (under a second each), so a worker that died is replaced within seconds. Agenda checks it every half lifetime with a timer it never clears: a short lifetime also lets a stopping process exit sooner. */
const IMPORT_LOCK_MS = 10_000;

export function defineJobs(agenda: Agenda, services: Services, deps?: JobDeps, stopping: AbortSignal = new AbortController().signal): void {
  agenda.define(JOBS.purgeDrafts, async () => {
    await services.drafts.purgeStale(DRAFT_MAX_AGE_MS);
  });
  agenda.define(JOBS.replan, async (job: Job<ReplanRequest>) => {
    await services.replans.run(job.attrs.data);
  });
  agenda.define(JOBS.purgeOAuthStateClaims, async () => {
    await services.installations.purgeExpiredStateClaims();
  });
  agenda.define(JOBS.purgeRequestClaims, async () => {
    await services.requestClaims.purgeBefore(new Date(services.clock.now().getTime() - REQUEST_CLAIM_KEEP_MS));
  });
  // 30 days after an uninstall, the workspace's data goes (README, "Uninstall").
  agenda.define(JOBS.deleteUninstalledWorkspaces, async () => {
    await services.installations.deleteDataOfUninstalled();
  });
  // An admin's `/schedule delete-workspace-data`; its document goes once done (it names the workspace).
  agenda.define<DeleteWorkspaceDataJob>(JOBS.deleteWorkspaceData, deleteWorkspaceDataJob(services, deps), { removeOnComplete: true });
  // Send claims, daily send slots and notice posting slots that can no longer matter (FerretDB has no TTL index).
  agenda.define(JOBS.purgeDelivery, async () => {
    await services.deliveryPurge.purge();
  });
  agenda.define(JOBS.repairScheduleSummaries, async () => {
    await services.schedules.repairSummaries();
  });
  if (deps) {
    const exportWorkspace = exportWorkspaceJob(services, deps);
    // Its document goes once done (it names the workspace); a failed or busy run is tried again.
    agenda.define<ExportWorkspaceJob>(
      JOBS.exportWorkspace,
      async (job) => {
        await unlessUninstalled(services, deps.logger, JOBS.exportWorkspace, job.attrs.data.workspace, () => exportWorkspace(job));
      },
      { removeOnComplete: true, backoff: backoffStrategies.exponential({ delay: 30_000, maxRetries: 8 }) },
    );
    const importLeads = importLeadsJob(services, deps.slack, deps.logger);
    agenda.define<LeadImportJobData>(
      JOBS.importLeads,
      async (job) => {
        await unlessUninstalled(services, deps.logger, JOBS.importLeads, job.attrs.data.workspace, () => importLeads(job));
      },
      // A failed run (the database or Slack away a moment) is tried again; done chunks are not redone.
      { lockLifetime: IMPORT_LOCK_MS, backoff: backoffStrategies.exponential({ delay: 5_000, maxRetries: IMPORT_RETRIES }) },
    );
    agenda.define(JOBS.dispatch, dispatchJob(services, deps.slack, deps.logger, stopping), { concurrency: 1, lockLifetime: DISPATCH_LOCK_MS });
    agenda.define<PostNoticesRequest>(JOBS.postNotices, async (job) => {
      const request = job.attrs.data;
      await unlessUninstalled(services, deps.logger, JOBS.postNotices, request.workspace, async () => {
        const next = nextRunAt(await postNotices(services, deps.slack, request));
        if (next) await agenda.schedule(next, JOBS.postNotices, request);
      });
      // Done runs go: Agenda finds its next job by reading every job document (FerretDB v1 pushes none of
      // that query down). A run is one per assistant (JobQueue.once), so one left locked by a dead worker
      // holds later asks back until its lock lapses: a short lock, as a run stops after 20 s (RUN_BUDGET_MS).
    }, { removeOnComplete: true, lockLifetime: NOTICE_RUN_LOCK_MS });
    // Notices nobody's run is posting (a failed kick, a Retry-After or an unreachable channel's next try): every waiting assistant gets a run.
    agenda.define(JOBS.sweepNotices, async () => {
      for (const request of await services.notices.waitingAssistants()) await services.notices.startPosting(request);
    });
  }
}

/**
 * What Agenda's Mongo backend says when a job's document is gone as a run of it starts: another run
 * of the same job (FerretDB v1 has no atomic find-and-modify, so two polls may lock one job) finished
 * and removed it (`removeOnComplete`). Every job is safe to run twice, so nothing was lost: a burst of
 * notices made hundreds of these, which at error level would hide real problems.
 */
/** How long a posting run's lock lasts: well over its 20 s budget and a slow Slack call. */
const NOTICE_RUN_LOCK_MS = 2 * 60_000;

const JOB_ALREADY_DONE = /cannot be updated in the database, maybe it does not exist anymore/;

export async function startJobs(connection: Connection, services: Services, options: { readyTimeoutMs?: number; deps?: JobDeps } = {}): Promise<Agenda> {
  // Reuses mongoose's connection; Agenda then leaves closing it to us.
  const backend = new MongoBackend({ mongo: connection.db as unknown as Db, collection: AGENDA_JOBS_COLLECTION });
  unlockWithoutRejecting(backend.repository, options.deps?.logger);
  const agenda = new Agenda({
    backend,
    processEvery: '10 seconds',
    // A job a request starts (a lead import, a replan after a Save) runs here at once rather than at
    // the next poll; other processes still find due jobs by polling.
    notificationChannel: new InMemoryNotificationChannel(),
  });
  // Agenda emits 'error' when it cannot lock due jobs (the database stopped, say); an EventEmitter's 'error'
  // without a listener throws, so say it in the log and let the next poll try again.
  agenda.on('error', (error: unknown) => {
    const text = error instanceof Error ? error.message : String(error);
    if (!options.deps) return;
    if (JOB_ALREADY_DONE.test(text)) options.deps.logger.debug(`Jobs: ${text} (another run of it already finished it)`);
    else options.deps.logger.error(`Jobs: ${text} (the next poll tries again)`);
  });
  // Agenda 6 connects in its constructor and never catches that promise: wait on it with a deadline.
  const timeoutMs = options.readyTimeoutMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    agenda.ready,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Agenda was not ready within ${timeoutMs / 1000}s`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  const stopping = new AbortController();
  stopSignals.set(agenda, stopping);
  defineJobs(agenda, services, options.deps, stopping.signal);
  services.jobs.bind({
    now: async (name, data) => {
      await agenda.now(name, data);
    },
    // One job document per key: an insert-only upsert on a top-level `jobKey`, which the inserted document
    // keeps. FerretDB v1 upserts as a query then an insert, so two processes at once may still make two;
    // both runs are harmless, as every job is safe to run twice.
    once: async (name, data, key) => {
      await agenda.create(name, data).unique({ jobKey: key }, { insertOnly: true }).schedule(new Date()).save();
    },
  });
  await agenda.start();
  // `every` keeps one job document per name, so several processes share one schedule. The first
  // run is an hour out: nothing is stale at start-up, and Agenda would otherwise hold an
  // uncleared timer for a job due within its poll window, keeping a stopping process alive.
  await agenda.every('1 hour', JOBS.purgeDrafts, undefined, { skipImmediate: true });
  await agenda.every('10 minutes', JOBS.purgeRequestClaims, undefined, { skipImmediate: true });
  await agenda.every('10 minutes', JOBS.purgeOAuthStateClaims, undefined, { skipImmediate: true });
  await agenda.every('1 hour', JOBS.repairScheduleSummaries, undefined, { skipImmediate: true });
  await agenda.every('5 minutes', JOBS.purgeDelivery, undefined, { skipImmediate: true });
  await agenda.every('1 day', JOBS.deleteUninstalledWorkspaces, undefined, { skipImmediate: true });
  if (options.deps) await agenda.every(DISPATCH_EVERY, JOBS.dispatch);
  if (options.deps) await agenda.every('1 minute', JOBS.sweepNotices, undefined, { skipImmediate: true });
  return agenda;
}

/**
 * Agenda 6 unlocks a job it locked but will not run yet (due beyond its next poll, or over a lock limit)
 * without awaiting the promise (`JobProcessor`), so a database that does not answer in time there (a
 * `MongoNetworkTimeoutError` under a burst on the local database) was an unhandled rejection, which
 * ends the process. A failed unlock costs
 * nothing but time (the lock lapses after its lifetime and another poll takes the job), so it is logged.
 */
export function unlockWithoutRejecting(repository: { unlockJob(job: JobParameters): Promise<void> }, logger?: Logger): void {
  const unlock = repository.unlockJob.bind(repository);
  repository.unlockJob = async (job) => {
    try {
      await unlock(job);
    } catch (error) {
      logger?.warn(`Jobs: could not unlock ${job.name} (${error instanceof Error ? error.message : String(error)}); its lock lapses after its lifetime`);
    }
  };
}

/** Tells long-running jobs (the dispatcher's polling) to finish, per Agenda started here. */
const stopSignals = new WeakMap<Agenda, AbortController>();

/** Lets running jobs finish (up to the deadline), then stops taking new ones. */
export async function stopJobs(agenda: Agenda, timeoutMs: number): Promise<void> {
  stopSignals.get(agenda)?.abort();
  const result = (await agenda.drain({ timeout: timeoutMs })) as unknown as { timedOut?: boolean };
  // Jobs still running at the deadline are unlocked so another worker picks them up (they are idempotent).
  if (result?.timedOut) await agenda.stop(false);
}

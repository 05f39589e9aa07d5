// The dispatcher job: one Agenda job for the whole cluster (`every`, so one job document) that,
// once a process has it, polls for due followups every few seconds until that process stops
// (services.delivery.dispatch: what is due, in batches, oldest first). It runs on rather than
// once per poll because a job due within Agenda's poll window holds an uncleared timer that
// keeps a stopping process alive; a running job holds none, and stops at the stop signal. Its
// lock is short and extended at every poll, so when its process dies another worker takes it
// over within seconds; when two run it at once (Agenda's lock is not atomic on FerretDB) the
// send claims still keep every followup to one send.
import type { Job } from 'agenda';
import type { Services } from '../services/index.js';
import type { WorkspaceRef } from '../services/domain.js';
import type { Logger } from '../logger.js';
import type { SlackClients } from '../installs/slackClients.js';
import { unlessUninstalled } from './uninstalled.js';

export const DISPATCH_JOB = 'delivery.dispatch';
/** How often Agenda starts the job again in case no process runs it (its process died, or it failed). */
export const DISPATCH_EVERY = '30 seconds';
/** The job's lock, extended every few seconds while the job runs (whatever a batch is waiting on). */
export const DISPATCH_LOCK_MS = 15_000;
const HEARTBEAT_MS = 5_000;
/** How often the dispatcher looks for due followups: a followup goes out at most this late (plus the round's own time). */
const POLL_MS = 5_000;
/** A round stops starting batches after this long (the next one follows at once). */
const ROUND_BUDGET_MS = 30_000;

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

export function dispatchJob(services: Services, slack: SlackClients, logger: Logger, stopping: AbortSignal) {
  /** False for a workspace that removed the app (logged once, counted on its record, like every job that meets one). */
  const installed = async (workspace: WorkspaceRef) => {
    let yes = false;
    await unlessUninstalled(services, logger, DISPATCH_JOB, workspace, async () => {
      await slack.forWorkspace(workspace);
      yes = true;
    });
    return yes;
  };
  return async (job: Job) => {
    // A send may wait on a slow SMTP server far longer than the lock lives: the lock is kept fresh beside the work.
    const heartbeat = setInterval(() => void job.touch().catch(() => {}), HEARTBEAT_MS);
    try {
      await poll();
    } finally {
      clearInterval(heartbeat);
    }
  };

  async function poll(): Promise<void> {
    while (!stopping.aborted) {
      let more = false;
      try {
        ({ more } = await services.delivery.dispatch({
          installed,
          // What an uninstall does (its active leads pause, to resume after a reinstall), for leads that were due meanwhile.
          onUninstalled: async (workspace) => {
            await services.installations.uninstalled({ teamId: workspace.teamId, enterpriseId: workspace.enterpriseId, isEnterpriseInstall: false });
          },
          budgetMs: ROUND_BUDGET_MS,
          signal: stopping,
          log: (level, line) => logger[level](line),
        }));
      } catch (error) {
        // The database away a moment: the next poll tries again.
        logger.warn(`Sending followups: ${error instanceof Error ? error.message : String(error)}`);
      }
      // A round that stopped for its budget with work left goes on at once.
      if (!more) await pause(POLL_MS, stopping);
    }
  }
}

// The dispatcher job: every few seconds, one round of services.delivery.dispatch (send what is due,
// in batches, oldest first). One job document for the whole cluster (Agenda's `every`); its lock is
// short and extended after each batch, so a worker that died is replaced within seconds, and when
// two workers run it at once (Agenda's lock is not atomic on FerretDB) the send claims keep every
// followup to one send.
import type { Job } from 'agenda';
import type { Services } from '../services/index.js';
import type { WorkspaceRef } from '../services/domain.js';
import type { Logger } from '../logger.js';
import type { SlackClients } from '../installs/slackClients.js';
import { unlessUninstalled } from './uninstalled.js';

export const DISPATCH_JOB = 'delivery.dispatch';
/** How often the dispatcher looks for due followups: a followup goes out at most this late (plus the round's own time). */
export const DISPATCH_EVERY = '5 seconds';
/** The job's lock; extended after every batch. */
export const DISPATCH_LOCK_MS = 15_000;
/** A round stops starting batches after this long; the next round follows at once. */
const ROUND_BUDGET_MS = 10_000;

export function dispatchJob(services: Services, slack: SlackClients, logger: Logger) {
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
    await services.delivery.dispatch({
      installed,
      // What an uninstall does (its active leads pause, to resume after a reinstall), for leads that were due meanwhile.
      onUninstalled: async (workspace) => {
        await services.installations.uninstalled({ teamId: workspace.teamId, enterpriseId: workspace.enterpriseId, isEnterpriseInstall: false });
      },
      budgetMs: ROUND_BUDGET_MS,
      onBatch: async () => {
        await job.touch();
      },
      log: (level, line) => logger[level](line),
    });
  };
}

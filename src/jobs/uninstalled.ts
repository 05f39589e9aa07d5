// A job for a workspace that removed the app stops quietly: no retries, no error log, one info
// line and a record on the workspace's uninstall document (how many jobs stopped, the last one).
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import { workspaceKey, type WorkspaceRef } from '../services/domain.js';
import { NotInstalledError } from '../installs/slackClients.js';

export async function unlessUninstalled(services: Services, logger: Logger, job: string, workspace: WorkspaceRef, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof NotInstalledError)) throw error;
    logger.info(`Job ${job} for workspace ${workspaceKey(workspace)} stopped: the app is not installed there`);
    await services.installations.jobStopped(workspace, job);
  }
}

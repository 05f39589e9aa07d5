// Deleting a workspace's data on an admin's request: the service deletes (safe to run twice), then
// the admin hears it in their DM with the app. The job's own document goes when it completes
// (removeOnComplete), so nothing that names the workspace is left behind.
import type { Job } from 'agenda';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import type { DeleteWorkspaceDataJob } from '../services/workspaceDataRequests.js';
import type { SlackClients } from '../installs/slackClients.js';
import { deletionDoneMessage } from '../../views/workspaceData.js';

export function deleteWorkspaceDataJob(services: Services, deps: { slack: SlackClients; logger: Logger } | undefined) {
  return async (job: Job<DeleteWorkspaceDataJob>): Promise<void> => {
    const { workspace, userId } = job.attrs.data;
    const deleted = await services.workspaceData.deleteAll(workspace);
    deps?.logger.info(`Workspace data deleted on an admin's request: ${deleted} documents`);
    if (!deps) return;
    try {
      const client = await deps.slack.forWorkspace(workspace);
      await client.chat.postMessage({ channel: userId, ...deletionDoneMessage() });
    } catch (error) {
      // The deletion is done either way; only the note is missing (the app was uninstalled meanwhile, say).
      deps.logger.warn(`Telling ${userId} the workspace data was deleted: ${(error as Error).message}`);
    }
  };
}

// A workspace's data as a whole, on an admin's request. Deleting it: the service deletes (safe to run twice), then
// the admin hears it in their DM with the app. The job's own document goes when it completes
// (removeOnComplete), so nothing that names the workspace is left behind.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'agenda';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import type { DeleteWorkspaceDataJob, ExportWorkspaceJob } from '../services/workspaceDataRequests.js';
import type { SlackClients } from '../installs/slackClients.js';
import { deletionDoneMessage, exportPreparingMessage, exportReadyText, exportUndeliverableMessage } from '../../views/workspaceData.js';
import { postToResponseUrl } from '../listeners/context.js';

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

function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}

/**
 * `/schedule export`: claims the export (a second run sends nothing), opens the admin's DM with a
 * message, writes the file to a temporary folder and shares it there with files.uploadV2. The DM
 * only: the file holds every lead's details, so if the DM cannot take it the admin is told on the
 * command's response_url and nothing is posted anywhere else. A failure gives the claim back and
 * throws, for Agenda's retry.
 */
export function exportWorkspaceJob(services: Services, deps: { slack: SlackClients; logger: Logger }) {
  return async (job: Job<ExportWorkspaceJob>): Promise<void> => {
    const { workspace, exportId, userId, responseUrl } = job.attrs.data;
    const claim = await services.workspaceData.claimExport(workspace, exportId);
    if (claim === 'done') return;
    // Another worker holds it: try again later (it will be done by then, or its claim stale).
    if (claim === 'busy') throw new Error('This export is being written by another worker');
    const dir = await mkdtemp(join(tmpdir(), 'followups-export-'));
    try {
      const client = await deps.slack.forWorkspace(workspace);
      let channel: string;
      try {
        channel = String((await client.chat.postMessage({ channel: userId, ...exportPreparingMessage() })).channel);
      } catch (error) {
        const code = slackError(error);
        if (!code) throw error;
        if (responseUrl) await postToResponseUrl(responseUrl, exportUndeliverableMessage(code)).catch(() => {});
        await services.workspaceData.exportDone(workspace, exportId, claim.token, null);
        return;
      }
      const file = await services.workspaceData.writeExport(workspace, dir);
      const shared = await client.filesUploadV2({ channel_id: channel, file: file.path, filename: file.name, title: file.name, initial_comment: exportReadyText(file.counts, file.gzipped) });
      const fileId = (shared as { files?: { files?: { id?: string }[] }[] }).files?.[0]?.files?.[0]?.id ?? null;
      await services.workspaceData.exportDone(workspace, exportId, claim.token, fileId);
      deps.logger.info(`Workspace export shared: ${file.bytes} bytes${file.gzipped ? ' gzipped' : ''}`);
    } catch (error) {
      await services.workspaceData.releaseExport(exportId, claim.token).catch(() => {});
      throw error;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}

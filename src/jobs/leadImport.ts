// The lead import job: loads the import, gives the service the shared file (files.info, then the
// file's private URL with the bot token as bearer) and turns its progress into the one message
// (chat.update). The service does the importing, and makes a second run (Agenda's retry, or a
// second worker holding an expired lock) finish the rest rather than repeat it.
import type { WebClient } from '@slack/web-api';
import type { SlackClients } from '../installs/slackClients.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import type { WorkspaceRef } from '../services/domain.js';
import { ImportSourceError, MAX_FILE_BYTES, type ImportIo, type ImportReport, type LeadImport } from '../services/leadImport/index.js';
import { importFailedMessage, importProgressMessage, importQueuedMessage, importStoppedMessage, importSummaryMessage, type ImportMessageModel } from '../../views/leadImport.js';
import type { MessageView } from '../../views/message.js';

export type { SlackClients } from '../installs/slackClients.js';

export interface LeadImportJobData {
  readonly workspace: WorkspaceRef;
  readonly importId: string;
}

/** Progress updates at most this often: chat.update is Tier 3 (about 50 a minute per workspace), and people read slower. */
export const PROGRESS_EVERY_MS = 2_000;
/** Tries of the final summary when Slack says to slow down (it waits Retry-After between them). */
const SUMMARY_TRIES = 5;

function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}

function isRateLimited(error: unknown): error is { retryAfter: number } {
  return (error as { code?: string }).code === 'slack_webapi_rate_limited_error';
}

/** The CSV of a file shared in Slack, as text. */
async function downloadCsv(client: WebClient, token: string, fileId: string): Promise<string> {
  let file: { size?: number; name?: string; url_private_download?: string } | undefined;
  try {
    file = (await client.files.info({ file: fileId })).file;
  } catch (error) {
    const code = slackError(error);
    if (code === 'file_not_found' || code === 'file_deleted') {
      throw new ImportSourceError('The file is no longer in Slack, or the app cannot see it. Share it again and start a new import.');
    }
    throw error;
  }
  if (!file?.url_private_download) throw new ImportSourceError('Slack gave no way to download this file. Share it again and start a new import.');
  if ((file.size ?? 0) > MAX_FILE_BYTES) {
    throw new ImportSourceError(`The file is ${((file.size ?? 0) / 1024 / 1024).toFixed(1)} MB; an import takes up to ${MAX_FILE_BYTES / 1024 / 1024} MB. Split it and import each part.`);
  }
  const response = await fetch(file.url_private_download, { headers: { Authorization: `Bearer ${token}` } });
  // Slack answers a download it refuses with its sign-in page (HTML, status 200) rather than an error status.
  if (!response.ok || (response.headers.get('content-type') ?? '').startsWith('text/html')) {
    if (response.status >= 500) throw new Error(`Downloading the file: HTTP ${response.status}`);
    throw new ImportSourceError('Slack did not let the app download the file. Share it in a conversation the app is in, or paste the rows instead.');
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > MAX_FILE_BYTES) throw new ImportSourceError(`The file is over ${MAX_FILE_BYTES / 1024 / 1024} MB. Split it and import each part.`);
  // UTF-8, as spreadsheets export "CSV UTF-8"; an invalid byte shows as �, the row stays.
  return new TextDecoder('utf-8').decode(bytes);
}

async function updateMessage(client: WebClient, target: { channel: string; ts: string }, view: MessageView): Promise<void> {
  await client.chat.update({ channel: target.channel, ts: target.ts, text: view.text, blocks: view.blocks });
}

/** The summary (or the failure) must reach the user: on a rate limit, wait as Slack says and try again. */
async function updateUntilShown(client: WebClient, target: { channel: string; ts: string }, view: MessageView): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await updateMessage(client, target, view);
    } catch (error) {
      if (!isRateLimited(error) || attempt >= SUMMARY_TRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, error.retryAfter * 1000));
    }
  }
}

function finalMessage(model: ImportMessageModel, report: ImportReport): MessageView {
  if (report.state === 'done') return importSummaryMessage(model, report.summary);
  if (report.state === 'failed') return importFailedMessage(model, report.reason);
  return importProgressMessage(model, report);
}

/** Posts the one message in the importer's DM with the app (a progress message needs chat.update, which ephemeral messages do not take). */
export async function postImportMessage(client: WebClient, userId: string, model: ImportMessageModel): Promise<{ channel: string; ts: string }> {
  const view = importQueuedMessage(model);
  const posted = await client.chat.postMessage({ channel: userId, text: view.text, blocks: view.blocks });
  return { channel: String(posted.channel), ts: String(posted.ts) };
}

export async function messageModelOf(services: Services, ref: WorkspaceRef, leadImport: LeadImport): Promise<ImportMessageModel> {
  const assistant = await services.assistants.get(ref, leadImport.assistantId).catch(() => null);
  return { fileName: leadImport.source.kind === 'file' ? (leadImport.source.fileName ?? 'the file') : null, assistantName: assistant?.name ?? 'the assistant' };
}

/** One run of an import: every row not yet imported, with progress and then the summary in its message. */
export async function runLeadImport(services: Services, slack: SlackClients, logger: Logger, data: LeadImportJobData, heartbeat: () => Promise<void>): Promise<void> {
  const { workspace, importId } = data;
  const client = await slack.forWorkspace(workspace, { rejectRateLimitedCalls: true });
  const token = client.token ?? '';
  let leadImport = await services.leadImports.get(workspace, importId);
  const model = await messageModelOf(services, workspace, leadImport);
  if (!leadImport.message) {
    // The submission could not post it (Slack was down a moment): post it now.
    await services.leadImports.attachMessage(workspace, importId, await postImportMessage(client, leadImport.createdBy, model));
    leadImport = await services.leadImports.get(workspace, importId);
  }
  const target = leadImport.message!;
  let shownAt = 0;
  const io: ImportIo = {
    readFile: (fileId) => downloadCsv(client, token, fileId),
    heartbeat,
    async report(report) {
      if (report.state !== 'running' || Date.now() - shownAt < PROGRESS_EVERY_MS) return;
      shownAt = Date.now();
      // Progress is a courtesy: one Slack refuses (rate limit, a blip) is skipped, the next one shows.
      await updateMessage(client, target, importProgressMessage(model, report)).catch((error: unknown) => {
        if (!isRateLimited(error)) logger.warn(`Lead import ${importId}: progress not shown (${slackError(error) ?? (error as Error).message})`);
      });
    },
  };
  const outcome = await services.leadImports.run(workspace, importId, io);
  await updateUntilShown(client, target, finalMessage(model, outcome));
}

/** Tries after the first before Agenda gives up on an import (backoff from 5 s, doubling). */
export const IMPORT_RETRIES = 5;

/** The part of an Agenda job a run uses. */
export interface ImportJobRun {
  readonly attrs: { readonly data: LeadImportJobData; readonly failCount?: number | null };
  touch(): Promise<unknown>;
}

/** The import job's body: one run, and on the last try's failure, the message says the import stopped instead of staying at its last progress. */
export function importLeadsJob(services: Services, slack: SlackClients, logger: Logger): (job: ImportJobRun) => Promise<void> {
  return async (job) => {
    try {
      await runLeadImport(services, slack, logger, job.attrs.data, async () => {
        await job.touch();
      });
    } catch (error) {
      // Agenda counts the failures before this run: this is the last try when they are IMPORT_RETRIES.
      if ((job.attrs.failCount ?? 0) >= IMPORT_RETRIES) {
        await showStopped(services, slack, job.attrs.data).catch((shown: unknown) => logger.warn(`Lead import ${job.attrs.data.importId}: could not say it stopped (${(shown as Error).message})`));
      }
      throw error;
    }
  };
}

async function showStopped(services: Services, slack: SlackClients, data: LeadImportJobData): Promise<void> {
  const leadImport = await services.leadImports.get(data.workspace, data.importId);
  if (!leadImport.message) return;
  const client = await slack.forWorkspace(data.workspace, { rejectRateLimitedCalls: true });
  await updateUntilShown(client, leadImport.message, importStoppedMessage(await messageModelOf(services, data.workspace, leadImport)));
}

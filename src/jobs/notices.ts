// Posting notices (issue #10): the job loads the assistant and gives the notices service the
// workspace's Web API as an outlet (rendering the views); the service decides what is posted
// when, within Slack's limits, and records it. Safe to run twice and from several workers at once
// (the service's lease and slots), so a kick per record and the sweep may overlap freely.
import type { WebClient } from '@slack/web-api';
import type { SlackClients } from '../installs/slackClients.js';
import type { Services } from '../services/index.js';
import { OutletError, UNREACHABLE_ERRORS, type NoticeOutlet, type PostNoticesRequest, type PostRun } from '../services/notices/index.js';
import { channelProblemMessage, digestMessage, noticeMessage } from '../../views/sendNotice.js';

/** A run that stopped with notices left (out of time, a short Retry-After) is queued again when it is this soon; later ones wait for the sweep. */
const REQUEUE_WITHIN_MS = 60_000;

function outletError(error: unknown): OutletError {
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string }; message?: string };
  if (e.code === 'slack_webapi_rate_limited_error') return new OutletError('rate_limited', 'ratelimited', (e.retryAfter ?? 1) * 1000);
  const code = e.data?.error;
  if (code && (UNREACHABLE_ERRORS as readonly string[]).includes(code)) return new OutletError('unreachable', code);
  return new OutletError('failed', code ?? e.message ?? 'unknown error');
}

async function calling<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw outletError(error);
  }
}

/** The Web API as the notices service posts through it. */
export function webApiOutlet(client: WebClient): NoticeOutlet {
  return {
    postNotice: (channel, threadTs, model) =>
      calling(async () => String((await client.chat.postMessage({ channel, ...(threadTs ? { thread_ts: threadTs } : {}), ...noticeMessage(model), unfurl_links: false, unfurl_media: false })).ts)),
    postDigest: (channel, model) => calling(async () => String((await client.chat.postMessage({ channel, ...digestMessage(model), unfurl_links: false, unfurl_media: false })).ts)),
    updateDigest: (channel, ts, model) =>
      calling(async () => {
        await client.chat.update({ channel, ts, ...digestMessage(model) });
      }),
    tellOwner: (ownerId, problem) =>
      calling(async () => {
        await client.chat.postMessage({ channel: ownerId, ...channelProblemMessage(problem) });
      }),
  };
}

/** One run for an assistant: what waits is posted; returns when (if at all) to run again. */
export async function postNotices(services: Services, slack: SlackClients, request: PostNoticesRequest): Promise<PostRun> {
  const { workspace, assistantId } = request;
  const assistant = await services.assistants.get(workspace, assistantId).catch(() => null);
  // Rate limits come back to the service (it waits as Slack says, for every worker) instead of the client retrying on its own.
  const client = await slack.forWorkspace(workspace, { rejectRateLimitedCalls: true });
  return services.notices.postWaiting(workspace, assistantId, assistant, webApiOutlet(client));
}

/** When to queue the next run, or null to leave it to the sweep. */
export function nextRunAt(run: PostRun, now = Date.now()): Date | null {
  if (!run.more) return null;
  const at = run.wakeAt?.getTime() ?? now;
  return at - now <= REQUEUE_WITHIN_MS ? new Date(Math.max(at, now)) : null;
}

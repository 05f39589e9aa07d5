// views.open and views.update, the two calls every editor click and opening makes with a 26 kB view,
// sent as a JSON body over node:http (postJson.ts). WebClient (@slack/web-api 7/8) spends about 1 ms
// of CPU on each beyond the request itself, whatever the log level: it deep-copies the arguments and
// then Slack's answer (the whole view again) through its redact() to stringify a debug line,
// form-encodes the view, and queues the call. Slack takes JSON bodies for these methods. Any answer
// but a 200 (a 429 with Retry-After, an HTTP error, a redirect) or a failed request goes through
// `client.apiCall` instead, so its retries and rate-limit handling apply as for every other call;
// Slack's refusals (`ok: false`) throw the same WebAPIPlatformError.
import type { ModalView } from '@slack/types';
import { WebAPIPlatformError, type ViewsOpenResponse, type WebAPICallResult, type WebClient } from '@slack/web-api';
import { postJson } from './postJson.js';

async function viewsCall(client: WebClient, method: 'views.open' | 'views.update', args: Record<string, unknown>): Promise<WebAPICallResult> {
  const answer = client.token
    ? await postJson(`${client.slackApiUrl}${method}`, JSON.stringify(args), { Authorization: `Bearer ${client.token}` }).catch(() => null)
    : null;
  if (answer?.status !== 200) return client.apiCall(method, { ...args, view: JSON.stringify(args.view) });
  const result = JSON.parse(answer.text) as WebAPICallResult;
  if (!result.ok) throw new WebAPIPlatformError(result as WebAPICallResult & { error: string });
  return result;
}

export function openModal(client: WebClient, triggerId: string, view: ModalView): Promise<ViewsOpenResponse> {
  return viewsCall(client, 'views.open', { trigger_id: triggerId, view }) as Promise<ViewsOpenResponse>;
}

/** `hash`: the view's hash as the click saw it, so an update that lost a race fails with hash_conflict. */
export async function updateModal(client: WebClient, viewId: string, view: ModalView, hash?: string): Promise<void> {
  await viewsCall(client, 'views.update', { view_id: viewId, ...(hash ? { hash } : {}), view });
}

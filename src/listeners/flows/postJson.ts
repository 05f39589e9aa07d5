// A JSON POST over node:http(s), for the calls nearly every interaction makes: views.open and
// views.update (modalCalls.ts) and the answer on a command's response_url. fetch (undici) spent about
// 0.5 ms more CPU per call than node:http here (its WHATWG streams and Request/Response objects), 5%
// of an editor click; these calls need none of what it adds. Connections are kept alive (Node's
// default agents).
import http from 'node:http';
import https from 'node:https';
import type { RespondArguments, RespondFn } from '@slack/bolt';

export interface PostAnswer {
  readonly status: number;
  readonly text: string;
}

/** As fetch's own: an answer that has not come within 5 minutes fails the call. */
const ANSWER_TIMEOUT_MS = 5 * 60 * 1000;

/** POSTs `body` (JSON text) to `url`; resolves with the status and the answer's text, whatever the status. Follows no redirect. */
export function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<PostAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? https.request : target.protocol === 'http:' ? http.request : undefined;
  if (!send) return Promise.reject(new Error(`Cannot POST to ${target.protocol} URLs`));
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      { method: 'POST', timeout: ANSWER_TIMEOUT_MS, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers, 'Content-Length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`No answer from ${target.host} within ${ANSWER_TIMEOUT_MS / 1000} s`)));
    request.on('error', reject);
    request.end(body);
  });
}

/** Bolt's `respond` for a response_url, over postJson: a message or its text, and a failure for any status but 2xx. */
export function respondOn(responseUrl: string): RespondFn {
  return async (message: string | RespondArguments) => {
    const answer = await postJson(responseUrl, JSON.stringify(typeof message === 'string' ? { text: message } : message));
    if (answer.status < 200 || answer.status > 299) throw new Error(`response_url answered ${answer.status}`);
    return new Response(answer.text, { status: answer.status });
  };
}

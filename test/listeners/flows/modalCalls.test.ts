// views.open and views.update go out as JSON over fetch, not through WebClient (see modalCalls.ts).
// What a user would notice if that went wrong: an editor click whose update Slack answered with a
// 429 never showing, or Slack's refusal no longer read as Slack's (the editor's hash_conflict retry).
// The local Slack never rate-limits views, so a stand-in server answers here.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import type { ModalView } from '@slack/types';
import { updateModal } from '../../../src/listeners/flows/modalCalls.js';

const view: ModalView = { type: 'modal', title: { type: 'plain_text', text: 'Edit schedule' }, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Step 1' } }] };

interface Received {
  contentType: string;
  body: string;
}

/** A Web API that gives each request the next of `answers` (status, body, headers). */
async function standIn(answers: { status: number; body: unknown; headers?: Record<string, string> }[]): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ contentType: req.headers['content-type'] ?? '', body });
      const answer = answers[Math.min(received.length, answers.length) - 1]!;
      res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, received };
}

test('an editor update Slack answers with a 429 is sent again and lands', async () => {
  const slack = await standIn([
    { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'Retry-After': '0' } },
    { status: 200, body: { ok: true, view: { id: 'V1', hash: 'h2' } } },
  ]);
  try {
    await updateModal(new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 1 } }), 'V1', view, 'h1');
    expect(slack.received).toHaveLength(2);
    const again = new URLSearchParams(slack.received[1]!.body);
    expect({ viewId: again.get('view_id'), hash: again.get('hash'), view: JSON.parse(again.get('view') ?? 'null') as unknown }).toEqual({ viewId: 'V1', hash: 'h1', view });
  } finally {
    slack.server.close();
  }
});

test("Slack's refusal of an update is thrown as WebClient throws it, with Slack's error code", async () => {
  const slack = await standIn([{ status: 200, body: { ok: false, error: 'hash_conflict' } }]);
  try {
    const failure = await updateModal(new WebClient('xoxb-test', { slackApiUrl: slack.url }), 'V1', view, 'h1').catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'slack_webapi_platform_error', data: { ok: false, error: 'hash_conflict' } });
    expect(slack.received).toHaveLength(1);
    expect(slack.received[0]!.contentType).toContain('application/json');
    expect(JSON.parse(slack.received[0]!.body)).toEqual({ view_id: 'V1', hash: 'h1', view });
  } finally {
    slack.server.close();
  }
});

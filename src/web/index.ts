// What the app serves on its port for people and mail systems outside Slack, beside the API (Bolt
// custom routes, so the same in HTTP mode, with "Add to Slack", and in Socket Mode, where Bolt serves
// them on PORT too): the unsubscribe pages of followup emails and the inbound-mail reply webhook.
// Bolt does not await a custom route's handler: every failure is caught and answered here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import getRawBody from 'raw-body';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import { isDatabaseUnavailable } from '../db/connection.js';
import { UNSUBSCRIBE_PATH } from '../services/unsubscribes.js';
import { REPLY_HOOK_PATH, serveReplyHook } from './replyHook.js';
import { confirmUnsubscribePage, invalidUnsubscribeLinkPage, unsubscribedPage, unsubscribeFailedPage } from './unsubscribePages.js';

export interface WebDeps {
  readonly services: Services;
  readonly logger: Logger;
  /** REPLY_WEBHOOK_SECRET; unset: the reply webhook answers 404. */
  readonly replyWebhookSecret?: string;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** A form's or a mail client's one-click POST is a few bytes; anything this large is not one. */
const MAX_UNSUBSCRIBE_BODY = 64 * 1024;
/** No script or outside resource may run on these pages, nor may another site frame them (a click there would unsubscribe). */
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex',
};

export function webRoutes(deps: WebDeps): CustomRoute[] {
  return [
    { path: `${UNSUBSCRIBE_PATH}/*rest`, method: METHODS, handler: (req, res) => void serveUnsubscribe(deps, req, res) },
    { path: REPLY_HOOK_PATH, method: METHODS, handler: (req, res) => void serveReplyHook(deps, req, res) },
  ];
}

/**
 * What Bolt's router could not hand to the unsubscribe route (a path whose escapes do not decode) is
 * answered as a link that is not valid; false for any other path.
 */
export function answerUnroutedWebRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (!path.startsWith(`${UNSUBSCRIBE_PATH}/`)) return false;
  sendPage(res, 404, invalidUnsubscribeLinkPage(), (req.method ?? '').toUpperCase() === 'HEAD');
  return true;
}

function sendPage(res: ServerResponse, status: number, html: string, head: boolean, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { ...PAGE_HEADERS, 'Content-Length': Buffer.byteLength(html), ...headers });
  res.end(head ? undefined : html);
}

/** `/unsubscribe/<token>`: GET (and HEAD) shows the confirmation, POST unsubscribes (the page's button and RFC 8058 one-click alike). */
async function serveUnsubscribe(deps: WebDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const head = method === 'HEAD';
  try {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const token = path.slice(UNSUBSCRIBE_PATH.length + 1).replace(/\/$/, '');
    if (method !== 'GET' && !head && method !== 'POST') {
      sendPage(res, 405, invalidUnsubscribeLinkPage(), false, { Allow: 'GET, HEAD, POST' });
      return;
    }
    if (method === 'POST') {
      // Whatever the body says (`List-Unsubscribe=One-Click` from a mail client, the page's form), a POST unsubscribes: it is read only to be done with.
      await getRawBody(req, { limit: MAX_UNSUBSCRIBE_BODY });
      const done = await deps.services.unsubscribes.unsubscribe(token);
      if (!done) sendPage(res, 404, invalidUnsubscribeLinkPage(), false);
      else sendPage(res, 200, unsubscribedPage(done.senders, done.unsubscribed), false);
      return;
    }
    const state = await deps.services.unsubscribes.look(token);
    if (!state) sendPage(res, 404, invalidUnsubscribeLinkPage(), head);
    else sendPage(res, 200, state.unsubscribed ? unsubscribedPage(state.senders, true) : confirmUnsubscribePage(state.senders), head);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) {
      sendPage(res, 413, unsubscribeFailedPage(), head, { Connection: 'close' });
      return;
    }
    if (!isDatabaseUnavailable(error)) deps.logger.error(`[unsubscribe ${method}] Unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    sendPage(res, 503, unsubscribeFailedPage(), head, { 'Retry-After': '30' });
  }
}

// POST /hooks/reply: an email provider's inbound-mail webhook tells the app a lead replied. The raw
// body is signed (X-Signature: hex HMAC-SHA256 with REPLY_WEBHOOK_SECRET, optionally `sha256=`
// first) and carries its own timestamp, which must be within 5 minutes of now: a captured call
// can't be replayed later, and one replayed within the window changes nothing more (the reply
// service is idempotent). JSON answers, as the API's.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import { isDatabaseUnavailable } from '../db/connection.js';
import { DATABASE_DOWN } from '../listeners/context.js';
import { ApiError, invalid, sendJson } from '../api/http.js';
import { parseOrInvalid } from '../api/validation.js';

export const REPLY_HOOK_PATH = '/hooks/reply';
/** How far the body's timestamp may be from now, either way. */
export const REPLY_MAX_SKEW_MS = 5 * 60 * 1000;
/** Headers of one email, not the email: a body this large is not a reply notification. */
const MAX_REPLY_BODY = 1024 * 1024;

export interface ReplyHookDeps {
  readonly services: Services;
  readonly logger: Logger;
  /** Unset: the webhook is not configured and answers 404. */
  readonly replyWebhookSecret?: string;
}

/** `Jamie Rivera <jamie@example.com>` or `jamie@example.com`, as the lower-cased address. */
const address = z
  .string()
  .max(998)
  .transform((text) => (/<([^<>\s]+)>\s*$/.exec(text)?.[1] ?? text).trim().toLowerCase())
  .refine((email) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email), { error: 'Give an email address, like jamie@example.com or "Jamie <jamie@example.com>".' });
/** A list, or one value (a header as it came). */
const addresses = z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(address).min(1).max(100));
/** Message-IDs: a list, or a header's text with one or more `<…>`. */
const messageIds = z.preprocess((value) => (typeof value === 'string' ? (value.match(/<[^<>\s]+>/g) ?? []) : value), z.array(z.string().max(998)).max(100));

export const replyBodySchema = z.object({
  timestamp: z.number({ error: 'Give the time the webhook was sent, in Unix seconds.' }).finite(),
  from: address,
  to: addresses,
  cc: addresses.optional(),
  subject: z.string().max(998).optional(),
  inReplyTo: messageIds.optional(),
  references: messageIds.optional(),
});

/** The signature as sent (hex, `sha256=` optional) matches the body's HMAC, compared in constant time. */
export function signatureMatches(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const hex = /^(?:sha256=)?([0-9a-f]{64})$/i.exec((header ?? '').trim())?.[1];
  if (!hex) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

export async function serveReplyHook(deps: ReplyHookDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (!deps.replyWebhookSecret) throw new ApiError(404, { error: 'No reply webhook is configured here: set REPLY_WEBHOOK_SECRET to turn it on.' });
    if ((req.method ?? '').toUpperCase() !== 'POST') throw new ApiError(405, { error: `${REPLY_HOOK_PATH} answers POST only.` }, { Allow: 'POST' });
    const raw = await readRawBody(req);
    if (!signatureMatches(deps.replyWebhookSecret, raw, headerOf(req, 'x-signature'))) {
      throw new ApiError(401, { error: 'The X-Signature header is missing or does not match the body: sign the raw body with HMAC-SHA256 and REPLY_WEBHOOK_SECRET, in hex.' });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw invalid({ body: `The body is not valid JSON (${(error as Error).message}).` });
    }
    const body = parseOrInvalid(replyBodySchema, json);
    const skew = Math.abs(deps.services.clock.now().getTime() - body.timestamp * 1000);
    if (!(skew <= REPLY_MAX_SKEW_MS)) throw new ApiError(401, { error: 'The timestamp is more than 5 minutes from now: send the webhook with the current time (Unix seconds), and check the sender’s clock.' });
    const result = await deps.services.replies.recordReply({
      from: body.from,
      recipients: [...new Set([...body.to, ...(body.cc ?? [])])],
      messageIds: [...(body.inReplyTo ?? []), ...(body.references ?? [])],
    });
    sendJson(res, 200, result);
  } catch (error) {
    if (error instanceof ApiError) {
      sendJson(res, error.status, error.body, error.headers);
      return;
    }
    if (isDatabaseUnavailable(error)) {
      sendJson(res, 503, { error: DATABASE_DOWN }, { 'Retry-After': '60' });
      return;
    }
    deps.logger.error(`[reply webhook] Unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    sendJson(res, 500, { error: 'Something went wrong on our side. Send the webhook again: a reply is recorded once however often it comes.' });
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  try {
    const length = req.headers['content-length'];
    return await getRawBody(req, { limit: MAX_REPLY_BODY, ...(length !== undefined ? { length } : {}) });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) throw new ApiError(413, { error: 'The body is larger than 1 MB: send the reply’s headers (from, to, subject, inReplyTo, references), not the whole email.' }, { Connection: 'close' });
    if (status === 400) throw invalid({ body: 'The body ended before its Content-Length: send it again.' });
    throw error;
  }
}

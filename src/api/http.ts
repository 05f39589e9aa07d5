// The HTTP plumbing of the API: reading a JSON body within a size limit, answering JSON, and the
// failures a request can come to (ApiError), each with its status and the body a client reads.
import type { IncomingMessage, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';

/** A body larger than this is refused with 413 (1,000 leads with custom fields fit with room to spare). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** A request's outcome other than success: `body` is what the client gets, as JSON. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error: string } | { errors: Record<string, string> },
    readonly headers: Record<string, string> = {},
  ) {
    super('error' in body ? body.error : Object.values(body.errors).join(' '));
    this.name = 'ApiError';
  }
}

/** 400 with one sentence per field path (`leads.3.email`), the shape every validation failure has. */
export function invalid(errors: Record<string, string>): ApiError {
  return new ApiError(400, { errors });
}

export function notFound(message: string): ApiError {
  return new ApiError(404, { error: message });
}

/**
 * The body as JSON (undefined when there is none). The bytes are counted as they arrive (raw-body):
 * a body past MAX_BODY_BYTES, or one whose Content-Length says so, is refused with 413 without
 * being held in memory.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  let text: string;
  try {
    const length = req.headers['content-length'];
    text = await getRawBody(req, { limit: MAX_BODY_BYTES, encoding: 'utf8', ...(length !== undefined ? { length } : {}) });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) {
      dropRestThenClose(req);
      // No `Connection: close`: Node would close the socket as soon as the answer is written, unread bytes and all.
      throw new ApiError(413, { error: `The body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB. Send fewer leads per request.` });
    }
    if (status === 400) throw invalid({ body: 'The body ended before its Content-Length: send it again.' });
    if (status === 415) throw new ApiError(415, { error: 'Send the body as UTF-8 JSON.' });
    throw error;
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalid({ body: `The body is not valid JSON (${(error as Error).message}).` });
  }
}

/** How long, and how many more bytes, a refused body is read and dropped for before its connection closes. */
const LINGER_MS = 2_000;
const LINGER_BYTES = 16 * 1024 * 1024;

/**
 * A refused body's connection is closed, but not at once: a socket closed with request bytes still
 * unread makes the kernel answer with a reset, which may reach the client before it has read the 413
 * (it then sees EPIPE or ECONNRESET and no reason). So the rest is read and dropped for a moment (as
 * web servers' "lingering close" does), then the connection goes, whether the client stopped or not.
 */
function dropRestThenClose(req: IncomingMessage): void {
  let dropped = 0;
  const close = () => {
    clearTimeout(timer);
    req.socket.destroy();
  };
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  req.on('data', (chunk: Buffer | string) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) close();
  });
  req.on('end', () => clearTimeout(timer));
  req.resume();
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json), 'Cache-Control': 'no-store', ...headers });
  res.end(json);
}

// The HTTP API for CRMs and scripts, on the app's own port (Bolt's custom routes): JSON in and out,
// authenticated by a workspace's API token. This file routes, authenticates, validates and turns
// failures into statuses; each endpoint's handler is a thin call into the services.
//
// Bolt hands a custom route the raw request (it parses bodies only for /slack/events) and does not
// await the handler, so every failure is caught here and answered, never left to Bolt's 500.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import type { ApiCaller } from '../services/apiTokens.js';
import { ConflictError, DomainError, ValidationError, type Actor, type WorkspaceRef } from '../services/domain.js';
import type { ChannelCheck } from '../services/assistants.js';
import { isDatabaseUnavailable, recordingWrites, type WriteLog } from '../db/connection.js';
import { DATABASE_DOWN, DATABASE_UNSURE } from '../listeners/context.js';
import { NotInstalledError } from '../installs/slackClients.js';
import { ApiError, invalid, notFound, readJsonBody, sendJson } from './http.js';
import { matchPath, route, type Route } from './route.js';
import { parseOrInvalid } from './validation.js';
import { openApiDocument } from './openapi.js';
import { assistantRoutes } from './assistants.js';
import { scheduleRoutes } from './schedules.js';
import { leadRoutes } from './leads.js';

export interface ApiDeps {
  readonly services: Services;
  readonly logger: Logger;
  /** Whether the app is in a channel of this workspace, asked of Slack with the workspace's bot token. */
  readonly channelCheckFor: (workspace: WorkspaceRef) => ChannelCheck;
}

/** Every method a client may try: known paths answer 405 for the ones they lack, not Bolt's bare 404. */
const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'];
const OPENAPI_PATH = '/api/v1/openapi.json';
const SOMETHING_WENT_WRONG = 'Something went wrong on our side and nothing was changed. Please try again in a moment.';
/** What a public route's handler gets instead of a token's caller (it does not read it). */
const NO_CALLER: ApiCaller = { workspace: { teamId: '' }, tokenId: '', label: '', createdBy: '' };

/** The API's routes, in the order the document lists them, the document's own last. */
export function apiRouteTable(): readonly Route[] {
  let document: Record<string, unknown> | undefined;
  const table: Route[] = [
    ...assistantRoutes,
    ...scheduleRoutes,
    ...leadRoutes,
    route({
      method: 'GET',
      path: OPENAPI_PATH,
      operationId: 'getOpenApiDocument',
      tag: 'API',
      summary: 'This document',
      public: true,
      response: z.record(z.string(), z.unknown()).describe('An OpenAPI 3.1 document.'),
      // The routes do not change while the process runs: built once, on first request.
      handle: async () => (document ??= openApiDocument(table)),
    }),
  ];
  return table;
}

/** Bolt custom routes serving the whole API under /api. */
export function apiRoutes(deps: ApiDeps): CustomRoute[] {
  const table = apiRouteTable();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void serve(deps, table, req, res);
  };
  return [{ path: '/api/*rest', method: METHODS, handler }];
}

/**
 * What Bolt's router could not hand to the API under /api (a path whose escapes do not decode, a
 * method no custom route lists) is answered as the API answers; false for any other path.
 */
export function answerUnroutedApiRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (!/^\/api(\/|$)/.test(path)) return false;
  if (METHODS.includes((req.method ?? '').toUpperCase())) sendJson(res, 404, { error: `There is no ${path}. GET ${OPENAPI_PATH} lists every endpoint.` });
  else sendJson(res, 405, { error: `The API does not answer ${req.method ?? 'that method'}.` });
  return true;
}

async function serve(deps: ApiDeps, table: readonly Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '');
  const writes: WriteLog = { writeSent: false };
  let workspace = '-';
  let served: Route | undefined;
  try {
    const candidates = matchPath(table, path);
    if (!candidates.length) throw notFound(`There is no ${path}. GET ${OPENAPI_PATH} lists every endpoint.`);
    const matched = candidates.find((c) => c.route.method === method);
    if (!matched) {
      const allow = [...new Set(candidates.map((c) => c.route.method))].join(', ');
      throw new ApiError(405, { error: `${path} answers ${allow}, not ${method}.` }, { Allow: allow });
    }
    const { route: r, params } = matched;
    served = r;
    const caller = r.public ? NO_CALLER : await authenticate(deps.services, req);
    workspace = caller.workspace.teamId || '-';
    const query = r.query ? parseOrInvalid(r.query, Object.fromEntries(url.searchParams)) : undefined;
    const rawBody = r.body ? await readJsonBody(req) : undefined;
    const body = r.body ? parseOrInvalid(r.body, rawBody ?? {}) : undefined;
    if (!r.public) await deps.services.workspaces.ensureSeeded(caller.workspace);
    const actor: Actor = { workspace: caller.workspace, userId: caller.createdBy, name: `API token “${caller.label}”`, isAdmin: true };
    const result = await recordingWrites(writes, () => r.handle({ caller, actor, services: deps.services, logger: deps.logger, channels: deps.channelCheckFor(caller.workspace), params, query, body }));
    sendJson(res, r.status ?? 200, result);
  } catch (error) {
    const failure = apiFailure(error, writes, served?.notFound);
    if (failure.status >= 500 && !isDatabaseUnavailable(error)) {
      deps.logger.error(`[api ${method} ${path} | ${workspace}] Unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    sendJson(res, failure.status, failure.body, failure.headers);
  }
}

/** The bearer token's caller; 401 when it is missing, unknown or revoked (looked up on every request). */
async function authenticate(services: Services, req: IncomingMessage): Promise<ApiCaller> {
  const header = req.headers.authorization ?? '';
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!token) {
    throw new ApiError(
      401,
      { error: 'Send an API token as "Authorization: Bearer <token>". A workspace admin creates one in Slack with /schedule api-token create.' },
      { 'WWW-Authenticate': 'Bearer realm="followups"' },
    );
  }
  const caller = await services.apiTokens.authenticate(token);
  if (!caller) {
    throw new ApiError(401, { error: 'This API token is not valid: it is wrong or was revoked. A workspace admin can create a new one with /schedule api-token create.' }, {
      'WWW-Authenticate': 'Bearer realm="followups", error="invalid_token"',
    });
  }
  return caller;
}

/** What a failure answers: its status and JSON body. Domain refusals in their own words; anything else says nothing of its insides. */
function apiFailure(error: unknown, writes: WriteLog, notFoundMessage: string | undefined): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ValidationError) return invalid({ ...error.errors });
  if (error instanceof ConflictError) return new ApiError(409, { error: error.message });
  if (error instanceof DomainError) {
    switch (error.code) {
      case 'not_found':
        return notFound(notFoundMessage ?? error.message);
      case 'invalid':
        // Without a field it is about the thing's state (a lead that can't be paused as it is now).
        return error.field ? invalid({ [error.field]: error.message }) : new ApiError(409, { error: error.message });
      case 'duplicate_name':
        return invalid({ [error.field ?? 'body']: error.message });
      case 'forbidden':
      case 'system_schedule':
        return new ApiError(403, { error: error.message.replace('{owner}', 'its creator') });
      case 'in_use':
      case 'conflict':
        return new ApiError(409, { error: error.message });
    }
  }
  if (error instanceof NotInstalledError) return new ApiError(409, { error: 'The app is not installed in this workspace any more, so Slack can’t be asked about the channel. Reinstall it, then try again.' });
  if (isDatabaseUnavailable(error)) return new ApiError(503, { error: writes.writeSent ? DATABASE_UNSURE : DATABASE_DOWN }, { 'Retry-After': '60' });
  return new ApiError(500, { error: SOMETHING_WENT_WRONG });
}

// What an API endpoint is: its method and path, the zod schemas of its query, body and answer, and
// the handler. The router, the validation and the OpenAPI document all read the same definitions,
// so the document cannot leave a route out or describe a body the route does not check.
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import type { ApiCaller } from '../services/apiTokens.js';
import type { Actor } from '../services/domain.js';
import type { ChannelCheck } from '../services/assistants.js';

export type Method = 'GET' | 'POST' | 'PATCH';

export interface RequestContext<Q, B> {
  /** Who the token stands for (a placeholder on a public route). */
  readonly caller: ApiCaller;
  /** The caller as the services know actors: the token's creator, acting as a workspace admin. */
  readonly actor: Actor;
  readonly services: Services;
  readonly logger: Logger;
  /** Asks Slack, with the caller's workspace's bot token, whether the app is in a channel. */
  readonly channels: ChannelCheck;
  /** Path parameters (`{id}`), as given. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Q;
  readonly body: B;
}

export interface Route<Q = unknown, B = unknown, R = unknown> {
  readonly method: Method;
  /** `/api/v1/schedules/{id}`: a `{name}` segment matches one path segment. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** The body as documented, when the handler's service checks parts of it itself (each lead on its own): built from the same schemas. */
  readonly documentBody?: z.ZodType;
  readonly response: z.ZodType<R>;
  /** 200 unless said; 201 for what a POST creates. */
  readonly status?: 200 | 201;
  /** Served without a token (the OpenAPI document). */
  readonly public?: boolean;
  /** What a 404 means here (ids of another workspace get it too). */
  readonly notFound?: string;
  handle(ctx: RequestContext<Q, B>): Promise<R>;
}

/** Typed at the definition, stored as any route. */
export function route<Q = undefined, B = undefined, R = unknown>(definition: Route<Q, B, R>): Route {
  return definition as unknown as Route;
}

export interface Matched {
  readonly route: Route;
  readonly params: Record<string, string>;
}

function segments(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** The routes that match `path` whatever the method, each with its path parameters. */
export function matchPath(routes: readonly Route[], path: string): Matched[] {
  const actual = segments(path);
  const found: Matched[] = [];
  for (const candidate of routes) {
    const pattern = segments(candidate.path);
    if (pattern.length !== actual.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((part, i) => {
      const value = actual[i]!;
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name) {
        params[name] = value;
        return true;
      }
      return part === value;
    });
    if (ok) found.push({ route: candidate, params });
  }
  return found;
}

// Talks to the app's HTTP API as a CRM would: real HTTP with a bearer token, JSON in and out.
import type { TestApp, TestWorkspace } from './testApp.js';

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body (undefined when the body is empty or not JSON). */
  // Loosely typed: tests read whatever the API answered.
  readonly body: any;
  readonly text: string;
}

export interface ApiClient {
  request(method: string, path: string, options?: { body?: unknown; rawBody?: string | Uint8Array; headers?: Record<string, string> }): Promise<ApiAnswer>;
  get(path: string): Promise<ApiAnswer>;
  post(path: string, body?: unknown): Promise<ApiAnswer>;
  patch(path: string, body?: unknown): Promise<ApiAnswer>;
}

export function apiClient(baseUrl: string, token: string | null): ApiClient {
  const client: ApiClient = {
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...options.headers };
      let body: string | Uint8Array | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['Content-Type'] ??= 'application/json';
      }
      const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    get: (path) => client.request('GET', path),
    post: (path, body) => client.request('POST', path, body === undefined ? {} : { body }),
    patch: (path, body) => client.request('PATCH', path, body === undefined ? {} : { body }),
  };
  return client;
}

/** A workspace admin of `ws` (added to the local Slack as one). */
export const ADMIN = 'UADMIN';

/** A new token of `ws`, created by its admin through the service (the Slack command is tested on its own). */
export async function tokenFor(app: TestApp, ws: TestWorkspace, label?: string): Promise<string> {
  const { token } = await app.services.apiTokens.create({ workspace: ws.ref, userId: ADMIN, name: 'Admin', isAdmin: true }, label);
  return token;
}

/** An API client for a fresh workspace, with its token. */
export async function apiWorkspace(app: TestApp): Promise<{ ws: TestWorkspace; api: ApiClient; token: string }> {
  const ws = app.workspace();
  ws.as(ADMIN, { isAdmin: true });
  const token = await tokenFor(app, ws);
  return { ws, api: apiClient(app.url, token), token };
}

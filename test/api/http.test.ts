// The HTTP API's edges, over real HTTP against the running app: tokens, statuses, error shapes, body limits.
import { request as httpRequest } from 'node:http';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { ADMIN, apiClient, apiWorkspace, tokenFor } from '../support/api.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

const admin = (ws: { ref: { teamId: string } }) => ({ workspace: ws.ref, userId: ADMIN, name: 'Admin', isAdmin: true });

describe('authentication', () => {
  test('a request without a token is refused with 401 and says how to get one', async () => {
    const res = await apiClient(app.url, null).get('/api/v1/schedules');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.body.error).toContain('/schedule api-token create');
  });

  test('a wrong token, or a header that is not a bearer token, is refused with 401', async () => {
    const { token } = await apiWorkspace(app);
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await apiClient(app.url, tampered).get('/api/v1/schedules')).status).toBe(401);
    const basic = await apiClient(app.url, null).request('GET', '/api/v1/schedules', { headers: { Authorization: `Basic ${token}` } });
    expect(basic.status).toBe(401);
    expect(basic.body.error).toContain('Authorization: Bearer');
  });

  test('a revoked token is refused on the very next request', async () => {
    const { ws, api } = await apiWorkspace(app);
    const other = await tokenFor(app, ws, 'Other CRM');
    expect((await api.get('/api/v1/schedules')).status).toBe(200);
    await app.services.apiTokens.revoke(admin(ws), 'token 1');
    const refused = await api.get('/api/v1/schedules');
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatch(/revoked/);
    // The workspace's other token still works.
    expect((await apiClient(app.url, other).get('/api/v1/schedules')).status).toBe(200);
  });

  test('a token sees only its own workspace: another workspace’s ids are not found', async () => {
    const mine = await apiWorkspace(app);
    const theirs = await apiWorkspace(app);
    const theirSchedules = (await theirs.api.get('/api/v1/schedules')).body.schedules as { id: string; name: string }[];
    const mySchedules = (await mine.api.get('/api/v1/schedules')).body.schedules as { id: string }[];
    expect(theirSchedules.map((s) => s.name)).toEqual(['Recommended', 'Recommended for Email CC']);
    expect(theirSchedules.map((s) => s.id)).not.toEqual(expect.arrayContaining([mySchedules[0]!.id]));
    const res = await mine.api.get(`/api/v1/schedules/${theirSchedules[0]!.id}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'No schedule with this id in your workspace.' });
    expect((await theirs.api.get(`/api/v1/schedules/${theirSchedules[0]!.id}`)).status).toBe(200);
  });

  test('the token’s last use is recorded', async () => {
    const { ws, api } = await apiWorkspace(app);
    expect((await app.services.apiTokens.list(admin(ws)))[0]!.lastUsedAt).toBeNull();
    await api.get('/api/v1/schedules');
    expect((await app.services.apiTokens.list(admin(ws)))[0]!.lastUsedAt).toBeInstanceOf(Date);
  });
});

describe('routing and errors', () => {
  test('a malformed id is not found, like an unknown one', async () => {
    const { api } = await apiWorkspace(app);
    for (const id of ['nope', '0123456789abcdef01234567']) {
      const res = await api.get(`/api/v1/schedules/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('No schedule with this id in your workspace.');
    }
    // An escape that does not decode never reaches a route: still a JSON 404, not a 500.
    const undecodable = await api.get('/api/v1/schedules/%E0%A4%A');
    expect(undecodable.status).toBe(404);
    expect(undecodable.body.error).toMatch(/^There is no/);
  });

  test('an unknown path is 404 and a known path with another method is 405 with Allow', async () => {
    const { api } = await apiWorkspace(app);
    const unknown = await api.get('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain('/api/v1/openapi.json');
    const wrongMethod = await api.request('DELETE', '/api/v1/schedules');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
    expect(wrongMethod.body.error).toBe('/api/v1/schedules answers GET, POST, not DELETE.');
    const oddMethod = await api.request('PROPFIND', '/api/v1/schedules');
    expect(oddMethod.status).toBe(405);
    expect(oddMethod.body.error).toBe('The API does not answer PROPFIND.');
  });

  test('a body that is not JSON is a 400 on `body`', async () => {
    const { api } = await apiWorkspace(app);
    const res = await api.request('POST', '/api/v1/schedules', { rawBody: '{"name": "Q4",', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.errors)).toEqual(['body']);
    expect(res.body.errors.body).toMatch(/^The body is not valid JSON/);
  });

  test('a body over 5 MB is refused with 413, whether its length is announced or streamed', async () => {
    const { token } = await apiWorkspace(app);
    const announced = await postOversized(new URL('/api/v1/schedules', app.url), token, 'announced');
    expect(announced.status).toBe(413);
    expect(JSON.parse(announced.body).error).toContain('larger than 5 MB');

    // Chunked, with no Content-Length: the app counts the bytes as they come and stops at the limit.
    const streamed = await postOversized(new URL('/api/v1/schedules', app.url), token, 'streamed');
    expect(streamed.status).toBe(413);
    // Answered while the client was still sending: the app did not wait for (or keep) the rest.
    expect(streamed.sentWhenAnswered).toBeLessThan(16 * 1024 * 1024);
    expect(JSON.parse(streamed.body).error).toContain('larger than 5 MB');
  });

  test('a body just under 5 MB is read and validated', async () => {
    const { api } = await apiWorkspace(app);
    const res = await api.post('/api/v1/schedules', { name: 'Long description', description: 'd'.repeat(4 * 1024 * 1024), steps: [{ type: 'candid', afterDays: 1 }] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual({ description: expect.stringMatching(/^Keep the description to 500 characters/) });
  });

  test('an unexpected failure answers 500 with a plain sentence, never a stack trace', async () => {
    const { api } = await apiWorkspace(app);
    const original = app.services.schedules.page;
    app.services.schedules.page = async () => {
      throw new Error('boom at /secret/path.ts:12');
    };
    try {
      const res = await api.get('/api/v1/schedules');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'Something went wrong on our side and nothing was changed. Please try again in a moment.' });
      expect(res.text).not.toContain('boom');
    } finally {
      app.services.schedules.page = original;
    }
    expect((await api.get('/api/v1/schedules')).status).toBe(200);
  });
});

/**
 * Posts a JSON body far over the limit and reads the app's early answer. The app answers 413 and
 * closes the connection without reading the rest, so the client's later writes may fail (EPIPE,
 * ECONNRESET) once the answer is in: that is the refusal working, not a failure of the request.
 */
function postOversized(url: URL, token: string, length: 'announced' | 'streamed'): Promise<{ status: number; body: string; sentWhenAnswered: number }> {
  const chunk = 'x'.repeat(256 * 1024);
  const head = '{"name":"';
  // Announced: just over 5 MB, said in Content-Length. Streamed: far more than the limit would be
  // sent if the app kept reading.
  const total = length === 'announced' ? 5 * 1024 * 1024 + chunk.length : 64 * 1024 * 1024;
  const lengthHeader: Record<string, string | number> = length === 'announced' ? { 'Content-Length': head.length + total } : { 'Transfer-Encoding': 'chunked' };
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    let sentWhenAnswered = 0;
    const req = httpRequest(url, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...lengthHeader } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => (body += part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sentWhenAnswered }));
      res.on('error', reject);
    });
    req.on('response', () => {
      answered = true;
      sentWhenAnswered = sent;
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = (): void => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    req.write(head);
    pump();
  });
}

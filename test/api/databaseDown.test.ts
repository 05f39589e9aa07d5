// The API with the database stopped or frozen: a 503 with the sentence Slack users read, within seconds, never a hang or a stack trace.
import { startTestApp, type TestApp } from '../support/testApp.js';
import { startDatabaseProxy, type DatabaseProxy } from '../support/dbProxy.js';
import { testDatabaseUri } from '../support/db.js';
import { apiWorkspace } from '../support/api.js';

let proxy: DatabaseProxy;
let app: TestApp;
beforeAll(async () => {
  proxy = await startDatabaseProxy(testDatabaseUri());
  app = await startTestApp({ databaseUri: proxy.uri });
});
afterAll(async () => {
  await app?.stop();
  await proxy?.close();
});

test('with the database stopped, requests answer 503 saying nothing was changed, and work again once it is back', async () => {
  const { api } = await apiWorkspace(app);
  await proxy.stop();
  try {
    const started = Date.now();
    const read = await api.get('/api/v1/schedules');
    expect(read.status).toBe(503);
    expect(read.body).toEqual({ error: 'The database is not answering: nothing was changed. Try again in a minute.' });
    expect(read.headers.get('retry-after')).toBe('60');
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    await proxy.start();
  }
  const deadline = Date.now() + 15_000;
  let status = 0;
  while (Date.now() < deadline && status !== 200) status = (await api.get('/api/v1/schedules')).status;
  expect(status).toBe(200);
}, 30_000);

test('a database that stops answering while saving answers 503 saying it may or may not have been saved', async () => {
  const { api } = await apiWorkspace(app);
  // The workspace's first request seeds its system schedules (inserts of their own): done before the freeze.
  expect((await api.get('/api/v1/schedules')).status).toBe(200);
  proxy.freezeAt('insert');
  try {
    const res = await api.post('/api/v1/schedules', { name: 'Held', steps: [{ type: 'candid', afterDays: 1 }] });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/^The database stopped answering while saving, so this may or may not have been saved/);
  } finally {
    proxy.thaw();
  }
}, 30_000);

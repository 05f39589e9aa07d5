import { startTestApp, type TestApp } from '../support/testApp.js';
import { blocksText, homeOpened, openedViewId } from '../support/flows.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

test('opening the Home tab shows the workspace’s schedules, and its button opens the clone modal', async () => {
  const ws = app.workspace();
  const slack = ws.as('UALEX');
  const since = app.fake.calls.length;
  const res = await slack.signedPost(homeOpened(ws.ref.teamId, 'UALEX'), { contentType: 'application/json' });
  expect(res.status).toBe(200);
  const publish = await app.fake.waitForCall('views.publish', (c) => app.fake.calls.indexOf(c) >= since && c.args.user_id === 'UALEX');
  expect(publish.response.ok).toBe(true);
  const text = blocksText((publish.args.view as { blocks: unknown }).blocks);
  expect(text).toContain('*Schedules* (2) · 0 assistants');
  expect(text).toContain('*Recommended* · 7 steps · 22 days · system');
  expect(text).toContain('*Recommended for Email CC* · your own email + 6 followups · 21 days · system');
  expect(text).toContain('`/schedule clone [name]`');

  const homeId = (publish.response.view as { id: string }).id;
  const calls = app.fake.calls.length;
  await slack.blockAction({ viewId: homeId, actionId: 'home.clone' });
  const modal = await openedViewId(app.fake, 'views.open', calls);
  expect(app.fake.view(modal).callback_id).toBe('schedule_clone');
});

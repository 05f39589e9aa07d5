// /api/v1/assistants over real HTTP: settings with defaults, field errors from the settings schema,
// the notification channel asked of Slack with the workspace's own token, partial changes.
import { startTestApp, type TestApp } from '../support/testApp.js';
import { ADMIN, apiClient, apiWorkspace } from '../support/api.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

describe('POST /api/v1/assistants', () => {
  test('adds an assistant with the defaults for what is not given, and GET answers the same', async () => {
    const { ws, api } = await apiWorkspace(app);
    const res = await api.post('/api/v1/assistants', { name: 'Ava', timeZone: 'Europe/Berlin', notificationChannel: ws.channelId });
    expect(res.status).toBe(201);
    const schedules = (await api.get('/api/v1/schedules')).body.schedules as { id: string; name: string }[];
    expect(res.body).toMatchObject({
      name: 'Ava',
      timeZone: 'Europe/Berlin',
      businessHours: { open: '09:00', close: '17:00' },
      offDays: ['saturday', 'sunday'],
      holidays: null,
      extraOffDates: [],
      dailyLimit: 100,
      senderName: '',
      senderEmail: null,
      signature: '',
      notificationChannel: ws.channelId,
      defaultScheduleId: schedules.find((s) => s.name === 'Recommended')!.id,
      defaultEmailCcScheduleId: schedules.find((s) => s.name === 'Recommended for Email CC')!.id,
      owner: ADMIN,
      version: 1,
    });
    expect((await api.get(`/api/v1/assistants/${res.body.id}`)).body).toEqual(res.body);
    expect((await api.get('/api/v1/assistants')).body.assistants).toEqual([res.body]);
  });

  test('every setting’s problem comes back at its field path, nothing written', async () => {
    const { ws, api } = await apiWorkspace(app);
    const res = await api.post('/api/v1/assistants', {
      name: 'Bo',
      timeZone: 'Mars/Olympus',
      businessHours: { open: '17:00', close: '09:00' },
      holidays: { country: 'DE', region: 'XX' },
      extraOffDates: ['2027-02-30'],
      dailyLimit: 20000,
      senderEmail: 'bo@',
      hairColour: 'red',
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.errors).sort()).toEqual(['businessHours.close', 'dailyLimit', 'extraOffDates.0', 'hairColour', 'holidays.region', 'senderEmail', 'timeZone']);
    expect(res.body.errors['businessHours.close']).toBe('Closing (09:00) must be after opening (17:00).');
    expect(res.body.errors.timeZone).toContain('“Mars/Olympus” is not a time zone I know');
    expect(await app.services.assistants.list(ws.ref)).toEqual([]);
  });

  test('a notification channel the app is not in is refused, asked of Slack with the workspace’s own token', async () => {
    const { ws, api } = await apiWorkspace(app);
    app.fake.addChannel({ id: 'CNOTIN1', teamId: ws.ref.teamId, name: 'not-in', botIsMember: false });
    const before = app.fake.callsTo('conversations.info').length;
    const res = await api.post('/api/v1/assistants', { name: 'Cy', timeZone: 'UTC', notificationChannel: 'CNOTIN1' });
    expect(res.status).toBe(400);
    expect(res.body.errors.notificationChannel).toMatch(/invite/i);
    const asked = app.fake.callsTo('conversations.info').slice(before);
    expect(asked.map((c) => [c.args.channel, c.token])).toEqual([['CNOTIN1', app.fake.botTokenOf(ws.ref.teamId)]]);
  });
});

describe('PATCH /api/v1/assistants/{id}', () => {
  test('changes only the fields given', async () => {
    const { api } = await apiWorkspace(app);
    const created = (await api.post('/api/v1/assistants', { name: 'Dee', timeZone: 'America/New_York', signature: 'Dee\nSales' })).body;
    const res = await api.patch(`/api/v1/assistants/${created.id}`, { businessHours: { open: '08:30', close: '16:00' }, holidays: { country: 'US', region: 'CA' }, offDays: ['sunday'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Dee', signature: 'Dee\nSales', businessHours: { open: '08:30', close: '16:00' }, holidays: { country: 'US', region: 'CA' }, offDays: ['sunday'], version: 2 });
    const bad = await api.patch(`/api/v1/assistants/${created.id}`, { dailyLimit: 0 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors)).toEqual(['dailyLimit']);
  });

  test('another workspace’s assistant is not found', async () => {
    const mine = await apiWorkspace(app);
    const theirs = await apiWorkspace(app);
    const created = (await theirs.api.post('/api/v1/assistants', { name: 'Eve', timeZone: 'UTC' })).body;
    expect((await mine.api.get(`/api/v1/assistants/${created.id}`)).status).toBe(404);
    const patch = await mine.api.patch(`/api/v1/assistants/${created.id}`, { name: 'Mine now' });
    expect(patch.status).toBe(404);
    expect(patch.body).toEqual({ error: 'No assistant with this id in your workspace.' });
    expect((await theirs.api.get(`/api/v1/assistants/${created.id}`)).body.name).toBe('Eve');
  });
});

test('when the app was uninstalled from the workspace, a channel can’t be checked: 409 saying so', async () => {
  const ws = { teamId: 'TGONE0001' }; // never installed in the local Slack
  const { token } = await app.services.apiTokens.create({ workspace: ws, userId: ADMIN, name: 'Admin', isAdmin: true });
  const res = await apiClient(app.url, token).post('/api/v1/assistants', { name: 'Gone', timeZone: 'UTC', notificationChannel: 'CGONE0001' });
  expect(res.status).toBe(409);
  expect(res.body.error).toMatch(/^The app is not installed in this workspace any more/);
});

// /api/v1/schedules over real HTTP: the editor's rules, field paths in errors, Email CC, paging.
import { startTestApp, type TestApp } from '../support/testApp.js';
import { ADMIN, apiWorkspace } from '../support/api.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

describe('POST /api/v1/schedules', () => {
  test('creates a schedule with tones in any case and a custom message, and GET returns it as created', async () => {
    const { ws, api } = await apiWorkspace(app);
    const message = await app.services.customMessages.create({ workspace: ws.ref, userId: 'UALEX', name: 'Alex', isAdmin: false }, { name: 'Pricing', subject: 'Pricing', body: 'Hi {{first_name|there}}' });
    const res = await api.post('/api/v1/schedules', {
      name: 'Q4 outreach',
      description: 'From the CRM',
      steps: [
        { type: 'CANDID', afterDays: 0.5 },
        { type: 'custom', messageId: message.id, afterDays: 2.25 },
        { type: 'Gentle', afterDays: 3 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Q4 outreach',
      description: 'From the CRM',
      emailCc: false,
      system: false,
      steps: [
        { type: 'candid', messageId: null, afterDays: 0.5 },
        { type: 'custom', messageId: message.id, afterDays: 2.25 },
        { type: 'gentle', messageId: null, afterDays: 3 },
      ],
      totalDays: 5.75,
    });
    expect((await api.get(`/api/v1/schedules/${res.body.id}`)).body).toEqual(res.body);
    // The same schedule the Slack editor edits, owned by the admin who created the token.
    const stored = await app.services.schedules.get(ws.ref, res.body.id);
    expect(stored).toMatchObject({ name: 'Q4 outreach', createdBy: ADMIN, steps: [{ type: 'Candid' }, { type: 'custom', customMessageId: message.id }, { type: 'Gentle' }] });
  });

  test('an Email CC schedule starts with the user’s own email; its steps are the followups after it', async () => {
    const { ws, api } = await apiWorkspace(app);
    const res = await api.post('/api/v1/schedules', { name: 'CC drip', emailCc: true, steps: [{ type: 'gentle', afterDays: 1 }, { type: 'curious', afterDays: 4 }] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ emailCc: true, steps: [{ type: 'gentle' }, { type: 'curious' }], totalDays: 5 });
    const stored = await app.services.schedules.get(ws.ref, res.body.id);
    expect(stored.steps.map((s) => s.type)).toEqual(['own_email', 'Gentle', 'Curious']);
  });

  test('shape problems come back together, each at its field path', async () => {
    const { api } = await apiWorkspace(app);
    const res = await api.post('/api/v1/schedules', {
      description: 42,
      steps: [
        { type: 'shouty', afterDays: 1 },
        { type: 'custom', afterDays: -1 },
        { type: 'candid', afterDays: 1.005, messageId: '0123456789abcdef01234567' },
        { type: 'gentle', afterDays: 400, colour: 'red' },
        { type: 'gentle' },
      ],
      owner: 'me',
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: {
        name: 'This field is required.',
        description: 'Expected text, got a number.',
        'steps.0.type': 'Use one of: "custom", "candid", "gentle", "appreciative", "hopeful", "assertive", "cautionary", "curious".',
        'steps.1.afterDays': 'After days can’t be negative.',
        'steps.1.messageId': 'A custom step needs the id of the custom message it sends.',
        'steps.2.afterDays': 'Use at most two decimals, e.g. 1.25.',
        'steps.2.messageId': 'Only a custom step sends a custom message: leave messageId out for a tone.',
        'steps.3.afterDays': 'After days can be at most 365.',
        'steps.3.colour': 'This is not a field here.',
        'steps.4.afterDays': 'Say after how many days it is sent (0 to 365).',
        owner: 'This is not a field here.',
      },
    });
  });

  test('the editor’s rules apply: a taken name, no steps, a message that does not exist', async () => {
    const { api } = await apiWorkspace(app);
    const taken = await api.post('/api/v1/schedules', { name: 'recommended', steps: [] });
    expect(taken.status).toBe(400);
    expect(taken.body.errors).toEqual({ name: 'A schedule named “recommended” already exists. Pick another name.', steps: 'A schedule needs at least one step.' });
    const tooMany = await api.post('/api/v1/schedules', { name: 'Long', steps: Array.from({ length: 21 }, () => ({ type: 'candid', afterDays: 1 })) });
    expect(tooMany.body.errors).toEqual({ steps: 'A schedule has at most 20 steps (this one has 21).' });
    const missing = await api.post('/api/v1/schedules', { name: 'CC', emailCc: true, steps: [{ type: 'candid', afterDays: 1 }, { type: 'custom', messageId: '0123456789abcdef01234567', afterDays: 1 }] });
    expect(missing.status).toBe(400);
    // Step 3 of an Email CC schedule (its own email is step 1) is the second followup given.
    expect(missing.body.errors).toEqual({ 'steps.1.messageId': 'The message picked for step 3 was deleted. Pick another.' });
    const noName = await api.post('/api/v1/schedules', { name: '   ', steps: [{ type: 'candid', afterDays: 1 }] });
    expect(noName.body.errors).toEqual({ name: 'Give the schedule a name.' });
  });

  test('another workspace’s custom message cannot be used', async () => {
    const mine = await apiWorkspace(app);
    const theirs = await apiWorkspace(app);
    const message = await app.services.customMessages.create({ workspace: theirs.ws.ref, userId: 'UOTHER', name: 'O', isAdmin: false }, { name: 'Secret', subject: '', body: 'Hello' });
    const res = await mine.api.post('/api/v1/schedules', { name: 'Borrowed', steps: [{ type: 'custom', messageId: message.id, afterDays: 1 }] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual({ 'steps.0.messageId': 'The message picked for step 1 was deleted. Pick another.' });
  });
});

describe('GET /api/v1/schedules', () => {
  test('pages the workspace’s schedules, system ones first, then by name', async () => {
    const { api } = await apiWorkspace(app);
    for (const name of ['Charlie', 'alpha', 'Bravo']) expect((await api.post('/api/v1/schedules', { name, steps: [{ type: 'candid', afterDays: 1 }] })).status).toBe(201);
    const first = await api.get('/api/v1/schedules?perPage=3');
    expect(first.body.schedules.map((s: { name: string }) => s.name)).toEqual(['Recommended', 'Recommended for Email CC', 'alpha']);
    expect(first.body).toMatchObject({ page: 1, hasMore: true });
    const second = await api.get('/api/v1/schedules?perPage=3&page=2');
    expect(second.body.schedules.map((s: { name: string }) => s.name)).toEqual(['Bravo', 'Charlie']);
    expect(second.body).toMatchObject({ page: 2, hasMore: false });
    const recommended = first.body.schedules[1];
    expect(recommended).toMatchObject({ system: true, emailCc: true, steps: [{ type: 'gentle', afterDays: 1 }, { type: 'appreciative' }, { type: 'hopeful' }, { type: 'assertive' }, { type: 'cautionary' }, { type: 'curious' }] });
  });

  test('a bad page size is a 400 on the query parameter', async () => {
    const { api } = await apiWorkspace(app);
    const res = await api.get('/api/v1/schedules?perPage=500&page=0');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual({ perPage: 'Use a number of at most 100.', page: 'Use a number of at least 1.' });
  });
});

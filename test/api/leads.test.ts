// /api/v1/leads over real HTTP: 1,000 leads at once with per-lead errors, planned times with the
// assistant's offset, lookup by email, pause, resume and stop, and another workspace's leads.
import { startTestApp, type TestApp } from '../support/testApp.js';
import { ADMIN, apiWorkspace, type ApiClient } from '../support/api.js';
import type { TestWorkspace } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

/** A workspace with a token and an assistant in Berlin (Saturday and Sunday off, 09:00-17:00) on Recommended. */
async function setUp(): Promise<{ ws: TestWorkspace; api: ApiClient; assistantId: string }> {
  const { ws, api } = await apiWorkspace(app);
  await app.services.workspaces.ensureSeeded(ws.ref);
  const assistant = await app.services.assistants.create({ workspace: ws.ref, userId: ADMIN, name: 'Admin', isAdmin: true }, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0] });
  return { ws, api, assistantId: assistant.id };
}

describe('POST /api/v1/leads', () => {
  test('adds 1,000 leads in one request; bad ones are refused one by one, in order, and the good ones are enrolled', async () => {
    const { ws, api, assistantId } = await setUp();
    const leads: unknown[] = Array.from({ length: 1000 }, (_, i) => ({ email: `Lead${i}@Example.com`, firstName: `Lead ${i}`, custom: { 'Deal size': String(i) } }));
    leads[3] = { email: 'not-an-email', firstName: 'Bad' };
    leads[10] = { firstName: 'No email' };
    leads[500] = { email: 'lead1@example.com' }; // the same as lead 2 (index 1), any case
    leads[998] = { email: 'x@example.com', favouriteColour: 'red' };
    const res = await api.post('/api/v1/leads', { assistantId, leads });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1000);
    expect(res.body).toMatchObject({ added: 996, refused: 4 });
    expect(res.body.results[3]).toEqual({ errors: { email: '“not-an-email” is not an email address: write it like name@company.com.' } });
    expect(res.body.results[10]).toEqual({ errors: { email: 'Give the lead’s email address.' } });
    expect(res.body.results[500]).toEqual({ errors: { email: 'lead1@example.com is already in this list (lead 2).' } });
    expect(Object.keys(res.body.results[998].errors)).toEqual(['favouriteColour']);
    const ids = (res.body.results as { id?: string }[]).filter((r) => r.id).map((r) => r.id);
    expect(new Set(ids).size).toBe(996);
    expect(res.body.results[0]).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/) });

    const first = await api.get(`/api/v1/leads/${res.body.results[0].id}`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ email: 'lead0@example.com', firstName: 'Lead 0', custom: { deal_size: '0' }, enrollment: { state: 'active', assistantId } });
    expect(await app.services.models.Enrollment.countDocuments({ workspace: ws.ref.teamId })).toBe(996);
  });

  test('a lead that already follows a schedule of the assistant is refused, naming the existing lead', async () => {
    const { api, assistantId } = await setUp();
    const first = await api.post('/api/v1/leads', { assistantId, leads: [{ email: 'jamie@example.com', firstName: 'Jamie', lastName: 'Rivera' }] });
    const again = await api.post('/api/v1/leads', { assistantId, leads: [{ email: 'JAMIE@example.com' }, { email: 'new@example.com' }] });
    expect(again.status).toBe(200);
    expect(again.body.results[0]).toEqual({ existingId: first.body.results[0].id, errors: { email: expect.stringContaining('Jamie Rivera (jamie@example.com) already follows “Recommended” with Ava') } });
    expect(again.body.results[1]).toEqual({ id: expect.any(String) });
  });

  test('a lead who unsubscribed is refused when posted again and stays unsubscribed; the others of the request are added', async () => {
    const { ws, api, assistantId } = await setUp();
    const first = await api.post('/api/v1/leads', { assistantId, leads: [{ email: 'gone@example.com' }] });
    const doc = await app.services.models.Lead.findById(first.body.results[0].id).lean<{ unsubscribeToken: string }>();
    await app.services.unsubscribes.unsubscribe(doc!.unsubscribeToken);
    const again = await api.post('/api/v1/leads', { assistantId, leads: [{ email: 'new@example.com' }, { email: 'GONE@example.com' }] });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ added: 1, refused: 1 });
    expect(again.body.results[1]).toEqual({ existingId: first.body.results[0].id, errors: { email: 'gone@example.com unsubscribed from these emails, so they can’t be added again: they stay unsubscribed.' } });
    const gone = await app.services.leads.findByEmail(ws.ref, 'gone@example.com');
    expect(gone!.enrollments.map((e) => e.state)).toEqual(['stopped']);
  });

  test('the request as a whole is refused for a missing assistant, no leads, too many leads or a start without offset', async () => {
    const { api, assistantId } = await setUp();
    const other = await setUp();
    const foreign = await api.post('/api/v1/leads', { assistantId: other.assistantId, leads: [{ email: 'a@example.com' }] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual({ assistantId: 'Pick an assistant: that one no longer exists.' });
    const none = await api.post('/api/v1/leads', { assistantId, leads: [] });
    expect(none.body.errors).toEqual({ leads: 'Send 1 to 1,000 leads per request.' });
    const tooMany = await api.post('/api/v1/leads', { assistantId, leads: Array.from({ length: 1001 }, (_, i) => ({ email: `l${i}@example.com` })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual({ leads: 'Send 1 to 1,000 leads per request.' });
    const local = await api.post('/api/v1/leads', { assistantId, start: '2027-03-26T10:00:00', leads: [{ email: 'a@example.com' }] });
    expect(local.body.errors).toEqual({ start: 'Give the start as an ISO-8601 time with its offset, e.g. 2027-03-29T09:00:00+02:00.' });
    const wrongKind = await api.post('/api/v1/leads', { assistantId, emailCc: true, scheduleId: (await api.get('/api/v1/schedules')).body.schedules[0].id, leads: [{ email: 'a@example.com' }] });
    expect(wrongKind.body.errors).toEqual({ scheduleId: expect.stringContaining('is not an Email CC schedule') });
    expect(await app.services.leads.findByEmail(other.ws.ref, 'a@example.com')).toBeNull();
  });
});

describe('GET /api/v1/leads', () => {
  test('planned times are ISO-8601 with the assistant’s offset, after weekends and across the DST change', async () => {
    const { api, assistantId } = await setUp();
    // Friday 10:00 in Berlin; Candid 1 day later is Saturday, so Monday 09:00, after the clocks went forward.
    const added = await api.post('/api/v1/leads', { assistantId, start: '2027-03-26T10:00:00+01:00', leads: [{ email: 'dana@example.com', firstName: 'Dana' }] });
    const lead = await api.get(`/api/v1/leads/${added.body.results[0].id}`);
    expect(lead.body.enrollment).toMatchObject({ state: 'active', emailCc: false, start: '2027-03-26T10:00:00+01:00', pausedAt: null, stopReason: null });
    expect(lead.body.enrollment.followups.map((f: { step: number; type: string; plannedAt: string }) => [f.step, f.type, f.plannedAt])).toEqual([
      [1, 'candid', '2027-03-29T09:00:00+02:00'],
      [2, 'gentle', '2027-03-30T09:00:00+02:00'],
      [3, 'appreciative', '2027-04-01T09:00:00+02:00'],
      [4, 'hopeful', '2027-04-05T09:00:00+02:00'],
      [5, 'assertive', '2027-04-09T09:00:00+02:00'],
      [6, 'cautionary', '2027-04-14T09:00:00+02:00'],
      [7, 'curious', '2027-04-20T09:00:00+02:00'],
    ]);
    expect(lead.body.enrollment.followups[0]).toMatchObject({ sentAt: null, outcome: null, messageId: null });
    expect(lead.body.enrollment.history).toEqual([{ at: expect.stringMatching(/\+01:00$/), by: ADMIN, byName: 'API token “token 1”', action: 'enrolled', reason: null }]);
  });

  test('finds a lead by email in any case; an unknown email is 404, and one that is not an email address or a missing one 400', async () => {
    const { api, assistantId } = await setUp();
    const added = await api.post('/api/v1/leads', { assistantId, leads: [{ email: 'sam@example.com' }] });
    const found = await api.get('/api/v1/leads?email=SAM%40Example.com');
    expect(found.status).toBe(200);
    expect(found.body.id).toBe(added.body.results[0].id);
    const unknown = await api.get('/api/v1/leads?email=nobody%40example.com');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'No lead with this email in your workspace.' });
    // Said as when adding a lead, rather than "no lead with this email".
    const notAnEmail = await api.get('/api/v1/leads?email=Sam%20at%20example');
    expect(notAnEmail.status).toBe(400);
    expect(notAnEmail.body).toEqual({ errors: { email: '“sam at example” is not an email address: write it like name@company.com.' } });
    const missing = await api.get('/api/v1/leads');
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual({ email: 'Give the email to look for: ?email=name@company.com.' });
  });

  test('another workspace’s lead is not found, by id or by email, nor can it be paused', async () => {
    const mine = await setUp();
    const theirs = await setUp();
    const added = await theirs.api.post('/api/v1/leads', { assistantId: theirs.assistantId, leads: [{ email: 'secret@example.com' }] });
    const id = added.body.results[0].id;
    expect((await mine.api.get(`/api/v1/leads/${id}`)).status).toBe(404);
    expect((await mine.api.get('/api/v1/leads?email=secret%40example.com')).status).toBe(404);
    const pause = await mine.api.post(`/api/v1/leads/${id}/pause`);
    expect(pause.status).toBe(404);
    expect(pause.body).toEqual({ error: 'No lead with this id in your workspace.' });
    expect((await theirs.api.get(`/api/v1/leads/${id}`)).body.enrollment.state).toBe('active');
  });
});

describe('pause, resume and stop', () => {
  test('each changes the lead’s state and is in its history; what can’t change now is a 409', async () => {
    const { api, assistantId } = await setUp();
    const id = (await api.post('/api/v1/leads', { assistantId, leads: [{ email: 'kim@example.com', firstName: 'Kim' }] })).body.results[0].id;
    const paused = await api.post(`/api/v1/leads/${id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.enrollment).toMatchObject({ state: 'paused', pausedAt: expect.stringMatching(/\+0[12]:00$/) });
    const again = await api.post(`/api/v1/leads/${id}/pause`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('Kim can’t be paused: their schedule is paused.');
    const resumed = await api.post(`/api/v1/leads/${id}/resume`, {});
    expect(resumed.body.enrollment.state).toBe('active');
    const badReason = await api.post(`/api/v1/leads/${id}/stop`, { reason: 'bored' });
    expect(badReason.status).toBe(400);
    expect(Object.keys(badReason.body.errors)).toEqual(['reason']);
    const stopped = await api.post(`/api/v1/leads/${id}/stop`, { reason: 'replied', note: 'Booked a call' });
    expect(stopped.body.enrollment).toMatchObject({ state: 'stopped', stopReason: 'replied' });
    expect(stopped.body.enrollment.history.map((h: { action: string; reason: string | null }) => [h.action, h.reason])).toEqual([
      ['enrolled', null],
      ['paused', null],
      ['resumed', expect.stringMatching(/^after .* paused$/)],
      ['stopped', 'replied: Booked a call'],
    ]);
  });
});

// POST /hooks/reply over real HTTP against the running app: an email provider reports a lead's reply,
// signed with REPLY_WEBHOOK_SECRET; the lead's followups with that assistant stop and the thread is told.
import { createHmac } from 'node:crypto';
import type { EnrollmentDoc } from '../../src/db/models.js';
import type { NoticeDoc } from '../../src/db/noticeModels.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

const SECRET = 'reply-webhook-secret-0123456789';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { REPLY_WEBHOOK_SECRET: SECRET } });
});
afterAll(() => app.stop());

const ALEX = 'UALEX';
const now = () => Math.floor(Date.now() / 1000);

/** A workspace whose assistants Ava and Ben (sending as `avaEmail` and ben@acme.example) both follow up with Jamie. */
async function setUp(avaEmail = 'ava@acme.example') {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  const alex = { workspace: ws.ref, userId: ALEX, name: 'Alex', isAdmin: true };
  const ava = await app.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0], senderName: 'Ava Stone', senderEmail: avaEmail });
  const ben = await app.services.assistants.create(alex, { name: 'Ben', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0], senderName: 'Ben Hill', senderEmail: 'ben@acme.example' });
  const lead = { email: 'jamie@lead.example', firstName: 'Jamie', lastName: 'Rivera', company: 'Globex' };
  const [withAva] = await app.services.leads.addLeads(alex, { assistantId: ava.id }, [lead]);
  const [withBen] = await app.services.leads.addLeads(alex, { assistantId: ben.id }, [lead]);
  if (!withAva?.ok || !withBen?.ok) throw new Error('lead not added');
  return { ws, ava, ben, leadId: withAva.leadId, avaEnrollment: withAva.enrollmentId, benEnrollment: withBen.enrollmentId };
}

const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

async function post(body: string, headers: Record<string, string> = { 'X-Signature': sign(body) }, target = app) {
  const res = await fetch(`${target.url}/hooks/reply`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

const reply = (fields: Record<string, unknown> = {}) => JSON.stringify({ timestamp: now(), from: 'Jamie Rivera <JAMIE@lead.example>', to: ['Ava Stone <ava@acme.example>'], subject: 'Re: Quick question', ...fields });

async function stateOf(enrollmentId: string) {
  const e = await app.services.models.Enrollment.findById(enrollmentId).lean<EnrollmentDoc>();
  return [e!.state, e!.stopReason];
}
async function noticesOf(leadId: string) {
  return app.services.models.Notice.find({ leadId }).lean<NoticeDoc[]>();
}

test('a signed reply from the lead to an assistant’s address stops that assistant’s followups, tells the thread, and the same call again changes nothing', async () => {
  const { ava, leadId, avaEnrollment, benEnrollment } = await setUp();
  const body = reply();
  const first = await post(body, { 'X-Signature': `sha256=${sign(body)}` });
  expect(first.status).toBe(200);
  expect(first.body).toEqual({ matchedBy: 'address', leads: 1, workspaces: 1, stopped: 1, alreadyStopped: 0 });
  expect(first.text).not.toMatch(/jamie|ava|acme/i);
  expect(await stateOf(avaEnrollment)).toEqual(['stopped', 'replied']);
  expect(await stateOf(benEnrollment)).toEqual(['active', null]);
  const told = await noticesOf(leadId);
  expect(told.map((n) => [n.kind, n.assistantId, n.enrollmentId])).toEqual([['replied', ava.id, avaEnrollment]]);
  const history = (await app.services.models.Enrollment.findById(avaEnrollment).lean<EnrollmentDoc>())!.history;

  const again = await post(body);
  expect(again.status).toBe(200);
  expect(again.body).toEqual({ matchedBy: 'address', leads: 1, workspaces: 1, stopped: 0, alreadyStopped: 1 });
  expect(await noticesOf(leadId)).toHaveLength(1);
  expect((await app.services.models.Enrollment.findById(avaEnrollment).lean<EnrollmentDoc>())!.history).toHaveLength(history.length);
});

test('In-Reply-To or References naming a followup the app sent find its schedule, whoever replies from wherever', async () => {
  const { leadId, avaEnrollment, benEnrollment } = await setUp();
  const references = `<CAF0=xyz@mail.example> <followup.${benEnrollment}.1@acme.example>\r\n <followup.${benEnrollment}.2@acme.example>`;
  const res = await post(reply({ from: 'assistant-of-jamie@elsewhere.example', to: 'sales@acme.example', references }));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ matchedBy: 'message_id', leads: 1, workspaces: 1, stopped: 1, alreadyStopped: 0 });
  expect(await stateOf(benEnrollment)).toEqual(['stopped', 'replied']);
  expect(await stateOf(avaEnrollment)).toEqual(['active', null]);
  expect((await noticesOf(leadId)).map((n) => n.enrollmentId)).toEqual([benEnrollment]);
});

test('a reply from an address no lead could be added with (an internationalised domain) still stops the schedule its headers name, and by address matches nobody: 200 either way', async () => {
  const { avaEnrollment } = await setUp();
  // The webhook reads whatever mail systems send; the lead form's stricter rule is not applied to it.
  const byAddress = await post(reply({ from: 'Jamie <jamie@büro.example>' }));
  expect(byAddress.status).toBe(200);
  expect(byAddress.body).toEqual({ matchedBy: 'none', leads: 0, workspaces: 0, stopped: 0, alreadyStopped: 0 });
  const byThread = await post(reply({ from: 'Jamie <jamie@büro.example>', inReplyTo: `<followup.${avaEnrollment}.1@acme.example>` }));
  expect(byThread.status).toBe(200);
  expect(byThread.body).toEqual({ matchedBy: 'message_id', leads: 1, workspaces: 1, stopped: 1, alreadyStopped: 0 });
  expect(await stateOf(avaEnrollment)).toEqual(['stopped', 'replied']);
});

test('a reply after the last followup still tells the thread', async () => {
  const { leadId, avaEnrollment } = await setUp();
  await app.services.models.Enrollment.updateOne({ _id: avaEnrollment }, { $set: { state: 'completed', slot: avaEnrollment, nextDueAt: null } });
  const res = await post(reply({ inReplyTo: `<followup.${avaEnrollment}.7@acme.example>` }));
  expect(res.body).toEqual({ matchedBy: 'message_id', leads: 1, workspaces: 1, stopped: 0, alreadyStopped: 1 });
  expect(await stateOf(avaEnrollment)).toEqual(['completed', null]);
  expect((await noticesOf(leadId)).map((n) => [n.kind, n.enrollmentId])).toEqual([['replied', avaEnrollment]]);
});

test('the same lead in two workspaces whose assistants send as the replied-to address both stop; another sender’s workspace does not', async () => {
  const first = await setUp('ava@shared.example');
  const second = await setUp('ava@shared.example');
  const other = await setUp('ava@other.example');
  const res = await post(reply({ to: ['ava@shared.example'], cc: ['someone@else.example'] }));
  expect(res.body).toEqual({ matchedBy: 'address', leads: 2, workspaces: 2, stopped: 2, alreadyStopped: 0 });
  expect(await stateOf(first.avaEnrollment)).toEqual(['stopped', 'replied']);
  expect(await stateOf(second.avaEnrollment)).toEqual(['stopped', 'replied']);
  expect(await stateOf(other.avaEnrollment)).toEqual(['active', null]);
});

test('a reply nobody matches answers 200 with nothing matched', async () => {
  await setUp();
  const res = await post(reply({ from: 'stranger@nowhere.example' }));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ matchedBy: 'none', leads: 0, workspaces: 0, stopped: 0, alreadyStopped: 0 });
});

test('a missing or wrong signature, or a timestamp more than 5 minutes off, gets 401 and changes nothing', async () => {
  const { leadId, avaEnrollment } = await setUp();
  const body = reply();
  const refused = [
    await post(body, {}),
    await post(body, { 'X-Signature': sign(body, 'another-secret-0123456789') }),
    await post(body, { 'X-Signature': sign(reply({ subject: 'other' })) }),
    await post(body, { 'X-Signature': 'sha256=not-hex' }),
  ];
  expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401]);
  expect(refused[0]!.body.error).toContain('X-Signature');
  for (const timestamp of [now() - 6 * 60, now() + 6 * 60]) {
    const stale = reply({ timestamp });
    const res = await post(stale);
    expect(res.status).toBe(401);
    expect(res.body.error).toContain('more than 5 minutes');
  }
  expect(await stateOf(avaEnrollment)).toEqual(['active', null]);
  expect(await noticesOf(leadId)).toEqual([]);
});

test('a body that is not JSON, or lacks what a reply needs, gets 400 saying what is wrong', async () => {
  const broken = '{"timestamp": 1, "from": ';
  const notJson = await post(broken);
  expect(notJson.status).toBe(400);
  expect(notJson.body.errors).toEqual({ body: expect.stringMatching(/^The body is not valid JSON \(.+\)\.$/) });
  const missing = await post(JSON.stringify({ timestamp: now(), from: 'not an address' }));
  expect(missing.status).toBe(400);
  expect(missing.body.errors).toEqual({ from: 'Give an email address, like jamie@example.com or "Jamie <jamie@example.com>".', to: 'This field is required.' });
  const get = await fetch(`${app.url}/hooks/reply`);
  expect(get.status).toBe(405);
  expect(get.headers.get('allow')).toBe('POST');
});

test('without REPLY_WEBHOOK_SECRET the webhook is not there: 404', async () => {
  const bare = await startTestApp();
  try {
    const body = reply();
    const res = await post(body, { 'X-Signature': sign(body) }, bare);
    expect(res.status).toBe(404);
    expect(res.body.error).toContain('REPLY_WEBHOOK_SECRET');
  } finally {
    await bare.stop();
  }
});

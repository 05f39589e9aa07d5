// The unsubscribe link of a followup email, over real HTTP against the running app: the confirmation
// page, the page's button and RFC 8058's one-click POST, a second POST, and links that are not valid.
import type { EnrollmentDoc, LeadDoc } from '../../src/db/models.js';
import type { NoticeDoc } from '../../src/db/noticeModels.js';
import { migrateUnsubscribeTokens } from '../../src/services/unsubscribes.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

const ALEX = 'UALEX';

/** A workspace with two assistants and a lead following a schedule of each (the second paused). */
async function setUp(sender: { senderName: string; senderEmail: string } = { senderName: 'Ava Stone', senderEmail: 'ava@acme.example' }) {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  const alex = { workspace: ws.ref, userId: ALEX, name: 'Alex', isAdmin: true };
  const ava = await app.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0], ...sender });
  const ben = await app.services.assistants.create(alex, { name: 'Ben', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0], senderName: 'Ben Hill', senderEmail: 'ben@acme.example' });
  const lead = { email: 'jamie@lead.example', firstName: 'Jamie', lastName: 'Rivera', company: 'Globex', phone: '+1 555 0100' };
  const [added] = await app.services.leads.addLeads(alex, { assistantId: ava.id }, [lead]);
  if (!added?.ok) throw new Error('lead not added');
  await app.services.leads.addLeads(alex, { assistantId: ben.id }, [lead]);
  await app.services.leads.pause(alex, added.leadId, { assistantId: ben.id });
  const doc = await app.services.models.Lead.findById(added.leadId).lean<LeadDoc>();
  return { ws, alex, ava, ben, leadId: added.leadId, token: doc!.unsubscribeToken, url: `${app.url}/unsubscribe/${doc!.unsubscribeToken}` };
}

async function enrollmentsOf(leadId: string) {
  return app.services.models.Enrollment.find({ leadId }).sort({ createdAt: 1 }).lean<EnrollmentDoc[]>();
}

/** What the app tells the assistants' channels about the lead (stored, then posted). */
async function noticesOf(leadId: string) {
  return app.services.models.Notice.find({ leadId }).sort({ assistantId: 1 }).lean<NoticeDoc[]>();
}

function expectPlainPage(html: string) {
  expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|https?:\/\//i);
}

test('GET shows a confirmation naming the senders, with a button that POSTs to the link, and changes nothing', async () => {
  const { leadId, url } = await setUp();
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  const html = await res.text();
  expect(html).toContain('<html lang="en">');
  expect(html).toContain('Unsubscribe from these emails?');
  expect(html).toContain('<strong>Ava Stone</strong> (ava@acme.example) and <strong>Ben Hill</strong> (ben@acme.example)');
  expect(html).toMatch(/<form method="post">[\s\S]*<button type="submit"[^>]*>Unsubscribe<\/button><\/form>/);
  // Nothing else of the lead: whoever holds the email may open the link.
  for (const own of ['Jamie', 'Rivera', 'Globex', 'jamie@lead.example', '555']) expect(html).not.toContain(own);
  expectPlainPage(html);
  expect((await enrollmentsOf(leadId)).map((e) => e.state)).toEqual(['active', 'paused']);
  expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
});

test('the page’s button unsubscribes the lead from every open schedule of the workspace, tells each channel, and a second POST says so', async () => {
  const { ws, ava, ben, leadId, url } = await setUp();
  const other = await setUp(); // the same email in another workspace is another lead
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }) });
  expect(res.status).toBe(200);
  const html = await res.text();
  expect(html).toContain('You are unsubscribed');
  expect(html).toContain('no more followup emails from <strong>Ava Stone</strong>');
  expectPlainPage(html);

  const enrollments = await enrollmentsOf(leadId);
  expect(enrollments.map((e) => [e.state, e.stopReason, e.nextDueAt])).toEqual([
    ['stopped', 'unsubscribed', null],
    ['stopped', 'unsubscribed', null],
  ]);
  expect(enrollments[0]!.history.at(-1)).toMatchObject({ action: 'stopped', reason: 'unsubscribed', byName: 'the lead (unsubscribe link)' });
  const told = await noticesOf(leadId);
  expect(told.map((n) => [n.kind, n.assistantId, n.enrollmentId, n.workspace])).toEqual(
    [
      ['unsubscribed', ava.id, String(enrollments[0]!._id), ws.ref.teamId],
      ['unsubscribed', ben.id, String(enrollments[1]!._id), ws.ref.teamId],
    ].sort((a, b) => (a[1]! < b[1]! ? -1 : 1)),
  );
  expect(told[0]).toMatchObject({ lead: { name: 'Jamie Rivera', company: 'Globex', email: 'jamie@lead.example' }, step: 1, totalSteps: 7, nextPlannedAt: null });
  expect((await enrollmentsOf(other.leadId)).map((e) => e.state)).toEqual(['active', 'paused']);
  expect(await noticesOf(other.leadId)).toEqual([]);

  const again = await fetch(url, { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }) });
  expect(again.status).toBe(200);
  expect(await again.text()).toContain('You are already unsubscribed');
  expect(await noticesOf(leadId)).toHaveLength(2);
  expect((await enrollmentsOf(leadId)).map((e) => e.history.length)).toEqual(enrollments.map((e) => e.history.length));
  // And the link's page now says so instead of offering the button.
  const page = await (await fetch(url)).text();
  expect(page).toContain('You are already unsubscribed');
  expect(page).not.toContain('<form');
});

test('a mail client’s RFC 8058 one-click POST (multipart, no cookies, no page first) unsubscribes and answers 200', async () => {
  const { leadId, url } = await setUp();
  const form = new FormData();
  form.set('List-Unsubscribe', 'One-Click');
  const res = await fetch(url, { method: 'POST', body: form });
  expect(res.status).toBe(200);
  expect((await enrollmentsOf(leadId)).map((e) => e.stopReason)).toEqual(['unsubscribed', 'unsubscribed']);
});

test('two POSTs at once stop each schedule once', async () => {
  const { leadId, url } = await setUp();
  const answers = await Promise.all([1, 2].map(() => fetch(url, { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }) })));
  expect(answers.map((a) => a.status)).toEqual([200, 200]);
  const enrollments = await enrollmentsOf(leadId);
  expect(enrollments.map((e) => e.history.filter((h) => h.action === 'stopped').length)).toEqual([1, 1]);
  expect((await noticesOf(leadId)).map((n) => n.enrollmentId).sort()).toEqual(enrollments.map((e) => String(e._id)).sort());
});

test('an unknown or malformed link gets a 404 page saying it is not valid, the same whatever the token', async () => {
  const { token } = await setUp();
  const unknown = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
  const pages = new Set<string>();
  for (const path of [`/unsubscribe/${unknown}`, '/unsubscribe/short', `/unsubscribe/${token}x`, `/unsubscribe/${token}/more`, '/unsubscribe/%E0%A4%A', '/unsubscribe/']) {
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${app.url}${path}`, { method });
      expect([path, method, res.status]).toEqual([path, method, 404]);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      pages.add(await res.text());
    }
  }
  expect(pages.size).toBe(1);
  const [html] = [...pages];
  expect(html).toContain('This unsubscribe link is not valid');
  expectPlainPage(html!);
  const put = await fetch(`${app.url}/unsubscribe/${token}`, { method: 'PUT' });
  expect(put.status).toBe(405);
  expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
});

test('what the assistant’s sender says is escaped on the page', async () => {
  const { url } = await setUp({ senderName: '<script>alert("x")</script> & Co', senderEmail: 'ava@acme.example' });
  const html = await (await fetch(url)).text();
  expect(html).toContain('<strong>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</strong>');
  expectPlainPage(html);
});

test('leads from before unsubscribe links get a token of their own once; running the migration again changes nothing', async () => {
  const { ws } = await setUp();
  const { Lead, Migration } = app.services.models;
  const now = new Date();
  const old = ['old1@lead.example', 'old2@lead.example'].map((email) => ({ workspace: ws.ref.teamId, email, firstName: '', lastName: '', company: '', title: '', phone: '', industry: '', tags: [], custom: [], createdBy: ALEX, createdAt: now, updatedAt: now }));
  await Lead.collection.insertMany(old);
  // The app ran it at start-up; a database from before has no marker yet.
  await Migration.deleteOne({ _id: 'unsubscribeTokens.v1' });
  const tokensOf = async () => (await Lead.find({ workspace: ws.ref.teamId }).sort({ email: 1 }).lean<LeadDoc[]>()).map((l) => [l.email, l.unsubscribeToken]);
  const before = await tokensOf();
  expect(await migrateUnsubscribeTokens(app.services.models, app.services.clock)).toBeGreaterThanOrEqual(2);
  const after = await tokensOf();
  const migrated = after.filter(([email]) => email!.startsWith('old')).map(([, token]) => token);
  expect(migrated).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]{24}$/), expect.stringMatching(/^[A-Za-z0-9_-]{24}$/)]);
  expect(migrated[0]).not.toBe(migrated[1]);
  // Leads that had a token keep it.
  expect(after.filter(([email]) => !email!.startsWith('old'))).toEqual(before.filter(([email]) => !email!.startsWith('old')));

  await Migration.deleteOne({ _id: 'unsubscribeTokens.v1' });
  expect(await migrateUnsubscribeTokens(app.services.models, app.services.clock)).toBe(0);
  expect(await tokensOf()).toEqual(after);
  // The migrated link works.
  expect((await fetch(`${app.url}/unsubscribe/${migrated[0]}`)).status).toBe(200);
});

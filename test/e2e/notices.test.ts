// Notices in the assistant's channel, end to end: recorded by delivery (services.notices.record),
// posted by the job through the local Slack, which holds Slack's limits (one post a second per
// channel, 429 with Retry-After, not_in_channel for a channel the app left).
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { blocksText } from '../support/flows.js';
import { POST_BURST, type JsonObject } from '../support/fakeSlack.js';
import { noticeIdsIn } from '../support/notices.js';
import type { NoticeInput } from '../../src/services/notices/index.js';
import { until } from '../support/until.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

async function setUp(options: { channel?: string } = {}) {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'Alex', isAdmin: false };
  app.fake.addUser({ id: 'UALEX', teamId: ws.ref.teamId, name: 'alex' });
  const ava = await app.services.assistants.create(alex, { name: 'Ava', notificationChannel: options.channel ?? ws.channelId, timeZone: 'Europe/Berlin', offDays: [6, 0] });
  return { ws, alex, ava };
}

const objectId = () => new Types.ObjectId().toHexString();

function sent(ws: TestWorkspace, assistantId: string, overrides: Partial<NoticeInput> = {}): NoticeInput {
  return {
    workspace: ws.ref,
    assistantId,
    enrollmentId: objectId(),
    leadId: objectId(),
    kind: 'sent',
    step: 2,
    totalSteps: 7,
    lead: { name: 'Jamie Rivera', company: 'Acme', email: 'jamie@acme.example' },
    subject: 'Quick question',
    preview: 'Hi Jamie,\nDid you get a chance to look at the proposal?\nBest, Ava',
    nextPlannedAt: new Date('2027-03-09T14:00:00Z'),
    detail: null,
    at: new Date(),
    ...overrides,
  };
}

const inChannel = (channel: string) => app.fake.messages.filter((m) => m.channel === channel && m.via === 'chat.postMessage');

describe('a send’s notice in the assistant’s channel', () => {
  test('shows the lead, “followup 2 of 7”, the subject and first lines, the next followup’s time in each reader’s zone, and the four buttons; the lead’s next notice goes in its thread', async () => {
    const { ws, ava } = await setUp();
    const first = sent(ws, ava.id);
    await app.services.notices.record(first);
    const [message] = await until('the notice', () => (inChannel(ws.channelId).length ? inChannel(ws.channelId) : undefined));
    const text = blocksText(message!.blocks);
    expect(message!.text).toBe('Followup 2 of 7 sent to Jamie Rivera');
    expect(text).toContain('*Followup 2 of 7* sent to *Jamie Rivera* · Acme · jamie@acme.example');
    expect(text).toContain('*Quick question*\n> Hi Jamie,\n> Did you get a chance to look at the proposal?');
    expect(text).toContain(`Next followup <!date^${Date.parse('2027-03-09T14:00:00Z') / 1000}^{date_short_pretty} {time}|2027-03-09 14:00 UTC>`);
    const actions = (message!.blocks as JsonObject[]).find((b) => b.type === 'actions')!;
    expect((actions.elements as JsonObject[]).map((e) => (e.text as JsonObject).text)).toEqual(['Stop', 'Mark replied', 'Pause', 'View lead']);
    expect(message!.threadTs).toBeUndefined();

    await app.services.notices.record({ ...first, step: 3, nextPlannedAt: null, subject: 'Re: Quick question' });
    await app.services.notices.record({ ...first, kind: 'replied', step: 3 });
    const replies = await until('two replies in the thread', () => {
      const found = inChannel(ws.channelId).filter((m) => m.threadTs === message!.ts);
      return found.length === 2 ? found : undefined;
    });
    expect(blocksText(replies[0]!.blocks)).toContain('That was the last followup');
    expect(replies[1]!.text).toBe('Jamie Rivera replied, followups stopped');
    expect(blocksText(replies[1]!.blocks)).toContain('*Jamie Rivera* · Acme · jamie@acme.example replied, so their followups are stopped.');
    expect(inChannel(ws.channelId)).toHaveLength(3);
  });

  test('a burst of 1,000 notices for one assistant never exceeds one post a second into its channel, loses none, and ends in digests', async () => {
    const { ws, ava } = await setUp();
    const inputs = Array.from({ length: 1000 }, (_, i) => sent(ws, ava.id, { lead: { name: `Lead ${i}`, company: 'Acme', email: `lead${i}@example.com` } }));
    for (let i = 0; i < inputs.length; i += 50) await Promise.all(inputs.slice(i, i + 50).map((n) => app.services.notices.record(n)));
    const all = await app.services.models.Notice.find({ workspace: ws.ref.teamId }, { _id: 1 }).lean();
    expect(all).toHaveLength(1000);
    await until('every notice posted', async () => { const left = await app.services.models.Notice.countDocuments({ workspace: ws.ref.teamId, postedAt: null }); return left === 0 ? true : undefined; }, 150_000);

    // At most one post a second, sustained: the k-th post after any post comes at least k-1 seconds later.
    const times = app.fake.postTimes.get(ws.channelId) ?? [];
    for (let i = 0; i < times.length; i++) for (let j = i + 1; j < times.length; j++) expect(j - i).toBeLessThanOrEqual((times[j]! - times[i]!) / 1000 + 1);
    expect(app.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === ws.channelId && c.response.error === 'ratelimited')).toHaveLength(0);

    // Every notice is listed in a message as the channel shows it now.
    const messages = inChannel(ws.channelId);
    const shown = new Set(messages.flatMap(noticeIdsIn));
    expect(all.filter((n) => !shown.has(String(n._id)))).toEqual([]);
    // Far fewer messages than notices, and the last ones are digests.
    expect(messages.length).toBeLessThan(60);
    expect(messages.at(-1)!.text).toMatch(/^Ava: \d+ followup notices?$/);
    expect(messages.filter((m) => /followup notices?$/.test(m.text ?? '')).length).toBeGreaterThanOrEqual(Math.ceil(1000 / 45) - 1);
  }, 240_000);

  test('three assistants posting into one channel at once (as separate workers do) keep to one post a second between them', async () => {
    const { ws, alex, ava } = await setUp();
    const ben = await app.services.assistants.create(alex, { name: 'Ben', notificationChannel: ws.channelId, timeZone: 'Europe/Berlin', offDays: [6, 0] });
    const cy = await app.services.assistants.create(alex, { name: 'Cy', notificationChannel: ws.channelId, timeZone: 'Europe/Berlin', offDays: [6, 0] });
    const inputs = [ava, ben, cy].flatMap((a) => Array.from({ length: 100 }, () => sent(ws, a.id)));
    await Promise.all(inputs.map((n) => app.services.notices.record(n)));
    await until('every notice posted', async () => ((await app.services.models.Notice.countDocuments({ workspace: ws.ref.teamId, postedAt: null })) === 0 ? true : undefined), 60_000);
    const times = app.fake.postTimes.get(ws.channelId) ?? [];
    expect(times.length).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < times.length; i++) for (let j = i + 1; j < times.length; j++) expect(j - i).toBeLessThanOrEqual((times[j]! - times[i]!) / 1000 + 1);
    expect(app.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === ws.channelId && c.response.error === 'ratelimited')).toHaveLength(0);
  }, 90_000);

  test('a 429 from Slack is honoured: the next post into the channel waits for its Retry-After', async () => {
    const { ws, ava } = await setUp();
    const token = app.fake.botTokenOf(ws.ref.teamId)!;
    // Another part of the app (or another app process) used up the channel's short burst just now.
    for (let i = 0; i < POST_BURST; i++) {
      await fetch(`${app.fake.apiUrl}chat.postMessage`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ channel: ws.channelId, text: `busy ${i}` }) });
    }
    await app.services.notices.record(sent(ws, ava.id));
    const posted = await until('the notice after the wait', () => app.fake.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === ws.channelId && c.response.ok === true && String(c.args.text).startsWith('Followup')));
    const limited = app.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === ws.channelId && c.response.error === 'ratelimited');
    expect(limited.length).toBeGreaterThanOrEqual(1);
    // Retry-After was 1 second: nothing was tried again before it was up.
    const after = app.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === ws.channelId && c.at > limited[0]!.at);
    expect(after[0]!.at - limited[0]!.at).toBeGreaterThanOrEqual(950);
    expect(posted.at - limited[0]!.at).toBeGreaterThanOrEqual(950);
    await until('the notice marked posted', async () => (await app.services.models.Notice.findOne({ workspace: ws.ref.teamId, postedAt: { $ne: null } }).lean()) ?? undefined);
  });

  test('a channel the app was removed from: one direct message to the assistant’s owner, not a storm; the notices are kept; other channels go on', async () => {
    const ws = app.workspace();
    await app.services.workspaces.ensureSeeded(ws.ref);
    const left = `C${randomBytes(4).toString('hex').toUpperCase()}`;
    app.fake.addChannel({ id: left, teamId: ws.ref.teamId, name: 'old-sales', botIsMember: false });
    app.fake.addUser({ id: 'UOWEN', teamId: ws.ref.teamId, name: 'owen' });
    const alex = { workspace: ws.ref, userId: 'UALEX', name: 'Alex', isAdmin: false };
    const ava = await app.services.assistants.create(alex, { name: 'Ava', notificationChannel: left, timeZone: 'Europe/Berlin', offDays: [6, 0], owner: 'UOWEN' });
    const ben = await app.services.assistants.create(alex, { name: 'Ben', notificationChannel: ws.channelId, timeZone: 'Europe/Berlin', offDays: [6, 0] });

    for (let i = 0; i < 5; i++) await app.services.notices.record(sent(ws, ava.id));
    const dm = await until('the owner’s direct message', () => app.fake.messages.find((m) => m.channel.startsWith('D') && m.text?.includes('can’t be posted')));
    expect(blocksText(dm.blocks)).toContain('the app is not a member of it any more');
    for (let i = 0; i < 5; i++) await app.services.notices.record(sent(ws, ava.id));
    await app.services.notices.record(sent(ws, ben.id));
    await until('Ben’s notice in his channel', () => inChannel(ws.channelId)[0]);
    // Every try after the first found the channel marked: one refusal from Slack, one message to the owner.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(app.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === left)).toHaveLength(1);
    expect(app.fake.messages.filter((m) => m.channel === dm.channel)).toHaveLength(1);
    expect(await app.services.models.Notice.countDocuments({ workspace: ws.ref.teamId, assistantId: ava.id, postedAt: null })).toBe(10);
  });
});

// A burst of notices into ONE channel from several assistants, posted by two processes at once (each
// its own database connection and Web API client, as two workers are), through the local Slack, which
// records every call. Slack's limit is per channel, not per assistant: one assistant alone posts slower
// than one a second anyway, so only several assistants sharing a channel show whether the per-channel
// slot holds across assistants and processes.
import { systemClock } from '../../../src/clock.js';
import type { NoticeOutlet } from '../../../src/services/notices/index.js';
import type { Assistant } from '../../../src/services/assistants.js';
import { openTestDatabase, type TestDatabase } from '../../support/db.js';
import { startFakeSlack, type FakeSlack } from '../../support/fakeSlack.js';
import { localSlackOutlet, noticeIdsIn, sentNotice, workspaceWithChannel } from '../../support/notices.js';
import { until } from '../../support/until.js';

const ASSISTANTS = ['Ava', 'Ben', 'Cy', 'Dee'];
/** Notices per assistant in each wave: a few (posted one by one), then two bursts (digests). */
const WAVES = [2, 60, 40];

let fake: FakeSlack;
let first: TestDatabase;
let second: TestDatabase;
beforeAll(async () => {
  fake = await startFakeSlack();
  first = await openTestDatabase(systemClock);
  second = await openTestDatabase(systemClock, { dbName: first.connection.name });
});
afterAll(async () => {
  await second?.connection.close();
  await first?.close();
  await fake?.close();
});

/** The Web API as one process's posting job uses it (rate limits come back to the service), counting its posts. */
function processOutlet(token: string, posts: { count: number }): NoticeOutlet {
  const outlet = localSlackOutlet(fake, token);
  return {
    ...outlet,
    postNotice: (...args) => outlet.postNotice(...args).then((ts) => ((posts.count += 1), ts)),
    postDigest: (...args) => outlet.postDigest(...args).then((ts) => ((posts.count += 1), ts)),
  };
}

test('several assistants in one channel, two processes posting at once: never two posts into the channel in one second, every notice shown exactly once, ending in digests', async () => {
  const { ws, token, channel, alex } = await workspaceWithChannel(fake, first.services);
  const assistants: Assistant[] = [];
  for (const name of ASSISTANTS) assistants.push(await first.services.assistants.create(alex, { name, notificationChannel: channel, timeZone: 'Europe/Berlin', offDays: [6, 0] }));

  // Each process posts for every assistant over and over, as kicks and the sweep run the job in both
  // workers; a short run budget makes the assistants' leases change hands between the processes.
  let stopped = false;
  const processes = [first, second].map((db) => {
    const posts = { count: 0 };
    const outlet = processOutlet(token, posts);
    const running = (async () => {
      while (!stopped) {
        await Promise.all(assistants.map((a) => db.services.notices.postWaiting(ws, a.id, a, outlet, 3_000)));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    return { posts, running };
  });

  const posted = () => fake.postTimes.get(channel)?.length ?? 0;
  const waiting = () => first.services.models.Notice.countDocuments({ workspace: ws.teamId, postedAt: null });
  let n = 0;
  try {
    for (const [w, perAssistant] of WAVES.entries()) {
      // Recorded as a dispatcher records a batch's sends, by both processes at once.
      const inputs = assistants.flatMap((a) => Array.from({ length: perAssistant }, () => sentNotice(ws, a.id, n++)));
      await Promise.all([first, second].map((db, k) => db.services.notices.recordAll(inputs.filter((_, i) => i % 2 === k))));
      // The next wave lands while this one is still being posted.
      if (w < WAVES.length - 1) await until(`wave ${w + 1} under way`, () => (posted() >= 2 * (w + 1) ? true : undefined), 30_000);
    }
    await until('every notice posted', async () => ((await waiting()) === 0 ? true : undefined), 150_000);
  } finally {
    stopped = true;
    await Promise.all(processes.map((p) => p.running));
  }

  // Both processes posted into the channel.
  for (const p of processes) expect(p.posts.count).toBeGreaterThan(0);

  // Never two posts into the channel in the same second, at any point of the burst (the local Slack's own clock).
  const times = fake.postTimes.get(channel)!;
  const seconds = times.map((t) => Math.floor(t / 1000));
  const crowded = seconds.filter((s, i) => seconds.indexOf(s) !== i);
  expect(crowded).toEqual([]);
  expect(fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel && c.response.error === 'ratelimited')).toHaveLength(0);

  // Every notice is shown exactly once in the channel as it reads now (in its own message or a digest line).
  const notices = await first.services.models.Notice.find({ workspace: ws.teamId }, { _id: 1, assistantId: 1 }).lean();
  const all = notices.map((d) => String(d._id));
  expect(all).toHaveLength(n);
  const messages = fake.messages.filter((m) => m.channel === channel && m.via === 'chat.postMessage');
  const shown = messages.flatMap(noticeIdsIn);
  expect(shown.filter((id, i) => shown.indexOf(id) !== i)).toEqual([]);
  expect([...shown].sort()).toEqual([...all].sort());

  // Far fewer messages than notices: the bursts went out as digests, and each assistant's last message is one.
  expect(messages.length).toBeLessThan(n / 5);
  const assistantOf = new Map(notices.map((d) => [String(d._id), d.assistantId]));
  for (const a of assistants) {
    const last = messages.filter((m) => noticeIdsIn(m).some((id) => assistantOf.get(id) === a.id)).at(-1);
    expect(last?.text).toMatch(new RegExp(`^${a.name}: \\d+ followup notices?$`));
  }
}, 240_000);

// A digest run cut off after Slack took the digest's update but before its notices were marked posted
// (a worker killed, the database slow for a moment, another run overlapping it). The next run finds those
// notices still waiting while the digest lists them already: it must finish the job, not list them twice
// (Slack refuses a message whose menus repeat an action_id, so the digest would never update again).
import { systemClock } from '../../../src/clock.js';
import { openTestDatabase, type TestDatabase } from '../../support/db.js';
import { startFakeSlack, type FakeSlack } from '../../support/fakeSlack.js';
import { localSlackOutlet, noticeIdsIn, sentNotice, workspaceWithChannel } from '../../support/notices.js';

let fake: FakeSlack;
let db: TestDatabase;
beforeAll(async () => {
  fake = await startFakeSlack();
  db = await openTestDatabase(systemClock);
});
afterAll(async () => {
  await db?.close();
  await fake?.close();
});

test('notices a cut-off run added to a digest without marking them posted are marked by the next run, each listed once, and the digest keeps taking lines', async () => {
  const { ws, token, channel, alex } = await workspaceWithChannel(fake, db.services);
  const ava = await db.services.assistants.create(alex, { name: 'Ava', notificationChannel: channel, timeZone: 'Europe/Berlin', offDays: [6, 0] });
  const outlet = localSlackOutlet(fake, token);
  const { Notice } = db.services.models;
  const post = () => db.services.notices.postWaiting(ws, ava.id, ava, outlet, 10_000);
  let n = 0;
  const record = (count: number) => db.services.notices.recordAll(Array.from({ length: count }, () => sentNotice(ws, ava.id, n++)));

  // A burst goes out as a digest; a second one is added to it.
  await record(6);
  await post();
  await record(4);
  const second = await Notice.find({ workspace: ws.teamId, waitingFor: { $ne: null } }).lean();
  expect(second).toHaveLength(4);
  await post();
  const digests = () => fake.messages.filter((m) => m.channel === channel && m.via === 'chat.postMessage');
  expect(digests()).toHaveLength(1);
  const digestTs = digests()[0]!.ts;

  // The second run was cut off after Slack and the digest took its 4 lines: they still wait to be marked.
  for (const doc of second) await Notice.updateOne({ _id: doc._id }, { $set: { postedAt: null, waitingFor: doc.waitingFor, digestId: null, message: null } });
  // And more fall due meanwhile.
  await record(3);
  await post();

  expect(await Notice.countDocuments({ workspace: ws.teamId, postedAt: null })).toBe(0);
  const updates = fake.callsTo('chat.update').filter((c) => c.args.channel === channel);
  expect(updates.filter((c) => !c.response.ok).map((c) => c.response.error)).toEqual([]);
  const shown = noticeIdsIn(fake.messages.find((m) => m.channel === channel && m.ts === digestTs)!);
  const all = (await Notice.find({ workspace: ws.teamId }, { _id: 1 }).lean()).map((d) => String(d._id));
  expect(shown.length).toBe(new Set(shown).size);
  expect([...shown].sort()).toEqual([...all].sort());
  expect(all).toHaveLength(13);
}, 60_000);

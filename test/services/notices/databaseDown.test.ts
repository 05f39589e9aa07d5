// Posting notices with the database gone right after Slack took a post: the process cannot record that
// the notices were posted until the database is back. They must not be posted again when it is.
import { systemClock } from '../../../src/clock.js';
import type { NoticeOutlet } from '../../../src/services/notices/index.js';
import { openTestDatabase, testDatabaseUri, uniqueName, type TestDatabase } from '../../support/db.js';
import { startDatabaseProxy, type DatabaseProxy } from '../../support/dbProxy.js';
import { startFakeSlack, type FakeSlack } from '../../support/fakeSlack.js';
import { localSlackOutlet, noticeIdsIn, sentNotice, workspaceWithChannel } from '../../support/notices.js';
import { until } from '../../support/until.js';

/** How long the database stays down: longer than a process waits for it on one operation (db/connection.ts). */
const OUTAGE_MS = 4_000;

let fake: FakeSlack;
let proxy: DatabaseProxy;
/** Through the proxy. */
let db: TestDatabase;
beforeAll(async () => {
  fake = await startFakeSlack();
  proxy = await startDatabaseProxy(testDatabaseUri());
  db = await openTestDatabase(systemClock, { databaseUri: proxy.uri, dbName: uniqueName('test') });
});
afterAll(async () => {
  await proxy?.start().catch(() => {});
  await db?.close();
  await proxy?.close();
  await fake?.close();
});

test('the database stops just after Slack took a digest: once it is back, the digest’s notices are recorded as posted, not posted again', async () => {
  const { ws, token, channel, alex } = await workspaceWithChannel(fake, db.services);
  const ava = await db.services.assistants.create(alex, { name: 'Ava', notificationChannel: channel, timeZone: 'Europe/Berlin', offDays: [6, 0] });
  await db.services.notices.recordAll(Array.from({ length: 10 }, (_, n) => sentNotice(ws, ava.id, n)));

  // The database goes away the moment Slack has taken the first post.
  const slack = localSlackOutlet(fake, token);
  let downAt = 0;
  const outlet: NoticeOutlet = {
    ...slack,
    postDigest: async (...args) => {
      const ts = await slack.postDigest(...args);
      if (!downAt) {
        downAt = Date.now();
        await proxy.stop();
      }
      return ts;
    },
  };
  const run = db.services.notices.postWaiting(ws, ava.id, ava, outlet);
  await until('the digest posted', () => downAt > 0);
  await new Promise((resolve) => setTimeout(resolve, downAt + OUTAGE_MS - Date.now()));
  await proxy.start();
  await run.catch(() => {});

  // Later runs (the sweep's) find nothing left to post.
  await until('nothing waiting', async () => (await db.services.notices.postWaiting(ws, ava.id, ava, outlet), (await db.services.models.Notice.countDocuments({ workspace: ws.teamId, postedAt: null })) === 0), 90_000);
  const messages = fake.messages.filter((m) => m.channel === channel && m.via === 'chat.postMessage');
  const shown = messages.flatMap(noticeIdsIn);
  const all = (await db.services.models.Notice.find({ workspace: ws.teamId }, { _id: 1 }).lean()).map((d) => String(d._id));
  expect([...shown].sort()).toEqual([...all].sort());
  expect(messages).toHaveLength(1);
}, 120_000);

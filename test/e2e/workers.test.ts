// `npm run worker` processes against one database and a real SMTP server on loopback: a worker
// killed (SIGKILL) in the middle of sending, then two workers started at once on what is left,
// send every followup exactly once. Counted by Message-ID at the SMTP server.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../src/clock.js';
import { openTestDatabase, testDatabaseUri, type TestDatabase } from '../support/db.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer.js';
import { deliveryWorkspace, ids } from '../services/delivery/support.js';
import { until } from '../support/until.js';

const WORKER = fileURLToPath(new URL('../../dist/src/worker.js', import.meta.url));
const LEADS = 150;
/** Sends one dispatcher has in flight at most (services/delivery/dispatcher.ts). */
const IN_FLIGHT = 8;

let db: TestDatabase;
let smtp: TestSmtpServer;
const workers: ChildProcess[] = [];
beforeAll(async () => {
  smtp = await startSmtpServer();
  // This process sends too (through the same SMTP server), racing the workers for the same followups.
  db = await openTestDatabase(systemClock, { delivery: { smtpUrl: smtp.url, publicUrl: 'https://followups.example.com', claimTimeoutMs: 5_000 } });
});
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  await smtp?.close();
  await db?.close();
});

function startWorker(): ChildProcess {
  const uri = new URL(testDatabaseUri());
  uri.pathname = `/${db.connection.name}`;
  const worker = spawn(process.execPath, [WORKER], {
    env: {
      PATH: process.env.PATH,
      SLACK_BOT_TOKEN: 'xoxb-worker-test',
      SLACK_SIGNING_SECRET: 'worker-test-secret',
      // Nothing here posts to Slack (no notification channel); a stray call would fail fast.
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      MONGODB_URI: uri.toString(),
      SMTP_URL: smtp.url,
      PUBLIC_URL: 'https://followups.example.com',
      SEND_CLAIM_TIMEOUT: '5',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  workers.push(worker);
  return worker;
}

test(
  'a worker killed in the middle of sending, then two workers and a third sender at once: every followup reaches the SMTP server, each Message-ID once',
  async () => {
    // Open around the clock, so the followups are due and inside working time whenever the test runs.
    const { alex, ava, mine } = await deliveryWorkspace(
      db.services,
      { offDays: [], businessHours: { open: '00:00', close: '24:00' }, timeZone: 'UTC', dailyLimit: 10_000 },
      (introId) => [
        { type: 'custom', customMessageId: introId, afterDays: 0 },
        { type: 'Curious', customMessageId: null, afterDays: 0 },
      ],
    );
    const leads = ids(
      await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, Array.from({ length: LEADS }, (_, i) => ({ email: `lead${i}@workers.example`, firstName: `Lee${i}`, company: 'Workers' }))),
    );
    const expected = leads.flatMap((l) => [1, 2].map((step) => `<followup.${l.enrollmentId}.${step}@acme.example>`));

    const first = startWorker();
    await until('the first worker sending', () => smtp.received.length >= 40, 60_000);
    first.kill('SIGKILL');
    await once(first, 'exit');
    const atKill = smtp.received.length;
    expect(atKill).toBeLessThan(expected.length); // killed in the middle, not after

    const [second, third] = [startWorker(), startWorker()];
    const distinct = () => new Set(smtp.received.map((m) => m.messageId));
    // Agenda runs one dispatcher at a time (the other worker stands by): this process sends each
    // lead's followups itself meanwhile, so two senders really race for every followup.
    let done = false;
    const racer = (async () => {
      while (!done) for (const lead of leads) for (const step of [1, 2]) await db.services.delivery.sendFollowup(lead.enrollmentId, step);
    })();
    try {
      await until('every followup sent', () => distinct().size >= expected.length, 120_000);
    } finally {
      done = true;
      await racer;
    }
    // And recorded: every enrollment has both followups sent.
    await until('every enrollment completed', async () => (await db.services.models.Enrollment.countDocuments({ workspace: alex.workspace.teamId, state: 'completed' })) === LEADS, 60_000);
    second.kill('SIGTERM');
    third.kill('SIGTERM');
    await Promise.all([once(second, 'exit'), once(third, 'exit')]);

    const ours = smtp.received.filter((m) => m.to[0]?.address.endsWith('@workers.example'));
    expect([...new Set(ours.map((m) => m.messageId))].sort()).toEqual([...expected].sort());
    // A copy can only come from the narrow window: the SMTP server accepted a message and the first
    // worker was killed before it marked the claim sent: so only a message the first worker had in
    // flight at the kill (its last ones to arrive), at most one per send. The copy has the same Message-ID.
    const copies = ours.filter((m, i) => ours.findIndex((o) => o.messageId === m.messageId) < i);
    const firstIndex = (id: string | null) => smtp.received.findIndex((m) => m.messageId === id);
    expect(copies.length).toBeLessThanOrEqual(IN_FLIGHT);
    for (const copy of copies) expect(firstIndex(copy.messageId)).toBeGreaterThanOrEqual(atKill - IN_FLIGHT);
    for (const copy of copies) expect(firstIndex(copy.messageId)).toBeLessThan(atKill + IN_FLIGHT);
    // In order per lead: the second followup of a lead only after its first, in its thread.
    for (const lead of leads.slice(0, 20)) {
      const mine = ours.filter((m) => m.messageId?.includes(lead.enrollmentId));
      expect(mine[0]!.messageId).toBe(`<followup.${lead.enrollmentId}.1@acme.example>`);
      expect(mine.at(-1)).toMatchObject({ inReplyTo: mine[0]!.messageId, subject: `Re: ${mine[0]!.subject}` });
    }
  },
  240_000,
);

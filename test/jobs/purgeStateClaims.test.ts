// "Add to Slack" remembers each used install link (its OAuth state) so it works once; the job
// installs.purge-state-claims forgets those whose state has expired anyway, every 10 minutes.
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestApp } from '../support/testApp.js';
import { JOBS } from '../../src/jobs/index.js';
import { OAUTH_STATE_TTL_MS } from '../../src/services/installations.js';
import type { Clock } from '../../src/clock.js';

let now = new Date('2027-05-03T09:00:00Z');
const clock: Clock = { now: () => now };
let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase(clock);
});
afterAll(() => db.close());

const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

test('a used install link is forgotten once its state has expired, not before: until then it is still refused a second time', async () => {
  const installations = db.services.installations;
  expect(await installations.claimState('nonce-early')).toBe(true);
  later(4 * 60_000);
  expect(await installations.claimState('nonce-late')).toBe(true);
  later(OAUTH_STATE_TTL_MS - 4 * 60_000 + 1_000); // the early one's state expired a second ago; the late one's has 4 minutes left

  expect(await installations.purgeExpiredStateClaims()).toBe(1);
  expect(await installations.claimState('nonce-late')).toBe(false);
  expect(await db.services.models.OAuthStateClaim.exists({ _id: 'nonce-early' })).toBeNull();
  expect(await installations.purgeExpiredStateClaims()).toBe(0);

  later(4 * 60_000);
  expect(await installations.purgeExpiredStateClaims()).toBe(1);
  expect(await db.services.models.OAuthStateClaim.countDocuments({ _id: { $in: ['nonce-early', 'nonce-late'] } })).toBe(0);
});

test('the running app purges used OAuth states every 10 minutes with its clock, scheduled once however many processes start', async () => {
  const first = await startTestApp({ clock });
  try {
    const claims = first.services.models.OAuthStateClaim;
    expect(await first.services.installations.claimState('nonce-job-old')).toBe(true);
    later(OAUTH_STATE_TTL_MS + 1_000);
    expect(await first.services.installations.claimState('nonce-job-new')).toBe(true);
    await first.runtime.agenda.now(JOBS.purgeOAuthStateClaims, undefined);
    const deadline = Date.now() + 20_000;
    while (await claims.exists({ _id: 'nonce-job-old' })) {
      if (Date.now() > deadline) throw new Error('the job did not purge the expired claim within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await claims.exists({ _id: 'nonce-job-new' })).not.toBeNull();

    const { startJobs, stopJobs } = await import('../../src/jobs/index.js');
    const second = await startJobs(first.runtime.connection, first.services);
    await stopJobs(second, 1_000);
    // The run asked for above is a one-off job of its own; the schedule is the repeating one.
    const jobs = (await first.runtime.connection.db!.collection('agendaJobs').find({ name: JOBS.purgeOAuthStateClaims }).toArray()).filter((j) => j.repeatInterval);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.repeatInterval).toBe('10 minutes');
  } finally {
    await first.stop();
  }
});

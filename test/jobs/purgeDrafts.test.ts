import { openTestDatabase, newWorkspace, actorIn, type TestDatabase } from '../support/db.js';
import { startTestApp } from '../support/testApp.js';
import { DRAFT_MAX_AGE_MS } from '../../src/services/drafts.js';
import { JOBS } from '../../src/jobs/index.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';
import type { Clock } from '../../src/clock.js';

let now = new Date('2026-04-06T13:00:00Z');
const clock: Clock = { now: () => now };
let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase(clock);
});
afterAll(() => db.close());

test('editors abandoned for a day are purged, open ones are kept, and purging twice is harmless', async () => {
  const ws = newWorkspace();
  await db.services.workspaces.ensureSeeded(ws);
  const alex = actorIn(ws, 'UALEX');
  const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
  const mine = await db.services.schedules.clone(alex, recommended.id, { name: 'Mine', description: '' });
  const abandoned = await db.services.drafts.start(alex, mine.id, 'UTC');
  now = new Date(now.getTime() + DRAFT_MAX_AGE_MS + 60_000);
  const open = await db.services.drafts.start(alex, mine.id, 'UTC');

  expect(await db.services.drafts.purgeStale(DRAFT_MAX_AGE_MS)).toBe(1);
  expect(await db.services.drafts.purgeStale(DRAFT_MAX_AGE_MS)).toBe(0);
  await expect(db.services.drafts.get(ws, abandoned.id)).rejects.toMatchObject({ code: 'not_found' });
  expect((await db.services.drafts.get(ws, open.id)).id).toBe(open.id);
  expect(await db.services.models.DraftRevision.countDocuments({ draftId: abandoned.id })).toBe(0);
});

test('open editors keep only their latest revision after the purge (removed in bulk, not per click), and go on working', async () => {
  const ws = newWorkspace();
  await db.services.workspaces.ensureSeeded(ws);
  const alex = actorIn(ws, 'UALEX');
  const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
  const mine = await db.services.schedules.clone(alex, recommended.id, { name: 'Kept short', description: '' });
  const revisions = (draftId: string) => db.services.models.DraftRevision.countDocuments({ draftId });
  const older = await db.services.drafts.start(alex, mine.id, 'UTC');
  for (const days of ['2', '3', '4']) await db.services.drafts.apply(ws, older.id, { rows: { [older.rows[0]!.key]: { afterDays: days } } });
  expect(await revisions(older.id)).toBe(4);
  now = new Date(now.getTime() + 11 * 60_000);
  // Clicked just now: its newest revisions are left alone, a click may be working from them.
  const recent = await db.services.drafts.start(alex, mine.id, 'UTC');
  await db.services.drafts.apply(ws, recent.id, {}, { kind: 'add', belowKey: null });

  expect(await db.services.drafts.purgeStale(DRAFT_MAX_AGE_MS)).toBe(0);
  expect(await revisions(older.id)).toBe(1);
  expect(await revisions(recent.id)).toBe(2);
  expect((await db.services.drafts.get(ws, older.id)).rows[0]!.afterDays).toBe('4');
  const next = await db.services.drafts.apply(ws, older.id, { rows: { [older.rows[0]!.key]: { afterDays: '5' } } });
  expect(next.rows[0]!.afterDays).toBe('5');
  expect((await db.services.drafts.get(ws, recent.id)).rows).toHaveLength(8);
});

test('the running app schedules the purge once, however many processes start', async () => {
  const first = await startTestApp();
  try {
    // A second Agenda on the same database, as a second worker process would start.
    const { startJobs, stopJobs } = await import('../../src/jobs/index.js');
    const second = await startJobs(first.runtime.connection, first.services);
    await stopJobs(second, 1_000);
    const jobs = await first.runtime.connection.db!.collection('agendaJobs').find({ name: JOBS.purgeDrafts }).toArray();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.repeatInterval).toBe('1 hour');
  } finally {
    await first.stop();
  }
});

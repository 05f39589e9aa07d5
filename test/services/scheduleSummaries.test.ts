// The list and the type-ahead read summaries, which the services keep in line with the schedules,
// without transactions: these tests play the writes of two processes landing in the wrong order.
import { Types } from 'mongoose';
import { openTestDatabase, newWorkspace, actorIn, type TestDatabase } from '../support/db.js';
import { RECOMMENDED, RECOMMENDED_EMAIL_CC } from '../../src/services/workspaces.js';
import { SCHEDULE_ENTRIES_MIGRATION, migrateToScheduleSummaries, syncScheduleSummary } from '../../src/services/scheduleSummaries.js';
import { STORED_LIST_TTL_MS, storedScheduleList } from '../../src/services/scheduleList.js';
import { fixedClock } from '../../src/clock.js';
import type { ScheduleDoc, ScheduleSummaryDoc } from '../../src/db/models.js';
import type { WorkspaceRef } from '../../src/services/domain.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

async function withCopy(name: string) {
  const ws = newWorkspace();
  await db.services.workspaces.ensureSeeded(ws);
  const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
  const copy = await db.services.schedules.clone(actorIn(ws), recommended.id, { name, description: '' });
  return { ws, copy };
}

const listed = async (ws: WorkspaceRef) => (await db.services.schedules.list(ws)).map((s) => `${s.name} ${s.stepCount}`);
const found = async (ws: WorkspaceRef, query: string) => (await db.services.schedules.search(ws, query)).map((s) => s.name);
const stored = (id: string) => db.services.models.Schedule.findById(id).lean<ScheduleDoc>();

test('a rename and a save that land while another process still writes the old list entry show in the list and the type-ahead', async () => {
  const { ws, copy } = await withCopy('Spring');
  const before = await stored(copy.id);
  const renamed = await db.services.schedules.rename(actorIn(ws), copy.id, 'Summer');
  await db.services.schedules.save(actorIn(ws), copy.id, { name: 'Summer', description: '', steps: renamed.steps.slice(0, 3), baseVersion: renamed.version });
  // The slow process, which read the schedule before both, writes its entry last.
  await syncScheduleSummary(db.services.models, new Types.ObjectId(copy.id), before);
  expect(await listed(ws)).toEqual([`${RECOMMENDED} 7`, `${RECOMMENDED_EMAIL_CC} 7`, 'Summer 3']);
  expect(await found(ws, 'spring')).toEqual([]);
  expect(await found(ws, 'summ')).toEqual(['Summer']);
});

test('a schedule deleted while another process still writes its list entry stays out of the list and the type-ahead', async () => {
  const { ws, copy } = await withCopy('Autumn');
  const before = await stored(copy.id);
  await db.services.schedules.remove(actorIn(ws), copy.id);
  await syncScheduleSummary(db.services.models, new Types.ObjectId(copy.id), before);
  expect(await listed(ws)).toEqual([`${RECOMMENDED} 7`, `${RECOMMENDED_EMAIL_CC} 7`]);
  expect(await found(ws, 'autumn')).toEqual([]);
});

test('schedules saved before the list read summaries show in it after the start-up migration, once per database', async () => {
  const ws = newWorkspace();
  const { Schedule, ScheduleSummary, Migration } = db.services.models;
  const steps = [{ type: 'Candid' as const, customMessageId: null, afterHundredths: 200 }, { type: 'Gentle' as const, customMessageId: null, afterHundredths: 300 }];
  await Schedule.insertMany(['Winter', 'Older'].map((name) => ({ workspace: ws.teamId, name, nameKey: name.toLowerCase(), steps, createdBy: 'UALEX', updatedBy: 'UALEX' })));
  expect(await listed(ws)).toEqual([]);
  await Migration.deleteOne({ _id: SCHEDULE_ENTRIES_MIGRATION });
  expect(await migrateToScheduleSummaries(db.services.models, db.services.clock)).toBeGreaterThanOrEqual(2);
  expect(await listed(ws)).toEqual(['Older 2', 'Winter 2']);
  expect((await db.services.schedules.list(ws)).map((s) => s.totalDays)).toEqual([5, 5]);
  expect(await found(ws, 'inte')).toEqual(['Winter']);
  // Recorded: the next start does not read every schedule again.
  await ScheduleSummary.deleteMany({ workspace: ws.teamId });
  expect(await migrateToScheduleSummaries(db.services.models, db.services.clock)).toBe(0);
});

test('what an older process wrote during a deploy (a save, a delete) shows in the list after the hourly repair', async () => {
  const { ws, copy } = await withCopy('Saved by old');
  const { copy: doomed } = await withCopy('Deleted by old');
  const schedules = db.connection.db!.collection('schedules');
  // An older release writes the schedules only.
  await schedules.updateOne({ _id: new Types.ObjectId(copy.id) }, { $set: { name: 'Renamed by old', nameKey: 'renamed by old', steps: copy.steps.slice(0, 2), version: copy.version + 1 } });
  await schedules.deleteOne({ _id: new Types.ObjectId(doomed.id) });
  expect(await db.services.schedules.repairSummaries()).toBeGreaterThanOrEqual(2);
  expect(await listed(ws)).toEqual([`${RECOMMENDED} 7`, `${RECOMMENDED_EMAIL_CC} 7`, 'Renamed by old 2']);
  expect(await found(ws, 'by old')).toEqual(['Renamed by old']);
  // Nothing left to repair here.
  expect(await db.services.schedules.repairSummaries()).toBe(0);
});

/** The workspace's summaries as the list service reads them when it rebuilds its stored list. */
const summariesIn = (ws: WorkspaceRef) => db.services.models.ScheduleSummary.find({ workspace: ws.teamId }).sort({ system: -1, nameKey: 1 }).lean<ScheduleSummaryDoc[]>();

test('a rename that lands while another process rebuilds the stored list from the summaries before it shows in the next list', async () => {
  const { ws, copy } = await withCopy('Before rename');
  const rebuilt = await storedScheduleList(db.services.models, db.services.clock, ws.teamId, async () => {
    const read = await summariesIn(ws);
    await db.services.schedules.rename(actorIn(ws), copy.id, 'After rename');
    return read;
  });
  expect(rebuilt.map((s) => s.name)).toContain('Before rename');
  expect(await listed(ws)).toEqual([`${RECOMMENDED} 7`, `${RECOMMENDED_EMAIL_CC} 7`, 'After rename 7']);
});

test('a summary written by a process that died before dropping the stored list shows once the stored list is two minutes old', async () => {
  const { ws, copy } = await withCopy('Written before the crash');
  expect(await listed(ws)).toContain('Written before the crash 7');
  await db.services.models.ScheduleSummary.updateOne({ _id: new Types.ObjectId(copy.id) }, { $set: { name: 'Written by the crashed one', nameKey: 'written by the crashed one' } });
  const later = fixedClock(new Date(Date.now() + STORED_LIST_TTL_MS));
  const read = await storedScheduleList(db.services.models, later, ws.teamId, () => summariesIn(ws));
  expect(read.map((s) => s.name)).toEqual([RECOMMENDED, RECOMMENDED_EMAIL_CC, 'Written by the crashed one']);
});

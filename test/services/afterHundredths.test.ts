// After days are stored as integer hundredths of a day: schedules an older release saved with float
// after days are migrated once at start, and a step an older process still writes mid-deploy reads right.
import { Types, type Connection } from 'mongoose';
import { connectDatabase } from '../../src/db/connection.js';
import { createServices } from '../../src/services/index.js';
import { migrateAfterHundredths } from '../../src/services/steps.js';
import { systemClock } from '../../src/clock.js';
import { ValidationError } from '../../src/services/domain.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';
import { actorIn, newWorkspace, openTestDatabase, testDatabaseUri, thrown, uniqueName, type TestDatabase } from '../support/db.js';

/** A schedule as a release before hundredths wrote it: float after days, straight into the collection. */
function legacySchedule(workspace: string, name: string, afterDays: readonly number[], version = 4) {
  const now = new Date('2027-01-04T10:00:00Z');
  return {
    workspace,
    name,
    nameKey: name.toLowerCase(),
    description: '',
    system: false,
    emailCc: false,
    steps: afterDays.map((d) => ({ type: 'Gentle', customMessageId: null, afterDays: d })),
    createdBy: 'UALEX',
    updatedBy: 'UALEX',
    updatedByName: 'Alex',
    createdAt: now,
    updatedAt: now,
    version,
  };
}

async function storedSteps(connection: Connection, name: string): Promise<unknown[]> {
  const doc = await connection.db!.collection('schedules').findOne({ name });
  return doc!.steps as unknown[];
}

describe('after days stored as hundredths of a day', () => {
  test('schedules saved with float after days become integer hundredths at start, once, with two processes starting at once; versions stay', async () => {
    const dbName = uniqueName('migrate');
    const first = await connectDatabase(testDatabaseUri(), { dbName });
    const second = await connectDatabase(testDatabaseUri(), { dbName });
    try {
      const ws = newWorkspace();
      await first.db!.collection('schedules').insertMany([
        // 0.1 + 0.2 is how float sums were stored: 0.30000000000000004.
        legacySchedule(ws.teamId, 'Floats', [1.5, 0.1 + 0.2, 2.25, 0]),
        legacySchedule(ws.teamId, 'Whole', [1, 3, 365], 7),
        // More than FerretDB v1 takes in one update command (it hangs at 50).
        ...Array.from({ length: 60 }, (_, i) => legacySchedule(ws.teamId, `Bulk ${i}`, [0.5, 1])),
      ]);

      const [services] = await Promise.all([createServices(first, systemClock), createServices(second, systemClock)]);

      expect(await storedSteps(first, 'Floats')).toEqual([150, 30, 225, 0].map((afterHundredths) => ({ type: 'Gentle', customMessageId: null, afterHundredths })));
      expect(await first.db!.collection('schedules').countDocuments({ 'steps.afterDays': { $exists: true } })).toBe(0);
      expect(await storedSteps(first, 'Bulk 59')).toEqual([50, 100].map((afterHundredths) => ({ type: 'Gentle', customMessageId: null, afterHundredths })));
      expect(await storedSteps(first, 'Whole')).toEqual([100, 300, 36500].map((afterHundredths) => ({ type: 'Gentle', customMessageId: null, afterHundredths })));
      const floats = (await services.schedules.findByName(ws, 'Floats'))!;
      expect(floats.version).toBe(4); // an editor opened before the migration still saves
      expect(floats.steps.map((s) => [s.afterDays, s.afterHundredths])).toEqual([[1.5, 150], [0.3, 30], [2.25, 225], [0, 0]]);
      // The list's total is an exact sum: 4.05, not 4.050000000000001.
      expect((await services.schedules.list(ws)).find((s) => s.name === 'Floats')!.totalDays).toBe(4.05);

      // Run again, it finds nothing left to change (what the start-up marker spares later starts from scanning).
      expect(await migrateAfterHundredths(services.models)).toBe(0);
      expect(await services.models.Migration.exists({ _id: 'afterHundredths.v1' })).toBeTruthy();
    } finally {
      await first.dropDatabase().catch(() => {});
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe('a schedule an older process writes mid-deploy', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());

  test('steps with float after days, written after the migration ran, read right in the list, the editor and a clone', async () => {
    const ws = newWorkspace();
    await db.services.workspaces.ensureSeeded(ws);
    const alex = actorIn(ws);
    const mine = await db.services.schedules.clone(alex, (await db.services.schedules.findByName(ws, RECOMMENDED))!.id, { name: 'Mine', description: '' });
    // An older process saves it: the whole steps array, in its shape.
    await db.connection.db!.collection('schedules').updateOne(
      { _id: new Types.ObjectId(mine.id) },
      { $set: { steps: [1.5, 0.1 + 0.2, 2].map((afterDays) => ({ type: 'Candid', customMessageId: null, afterDays })), version: mine.version + 1 } },
    );

    const read = await db.services.schedules.get(ws, mine.id);
    expect(read.steps.map((s) => [s.afterDays, s.afterHundredths])).toEqual([[1.5, 150], [0.3, 30], [2, 200]]);
    // The older process writes no list summary: the hourly repair brings the list in line.
    await db.services.schedules.repairSummaries();
    expect((await db.services.schedules.list(ws)).find((s) => s.id === mine.id)!.totalDays).toBe(3.8);
    const draft = await db.services.drafts.start(alex, mine.id, 'UTC');
    expect(draft.rows.map((r) => r.afterDays)).toEqual(['1.5', '0.3', '2']);
    const copy = await db.services.schedules.clone(alex, mine.id, { name: 'Copy', description: '' });
    expect(await storedSteps(db.connection, 'Copy')).toEqual([150, 30, 200].map((afterHundredths) => ({ type: 'Candid', customMessageId: null, afterHundredths })));
    expect(copy.steps.map((s) => s.afterDays)).toEqual([1.5, 0.3, 2]);
  });

  test('a save with after days of more than two decimals, negative or over 365 is refused on that step, whoever sends it', async () => {
    const ws = newWorkspace();
    await db.services.workspaces.ensureSeeded(ws);
    const alex = actorIn(ws);
    const mine = await db.services.schedules.clone(alex, (await db.services.schedules.findByName(ws, RECOMMENDED))!.id, { name: 'Mine', description: '' });
    const steps = [1.25, 1.234, -1, 365.5].map((afterDays) => ({ type: 'Gentle' as const, customMessageId: null, afterDays }));
    const error = await thrown(db.services.schedules.save(alex, mine.id, { name: 'Mine', description: '', steps, baseVersion: mine.version }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys((error as ValidationError).errors).sort()).toEqual(['step.1', 'step.2', 'step.3']);
    expect((error as ValidationError).errors['step.1']).toBe('Step 2: after days are a number from 0 to 365 with at most two decimals.');
    expect((await db.services.schedules.get(ws, mine.id)).version).toBe(mine.version);
  });
});

// The Email CC rule in the services: an Email CC schedule starts with exactly one own-email step,
// any other has none, whatever a request says; schedules and drafts from before are migrated.
import { Types } from 'mongoose';
import { connectDatabase } from '../../src/db/connection.js';
import { createModels } from '../../src/db/models.js';
import { systemClock } from '../../src/clock.js';
import { OWN_EMAIL, ValidationError } from '../../src/services/domain.js';
import { migrateToOwnEmailStep } from '../../src/services/emailCc.js';
import { storedHundredths } from '../../src/services/steps.js';
import { daysOfHundredths } from '../../src/services/calendar.js';
import { RECOMMENDED, RECOMMENDED_EMAIL_CC } from '../../src/services/workspaces.js';
import type { StepInput as Step } from '../../src/services/schedules.js';
import { actorIn, newWorkspace, openTestDatabase, testDatabaseUri, thrown, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

const gentle: Step = { type: 'Gentle', customMessageId: null, afterDays: 1 };
const ownEmail: Step = { type: OWN_EMAIL, customMessageId: null, afterDays: 0 };
const storedOwnEmail = { ...ownEmail, afterHundredths: 0 };

async function copies() {
  const ws = newWorkspace();
  await db.services.workspaces.ensureSeeded(ws);
  const alex = actorIn(ws);
  const cc = await db.services.schedules.clone(alex, (await db.services.schedules.findByName(ws, RECOMMENDED_EMAIL_CC))!.id, { name: 'My CC', description: '' });
  const plain = await db.services.schedules.clone(alex, (await db.services.schedules.findByName(ws, RECOMMENDED))!.id, { name: 'Mine', description: '' });
  return { ws, alex, cc, plain };
}

describe('the own email step in the schedule service', () => {
  test('an Email CC copy starts with the own email, and save refuses steps that move, retype, repeat or drop it, writing nothing', async () => {
    const { ws, alex, cc } = await copies();
    expect(cc.steps[0]).toEqual(storedOwnEmail);
    const attempts: Record<string, Step[]> = {
      'a tone first': [{ type: 'Candid', customMessageId: null, afterDays: 0 }, gentle],
      'moved below step 2': [gentle, ownEmail],
      'two own emails': [ownEmail, ownEmail, gentle],
      'after days on the own email': [{ ...ownEmail, afterDays: 2 }, gentle],
      'no followup': [ownEmail],
    };
    for (const [what, steps] of Object.entries(attempts)) {
      const error = await thrown(db.services.schedules.save(alex, cc.id, { name: 'My CC', description: what, steps, baseVersion: cc.version }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(Object.keys((error as ValidationError).errors)).toEqual(['steps']);
      expect(await db.services.schedules.validate(ws, cc.id, { name: 'My CC', description: '', steps })).toHaveProperty('steps');
    }
    expect(await db.services.schedules.get(ws, cc.id)).toEqual(cc);
    const saved = await db.services.schedules.save(alex, cc.id, { name: 'My CC', description: 'ok', steps: [ownEmail, gentle], baseVersion: cc.version });
    expect(saved.steps).toEqual([storedOwnEmail, { ...gentle, afterHundredths: 100 }]);
  });

  test('a schedule that is not for Email CC can’t have an own email step', async () => {
    const { alex, plain } = await copies();
    expect(plain.steps.map((s) => s.type)).not.toContain(OWN_EMAIL);
    const error = await thrown(db.services.schedules.save(alex, plain.id, { name: 'Mine', description: '', steps: [ownEmail, gentle], baseVersion: plain.version }));
    expect((error as ValidationError).errors).toEqual({ steps: 'Only an Email CC schedule starts with your own email; this one is sent entirely by the app.' });
  });

  test('the editor ignores what is typed or picked for the own email row, and saves it as the start', async () => {
    const { ws, alex, cc } = await copies();
    const draft = await db.services.drafts.start(alex, cc.id, 'UTC');
    const own = draft.rows[0]!;
    expect(own.type).toBe(OWN_EMAIL);
    // Values Slack would never send for that row (it has no inputs): a forged payload.
    const typed = { rows: { [own.key]: { afterDays: '5', type: 'Candid' as const } } };
    const after = await db.services.drafts.apply(ws, draft.id, typed, { kind: 'setMessage', key: own.key, customMessageId: new Types.ObjectId().toHexString() });
    expect(after.rows[0]).toEqual(own);
    const saved = await db.services.drafts.save(alex, draft.id, typed);
    expect(saved.steps[0]).toEqual(storedOwnEmail);
  });
});

describe('migrating schedules and drafts saved before the own email step', () => {
  test('an Email CC schedule whose step 1 was a placeholder tone gets the own email there, once, even with several processes starting at once; the rest is untouched', async () => {
    const { Schedule, Draft, DraftRevision } = db.services.models;
    const workspace = newWorkspace().teamId;
    const legacyCc = { type: 'Candid' as const, customMessageId: null, afterDays: 0 };
    const base = { workspace, description: '', createdBy: 'UALEX', updatedBy: 'UALEX', version: 3 };
    // Written as that older release did, float after days included: straight to the collection.
    const now = new Date();
    const { insertedIds } = await Schedule.collection.insertMany([
      { ...base, name: 'Old CC', nameKey: 'old cc', emailCc: true, system: false, steps: [legacyCc, gentle], createdAt: now, updatedAt: now },
      { ...base, name: 'Old plain', nameKey: 'old plain', emailCc: false, system: false, steps: [{ ...legacyCc, afterDays: 1 }, gentle], createdAt: now, updatedAt: now },
    ]);
    const [cc, plain] = [{ _id: insertedIds[0]! }, { _id: insertedIds[1]! }];
    const draft = await Draft.create({ workspace, userId: 'UALEX', scheduleId: cc!._id, baseVersion: 3, viewerTimeZone: 'UTC' });
    const rows = [
      { key: 'r1', rev: 0, type: 'Candid' as const, customMessageId: null, afterDays: '0' },
      { key: 'r2', rev: 0, type: 'Gentle' as const, customMessageId: null, afterDays: '1' },
    ];
    await DraftRevision.create({ draftId: draft._id, workspace, rev: 1, name: 'Old CC', rows, nextRowKey: 3 });

    // Two processes (connections) starting at the same moment, one of them twice.
    const other = await connectDatabase(testDatabaseUri(), { dbName: db.connection.name });
    try {
      const otherModels = createModels(other, systemClock);
      await Promise.all([migrateToOwnEmailStep(db.services.models), migrateToOwnEmailStep(otherModels), migrateToOwnEmailStep(otherModels)]);
    } finally {
      await other.close();
    }
    expect(await migrateToOwnEmailStep(db.services.models)).toBe(0);

    const stored = await Schedule.find({ workspace }).sort({ nameKey: 1 }).lean();
    expect(stored.map((s) => [s.name, s.version, s.steps.map((step) => `${step.type} ${daysOfHundredths(storedHundredths(step))}`)])).toEqual([
      // The version stays, so an editor opened before saves without a conflict.
      ['Old CC', 3, [`${OWN_EMAIL} 0`, 'Gentle 1']],
      ['Old plain', 3, ['Candid 1', 'Gentle 1']],
    ]);
    expect(String(plain!._id)).toBe(String(stored[1]!._id));
    const revision = await DraftRevision.findOne({ draftId: draft._id }).lean();
    expect(revision!.rows.map((r) => `${r.key} ${r.type} ${r.afterDays}`)).toEqual([`r1 ${OWN_EMAIL} 0`, 'r2 Gentle 1']);
  });
});

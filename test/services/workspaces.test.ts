// System schedules carry a version: an improved Recommended reaches workspaces seeded before it,
// once, whatever several processes do at the same moment, and never touches the workspace's copies.
import type { Connection } from 'mongoose';
import { connectDatabase } from '../../src/db/connection.js';
import { createModels, type Models } from '../../src/db/models.js';
import { systemClock } from '../../src/clock.js';
import { OWN_EMAIL, type WorkspaceRef } from '../../src/services/domain.js';
import { RECOMMENDED, RECOMMENDED_EMAIL_CC, SYSTEM_SCHEDULES, SYSTEM_SCHEDULES_VERSION, createWorkspaceService, type SystemSchedule } from '../../src/services/workspaces.js';
import { actorIn, newWorkspace, openTestDatabase, testDatabaseUri, type TestDatabase } from '../support/db.js';

// Each round is a fresh workspace: the interleavings differ from round to round.
const ROUNDS = 12;
let db: TestDatabase;
/** A second process on the same database. */
let other: Connection;
let otherModels: Models;
beforeAll(async () => {
  db = await openTestDatabase();
  other = await connectDatabase(testDatabaseUri(), { dbName: db.connection.name });
  otherModels = createModels(other, systemClock);
});
afterAll(async () => {
  await other.close();
  await db.close();
});

/** The system schedules with Recommended improved to `version`, its description saying which. */
function improvedRecommended(version: number): SystemSchedule[] {
  return SYSTEM_SCHEDULES.map((s) =>
    s.name === RECOMMENDED ? { ...s, version, description: `Improved, version ${version}`, steps: s.steps.map((step) => ({ ...step, afterHundredths: version * 100 })) } : s,
  );
}

/** A workspace as the app before seeded versions left it: no release on the workspace, a placeholder tone first in the Email CC schedule. */
async function seededBeforeVersions(ref: WorkspaceRef): Promise<void> {
  const workspace = ref.teamId;
  const base = { workspace, system: true, createdBy: 'system', updatedBy: 'system' };
  await db.services.models.Schedule.insertMany([
    { ...base, name: RECOMMENDED, nameKey: 'recommended', emailCc: false, description: 'old', steps: SYSTEM_SCHEDULES[0]!.steps },
    {
      ...base,
      name: RECOMMENDED_EMAIL_CC,
      nameKey: 'recommended for email cc',
      emailCc: true,
      description: 'old',
      steps: [{ type: 'Candid', customMessageId: null, afterHundredths: 0 }, ...SYSTEM_SCHEDULES[1]!.steps.slice(1)],
    },
  ]);
  await db.services.models.Workspace.create({ _id: workspace, teamId: workspace, enterpriseId: null, seededAt: new Date() });
}

async function systemSchedule(ref: WorkspaceRef, name: string) {
  return (await db.services.models.Schedule.findOne({ workspace: ref.teamId, system: true, name }).lean())!;
}

describe('seeded system schedules carry a version', () => {
  test('a workspace seeded before gets the new Recommended for Email CC (own email first) once, from several processes at once, and its copy keeps its steps', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const ws = newWorkspace();
      await seededBeforeVersions(ws);
      const copy = await db.services.schedules.clone(actorIn(ws), String((await systemSchedule(ws, RECOMMENDED_EMAIL_CC))._id), { name: 'My CC', description: 'mine' });
      const copyBefore = await db.services.models.Schedule.findById(copy.id).lean();
      const here = db.services.workspaces;
      const there = createWorkspaceService(otherModels, systemClock);
      await Promise.all([here.ensureSeeded(ws), there.ensureSeeded(ws), here.ensureSeeded(ws), there.ensureSeeded(ws)]);

      const upgraded = await systemSchedule(ws, RECOMMENDED_EMAIL_CC);
      expect(upgraded.description).toBe(SYSTEM_SCHEDULES[1]!.description);
      expect(upgraded.steps.map((s) => s.type)).toEqual([OWN_EMAIL, 'Gentle', 'Appreciative', 'Hopeful', 'Assertive', 'Cautionary', 'Curious']);
      expect([upgraded.seedVersion, upgraded.version]).toEqual([2, 2]); // written once
      // Recommended was already at its version: left alone.
      expect((await systemSchedule(ws, RECOMMENDED)).version).toBe(1);
      expect(await db.services.models.Schedule.findById(copy.id).lean()).toEqual(copyBefore);
      expect((await db.services.models.Workspace.findById(ws.teamId).lean())!.systemVersion).toBe(SYSTEM_SCHEDULES_VERSION);
    }
  });

  test('an improved Recommended reaches a workspace seeded at the old version; copies made from it keep their steps', async () => {
    const ws = newWorkspace();
    await db.services.workspaces.ensureSeeded(ws);
    const recommended = await systemSchedule(ws, RECOMMENDED);
    const copy = await db.services.schedules.clone(actorIn(ws), String(recommended._id), { name: 'Mine', description: 'mine' });
    const release = SYSTEM_SCHEDULES_VERSION + 1;

    await createWorkspaceService(db.services.models, systemClock, improvedRecommended(release)).ensureSeeded(ws);

    const improved = await systemSchedule(ws, RECOMMENDED);
    expect(String(improved._id)).toBe(String(recommended._id)); // assistants' defaults still point at it
    expect(improved.description).toBe(`Improved, version ${release}`);
    expect(improved.steps.map((s) => s.afterHundredths)).toEqual(recommended.steps.map(() => release * 100));
    expect((await db.services.schedules.get(ws, copy.id)).steps).toEqual(copy.steps);
  });

  test('while two releases run side by side, the newer Recommended wins and stays, whatever the order', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const ws = newWorkspace();
      await db.services.workspaces.ensureSeeded(ws);
      const older = createWorkspaceService(db.services.models, systemClock, improvedRecommended(SYSTEM_SCHEDULES_VERSION + 1));
      const newer = createWorkspaceService(otherModels, systemClock, improvedRecommended(SYSTEM_SCHEDULES_VERSION + 2));
      await Promise.all([older.ensureSeeded(ws), newer.ensureSeeded(ws), older.ensureSeeded(ws)]);
      // The newer release's next request; the older one's requests change nothing any more.
      await newer.ensureSeeded(ws);
      await older.ensureSeeded(ws);
      const recommended = await systemSchedule(ws, RECOMMENDED);
      expect([recommended.description, recommended.seedVersion]).toEqual([`Improved, version ${SYSTEM_SCHEDULES_VERSION + 2}`, SYSTEM_SCHEDULES_VERSION + 2]);
    }
  });
});

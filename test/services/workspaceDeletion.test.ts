// 30 days after an uninstall, everything of the workspace is deleted by a job; another workspace
// keeps everything, and a workspace that installed the app again keeps its data.
import type { Clock } from '../../src/clock.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';
import { actorIn, newWorkspace, openTestDatabase, type TestDatabase } from '../support/db.js';
import type { WorkspaceRef } from '../../src/services/domain.js';

const clock = { at: new Date('2027-03-01T12:00:00Z'), now() { return new Date(this.at); } } satisfies Clock & { at: Date };
const DAY = 24 * 3600_000;

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase(clock);
});
afterAll(() => db.close());

/** A workspace with a bit of everything: system schedules, a clone, an assistant, leads and their history. */
async function populated(): Promise<WorkspaceRef> {
  const ws = newWorkspace();
  const alex = actorIn(ws, 'UALEX', { isAdmin: true });
  await db.services.workspaces.ensureSeeded(ws);
  const recommended = (await db.services.schedules.list(ws)).find((s) => s.name === RECOMMENDED)!;
  await db.services.schedules.clone(alex, recommended.id, { name: 'Q4 outreach', description: '' });
  const ava = await db.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'America/New_York', offDays: [6, 0] });
  const [added] = await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: recommended.id }, [{ email: 'jamie@acme.example' }]);
  if (!added?.ok) throw new Error('lead not added');
  await db.services.leads.pause(alex, added.leadId);
  return ws;
}

/** Documents in any collection of the database that mention the workspace's team id anywhere. */
async function documentsOf(ws: WorkspaceRef): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const { name } of await db.connection.db!.listCollections().toArray()) {
    const docs = await db.connection.db!.collection(name).find({}).toArray();
    const count = docs.filter((d) => JSON.stringify(d).includes(ws.teamId)).length;
    if (count) found[name] = count;
  }
  return found;
}

test('30 days after an uninstall the workspace’s data is deleted from every collection, and no other workspace’s', async () => {
  clock.at = new Date('2027-03-01T12:00:00Z');
  const gone = await populated();
  const kept = await populated();
  const before = await documentsOf(gone);
  expect(Object.keys(before)).toEqual(expect.arrayContaining(['schedules', 'assistants', 'leads', 'enrollments', 'workspaces']));
  await db.services.installations.uninstalled({ teamId: gone.teamId, isEnterpriseInstall: false });
  const keptBefore = await documentsOf(kept);

  clock.at = new Date(clock.at.getTime() + 29 * DAY);
  expect(await db.services.installations.deleteDataOfUninstalled()).toBe(0);
  expect(await documentsOf(gone)).toEqual({ ...before, uninstalls: 1 });

  clock.at = new Date(clock.at.getTime() + 1 * DAY + 60_000);
  expect(await db.services.installations.deleteDataOfUninstalled()).toBeGreaterThan(0);
  expect(await documentsOf(gone)).toEqual({});
  expect(await documentsOf(kept)).toEqual(keptBefore);
  // Safe to run again (two workers, or the next day).
  expect(await db.services.installations.deleteDataOfUninstalled()).toBe(0);
});

test('a workspace that installed the app again within 30 days keeps its data', async () => {
  clock.at = new Date('2027-06-01T12:00:00Z');
  const ws = await populated();
  await db.services.installations.uninstalled({ teamId: ws.teamId, isEnterpriseInstall: false });
  clock.at = new Date(clock.at.getTime() + 10 * DAY);
  await db.services.installations.save({
    isEnterpriseInstall: false,
    team: { id: ws.teamId },
    bot: { token: 'xoxb-test', id: 'BBOT', userId: 'UBOT', scopes: ['commands'] },
    installerUserId: 'UALEX',
    authVersion: 'v2',
  });
  const before = await documentsOf(ws);
  clock.at = new Date(clock.at.getTime() + 40 * DAY);
  await db.services.installations.deleteDataOfUninstalled();
  expect(await documentsOf(ws)).toEqual(before);
});

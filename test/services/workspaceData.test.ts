// Everything of a workspace, as one registry: every per-workspace collection is in it (so export and
// deletion cover it), and an admin's deletion leaves nothing of the workspace in any collection of
// the database while another workspace keeps everything.
import { openTestDatabase, actorIn, newWorkspace, thrown, type TestDatabase } from '../support/db.js';
import { documentIdsOf, documentsMentioning, populateEveryCollection } from '../support/workspaceData.js';
import { WORKSPACE_COLLECTIONS, deleteWorkspaceData } from '../../src/services/workspaceData.js';
import { DELETE_CONFIRMATION_PHRASE } from '../../src/services/workspaceDataRequests.js';
import { RECOMMENDED, RECOMMENDED_EMAIL_CC } from '../../src/services/workspaces.js';
import { ValidationError, DomainError } from '../../src/services/domain.js';
import type { Models } from '../../src/db/models.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { exportToFile } from '../../src/services/workspaceExport.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

/** Models that hold nothing of a workspace, and why. Every other model must be in WORKSPACE_COLLECTIONS. */
const NOT_WORKSPACE_DATA: Partial<Record<keyof Models, string>> = {
  Installation: 'goes with the uninstall; an admin’s deletion keeps the app installed',
  OAuthStateClaim: 'a nonce, purged within minutes',
  RequestClaim: 'a request signature, purged within minutes',
  Migration: 'the database’s own',
  VersionClaim: 'keyed by a registry document’s id: deleted with it',
  Lock: 'keyed by a registry document’s id: deleted with it',
  DeliveryCursor: 'the dispatcher’s place among due hours, for every workspace',
  PurgeCursor: 'each purge’s place among its buckets, for every workspace',
};

test('every model is either in the registry of per-workspace collections or named as holding nothing of a workspace', () => {
  const registered = new Set<string>(WORKSPACE_COLLECTIONS.map((c) => c.model));
  for (const [name, model] of Object.entries(db.services.models)) {
    if (name in NOT_WORKSPACE_DATA) continue;
    // A model with a `workspace` field (or one keyed by the workspace) must be exported and deleted: add it to WORKSPACE_COLLECTIONS in src/services/workspaceData.ts.
    expect({ model: name, registered: registered.has(name), hasWorkspaceField: Boolean(model.schema.path('workspace')) }).toEqual({ model: name, registered: true, hasWorkspaceField: expect.any(Boolean) });
  }
  for (const name of registered) expect(Object.keys(db.services.models)).toContain(name);
});

test('deleting a workspace’s data leaves no document of it in any collection, and every document of another workspace', async () => {
  const gone = newWorkspace();
  const kept = newWorkspace();
  await populateEveryCollection(db.services, gone);
  await populateEveryCollection(db.services, kept);
  const goneIds = await documentIdsOf(db.services, gone);
  const before = await documentsMentioning(db.connection, gone, goneIds);
  // Populated means populated: every registry collection, the claims and lock they hold, a waiting job.
  expect(Object.keys(before).sort()).toEqual(
    expect.arrayContaining(['agendaJobs', 'apitokens', 'assistants', 'custommessages', 'draftrevisions', 'drafts', 'enrollments', 'leadimportchunks', 'leadimports', 'leads', 'locks', 'notices', 'outboxemails', 'sendclaims', 'schedulelists', 'schedulenames', 'schedules', 'schedulesummaries', 'uninstalls', 'versionclaims', 'workspaces']),
  );
  const keptBefore = await documentsMentioning(db.connection, kept, await documentIdsOf(db.services, kept));

  expect(await deleteWorkspaceData(db.services.models, gone)).toBeGreaterThan(0);

  expect(await documentsMentioning(db.connection, gone, goneIds)).toEqual({});
  expect(await documentsMentioning(db.connection, kept, await documentIdsOf(db.services, kept))).toEqual(keptBefore);
  // A second run (the job ran twice) finds nothing.
  expect(await deleteWorkspaceData(db.services.models, gone)).toBe(0);
});

test('an admin’s deletion, confirmed with the phrase, empties the workspace and gives it fresh system schedules', async () => {
  const ws = newWorkspace();
  await populateEveryCollection(db.services, ws);
  const oldIds = await documentIdsOf(db.services, ws);
  const admin = actorIn(ws, 'UALEX', { isAdmin: true });

  // Case and spacing do not matter.
  await db.services.workspaceData.requestDeletion(admin, `  ${DELETE_CONFIRMATION_PHRASE.toUpperCase().replace(' ', '  ')} `);

  const schedules = await db.services.schedules.list(ws);
  expect(schedules.map((s) => s.name).sort()).toEqual([RECOMMENDED, RECOMMENDED_EMAIL_CC].sort());
  expect(schedules.some((s) => oldIds.has(s.id))).toBe(false);
  // Only what seeding makes: the workspace's record and its two system schedules (with their summaries and names),
  // and the stored list the list above left.
  const freshIds = await documentIdsOf(db.services, ws);
  // (The workspace's record is keyed by the workspace itself.)
  expect([...freshIds].filter((id) => id !== ws.teamId && oldIds.has(id))).toEqual([]);
  expect(await documentsMentioning(db.connection, ws, oldIds)).toEqual({ workspaces: 1, schedules: 2, schedulesummaries: 2, schedulenames: 2, schedulelists: 1 });
  expect((await db.services.leads.list(ws)).items).toEqual([]);
});

test('a wrong phrase, or someone who is not an admin, deletes nothing', async () => {
  const ws = newWorkspace();
  await populateEveryCollection(db.services, ws);
  const ids = await documentIdsOf(db.services, ws);
  const before = await documentsMentioning(db.connection, ws, ids);

  const wrong = await thrown(db.services.workspaceData.requestDeletion(actorIn(ws, 'UALEX', { isAdmin: true }), 'delete all'));
  expect(wrong).toBeInstanceOf(ValidationError);
  expect((wrong as ValidationError).errors).toEqual({ confirmation: `Type “${DELETE_CONFIRMATION_PHRASE}” to confirm. Nothing was deleted.` });
  const notAdmin = await thrown(db.services.workspaceData.requestDeletion(actorIn(ws, 'UBEA'), DELETE_CONFIRMATION_PHRASE));
  expect(notAdmin).toBeInstanceOf(DomainError);
  expect(notAdmin).toMatchObject({ code: 'forbidden' });

  expect(await documentsMentioning(db.connection, ws, ids)).toEqual(before);
});

test('an export over the size limit is written gzipped, and unpacks to the same JSON', async () => {
  const ws = newWorkspace();
  await populateEveryCollection(db.services, ws);
  const dir = await mkdtemp(join(tmpdir(), 'export-test-'));
  try {
    const at = new Date('2027-01-02T03:04:05Z');
    const plain = await exportToFile(db.services.models, ws, at, dir);
    const json = JSON.parse(await readFile(plain.path, 'utf8')) as Record<string, unknown[]>;
    const gzipped = await exportToFile(db.services.models, ws, at, dir, 100);
    expect([plain.gzipped, gzipped.gzipped, gzipped.name]).toEqual([false, true, `followups-${ws.teamId}-2027-01-02.json.gz`]);
    expect(gzipped.bytes).toBeLessThan(plain.bytes);
    expect(JSON.parse(gunzipSync(await readFile(gzipped.path)).toString('utf8'))).toEqual(json);
    expect(json.leads).toHaveLength(gzipped.counts.leads!);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// `/schedule export` and `/schedule delete-workspace-data` through the local Slack: admins only; the
// export is a JSON file in the admin's DM with every record of the workspace and nothing of another;
// the deletion takes a typed phrase and leaves nothing but fresh system schedules.
import { startTestApp, type TestApp } from '../support/testApp.js';
import { modalOpenedWith, postedTo, textOf } from '../support/flows.js';
import { documentIdsOf, documentsMentioning, populateEveryCollection } from '../support/workspaceData.js';
import { DELETE_WORKSPACE_DATA } from '../../views/workspaceData.js';
import { WORKSPACE_COLLECTIONS, modelOf, workspaceFilter } from '../../src/services/workspaceData.js';
import { EXPORT_FORMAT } from '../../src/services/workspaceExport.js';
import { exportWorkspaceJob } from '../../src/jobs/workspaceData.js';
import { createLogger } from '../../src/logger.js';
import type { ExportWorkspaceJob } from '../../src/services/workspaceDataRequests.js';
import type { Job } from 'agenda';
import { DELETE_CONFIRMATION_PHRASE } from '../../src/services/workspaceDataRequests.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';
import type { FakeMessage } from '../support/fakeSlack.js';
import { AGENDA_JOBS_COLLECTION } from '../../src/db/models.js';
import { JOBS } from '../../src/jobs/index.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

async function until<T>(what: string, find: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('/schedule delete-workspace-data', () => {
  test('someone who is not an admin is refused ephemerally, and no form opens', async () => {
    const ws = app.workspace();
    const res = await ws.as('UBEA').command('delete-workspace-data');
    const answer = await postedTo(app.fake, res.responseUrl);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.text).toBe('Only a workspace admin or owner can export or delete the workspace’s data.');
    expect(app.fake.callsTo('views.open').filter((c) => c.args.trigger_id === res.triggerId)).toEqual([]);
  });

  test('an admin types the phrase: a wrong one is a field error; the right one deletes everything of the workspace and nothing of another', async () => {
    const gone = app.workspace();
    const kept = app.workspace();
    await populateEveryCollection(app.services, gone.ref, 'UADMIN');
    await populateEveryCollection(app.services, kept.ref, 'UADMIN');
    const goneIds = await documentIdsOf(app.services, gone.ref);
    // The notice recorded for the kept workspace starts a one-off posting job that Agenda removes once it
    // ran: wait for it, so the kept workspace's documents are compared with what stays (its waiting job).
    const agendaJobs = app.runtime.connection.db!.collection(AGENDA_JOBS_COLLECTION);
    await until('the kept workspace’s one-off jobs to finish', async () =>
      (await agendaJobs.countDocuments({ 'data.workspace.teamId': kept.ref.teamId, name: { $ne: 'leads.import' } })) === 0 ? true : undefined,
    );
    const keptBefore = await documentsMentioning(app.runtime.connection, kept.ref, await documentIdsOf(app.services, kept.ref));

    const admin = gone.as('UADMIN', { isAdmin: true });
    const res = await admin.command('delete-workspace-data');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    expect(textOf(modal.blocks)).toContain('cannot be undone');

    app.fake.typeInto(modal.id, DELETE_WORKSPACE_DATA.confirmationBlock, DELETE_WORKSPACE_DATA.confirmationAction, 'delete');
    const wrong = await admin.viewSubmission(modal.id);
    expect(wrong.outcome).toMatchObject({ action: 'errors', errors: { [DELETE_WORKSPACE_DATA.confirmationBlock]: `Type “${DELETE_CONFIRMATION_PHRASE}” to confirm. Nothing was deleted.` } });
    expect(await app.services.leads.findByEmail(gone.ref, 'jamie@acme.example')).not.toBeNull();

    app.fake.typeInto(modal.id, DELETE_WORKSPACE_DATA.confirmationBlock, DELETE_WORKSPACE_DATA.confirmationAction, DELETE_CONFIRMATION_PHRASE);
    const confirmed = await admin.viewSubmission(modal.id);
    expect(confirmed.outcome).toMatchObject({ action: 'update' });
    expect(textOf(confirmed.outcome?.action === 'update' ? confirmed.outcome.view.blocks : [])).toContain('Deleting everything of this workspace');

    // The job tells the admin in their DM once it is done.
    const done = await until<FakeMessage>('the DM saying the data was deleted', () =>
      app.fake.messages.find((m) => m.channel.startsWith('D') && m.channel.includes(gone.ref.teamId.slice(1)) && /has been deleted/.test(m.text ?? '')),
    );
    expect(done.text).toContain('Everything Followups kept for this workspace has been deleted');
    // Agenda removes the finished job's own document (it names the workspace) just after it returns.
    const jobs = app.runtime.connection.db!.collection(AGENDA_JOBS_COLLECTION);
    await until('the deletion job to be removed', async () => ((await jobs.countDocuments({ name: JOBS.deleteWorkspaceData, 'data.workspace.teamId': gone.ref.teamId })) === 0 ? true : undefined));

    // Nothing of the old data in any collection (its job documents included): only the fresh seed.
    expect(await documentsMentioning(app.runtime.connection, gone.ref, goneIds)).toEqual({ workspaces: 1, schedules: 2, schedulesummaries: 2, schedulenames: 2 });
    expect(await documentsMentioning(app.runtime.connection, kept.ref, await documentIdsOf(app.services, kept.ref))).toEqual(keptBefore);

    // The app is still installed and usable: the list shows the system schedules again.
    const list = await admin.command('list');
    expect((await postedTo(app.fake, list.responseUrl)).text).toContain(RECOMMENDED);
  });
});

describe('/schedule export', () => {
  test('someone who is not an admin is refused ephemerally, and no export starts', async () => {
    const ws = app.workspace();
    const res = await ws.as('UBEA').command('export');
    const answer = await postedTo(app.fake, res.responseUrl);
    expect(answer.body.text).toBe('Only a workspace admin or owner can export or delete the workspace’s data.');
    expect(await app.services.models.WorkspaceExport.countDocuments({ workspace: ws.ref.teamId })).toBe(0);
  });

  test('an admin gets a JSON file in their DM with every record of the workspace, none of another, and no secret', async () => {
    const ws = app.workspace();
    const other = app.workspace();
    await populateEveryCollection(app.services, ws.ref, 'UADMIN');
    await populateEveryCollection(app.services, other.ref, 'UADMIN');

    const res = await ws.as('UADMIN', { isAdmin: true }).command('export');
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('Export started');
    const shared = await until('the shared export file', () => app.fake.sharedFiles().find((f) => f.teamId === ws.ref.teamId));
    // In the admin's DM with the app, introduced by what it holds.
    expect(shared.channel).toMatch(/^D/);
    expect(app.fake.channels.get(shared.channel!)?.imUser).toBe('UADMIN');
    expect(shared.filename).toMatch(new RegExp(`^followups-${ws.ref.teamId}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    expect(shared.initialComment).toMatch(/The export of this workspace: 3 schedules, 1 custom message, 1 assistant, 4 leads, 4 enrollments, 1 lead import, 1 API token, 2 notices, 1 outbox email, 1 send\. Every record is in the file, as JSON\.$/);

    const text = shared.content!.toString('utf8');
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(file).toMatchObject({ format: EXPORT_FORMAT, workspace: { teamId: ws.ref.teamId, enterpriseId: null } });
    // Every exported collection of the registry: exactly the workspace's documents.
    for (const collection of WORKSPACE_COLLECTIONS) {
      if (typeof collection.exportAs !== 'string') continue;
      const inDb = await modelOf(app.services.models, collection).find(workspaceFilter(collection, ws.ref), { _id: 1 }).lean<{ _id: unknown }[]>();
      const section = file[collection.exportAs] as { _id: string }[];
      expect({ section: collection.exportAs, ids: section.map((d) => String(d._id)).sort() }).toEqual({ section: collection.exportAs, ids: inDb.map((d) => String(d._id)).sort() });
      expect(inDb.length).toBeGreaterThan(0);
    }
    // Enrollments carry their followups and history.
    const enrollments = file.enrollments as { followups: unknown[]; history: { action: string }[] }[];
    expect(enrollments.every((e) => e.followups.length > 0 && e.history.length > 0)).toBe(true);
    expect(enrollments.some((e) => e.history.some((h) => h.action === 'paused'))).toBe(true);
    // Nothing of the other workspace, and no secret: token hashes, unsubscribe tokens, bot tokens.
    expect(text).not.toContain(other.ref.teamId);
    const token = await app.services.models.ApiToken.findOne({ workspace: ws.ref.teamId }).lean();
    expect(text).not.toContain(token!.hash);
    for (const lead of await app.services.models.Lead.find({ workspace: ws.ref.teamId }).lean()) expect(text).not.toContain(lead.unsubscribeToken);
    expect(text).not.toMatch(/xox[bp]-/);
    expect((file.apiTokens as { name: string }[])[0]).toMatchObject({ name: 'CRM sync' });
  });

  test('the export job run twice shares the file once', async () => {
    const ws = app.workspace();
    await populateEveryCollection(app.services, ws.ref, 'UADMIN');
    const res = await ws.as('UADMIN', { isAdmin: true }).command('export');
    await postedTo(app.fake, res.responseUrl);
    await until('the shared export file', () => app.fake.sharedFiles().find((f) => f.teamId === ws.ref.teamId));
    // The job marks the export done just after sharing the file: wait for that, not only the file.
    const request = await until('the export marked done', async () => {
      const found = await app.services.models.WorkspaceExport.findOne({ workspace: ws.ref.teamId }).lean();
      return found?.doneAt ? found : undefined;
    });

    // Agenda's lock is at-least-once: a second worker runs the same job again.
    const again = exportWorkspaceJob(app.services, { slack: app.runtime.slackClients, logger: createLogger('error') });
    await again({ attrs: { data: { workspace: ws.ref, exportId: request._id, userId: 'UADMIN', responseUrl: null } } } as unknown as Job<ExportWorkspaceJob>);
    expect(app.fake.sharedFiles().filter((f) => f.teamId === ws.ref.teamId)).toHaveLength(1);
  });
});

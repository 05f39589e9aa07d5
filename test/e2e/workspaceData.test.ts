// `/schedule delete-workspace-data` through the local Slack: admins only, a typed phrase, the job,
// and a workspace left with nothing but fresh system schedules while another keeps everything.
import { startTestApp, type TestApp } from '../support/testApp.js';
import { modalOpenedWith, postedTo, textOf } from '../support/flows.js';
import { documentIdsOf, documentsMentioning, populateEveryCollection } from '../support/workspaceData.js';
import { DELETE_WORKSPACE_DATA } from '../../views/workspaceData.js';
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

// A workspace with documents in every collection the app keeps per workspace (through the services
// where a user would make them), and a census of what of it is in the database: for the export and
// deletion tests, which must see every record of one workspace and nothing of another.
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Services } from '../../src/services/index.js';
import type { WorkspaceRef } from '../../src/services/domain.js';
import { workspaceKey } from '../../src/services/domain.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';
import { scheduleLock } from '../../src/services/locks.js';
import { AGENDA_JOBS_COLLECTION } from '../../src/db/models.js';
import { WORKSPACE_COLLECTIONS, modelOf, workspaceFilter } from '../../src/services/workspaceData.js';

/** Fills every collection of WORKSPACE_COLLECTIONS for `ws` (and version claims, a lock left by a crash, a waiting job). */
export async function populateEveryCollection(services: Services, ws: WorkspaceRef, admin = 'UALEX'): Promise<void> {
  const alex = { workspace: ws, userId: admin, name: 'Alex', isAdmin: true };
  await services.workspaces.ensureSeeded(ws);
  const recommended = (await services.schedules.findByName(ws, RECOMMENDED))!;
  const mine = await services.schedules.clone(alex, recommended.id, { name: 'Q4 outreach', description: 'Ours' });
  await services.schedules.rename(alex, mine.id, 'Q4 outreach (renamed)');
  // The stored list a list page leaves.
  await services.schedules.list(ws);
  await services.customMessages.create(alex, { name: 'Pricing', subject: 'Our prices', body: 'Hi {{first_name|there}}' });
  // Working every hour of every day: the due followup below is sent whatever day and hour the test runs.
  const ava = await services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [], businessHours: { open: '00:00', close: '24:00' }, holidays: null, dailyLimit: 50 });
  const added = await services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: recommended.id }, [{ email: 'jamie@acme.example', firstName: 'Jamie' }, { email: 'kim@acme.example' }]);
  const jamie = added[0];
  if (!jamie?.ok) throw new Error('lead not added');
  await services.leads.pause(alex, jamie.leadId);
  // A lead whose first followup is due: the dispatcher sends it (a send claim, a daily slot, the outbox, a notice).
  await services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: recommended.id, start: new Date(services.clock.now().getTime() - 3 * 24 * 3600_000) }, [{ email: 'sam@acme.example', firstName: 'Sam' }]);
  await services.delivery.dispatch();
  const lead = { name: 'Jamie', company: 'Acme', email: 'jamie@acme.example' };
  await services.notices.record({ workspace: ws, assistantId: ava.id, enrollmentId: jamie.enrollmentId, leadId: jamie.leadId, kind: 'sent', step: 1, totalSteps: 7, lead, subject: 'Hello', preview: 'Hi Jamie', nextPlannedAt: null, detail: null, at: services.clock.now() });
  // No SMTP server in tests: the email goes to the outbox.
  await services.mailer.send({
    workspace: workspaceKey(ws),
    messageId: `<${randomUUID()}@followups.test>`,
    from: { name: 'Ava', email: 'ava@followups.test' },
    to: lead,
    subject: 'Hello',
    text: 'Hi Jamie',
    html: '<p>Hi Jamie</p>',
    inReplyTo: null,
    references: [],
    unsubscribeUrl: 'https://followups.test/unsubscribe/x',
  });
  const started = await services.leadImports.start(alex, { assistantId: ava.id, source: { kind: 'text', text: 'email,first name\nlee@acme.example,Lee\n' }, saveId: `V${randomUUID()}` });
  await services.leadImports.run(ws, started.import.id, { readFile: () => Promise.reject(new Error('no file')), report: async () => {} });
  await services.apiTokens.create(alex, 'CRM sync');
  await services.drafts.start(alex, mine.id, 'UTC');
  await services.installations.jobStopped(ws, 'leads.import');
  // What a crashed process leaves: a lock on a schedule, and a job still waiting for the workspace.
  await services.models.Lock.create({ _id: scheduleLock(mine.id), token: randomUUID(), claimedAt: services.clock.now() });
  await services.models.Schedule.db.collection(AGENDA_JOBS_COLLECTION).insertOne({
    name: 'leads.import',
    data: { workspace: ws, importId: started.import.id },
    type: 'normal',
    priority: 0,
    nextRunAt: new Date(services.clock.now().getTime() + 3600_000),
    lockedAt: null,
  });
}

/** The ids of every registry document of the workspace (version claims and locks name these). */
export async function documentIdsOf(services: Services, ws: WorkspaceRef): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const collection of WORKSPACE_COLLECTIONS) {
    for (const doc of await modelOf(services.models, collection).find(workspaceFilter(collection, ws), { _id: 1 }).lean<{ _id: unknown }[]>()) ids.add(String(doc._id));
  }
  return ids;
}

/**
 * Per collection of the whole database (listed through the driver, so a collection nobody thought of
 * counts too): how many documents mention the workspace's team id, or the id of one of `ids`.
 */
export async function documentsMentioning(connection: Connection, ws: WorkspaceRef, ids: ReadonlySet<string>): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  const key = workspaceKey(ws);
  for (const { name } of await connection.db!.listCollections().toArray()) {
    const docs = await connection.db!.collection(name).find({}).toArray();
    const count = docs.filter((doc) => {
      const text = JSON.stringify(doc);
      return text.includes(ws.teamId) || text.includes(key) || [...ids].some((id) => text.includes(id));
    }).length;
    if (count) found[name] = count;
  }
  return found;
}

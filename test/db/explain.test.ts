// Every hot read is answered from the workspace's own data, checked with `explain` on the very
// commands the app sends (captured with the driver's command monitoring) during the list, the
// type-aheads, the editor (draft load, revision lookup) and Make default.
// - Real MongoDB (a developer's mongod on PATH): an index scan (IXSCAN, IDHACK, EXPRESS_*), no
//   COLLSCAN and no in-memory SORT.
// - FerretDB: `filterPushdown` (the filter, workspace or id first, runs in the database). FerretDB
//   v1 never pushes a sort down for a regular collection (only `$natural` on capped ones), so it
//   sorts what the pushed-down filter returned: one workspace's data, never everyone's.
import { Long, type Document } from 'mongodb';
import { countedTestApp, until } from '../support/roundTrips.js';
import { homeOpened, modalOpenedWith, nextResponse, postedTo } from '../support/flows.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';
import { DEFAULTS } from '../../views/defaultsModal.js';
import { createDeliveryPurge } from '../../src/services/delivery/purge.js';
import { DEFAULT_CLAIM_TIMEOUT_MS } from '../../src/services/delivery/index.js';

const counted = countedTestApp();

/** The read as an explainable command: the driver's session and cluster fields dropped. */
function explainable(read: Document): Document {
  const { lsid: _lsid, $db: _db, $clusterTime: _time, $readPreference: _pref, txnNumber: _txn, ...command } = read;
  // The driver sends these as 64-bit integers, and FerretDB insists on it.
  for (const key of ['skip', 'limit', 'batchSize']) if (typeof command[key] === 'number') command[key] = Long.fromNumber(command[key] as number);
  return command;
}

function stagesOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => stagesOf(n, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'stage' && typeof value === 'string') out.push(value);
      else if (key !== 'rejectedPlans') stagesOf(value, out);
    }
  }
  return out;
}

/** Why the read is not served from the workspace's own data, or null when it is. */
function notPushedDown(explained: Document): string | null {
  if ('filterPushdown' in explained) return explained.filterPushdown === true ? null : 'FerretDB did not push the filter down';
  const stages = stagesOf(explained);
  if (stages.includes('COLLSCAN')) return `a collection scan (${stages.join(' > ')})`;
  if (stages.includes('SORT')) return `an in-memory sort (${stages.join(' > ')})`;
  if (!stages.some((s) => /IXSCAN|IDHACK|COUNT_SCAN|EXPRESS/.test(s))) return `no index (${stages.join(' > ')})`;
  return null;
}

/** Each read the database does not serve from pushed-down filters and indexes, explained. */
async function explainProblems(reads: readonly { what: string; read: Document }[]): Promise<string[]> {
  const db = counted.app.runtime.connection.db!;
  const problems: string[] = [];
  for (const { what, read } of reads) {
    const explained = await db.command({ explain: explainable(read), verbosity: 'queryPlanner' });
    const problem = notPushedDown(explained);
    if (problem) problems.push(`${what}: ${JSON.stringify(explainable(read))} → ${problem}`);
  }
  return problems;
}

test('the list, the type-aheads, the editor and Make default read only through pushed-down filters and indexes', async () => {
  const ws = counted.app.workspace();
  // Another workspace's data around, as in production.
  const other = counted.app.workspace();
  await counted.app.services.workspaces.ensureSeeded(other.ref);
  await counted.app.services.workspaces.ensureSeeded(ws.ref);
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
  const recommended = (await counted.app.services.schedules.findByName(ws.ref, RECOMMENDED))!;
  const mine = await counted.app.services.schedules.clone(alex, recommended.id, { name: 'Mine', description: '' });
  const message = await counted.app.services.customMessages.create(alex, { name: 'Pricing', subject: 'Pricing', body: 'Hi {{first_name|there}}' });
  await counted.app.services.schedules.save(alex, mine.id, { name: 'Mine', description: '', baseVersion: mine.version, steps: [{ type: 'custom', customMessageId: message.id, afterDays: 1 }, ...mine.steps.slice(1)] });
  await counted.app.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'America/New_York', offDays: [6, 0] });
  const slack = ws.as('UALEX');
  const reads: { what: string; read: Document }[] = [];
  const capture = async (what: string, interaction: () => Promise<void>) => {
    const cost = await counted.trips.measure(interaction);
    reads.push(...cost.reads.map((read) => ({ what, read })));
  };

  await capture('list', async () => {
    const since = counted.app.fake.responses.length;
    await slack.command('list');
    await nextResponse(counted.app.fake, since);
  });
  let res = await slack.command('clone');
  const picker = await modalOpenedWith(counted.app.fake, res.triggerId);
  await capture('clone type-ahead', async () => {
    await slack.blockSuggestion({ viewId: picker.id, actionId: 'clone.source_select', value: 'recomm' });
  });
  await capture('editor open', async () => {
    res = await slack.command('edit Mine');
    await modalOpenedWith(counted.app.fake, res.triggerId);
  });
  const editorId = counted.app.fake.callsTo('views.open').find((c) => c.args.trigger_id === res.triggerId)!.response.view as { id: string };
  await until(() => JSON.stringify(counted.app.fake.view(editorId.id).blocks).includes('editor.preview_for'), 'the editor');
  const rowBlocks = () => ((counted.app.fake.view(editorId.id).blocks ?? []) as { block_id?: string }[]).map((b) => b.block_id ?? '');
  const messageRow = /^row\.([^.]+)\./.exec(rowBlocks().find((b) => /^row\..+\.after$/.test(b))!)![1]!;
  await capture('editor keystroke', async () => {
    const updates = counted.app.fake.callsTo('views.update').length;
    await slack.blockAction({ viewId: editorId.id, actionId: `editor.after.${messageRow}`, value: '2' });
    await until(() => counted.app.fake.callsTo('views.update').length > updates, 'the re-rendered editor');
  });
  await capture('editor message type-ahead', async () => {
    await slack.blockSuggestion({ viewId: editorId.id, actionId: `editor.message.${messageRow}`, value: 'pric' });
  });
  let defaults = '';
  let responseUrl = '';
  await capture('make default', async () => {
    res = await slack.command('default Ava');
    responseUrl = res.responseUrl;
    defaults = (await modalOpenedWith(counted.app.fake, res.triggerId)).id;
    await until(() => JSON.stringify(counted.app.fake.view(defaults).blocks).includes(DEFAULTS.scheduleAction), 'the Make default modal');
  });
  await capture('make default type-ahead', async () => {
    await slack.blockSuggestion({ viewId: defaults, actionId: DEFAULTS.scheduleAction, value: 'mine' });
  });
  await capture('make default save', async () => {
    await slack.viewSubmission(defaults);
    await postedTo(counted.app.fake, responseUrl);
  });

  const problems = await explainProblems(reads);
  expect(new Set(reads.map((r) => r.what))).toEqual(
    new Set(['list', 'clone type-ahead', 'editor open', 'editor keystroke', 'editor message type-ahead', 'make default', 'make default type-ahead', 'make default save']),
  );
  expect(problems).toEqual([]);
});

test('lead show, list and pause read only through pushed-down filters and indexes', async () => {
  const ws = counted.app.workspace();
  const other = counted.app.workspace();
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
  await counted.app.services.workspaces.ensureSeeded(ws.ref);
  const ava = await counted.app.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'America/New_York', offDays: [6, 0] });
  await counted.app.services.leads.addLeads(alex, { assistantId: ava.id }, Array.from({ length: 15 }, (_, i) => ({ email: `lead${i}@acme.example` })));
  // Another workspace's leads around, as in production.
  await counted.app.services.workspaces.ensureSeeded(other.ref);
  const bea = await counted.app.services.assistants.create({ ...alex, workspace: other.ref }, { name: 'Bea', notificationChannel: '', timeZone: 'UTC', offDays: [6, 0] });
  await counted.app.services.leads.addLeads({ ...alex, workspace: other.ref }, { assistantId: bea.id }, [{ email: 'lead1@acme.example' }]);
  const slack = ws.as('UALEX');
  const reads: { what: string; read: Document }[] = [];
  const capture = async (what: string, command: string) => {
    const cost = await counted.trips.measure(async () => {
      const res = await slack.command(command);
      await postedTo(counted.app.fake, res.responseUrl);
    });
    reads.push(...cost.reads.map((read) => ({ what, read })));
  };
  await capture('lead show', 'lead show lead3@acme.example');
  await capture('lead list', 'lead list Ava active');
  await capture('lead pause', 'lead pause lead4@acme.example');

  const problems = await explainProblems(reads);
  expect(new Set(reads.map((r) => r.what))).toEqual(new Set(['lead show', 'lead list', 'lead pause']));
  expect(problems).toEqual([]);
});

test('the dispatcher finds due followups and sends one through pushed-down filters and indexes', async () => {
  const ws = counted.app.workspace();
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
  await counted.app.services.workspaces.ensureSeeded(ws.ref);
  // Open every hour of every day, so the followup is due and inside working time whenever the test runs.
  const ava = await counted.app.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'UTC', offDays: [], businessHours: { open: '00:00', close: '24:00' }, senderEmail: 'ava@acme.example' });
  // Planned leads of other workspaces around: the poll must not read them all.
  const other = counted.app.workspace();
  await counted.app.services.workspaces.ensureSeeded(other.ref);
  const bea = await counted.app.services.assistants.create({ ...alex, workspace: other.ref }, { name: 'Bea', notificationChannel: '', timeZone: 'UTC', offDays: [6, 0] });
  await counted.app.services.leads.addLeads({ ...alex, workspace: other.ref }, { assistantId: bea.id }, Array.from({ length: 20 }, (_, i) => ({ email: `later${i}@acme.example`, firstName: 'Later' })));
  const reads: Document[] = [];
  const cost = await counted.trips.measure(async () => {
    // Started two days ago: its first followup (after a day) is due.
    const [added] = await counted.app.services.leads.addLeads(alex, { assistantId: ava.id, start: new Date(Date.now() - 2 * 86_400_000) }, [{ email: 'due@acme.example', firstName: 'Dee', company: 'Acme' }]);
    const enrollmentId = added!.ok ? added!.enrollmentId : '';
    await counted.app.services.delivery.dispatch();
    // The job may have got there first: either way its send is part of this window.
    const claims = counted.app.services.models.SendClaim;
    const deadline = Date.now() + 10_000;
    while (!(await claims.exists({ _id: `${enrollmentId}:1`, state: { $ne: 'sending' } })) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  });
  reads.push(...cost.reads);
  const poll = reads.filter((r) => r.find === 'enrollments' && 'dueHour' in (r.filter as Document));
  expect(poll.length).toBeGreaterThan(0);
  expect(cost.db).toEqual(expect.arrayContaining(['insert sendclaims', 'insert dailysendslots']));
  expect(await explainProblems(reads.map((read) => ({ what: 'dispatch', read })))).toEqual([]);
});

test('App Home’s delivery section, the unsubscribe pages and a reply read only through pushed-down filters and indexes', async () => {
  const ws = counted.app.workspace();
  const other = counted.app.workspace();
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
  const { services } = counted.app;
  for (const ref of [ws.ref, other.ref]) {
    await services.workspaces.ensureSeeded(ref);
    const ava = await services.assistants.create({ ...alex, workspace: ref }, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [], senderEmail: 'ava@acme.example' });
    const added = await services.leads.addLeads({ ...alex, workspace: ref }, { assistantId: ava.id }, Array.from({ length: 8 }, (_, i) => ({ email: `lead${i}@lead.example`, firstName: `Lead${i}` })));
    for (const [i, kind] of (['sent', 'held', 'bounced', 'failed'] as const).entries()) {
      const result = added[i]!;
      if (!result.ok) throw new Error('not added');
      await services.notices.record({ workspace: ref, assistantId: ava.id, enrollmentId: result.enrollmentId, leadId: result.leadId, kind, step: 1, totalSteps: 7, lead: { name: `Lead${i}`, company: '', email: `lead${i}@lead.example` }, subject: 'Hi', preview: '', nextPlannedAt: null, detail: null, at: new Date() });
    }
  }
  const reads: { what: string; read: Document }[] = [];
  const capture = async (what: string, interaction: () => Promise<void>) => {
    const cost = await counted.trips.measure(interaction);
    reads.push(...cost.reads.map((read) => ({ what, read })));
  };
  await capture('app home', async () => {
    const since = counted.app.fake.calls.length;
    await ws.as('UALEX').signedPost(homeOpened(ws.ref.teamId, 'UALEX'), { contentType: 'application/json' });
    await counted.app.fake.waitForCall('views.publish', (c) => counted.app.fake.calls.indexOf(c) >= since);
  });
  const lead = (await services.models.Lead.findOne({ workspace: ws.ref.teamId, email: 'lead5@lead.example' }).lean<{ unsubscribeToken: string }>())!;
  await capture('unsubscribe page', async () => {
    await (await fetch(`${counted.app.url}/unsubscribe/${lead.unsubscribeToken}`)).text();
  });
  await capture('unsubscribe', async () => {
    await (await fetch(`${counted.app.url}/unsubscribe/${lead.unsubscribeToken}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).text();
  });
  await capture('reply', async () => {
    await services.replies.recordReply({ from: 'lead6@lead.example', recipients: ['ava@acme.example'], messageIds: [] });
  });

  const problems = await explainProblems(reads);
  expect(new Set(reads.map((r) => r.what))).toEqual(new Set(['app home', 'unsubscribe page', 'unsubscribe', 'reply']));
  expect(problems).toEqual([]);
});

test('the delivery purge reads and deletes only through pushed-down filters (an equality on a bucket, or an _id)', async () => {
  const ws = counted.app.workspace();
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
  const { services } = counted.app;
  await services.workspaces.ensureSeeded(ws.ref);
  const ava = await services.assistants.create(alex, { name: 'Ava', notificationChannel: ws.channelId, timeZone: 'UTC', offDays: [], businessHours: { open: '00:00', close: '24:00' }, senderEmail: 'ava@acme.example' });
  const [added] = await services.leads.addLeads(alex, { assistantId: ava.id, start: new Date(Date.now() - 2 * 86_400_000) }, [{ email: 'purged@acme.example', firstName: 'Pia', company: 'Acme' }]);
  const enrollmentId = added!.ok ? added!.enrollmentId : '';
  await services.delivery.sendFollowup(enrollmentId, 1);
  const waitFor = async (what: string, probe: () => Promise<unknown>) => {
    for (const deadline = Date.now() + 20_000; !(await probe()); await new Promise((resolve) => setTimeout(resolve, 50))) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  };
  // The app's own dispatcher may have sent it first: either way it is recorded, and its notice posted.
  await waitFor('the send recorded', () => services.models.Enrollment.exists({ _id: enrollmentId, 'followups.0.sentAt': { $ne: null } }));
  await waitFor('the notice posted', () => services.models.NoticeSlot.exists({ _id: new RegExp(`^post\\|${ws.ref.teamId}\\|`) }));
  // The first run makes the cursors (reading each collection once to find where to start); the next ones walk buckets.
  await services.deliveryPurge.purge();
  const later = { now: () => new Date(Date.now() + 5 * 86_400_000) };
  const commands: Document[] = [];
  const client = counted.app.runtime.connection.getClient();
  const listen = (event: { databaseName: string; commandName: string; command: Document }) => {
    if (event.databaseName === counted.app.runtime.connection.name) commands.push({ name: event.commandName, command: event.command });
  };
  client.on('commandStarted', listen);
  let report;
  try {
    report = await createDeliveryPurge(services.models, later, { claimTimeoutMs: DEFAULT_CLAIM_TIMEOUT_MS, wallClock: later }).purge();
  } finally {
    client.off('commandStarted', listen);
  }
  expect(report).toMatchObject({ claims: expect.any(Number), dailySlots: expect.any(Number) });
  expect(report.claims).toBeGreaterThanOrEqual(1);
  expect(report.dailySlots).toBeGreaterThanOrEqual(1);
  expect(report.noticeSlots).toBeGreaterThanOrEqual(1);
  // Each filter the purge sent, as a find to explain.
  const filters: Document[] = [];
  for (const { name, command } of commands as { name: string; command: Document }[]) {
    const collection = String(command[name]);
    if (name === 'find' || name === 'count') filters.push({ find: collection, filter: command.filter ?? command.query ?? {} });
    if (name === 'delete') for (const d of command.deletes as Document[]) filters.push({ find: collection, filter: d.q });
    if (name === 'update') for (const u of command.updates as Document[]) filters.push({ find: collection, filter: u.q });
    if (name === 'findAndModify') filters.push({ find: collection, filter: command.query });
  }
  expect(filters.length).toBeGreaterThan(5);
  expect(await explainProblems(filters.map((read) => ({ what: 'purge', read })))).toEqual([]);
}, 90_000);

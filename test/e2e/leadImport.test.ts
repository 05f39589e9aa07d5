// `/schedule lead import` end to end: the modal, a CSV uploaded as a file (files.info and its private
// URL with the bot token) or pasted, the import job, and the one message that shows progress and
// then the summary in the user's DM with the app.
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { modalOpenedWith, postedTo, textOf } from '../support/flows.js';
import type { FakeMessage } from '../support/fakeSlack.js';
import { LEAD_IMPORT } from '../../views/leadImport.js';
import { CHUNK_ROWS } from '../../src/services/leadImport/index.js';
import { IMPORT_RETRIES, importLeadsJob } from '../../src/jobs/leadImport.js';
import { createLogger } from '../../src/logger.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

async function setUp() {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'Alex', isAdmin: false };
  const ava = await app.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0] });
  return { ws, alex, ava };
}

/** Waits (with a deadline) for the app's message in `userId`'s DM whose text says the import is over. */
async function finalMessage(ws: TestWorkspace, userId: string, timeoutMs = 30_000): Promise<FakeMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dm = app.fake.messages.find((m) => m.channel.startsWith('D') && m.channel.endsWith(userId.slice(1)) && m.channel.includes(ws.ref.teamId.slice(1)));
    if (dm && /: done\.|nothing was imported/.test(dm.text ?? '')) return dm;
    if (Date.now() > deadline) throw new Error(`no finished import message for ${userId}; last: ${dm?.text ?? 'none'}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function dmPostsTo(ws: TestWorkspace, userId: string): number {
  return app.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === userId && c.token === app.fake.botTokenOf(ws.ref.teamId)).length;
}

async function openImport(ws: TestWorkspace, userId = 'UALEX') {
  const slack = ws.as(userId);
  const res = await slack.command('lead import');
  return { slack, modal: await modalOpenedWith(app.fake, res.triggerId), res };
}

function bigCsv(rows: number): string {
  const lines = ['Email,First Name,Company,Favourite colour'];
  for (let i = 0; i < rows; i++) lines.push(`lead${i}@example.com,Lead ${i},"Acme, Inc.",blue`);
  lines.push(',No email,Acme,red', 'not-an-email,Bad,Acme,red', 'lead7@example.com,Lead 7 again,Acme,blue', 'short@example.com,Short');
  return lines.join('\r\n');
}

describe('/schedule lead import', () => {
  test('a CSV file shared through the modal is imported by the job; one message shows progress, then the summary', async () => {
    const { ws, ava } = await setUp();
    const rows = CHUNK_ROWS * 2 + 50;
    const file = app.fake.addFile({ teamId: ws.ref.teamId, user: 'UALEX', name: 'q4-leads.csv', content: `\uFEFF${bigCsv(rows)}` });
    const { slack, modal } = await openImport(ws);
    expect(textOf(modal.title)).toBe('Import leads');
    app.fake.typeInto(modal.id, LEAD_IMPORT.fileBlock, LEAD_IMPORT.fileAction, app.fake.renderFile(file));
    const submitted = await slack.viewSubmission(modal.id);
    expect(submitted.outcome?.action).toBe('update');
    expect(textOf(app.fake.view(modal.id).blocks)).toContain('The import has started');

    const message = await finalMessage(ws, 'UALEX');
    // One message, updated in place: the first version says it is starting, then rows done of total, then the summary.
    expect(dmPostsTo(ws, 'UALEX')).toBe(1);
    const versions = [...message.history.map((h) => h.text ?? ''), message.text ?? ''];
    expect(versions[0]).toBe(':hourglass_flowing_sand: Lead import from *q4-leads.csv* for *Ava*: starting…');
    expect(versions.some((t) => /: [\d,]+ of 1,054 rows done\./.test(t))).toBe(true);
    expect(message.text).toBe(':large_yellow_circle: Lead import from *q4-leads.csv* for *Ava*: done. 1,054 rows: *1,050* imported · *1* skipped as duplicates · *3* refused.');
    const summary = textOf(message.blocks);
    expect(summary).toContain('Row 1,052: no email');
    expect(summary).toContain('Row 1,053: malformed email “not-an-email”');
    expect(summary).toContain('Row 1,055: ragged line: 2 values for 4 columns');
    expect(summary).toContain('Row 1,054: lead7@example.com');

    // The file was read with this workspace's bot token.
    expect(app.fake.callsTo('files.info').filter((c) => c.args.file === file.id).map((c) => c.response.ok)).toEqual([true]);
    expect(app.fake.downloads.filter((d) => d.fileId === file.id)).toEqual([{ fileId: file.id, token: app.fake.botTokenOf(ws.ref.teamId), status: 200 }]);
    const lead = await app.services.leads.findByEmail(ws.ref, 'lead0@example.com');
    expect(lead).toMatchObject({ firstName: 'Lead 0', company: 'Acme, Inc.', custom: [{ name: 'favourite_colour', value: 'blue' }], enrollment: { assistantId: ava.id, state: 'active' } });
  });

  test('a CSV shared in a conversation is imported from its link after the command; a link the app cannot see is refused at once', async () => {
    const { ws } = await setUp();
    const file = app.fake.addFile({ teamId: ws.ref.teamId, user: 'UALEX', name: 'shared.csv', content: 'email,first name\nkim@example.com,Kim\nlee@example.com,Lee\n' });
    const link = String(app.fake.renderFile(file).permalink);
    const slack = ws.as('UALEX');
    const res = await slack.command(`lead import ${link}`);
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    expect(textOf(modal.blocks)).toContain('Rows from *shared.csv*, the file you linked.');
    expect((modal.blocks as { block_id?: string }[]).map((b) => b.block_id)).not.toEqual(expect.arrayContaining([LEAD_IMPORT.fileBlock]));
    expect((await slack.viewSubmission(modal.id)).outcome?.action).toBe('update');
    const message = await finalMessage(ws, 'UALEX');
    expect(message.text).toBe(':white_check_mark: Lead import from *shared.csv* for *Ava*: done. 2 rows: *2* imported · *0* skipped as duplicates · *0* refused.');
    expect(await app.services.leads.findByEmail(ws.ref, 'lee@example.com')).toMatchObject({ firstName: 'Lee' });

    const other = app.workspace();
    const theirs = app.fake.addFile({ teamId: other.ref.teamId, name: 'theirs.csv', content: 'email\nx@example.com\n' });
    const refused = await slack.command(`lead import ${String(app.fake.renderFile(theirs).permalink)}`);
    expect((await postedTo(app.fake, refused.responseUrl)).text).toContain('The app cannot see that file');
    const garbage = await slack.command('lead import the big list');
    expect((await postedTo(app.fake, garbage.responseUrl)).text).toContain('is not a link to a file');
  });

  test('pasted rows are imported the same way; a header without an email column is refused in the form', async () => {
    const { ws } = await setUp();
    const { slack, modal } = await openImport(ws);
    app.fake.typeInto(modal.id, LEAD_IMPORT.textBlock, LEAD_IMPORT.textAction, 'name;company\nAva;Acme');
    const refused = await slack.viewSubmission(modal.id);
    expect(refused.outcome?.action === 'errors' && refused.outcome.errors).toEqual({
      [LEAD_IMPORT.textBlock]: 'The first row must name the columns, with one called “email”. It reads: “name”, “company”.',
    });

    app.fake.typeInto(modal.id, LEAD_IMPORT.textBlock, LEAD_IMPORT.textAction, 'email;first name;company\njo@example.com;Jo;"Acme; Inc."\nbad;Bad;X\n');
    // A start two days out, at 10:00 on the assistant's (Berlin) clock.
    const startDate = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    app.fake.typeInto(modal.id, LEAD_IMPORT.startDateBlock, LEAD_IMPORT.startDateAction, startDate);
    app.fake.typeInto(modal.id, LEAD_IMPORT.startTimeBlock, LEAD_IMPORT.startTimeAction, '10:00');
    expect((await slack.viewSubmission(modal.id)).outcome?.action).toBe('update');
    const message = await finalMessage(ws, 'UALEX');
    expect(message.text).toBe(':large_yellow_circle: Lead import from pasted rows for *Ava*: done. 2 rows: *1* imported · *0* skipped as duplicates · *1* refused.');
    expect(textOf(message.blocks)).toContain('Row 3: malformed email “bad”');
    const jo = await app.services.leads.findByEmail(ws.ref, 'jo@example.com');
    expect(jo).toMatchObject({ company: 'Acme; Inc.' });
    const berlin = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'short' });
    expect(berlin.format(jo!.enrollment!.start)).toBe(`${startDate} 10:00`);
  });

  test('a file of another workspace is not found with this workspace’s token: the message says so and nothing is imported', async () => {
    const { ws } = await setUp();
    const other = app.workspace();
    const theirs = app.fake.addFile({ teamId: other.ref.teamId, name: 'theirs.csv', content: 'email\nsecret@example.com\n' });
    const { slack, modal } = await openImport(ws);
    // A forged submission naming a file the user never uploaded here.
    app.fake.typeInto(modal.id, LEAD_IMPORT.fileBlock, LEAD_IMPORT.fileAction, app.fake.renderFile(theirs));
    await slack.viewSubmission(modal.id);
    const message = await finalMessage(ws, 'UALEX');
    expect(message.text).toBe(':warning: Lead import from *theirs.csv* for *Ava*: nothing was imported. The file is no longer in Slack, or the app cannot see it. Share it again and start a new import.');
    expect(app.fake.downloads.filter((d) => d.fileId === theirs.id)).toEqual([]);
    expect(await app.services.leads.findByEmail(other.ref, 'secret@example.com')).toBeNull();
    expect(await app.services.leads.findByEmail(ws.ref, 'secret@example.com')).toBeNull();
  });

  test('when the last try of the job fails, the message says the import stopped and how to finish it; an earlier failure leaves it for the retry', async () => {
    const { ws, alex, ava } = await setUp();
    const { import: started } = await app.services.leadImports.start(alex, { assistantId: ava.id, source: { kind: 'text', text: 'email\nzoe@example.com\n' }, saveId: 'VSTOP' });
    // The message the submission would have posted.
    ws.as('UALEX');
    const client = await app.runtime.slackClients.forWorkspace(ws.ref);
    const first = await client.chat.postMessage({ channel: 'UALEX', text: 'Lead import: starting…' });
    await app.services.leadImports.attachMessage(ws.ref, started.id, { channel: String(first.channel), ts: String(first.ts) });
    // Every run fails (the database gone for good, say).
    const broken = { ...app.services, leadImports: { ...app.services.leadImports, run: async () => Promise.reject(new Error('database gone')) } };
    const job = importLeadsJob(broken, app.runtime.slackClients, createLogger('error'));
    const run = (failCount: number) => job({ attrs: { data: { workspace: ws.ref, importId: started.id }, failCount }, touch: async () => {} });
    await expect(run(IMPORT_RETRIES - 1)).rejects.toThrow('database gone');
    expect(app.fake.message(String(first.channel), String(first.ts))?.text).toBe('Lead import: starting…');
    await expect(run(IMPORT_RETRIES)).rejects.toThrow('database gone');
    expect(app.fake.message(String(first.channel), String(first.ts))?.text).toBe(
      ':warning: Lead import from pasted rows for *Ava*: stopped after several tries, on a problem on our side. The rows imported so far stay in: start `/schedule lead import` again with the same rows and they are skipped as duplicates.',
    );
  });

  test('no file and no rows, or both, is refused in the form; without an assistant the command says to add one', async () => {
    const { ws } = await setUp();
    const { slack, modal } = await openImport(ws);
    const empty = await slack.viewSubmission(modal.id);
    expect(empty.outcome?.action === 'errors' && empty.outcome.errors).toEqual({ [LEAD_IMPORT.fileBlock]: 'Upload a CSV file, or paste the rows below.' });
    const file = app.fake.addFile({ teamId: ws.ref.teamId, name: 'a.csv', content: 'email\na@example.com\n' });
    app.fake.typeInto(modal.id, LEAD_IMPORT.fileBlock, LEAD_IMPORT.fileAction, app.fake.renderFile(file));
    app.fake.typeInto(modal.id, LEAD_IMPORT.textBlock, LEAD_IMPORT.textAction, 'email\nb@example.com');
    const both = await slack.viewSubmission(modal.id);
    expect(both.outcome?.action === 'errors' && both.outcome.errors).toEqual({ [LEAD_IMPORT.textBlock]: 'Upload a file or paste rows, not both.' });
    expect(await app.services.models.LeadImport.countDocuments({ workspace: ws.ref.teamId })).toBe(0);

    const bare = app.workspace();
    const res = await bare.as('UBEA').command('lead import');
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('add one first with `/schedule assistant add`');
  });
});

// Lead imports in the service: good rows in while bad ones are reported by row, duplicates of
// enrolled leads, a crash half-way (nothing half-written, a re-run finishes), two runs at once.
import type { Clock } from '../../../src/clock.js';
import { ValidationError } from '../../../src/services/domain.js';
import { CHUNK_ROWS, ImportSourceError, STALE_CHUNK_MS, createLeadImportService, type ImportIo, type ImportReport, type LeadEnroller } from '../../../src/services/leadImport/index.js';
import { actorIn, newWorkspace, openTestDatabase, thrown, type TestDatabase } from '../../support/db.js';

/** A clock the test moves (stale claims are judged by it). */
const clock = { at: new Date('2027-03-03T15:00:00Z'), now() { return new Date(this.at); } } satisfies Clock & { at: Date };

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase(clock);
});
afterAll(() => db.close());

async function setUp() {
  const ws = newWorkspace();
  await db.services.workspaces.ensureSeeded(ws);
  const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
  const ava = await db.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0] });
  return { ws, alex, ava };
}

/** An io that records every report; files come from `files`. */
function recordingIo(files: Record<string, string> = {}): ImportIo & { reports: ImportReport[] } {
  const reports: ImportReport[] = [];
  return {
    reports,
    async readFile(fileId) {
      const text = files[fileId];
      if (text === undefined) throw new ImportSourceError('The file is no longer in Slack.');
      return text;
    },
    async report(report) {
      reports.push(report);
    },
  };
}

function csvOf(count: number, from = 0): string {
  const lines = ['email,first name,company'];
  for (let i = from; i < from + count; i++) lines.push(`lead${i}@example.com,Lead ${i},Co ${i % 7}`);
  return `${lines.join('\n')}\n`;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function enrollmentsByEmail(ws: { teamId: string }): Promise<Map<string, number>> {
  const docs = await db.services.models.Enrollment.find({ workspace: ws.teamId }, { email: 1 }).lean<{ email: string }[]>();
  const counts = new Map<string, number>();
  for (const d of docs) counts.set(d.email, (counts.get(d.email) ?? 0) + 1);
  return counts;
}

test('good rows go in while bad rows are refused by row number, and duplicates are skipped', async () => {
  const { ws, alex, ava } = await setUp();
  await db.services.leads.addLeads(alex, { assistantId: ava.id }, [{ email: 'known@example.com' }]);
  const text = [
    'Email;First name;Deal size',
    'ava@example.com;Ava;10k',
    ';Nobody;1',
    'known@example.com;Known;2',
    'bad-email;Bad;3',
    'ava@EXAMPLE.com;Ava again;4',
    'ben@example.com;Ben',
    `cy@example.com;${'C'.repeat(101)};5`,
    'dee@example.com;"Dee; Jr.";"6"',
  ].join('\r\n');
  const { import: started, created } = await db.services.leadImports.start(alex, { assistantId: ava.id, source: { kind: 'text', text }, saveId: 'V1' });
  expect(created).toBe(true);
  const io = recordingIo();
  const outcome = await db.services.leadImports.run(ws, started.id, io);
  expect(outcome).toEqual({
    state: 'done',
    summary: {
      total: 8,
      imported: 2,
      duplicates: [
        { row: 4, email: 'known@example.com' },
        { row: 6, email: 'ava@example.com' },
      ],
      refused: [
        { row: 3, reason: 'no email' },
        { row: 5, reason: 'malformed email “bad-email”' },
        { row: 7, reason: 'ragged line: 2 values for 3 columns' },
        { row: 8, reason: 'firstName: Keep the first name to 100 characters (this one has 101).' },
      ],
    },
  });
  expect(io.reports).toEqual([{ state: 'running', done: 8, total: 8 }]);
  const dee = await db.services.leads.findByEmail(ws, 'dee@example.com');
  expect(dee).toMatchObject({ firstName: 'Dee; Jr.', custom: [{ name: 'deal_size', value: '6' }], enrollment: { state: 'active', assistantId: ava.id } });
  expect([...(await enrollmentsByEmail(ws)).keys()].sort()).toEqual(['ava@example.com', 'dee@example.com', 'known@example.com']);
  expect(await db.services.leadImports.get(ws, started.id)).toMatchObject({ state: 'done', total: 8 });
});

test('the assistant, schedule and pasted rows are checked before anything starts; the same submission twice starts one import', async () => {
  const { alex, ava } = await setUp();
  const paste = (text: string) => ({ kind: 'text' as const, text });
  expect(await thrown(db.services.leadImports.start(alex, { assistantId: 'nope', source: paste(csvOf(1)), saveId: 'V2' }))).toBeInstanceOf(ValidationError);
  const noEmail = await thrown(db.services.leadImports.start(alex, { assistantId: ava.id, source: paste('name,company\nAva,Acme'), saveId: 'V2' }));
  expect((noEmail as ValidationError).errors).toEqual({ text: 'The first row must name the columns, with one called “email”. It reads: “name”, “company”.' });
  const badCustom = await thrown(db.services.leadImports.start(alex, { assistantId: ava.id, source: paste('email,Deal size ($)\na@example.com,10'), saveId: 'V2' }));
  expect((badCustom as ValidationError).errors).toEqual({ text: expect.stringMatching(/^Column B: “Deal size \(\$\)” can’t name a custom field: .* Rename it in the first row and import again\.$/) });
  const headerOnly = await thrown(db.services.leadImports.start(alex, { assistantId: ava.id, source: paste('email\n'), saveId: 'V2' }));
  expect((headerOnly as ValidationError).errors).toEqual({ text: expect.stringContaining('no leads under the header') });
  expect(await db.services.models.LeadImport.countDocuments({ workspace: alex.workspace.teamId })).toBe(0);

  const first = await db.services.leadImports.start(alex, { assistantId: ava.id, source: paste(csvOf(2)), saveId: 'V2' });
  const again = await db.services.leadImports.start(alex, { assistantId: ava.id, source: paste(csvOf(2)), saveId: 'V2' });
  expect(again).toEqual({ import: first.import, created: false });
});

test('a file that cannot be read fails the import with the reason, and nothing is imported', async () => {
  const { ws, alex, ava } = await setUp();
  const { import: started } = await db.services.leadImports.start(alex, { assistantId: ava.id, source: { kind: 'file', fileId: 'FGONE', fileName: 'leads.csv' }, saveId: 'V3' });
  expect(await db.services.leadImports.run(ws, started.id, recordingIo())).toEqual({ state: 'failed', reason: 'The file is no longer in Slack.' });
  const noHeader = await db.services.leadImports.start(alex, { assistantId: ava.id, source: { kind: 'file', fileId: 'FX', fileName: 'x.csv' }, saveId: 'V4' });
  expect(await db.services.leadImports.run(ws, noHeader.import.id, recordingIo({ FX: 'name\nAva\n' }))).toEqual({ state: 'failed', reason: expect.stringContaining('one called “email”') });
  expect(await enrollmentsByEmail(ws)).toEqual(new Map());
});

test('a crash half-way leaves no row half-written; a re-run imports the rest and reports the others as duplicates', async () => {
  const { ws, alex, ava } = await setUp();
  const rows = CHUNK_ROWS * 2 + 100;
  const files = { FBIG: csvOf(rows) };
  const { import: started } = await db.services.leadImports.start(alex, { assistantId: ava.id, source: { kind: 'file', fileId: 'FBIG', fileName: 'big.csv' }, saveId: 'V5' });

  // The first worker enrolls chunk 1 and half of chunk 2, then dies (its promise never settles; its claim stays).
  let calls = 0;
  let crashed!: () => void;
  const died = new Promise<void>((resolve) => (crashed = resolve));
  const dying: LeadEnroller = {
    preview: (ref, enroll) => db.services.leads.preview(ref, enroll),
    async addLeads(actor, enroll, leads) {
      calls += 1;
      if (calls === 1) return db.services.leads.addLeads(actor, enroll, leads);
      await db.services.leads.addLeads(actor, enroll, leads.slice(0, 200));
      crashed();
      return new Promise(() => {});
    },
  };
  const firstWorker = createLeadImportService(db.services.models, clock, dying);
  void firstWorker.run(ws, started.id, recordingIo(files));
  await died;

  // A second worker right away finds chunk 2 held: it does chunk 3 and waits; once the claim is stale, it takes over.
  const io = recordingIo(files);
  const rerun = db.services.leadImports.run(ws, started.id, io);
  await until(() => io.reports.length > 0);
  expect(io.reports).toEqual([{ state: 'running', done: CHUNK_ROWS + 100, total: rows }]);
  clock.at = new Date(clock.at.getTime() + STALE_CHUNK_MS + 1000);
  const outcome = await rerun;

  if (outcome.state !== 'done') throw new Error(`expected the import to finish: ${JSON.stringify(outcome)}`);
  const counts = await enrollmentsByEmail(ws);
  expect(counts.size).toBe(rows);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(outcome.summary.total).toBe(rows);
  expect(outcome.summary.refused).toEqual([]);
  // The 200 rows the dead worker had enrolled in chunk 2 come back as duplicates; its chunk 1 counts as imported.
  expect(outcome.summary.duplicates).toHaveLength(200);
  expect(outcome.summary.duplicates[0]).toEqual({ row: CHUNK_ROWS + 2, email: `lead${CHUNK_ROWS}@example.com` });
  expect(outcome.summary.imported).toBe(rows - 200);
  expect(io.reports.at(-1)).toEqual({ state: 'running', done: rows, total: rows });
});

test('two workers running the same import at once split it: every row in once, the same summary for both', async () => {
  const { ws, alex, ava } = await setUp();
  const rows = CHUNK_ROWS * 3 + 7;
  const files = { FTWO: csvOf(rows) };
  const { import: started } = await db.services.leadImports.start(alex, { assistantId: ava.id, source: { kind: 'file', fileId: 'FTWO', fileName: 'two.csv' }, saveId: 'V6' });
  const other = createLeadImportService(db.services.models, clock, db.services.leads);
  const [a, b] = await Promise.all([db.services.leadImports.run(ws, started.id, recordingIo(files)), other.run(ws, started.id, recordingIo(files))]);
  const expected = { state: 'done', summary: { total: rows, imported: rows, duplicates: [], refused: [] } };
  expect(a).toEqual(expected);
  expect(b).toEqual(expected);
  const counts = await enrollmentsByEmail(ws);
  expect(counts.size).toBe(rows);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
});

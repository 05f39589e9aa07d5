// `JobQueue.once`: asking for the same run again while one is queued (or running) queues nothing more.
// A burst of notices asked for a posting run per record and per sweep; the queued runs piled up past a
// thousand job documents, and Agenda, which reads every queued job to lock one (FerretDB v1 pushes none
// of that down), left the database no time for sending.
import { AGENDA_JOBS_COLLECTION } from '../../src/db/models.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

// A job no process defines: Agenda leaves it queued, so the queue shows exactly what was asked for.
const NAME = `test.once.${Date.now()}`;

test('asking again for a queued run with the same key queues nothing more; another key is another run', async () => {
  const jobs = app.runtime.connection.db!.collection(AGENDA_JOBS_COLLECTION);
  // One after the other, as a process's kicks and the minute's sweep come (asks at the very same moment
  // from several processes may make a second: FerretDB v1 upserts as a query then an insert).
  for (let i = 0; i < 10; i++) await app.services.jobs.once(NAME, { assistantId: 'A1' }, `${NAME}|A1`);
  await app.services.jobs.once(NAME, { assistantId: 'A2' }, `${NAME}|A2`);

  const queued = await jobs.find({ name: NAME }).toArray();
  const perKey = new Map<string, number>();
  for (const job of queued) perKey.set(String(job.data?.assistantId), (perKey.get(String(job.data?.assistantId)) ?? 0) + 1);
  expect(perKey.get('A1')).toBe(1);
  expect(perKey.get('A2')).toBe(1);
});

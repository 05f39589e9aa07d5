// Agenda reports a failure to lock due jobs (the database stopped under it) as an 'error' event: the
// process keeps running and logs it, and the jobs go on once the database answers again.
import { jest } from '@jest/globals';
import { ObjectId } from 'mongodb';
import { startTestApp, type TestApp } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

test('an error Agenda reports (a job lock failing while the database is away) is logged, not thrown', async () => {
  const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
  try {
    expect(() => app.runtime.agenda.emit('error', new Error('connection refused'))).not.toThrow();
    expect(logged.mock.calls.map((call) => call.join(' ')).join('\n')).toContain('connection refused');
  } finally {
    logged.mockRestore();
  }
});

test('a run that finds its job already finished and removed by another run is not reported as an error', async () => {
  const errors = jest.spyOn(console, 'error').mockImplementation(() => {});
  try {
    // Word for word what @agendajs/mongo-backend emits when a run starts on a job another run removed.
    app.runtime.agenda.emit('error', new Error('job 6b0c38bb058f123f38c2a0a6 (name: notices.post) cannot be updated in the database, maybe it does not exist anymore?'));
    app.runtime.agenda.emit('error', new Error('connection 12 to 127.0.0.1:27017 timed out'));
    const logged = errors.mock.calls.map((call) => call.join(' ')).join('\n');
    expect(logged).not.toContain('notices.post');
    expect(logged).toContain('timed out');
  } finally {
    errors.mockRestore();
  }
});

test('an unlock Agenda does not wait for (a job locked early) that the database fails is logged, not an unhandled rejection', async () => {
  // Agenda calls `db.unlockJob` without awaiting it; a rejection there would end the process.
  const repository = app.runtime.agenda.db as unknown as { collection: { updateOne: (...args: unknown[]) => Promise<unknown> }; unlockJob(job: object): Promise<void> };
  const updateOne = jest.spyOn(repository.collection, 'updateOne').mockRejectedValue(new Error('connection 7 to 127.0.0.1:27017 timed out'));
  try {
    // The job's lock then lapses after its lifetime (logged as a warning; tests log errors only).
    await expect(repository.unlockJob({ _id: new ObjectId(), name: 'notices.post' })).resolves.toBeUndefined();
    expect(updateOne).toHaveBeenCalled();
  } finally {
    updateOne.mockRestore();
  }
});

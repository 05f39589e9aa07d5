// Agenda reports a failure to lock due jobs (the database stopped under it) as an 'error' event: the
// process keeps running and logs it, and the jobs go on once the database answers again.
import { jest } from '@jest/globals';
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

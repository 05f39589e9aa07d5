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

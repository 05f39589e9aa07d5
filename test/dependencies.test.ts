// One MongoDB driver for the whole app: mongoose and Agenda's backend share the connection
// pool (Agenda runs on mongoose's Db), which two driver copies would not do safely.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

function mongodbSeenFrom(packageDir: string): string {
  return createRequire(resolve(packageDir, 'package.json')).resolve('mongodb');
}

test('mongoose, the Agenda backend and the app load the same mongodb package', () => {
  const app = mongodbSeenFrom('.');
  expect(mongodbSeenFrom('node_modules/mongoose')).toBe(app);
  expect(mongodbSeenFrom('node_modules/@agendajs/mongo-backend')).toBe(app);
});

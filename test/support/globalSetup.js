// One local database server for the whole test run; each test file uses its own database.
// Plain JS importing the build: jest loads global setup outside its module mapper, so the
// `.js` imports of our TypeScript sources would not resolve here (`npm test` builds first).
import { rm } from 'node:fs/promises';
import { startLocalMongo, tempDataDir } from '../../dist/src/db/localServer.js';

export default async function globalSetup() {
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const dataDir = await tempDataDir();
  const local = await startLocalMongo({ dataDir, throwaway: true, log: (line) => console.log(`\n[test db] ${line}`) });
  // Workers start after global setup and inherit this.
  process.env.TEST_MONGODB_URI = local.uri;
  globalThis.__stopTestDatabase = async () => {
    await local.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

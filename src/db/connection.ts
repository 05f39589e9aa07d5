import mongoose, { type Connection } from 'mongoose';

/** Opens a dedicated mongoose connection (no global state, so tests can run several apps). */
export async function connectDatabase(uri: string, options: { dbName?: string; monitorCommands?: boolean } = {}): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    ...(options.dbName ? { dbName: options.dbName } : {}),
    // The driver's command events, for tests and benchmarks that count round trips.
    ...(options.monitorCommands ? { monitorCommands: true } : {}),
    serverSelectionTimeoutMS: 10_000,
    // FerretDB v1 has no transactions or retryable writes; real MongoDB does not need them here.
    retryWrites: false,
    autoIndex: true,
  });
  await connection.asPromise();
  return connection;
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

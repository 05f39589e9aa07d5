// Wires the running app: database (local when MONGODB_URI is unset), jobs, services, Bolt.
// main.ts and the tests start the app the same way, through here.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Connection } from 'mongoose';
import type { Agenda } from 'agenda';
import type { App, Authorize } from '@slack/bolt';
import type { Config } from './config.js';
import { systemClock, type Clock } from './clock.js';
import type { Logger } from './logger.js';
import { connectDatabase, isDatabaseUp } from './db/connection.js';
import { startLocalMongo, type LocalMongo } from './db/localServer.js';
import { startJobs, stopJobs } from './jobs/index.js';
import { createServices, type Services } from './services/index.js';
import { createApp } from './app.js';
import { createSlackClients, type SlackClients } from './installs/slackClients.js';

export interface RuntimeOptions {
  logger: Logger;
  clock?: Clock;
  /** Database name; defaults to the one in the URI, or `followups`. */
  dbName?: string;
  /** Where a local database keeps its data when MONGODB_URI is unset. */
  localDataDir?: string;
  /** Web API retries; unset keeps the client's default policy. */
  webApiRetries?: number;
  /** Each workspace's bot token (see AppDeps.authorize); unset = SLACK_BOT_TOKEN. */
  authorize?: Authorize<boolean>;
  /** Emit the driver's command events (tests and benchmarks count database round trips with them). */
  monitorCommands?: boolean;
  /**
   * False: run only the jobs (sending followups, imports, replans), with no Slack listener and no
   * HTTP server (`npm run worker`). Default true: both, as `npm start` does. Any number of web
   * processes and workers share one database.
   */
  web?: boolean;
}

export interface Runtime {
  /** Null in a worker (no Slack listener). */
  readonly app: App | null;
  readonly connection: Connection;
  readonly agenda: Agenda;
  readonly services: Services;
  /** A ready WebClient per workspace, for work outside Slack requests (jobs). */
  readonly slackClients: SlackClients;
  /** The HTTP port actually listened on (useful with PORT=0); 0 in a worker. */
  readonly port: number;
  stop(): Promise<void>;
}

export async function startRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  let local: LocalMongo | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    local = await startLocalMongo({ dataDir: options.localDataDir ?? '.data', log: (line) => logger.info(line) });
    uri = local.uri;
    logger.info(`Local database (${local.kind}) at ${uri}`);
  }
  let connection: Connection | undefined;
  let agenda: Agenda | undefined;
  let app: App | null = null;
  let port = 0;
  let services: Services;
  let slackClients: SlackClients;
  try {
    connection = await connectDatabase(uri, { dbName: options.dbName ?? (config.mongodbUri ? undefined : 'followups'), monitorCommands: options.monitorCommands ?? false });
    services = await createServices(connection, clock, { delivery: config.delivery });
    slackClients = createSlackClients(config, services, logger, {
      ...(options.webApiRetries !== undefined ? { webApiRetries: options.webApiRetries } : {}),
      ...(options.authorize ? { authorize: options.authorize } : {}),
    });
    agenda = await startJobs(connection, services, { deps: { slack: slackClients, logger } });
    if (options.web ?? true) {
      const db = connection;
      app = createApp({ config, logger, services, slackClients, databaseUp: () => isDatabaseUp(db), ...(options.webApiRetries !== undefined ? { webApiRetries: options.webApiRetries } : {}), ...(options.authorize ? { authorize: options.authorize } : {}) });
      const server = (await app.start(config.port)) as Server | undefined;
      const address = server?.address?.();
      port = address && typeof address === 'object' ? (address as AddressInfo).port : config.port;
    }
  } catch (error) {
    // Leave nothing running behind a failed start (a local database child process above all).
    if (agenda) await agenda.stop(false).catch(() => {});
    await connection?.close().catch(() => {});
    await local?.stop();
    throw error;
  }
  const started = { connection, agenda, app };

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await started.app?.stop().catch((error: Error) => logger.warn(`Stopping the HTTP server: ${error.message}`));
      await stopJobs(started.agenda, 8_000).catch((error: Error) => logger.warn(`Stopping jobs: ${error.message}`));
      await services.mailer.close();
      await started.connection.close().catch(() => {});
      await local?.stop();
    })());

  return { app: started.app, connection: started.connection, agenda: started.agenda, services, slackClients, port, stop };
}


const SHUTDOWN_DEADLINE_MS = 10_000;

/** SIGTERM and SIGINT stop the runtime within 10 s (running jobs finish first), then the process exits. */
export function stopOnSignals(runtime: Runtime, logger: Logger): void {
  const shutdown = (signal: string) => {
    logger.info(`${signal}: shutting down`);
    const force = setTimeout(() => {
      logger.error('Shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    force.unref();
    runtime.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

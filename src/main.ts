// `npm start`: read config, start everything, shut down cleanly on SIGTERM/SIGINT.
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startRuntime } from './runtime.js';

const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const runtime = await startRuntime(config, { logger });
  logger.info(
    config.slack.appToken
      ? 'Followups is running in Socket Mode'
      : `Followups is listening on port ${runtime.port} (POST /slack/events, GET /healthz)`,
  );

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

main().catch((error: unknown) => {
  // Start-up problems (config, local database, Slack) are one line, never a stack trace.
  console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

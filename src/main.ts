// `npm start`: read config, start everything (the Slack listener and the jobs), shut down cleanly on SIGTERM/SIGINT.
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startRuntime, stopOnSignals } from './runtime.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const runtime = await startRuntime(config, { logger });
  logger.info(
    config.slack.appToken
      ? 'Followups is running in Socket Mode'
      : `Followups is listening on port ${runtime.port} (POST /slack/events, GET /healthz)`,
  );
  stopOnSignals(runtime, logger);
}

main().catch((error: unknown) => {
  // Start-up problems (config, local database, Slack) are one line, never a stack trace.
  console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

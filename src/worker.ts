// `npm run worker`: the jobs only (sending followups, notices, imports, replans), no Slack listener
// and no HTTP server; same config as `npm start`. Run as many as the sending needs, beside any
// number of web processes, all on one MongoDB: every job is safe to run in several at once.
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startRuntime, stopOnSignals } from './runtime.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const runtime = await startRuntime(config, { logger, web: false });
  logger.info(`Followups worker is running jobs (pid ${process.pid})`);
  stopOnSignals(runtime, logger);
}

main().catch((error: unknown) => {
  console.error(`Cannot start the worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

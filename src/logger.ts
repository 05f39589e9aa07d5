import { ConsoleLogger, LogLevel, type Logger } from '@slack/logger';
import type { LogLevel as ConfigLogLevel } from './config.js';

export type { Logger };

const LEVELS: Record<ConfigLogLevel, LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

export function createLogger(level: ConfigLogLevel, name = 'followups'): Logger {
  const logger = new ConsoleLogger();
  logger.setLevel(LEVELS[level]);
  logger.setName(name);
  return logger;
}

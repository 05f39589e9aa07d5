import type { App } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import * as commands from './commands/index.js';

export function registerListeners(app: App, services: Services, logger: Logger): void {
  commands.register(app, services, logger);
}

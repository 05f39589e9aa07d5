import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { helpMessage } from '../../../views/help.js';
import { parseScheduleCommand, SUBCOMMANDS } from './parseScheduleCommand.js';

export function register(app: App, _services: Services, _logger: Logger): void {
  app.command('/schedule', async ({ ack, command }) => {
    const request = parseScheduleCommand(command.text);
    switch (request.kind) {
      case 'help':
        // Acking with the message answers in one round trip; ephemeral is Slack's default.
        await ack({ response_type: 'ephemeral', ...helpMessage({ subcommands: SUBCOMMANDS, ...(request.unknownWord ? { unknownWord: request.unknownWord } : {}) }) });
        return;
    }
  });
}

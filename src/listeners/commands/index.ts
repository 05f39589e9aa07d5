// `/schedule …`: ack at once, then hand the parsed request to its handler.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { helpMessage } from '../../../views/help.js';
import { notice } from '../../../views/message.js';
import { logFailure, userMessage, workspaceOf } from '../context.js';
import { respondOn } from '../flows/postJson.js';
import { DomainError, ValidationError } from '../../services/domain.js';
import { parseScheduleCommand, SUBCOMMANDS } from './parseScheduleCommand.js';
import type { CommandContext } from './types.js';
import * as schedules from './schedules.js';
import * as customMessages from './customMessages.js';
import * as assistants from './assistants.js';
import * as apiTokens from './apiTokens.js';
import * as leads from './leads.js';
import * as leadImport from './leadImport.js';
import * as workspaceData from './workspaceData.js';

/** Commands that open a modal: they wait for seeding inside the trigger's deadline (see flows/answers.ts). */
const MODAL_COMMANDS: ReadonlySet<string> = new Set(['clone', 'edit', 'rename', 'message.new', 'message.edit', 'assistant.add', 'assistant.edit', 'default', 'lead.add', 'lead.stop', 'lead.import', 'deleteWorkspaceData']);

export function register(app: App, services: Services, logger: Logger): void {
  app.command('/schedule', async ({ ack, command, client }) => {
    // Bolt's respond() goes over fetch; respondOn over node:http costs less CPU (postJson.ts).
    const respond = respondOn(command.response_url);
    // A command without `text` (or a forged non-string one) is the bare command: help.
    const request = parseScheduleCommand(typeof command.text === 'string' ? command.text : '');
    // Help and usage need no lookup: answering in the ack is one round trip.
    if (request.kind === 'help') {
      await ack({ response_type: 'ephemeral', ...helpMessage({ subcommands: SUBCOMMANDS, ...(request.unknownWord ? { unknownWord: request.unknownWord } : {}) }) });
      return;
    }
    if (request.kind === 'usage') {
      await ack({ response_type: 'ephemeral', ...notice(request.message) });
      return;
    }
    await ack();
    const workspace = workspaceOf(command);
    // After the ack: seeding is database work, and Slack waits for no one.
    const seeded = services.workspaces.ensureSeeded(workspace);
    seeded.catch(() => {}); // awaited (and answered) by whichever handler needs the schedules
    const ctx: CommandContext = { command, workspace, client, respond, services, logger, seeded };
    try {
      if (!MODAL_COMMANDS.has(request.kind)) await seeded;
      switch (request.kind) {
        case 'list':
          return await schedules.list(ctx);
        case 'clone':
          return await schedules.clone(ctx, request.name);
        case 'edit':
          return await schedules.edit(ctx, request.name);
        case 'view':
          return await schedules.view(ctx, request.name);
        case 'rename':
          return await schedules.rename(ctx, request.name);
        case 'delete':
          return await schedules.remove(ctx, request.name);
        case 'message.new':
          return await customMessages.create(ctx);
        case 'message.edit':
          return await customMessages.edit(ctx, request.name);
        case 'message.list':
          return await customMessages.list(ctx);
        case 'assistant.add':
          return await assistants.add(ctx);
        case 'assistant.edit':
          return await assistants.edit(ctx, request.name);
        case 'assistant.list':
          return await assistants.list(ctx);
        case 'default':
          return await assistants.makeDefault(ctx, request.assistant);
        case 'apiToken.create':
          return await apiTokens.create(ctx, request.label);
        case 'apiToken.list':
          return await apiTokens.list(ctx);
        case 'apiToken.revoke':
          return await apiTokens.revoke(ctx, request.label);
        case 'lead.add':
          return await leads.add(ctx);
        case 'lead.show':
          return await leads.show(ctx, request.email);
        case 'lead.list':
          return await leads.list(ctx, request.assistant, request.state);
        case 'lead.pause':
          return await leads.change(ctx, 'pause', request.email);
        case 'lead.resume':
          return await leads.change(ctx, 'resume', request.email);
        case 'lead.stop':
          return await leads.stop(ctx, request.email);
        case 'lead.import':
          return await leadImport.open(ctx, request.file);
        case 'deleteWorkspaceData':
          return await workspaceData.confirmDeletion(ctx);
        case 'export':
          return await workspaceData.exportAll(ctx);
      }
    } catch (error) {
      if (!(error instanceof DomainError || error instanceof ValidationError)) logFailure(logger, `/schedule ${command.text}`, error);
      await respond({ response_type: 'ephemeral', ...notice(userMessage(error)) });
    }
  });
}

import type { RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import type { WorkspaceRef } from '../../services/domain.js';

/** What a subcommand handler gets, after the command was acked. */
export interface CommandContext {
  readonly command: SlashCommand;
  readonly workspace: WorkspaceRef;
  readonly client: WebClient;
  readonly respond: RespondFn;
  readonly services: Services;
  readonly logger: Logger;
}

import type { RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import type { WorkspaceRef } from '../../services/domain.js';
import { openWhenReady, type Opening } from '../flows/answers.js';

/** What a subcommand handler gets, after the command was acked. */
export interface CommandContext {
  readonly command: SlashCommand;
  readonly workspace: WorkspaceRef;
  readonly client: WebClient;
  readonly respond: RespondFn;
  readonly services: Services;
  readonly logger: Logger;
  /** Settles once the workspace's system schedules exist (seeded after the ack, not before it). */
  readonly seeded: Promise<void>;
}

/** Opens what `work` produces with the command's trigger (a loading modal first when it is slow). */
export function openFromCommand(ctx: CommandContext, title: string, work: () => Promise<Opening>): Promise<void> {
  const opener = { client: ctx.client, triggerId: ctx.command.trigger_id, respond: ctx.respond, logger: ctx.logger };
  return openWhenReady(opener, title, `/schedule ${ctx.command.text}`, async () => {
    await ctx.seeded;
    return work();
  });
}

// `/schedule message new | edit <name> | list`.
import { customMessageModal } from '../../../views/customMessageModal.js';
import { notice } from '../../../views/message.js';
import type { CommandContext } from './types.js';

export async function create(ctx: CommandContext): Promise<void> {
  await ctx.client.views.open({
    trigger_id: ctx.command.trigger_id,
    view: customMessageModal({ metadata: { responseUrl: ctx.command.response_url } }),
  });
}

export async function edit(ctx: CommandContext, _name: string): Promise<void> {
  await ctx.respond({ response_type: 'ephemeral', ...notice('This part of `/schedule` is not ready yet.') });
}

export async function list(ctx: CommandContext): Promise<void> {
  await ctx.respond({ response_type: 'ephemeral', ...notice('This part of `/schedule` is not ready yet.') });
}

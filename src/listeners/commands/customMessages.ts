// `/schedule message new | edit <name> | list`.
import { customMessageModal } from '../../../views/customMessageModal.js';
import { customMessageListMessage } from '../../../views/customMessageList.js';
import { customMessageNotFoundMessage } from '../../../views/notFound.js';
import { actorOf } from '../context.js';
import { messageEditView } from '../flows/customMessages.js';
import type { CommandContext } from './types.js';
import { openFromCommand } from './types.js';

export async function create(ctx: CommandContext): Promise<void> {
  // Nothing to look up: the trigger opens the modal at once.
  await ctx.client.views.open({
    trigger_id: ctx.command.trigger_id,
    view: customMessageModal({ metadata: { responseUrl: ctx.command.response_url } }),
  });
}

export async function edit(ctx: CommandContext, name: string): Promise<void> {
  await openFromCommand(ctx, 'Edit custom message', async () => {
    const message = await ctx.services.customMessages.findByName(ctx.workspace, name);
    if (!message) return { message: customMessageNotFoundMessage(name, await ctx.services.customMessages.closeMatches(ctx.workspace, name)) };
    const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
    return { modal: messageEditView(ctx.services, actor, message, ctx.command.response_url) };
  });
}

export async function list(ctx: CommandContext): Promise<void> {
  const messages = await ctx.services.customMessages.list(ctx.workspace);
  await ctx.respond({ response_type: 'ephemeral', ...customMessageListMessage(messages) });
}

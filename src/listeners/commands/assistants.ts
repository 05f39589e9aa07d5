// `/schedule assistant add | edit <name> | list` and `/schedule default [assistant]`.
import { assistantListMessage, assistantNotFoundMessage } from '../../../views/assistantList.js';
import { notice } from '../../../views/message.js';
import { actorOf } from '../context.js';
import { assistantListItems, assistantModalFor, defaultsModalFor } from '../flows/assistants.js';
import type { CommandContext } from './types.js';

export async function add(ctx: CommandContext): Promise<void> {
  const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
  await ctx.client.views.open({
    trigger_id: ctx.command.trigger_id,
    view: assistantModalFor(ctx.services, { userTimeZone: actor.timeZone }, { responseUrl: ctx.command.response_url }),
  });
}

export async function edit(ctx: CommandContext, name: string): Promise<void> {
  const assistant = await ctx.services.assistants.findByName(ctx.workspace, name);
  if (!assistant) {
    const names = (await ctx.services.assistants.list(ctx.workspace)).map((a) => a.name);
    await ctx.respond({ response_type: 'ephemeral', ...assistantNotFoundMessage(name, names) });
    return;
  }
  const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
  // Refused here already, naming who can, rather than after the user filled the form.
  ctx.services.assistants.assertCanChange(actor, assistant);
  await ctx.client.views.open({
    trigger_id: ctx.command.trigger_id,
    view: assistantModalFor(ctx.services, { assistant, userTimeZone: actor.timeZone }, { assistantId: assistant.id, responseUrl: ctx.command.response_url }),
  });
}

export async function list(ctx: CommandContext): Promise<void> {
  await ctx.respond({ response_type: 'ephemeral', ...assistantListMessage(await assistantListItems(ctx.services, ctx.workspace)) });
}

export async function makeDefault(ctx: CommandContext, assistant?: string): Promise<void> {
  const view = await defaultsModalFor(ctx.services, ctx.workspace, assistant ? { typedName: assistant } : {}, { responseUrl: ctx.command.response_url });
  if (!view) {
    await ctx.respond({ response_type: 'ephemeral', ...notice('Add an assistant first with `/schedule assistant add`.') });
    return;
  }
  await ctx.client.views.open({ trigger_id: ctx.command.trigger_id, view });
}

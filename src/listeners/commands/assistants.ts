// `/schedule assistant add | edit <name> | list` and `/schedule default [assistant]`.
import { assistantListMessage } from '../../../views/assistantList.js';
import { assistantNotFoundMessage } from '../../../views/notFound.js';
import { notice } from '../../../views/message.js';
import { actorOf } from '../context.js';
import { assistantListItems, assistantModalFor, defaultsModalFor } from '../flows/assistants.js';
import { openFromCommand, type CommandContext } from './types.js';

export async function add(ctx: CommandContext): Promise<void> {
  await openFromCommand(ctx, 'Add an assistant', async () => {
    const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
    return { modal: assistantModalFor(ctx.services, { userId: actor.userId, userTimeZone: actor.timeZone }, { responseUrl: ctx.command.response_url }) };
  });
}

export async function edit(ctx: CommandContext, name: string): Promise<void> {
  await openFromCommand(ctx, 'Edit assistant', async () => {
    const assistant = await ctx.services.assistants.findByName(ctx.workspace, name);
    if (!assistant) {
      const [names, closeMatches] = await Promise.all([
        ctx.services.assistants.list(ctx.workspace).then((all) => all.map((a) => a.name)),
        ctx.services.assistants.closeMatches(ctx.workspace, name),
      ]);
      return { message: assistantNotFoundMessage(name, closeMatches, names) };
    }
    const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
    // Refused here already, naming who can, rather than after the user filled the form.
    ctx.services.assistants.assertCanChange(actor, assistant);
    return {
      modal: assistantModalFor(ctx.services, { assistant, userId: actor.userId, userTimeZone: actor.timeZone }, { assistantId: assistant.id, version: assistant.version, responseUrl: ctx.command.response_url }),
    };
  });
}

export async function list(ctx: CommandContext): Promise<void> {
  await ctx.respond({ response_type: 'ephemeral', ...assistantListMessage(await assistantListItems(ctx.services, ctx.workspace)) });
}

export async function makeDefault(ctx: CommandContext, assistant?: string): Promise<void> {
  await openFromCommand(ctx, 'Make default', async () => {
    const view = await defaultsModalFor(ctx.services, ctx.workspace, assistant ? { typedName: assistant } : {}, { responseUrl: ctx.command.response_url });
    return view ? { modal: view } : { message: notice('Add an assistant first with `/schedule assistant add`.') };
  });
}

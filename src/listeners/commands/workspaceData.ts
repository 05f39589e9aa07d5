// `/schedule export` and `/schedule delete-workspace-data`: workspace admins only (the service checks).
import { deleteWorkspaceDataModal, exportStartedMessage } from '../../../views/workspaceData.js';
import { actorOf } from '../context.js';
import { openFromCommand, type CommandContext } from './types.js';

export async function confirmDeletion(ctx: CommandContext): Promise<void> {
  await openFromCommand(ctx, 'Delete workspace data', async () => {
    const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
    ctx.services.workspaceData.assertAdmin(actor);
    return { modal: deleteWorkspaceDataModal() };
  });
}

/** Answers at once; the job writes the file and shares it in the admin's DM with the app. */
export async function exportAll(ctx: CommandContext): Promise<void> {
  const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
  await ctx.services.workspaceData.requestExport(actor, { responseUrl: ctx.command.response_url ?? null });
  await ctx.respond({ response_type: 'ephemeral', ...exportStartedMessage() });
}

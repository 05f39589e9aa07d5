// `/schedule export` and `/schedule delete-workspace-data`: workspace admins only (the service checks).
import { deleteWorkspaceDataModal } from '../../../views/workspaceData.js';
import { actorOf } from '../context.js';
import { openFromCommand, type CommandContext } from './types.js';

export async function confirmDeletion(ctx: CommandContext): Promise<void> {
  await openFromCommand(ctx, 'Delete workspace data', async () => {
    const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
    ctx.services.workspaceData.assertAdmin(actor);
    return { modal: deleteWorkspaceDataModal() };
  });
}

// `/schedule lead import`: the import modal (the rows come as a file or pasted, then an import job runs them).
import { leadImportModal } from '../../../views/leadImport.js';
import { notice } from '../../../views/message.js';
import { openFromCommand, type CommandContext } from './types.js';

export async function open(ctx: CommandContext): Promise<void> {
  await openFromCommand(ctx, 'Import leads', async () => {
    const assistants = await ctx.services.assistants.list(ctx.workspace);
    if (assistants.length === 0) return { message: notice('Leads follow up with an assistant: add one first with `/schedule assistant add`.') };
    return { modal: leadImportModal({ assistants: assistants.map((a) => ({ id: a.id, name: a.name })) }) };
  });
}

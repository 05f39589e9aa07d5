// `/schedule lead import [file link]`: the import modal (the rows come as a file shared in a
// conversation, an upload or pasted text, then an import job runs them).
import { leadImportModal } from '../../../views/leadImport.js';
import { notice } from '../../../views/message.js';
import { code } from '../../../views/text.js';
import { leadActor } from './leads.js';
import { openFromCommand, type CommandContext } from './types.js';

/** The file id in a Slack file link (`https://acme.slack.com/files/U…/F…/leads.csv`), or a bare id. */
export function fileIdOf(link: string): string | null {
  return /(?:^|\/)(F[A-Z0-9]{6,})(?:\/|$|>|\|)/.exec(link.replace(/^<|>$/g, ''))?.[1] ?? null;
}

function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}

export async function open(ctx: CommandContext, fileLink?: string): Promise<void> {
  await openFromCommand(ctx, 'Import leads', async () => {
    // A guest is told before picking a file the service would refuse.
    await leadActor(ctx);
    let sharedFile: { id: string; name: string } | undefined;
    if (fileLink) {
      const id = fileIdOf(fileLink);
      if (!id) return { message: notice(`${code(fileLink, 80)} is not a link to a file. In Slack, open the file's menu (⋮), choose *Copy link*, and paste it after \`/schedule lead import\`.`) };
      try {
        const file = (await ctx.client.files.info({ file: id })).file;
        sharedFile = { id, name: file?.name ?? id };
      } catch (error) {
        const reason = slackError(error);
        if (reason !== 'file_not_found' && reason !== 'file_deleted') throw error;
        return { message: notice('The app cannot see that file: share it in a conversation the app is in (or upload it in the import form), then try again.') };
      }
    }
    const assistants = await ctx.services.assistants.list(ctx.workspace);
    if (assistants.length === 0) return { message: notice('Leads follow up with an assistant: add one first with `/schedule assistant add`.') };
    return { modal: leadImportModal({ assistants: assistants.map((a) => ({ id: a.id, name: a.name })), ...(sharedFile ? { sharedFile } : {}) }) };
  });
}

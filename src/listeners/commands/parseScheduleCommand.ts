// `/schedule <subcommand> [words]` → a typed request. Pure, so every spelling is testable.
import { code } from '../../../views/text.js';

export interface SubcommandHelp {
  readonly usage: string;
  readonly description: string;
  readonly example: string;
}

/** What `/schedule help` lists, in order. */
export const SUBCOMMANDS: readonly SubcommandHelp[] = [
  { usage: 'list', description: 'All schedules, with Edit, Clone and View buttons.', example: '/schedule list' },
  { usage: 'clone [name]', description: 'Copy a schedule, then edit the copy.', example: '/schedule clone Recommended' },
  { usage: 'edit <name>', description: 'Edit the steps, with live example dates.', example: '/schedule edit Q4 outreach' },
  { usage: 'view <name>', description: 'The steps, their messages and example dates.', example: '/schedule view Recommended' },
  { usage: 'default [assistant]', description: "Choose an assistant's default schedules.", example: '/schedule default Ava' },
  { usage: 'rename <name>', description: 'Rename a schedule you own.', example: '/schedule rename Q4 outreach' },
  { usage: 'delete <name>', description: 'Delete a schedule you own (asks first).', example: '/schedule delete Old drip' },
  { usage: 'message new | edit <name> | list', description: 'Custom messages with {{first_name|there}}-style tokens.', example: '/schedule message new' },
  { usage: 'assistant add | edit <name> | list', description: 'Assistants: who sends, from which address, in which hours, time zone, off days and holidays.', example: '/schedule assistant add' },
  { usage: 'api-token create [label] | list | revoke <label>', description: 'Tokens for the HTTP API (workspace admins).', example: '/schedule api-token create CRM sync' },
  { usage: 'lead add | show <email> | list [assistant] [state]', description: 'Leads: add one to an assistant’s schedule, see its followups, list them.', example: '/schedule lead list Ava paused' },
  { usage: 'lead pause | resume | stop <email>', description: 'Pause, resume or stop (with a reason) a lead’s followups.', example: '/schedule lead pause jamie@acme.com' },
  { usage: 'lead import [file link]', description: 'Add leads from a CSV: one shared in a conversation (its link), uploaded, or pasted rows.', example: '/schedule lead import' },
  { usage: 'export', description: 'Every record of this workspace as a JSON file, sent to your DM with the app (workspace admins).', example: '/schedule export' },
  { usage: 'delete-workspace-data', description: 'Delete everything the app keeps for this workspace, after typing a phrase to confirm (workspace admins).', example: '/schedule delete-workspace-data' },
  { usage: 'help', description: 'Show this list.', example: '/schedule help' },
];

export type ScheduleCommand =
  | { kind: 'help'; unknownWord?: string }
  | { kind: 'usage'; message: string }
  | { kind: 'list' }
  | { kind: 'clone'; name?: string }
  | { kind: 'edit'; name: string }
  | { kind: 'view'; name: string }
  | { kind: 'default'; assistant?: string }
  | { kind: 'rename'; name: string }
  | { kind: 'delete'; name: string }
  | { kind: 'message.new' }
  | { kind: 'message.edit'; name: string }
  | { kind: 'message.list' }
  | { kind: 'assistant.add' }
  | { kind: 'assistant.edit'; name: string }
  | { kind: 'assistant.list' }
  | { kind: 'apiToken.create'; label?: string }
  | { kind: 'apiToken.list' }
  | { kind: 'apiToken.revoke'; label: string }
  | { kind: 'lead.add' }
  | { kind: 'lead.show'; email: string }
  | { kind: 'lead.list'; assistant?: string; state?: LeadState }
  | { kind: 'lead.pause' | 'lead.resume' | 'lead.stop'; email: string }
  | { kind: 'lead.import'; file?: string }
  | { kind: 'deleteWorkspaceData' }
  | { kind: 'export' };

const LEAD_STATES = ['active', 'paused', 'completed', 'stopped'] as const;
type LeadState = (typeof LEAD_STATES)[number];

/** `lead list [assistant] [state]`: a last word that is a state is the state; the words before name the assistant. */
function leadList(words: string): ScheduleCommand {
  const parts = words.split(/\s+/).filter(Boolean);
  const last = parts.at(-1)?.toLowerCase() ?? '';
  const state = (LEAD_STATES as readonly string[]).includes(last) ? (last as LeadState) : undefined;
  const assistant = rest((state ? parts.slice(0, -1) : parts).join(' '), 0);
  return { kind: 'lead.list', ...(assistant ? { assistant } : {}), ...(state ? { state } : {}) };
}

function leadCommand(text: string, second: string): ScheduleCommand {
  const verb = second.toLowerCase();
  switch (verb) {
    case 'add':
    case 'new':
      return { kind: 'lead.add' };
    case 'import': {
      // The link of a CSV shared in a conversation (its "Copy link"), or nothing: upload or paste in the modal.
      const file = rest(text, 2);
      return file ? { kind: 'lead.import', file } : { kind: 'lead.import' };
    }
    case 'list':
    case '':
      return leadList(rest(text, 2));
    case 'show':
    case 'pause':
    case 'resume':
    case 'stop': {
      // Slack may send a typed address as a link: `<mailto:jamie@acme.com|jamie@acme.com>`.
      const typed = rest(text, 2);
      const email = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/i.exec(typed)?.[1] ?? typed;
      if (!email) return { kind: 'usage', message: `Which lead? Add their email, e.g. \`/schedule lead ${verb} jamie@acme.com\`. \`/schedule lead list\` shows them.` };
      return { kind: `lead.${verb}`, email };
    }
    default:
      return { kind: 'usage', message: `I don't know ${code(`lead ${second}`, 60)}. Try \`/schedule lead add\`, \`/schedule lead import\`, ${code('/schedule lead show <email>')}, ${code('/schedule lead list [assistant] [state]')} or ${code('/schedule lead pause | resume | stop <email>')}.` };
  }
}

/** The words after the first, with surrounding quotes (straight or curly) taken off. */
function rest(text: string, skip: number): string {
  const words = text.trim().split(/\s+/).slice(skip).join(' ');
  return words.replace(/^["“”'‘’](.*)["“”'‘’]$/s, '$1').trim();
}

function needsName(kind: 'edit' | 'view' | 'rename' | 'delete', name: string): ScheduleCommand {
  if (!name) return { kind: 'usage', message: `Which schedule? Add its name, e.g. \`/schedule ${kind} Recommended\`. \`/schedule list\` shows them all.` };
  return { kind, name };
}

export function parseScheduleCommand(text: string): ScheduleCommand {
  const [first = '', second = ''] = text.trim().split(/\s+/);
  const word = first.toLowerCase();
  switch (word) {
    case '':
    case 'help':
      return { kind: 'help' };
    case 'list':
      return { kind: 'list' };
    case 'clone': {
      const name = rest(text, 1);
      return name ? { kind: 'clone', name } : { kind: 'clone' };
    }
    case 'edit':
    case 'view':
    case 'rename':
    case 'delete':
      return needsName(word, rest(text, 1));
    case 'default': {
      const assistant = rest(text, 1);
      return assistant ? { kind: 'default', assistant } : { kind: 'default' };
    }
    case 'message':
    case 'messages':
      switch (second.toLowerCase()) {
        case 'new':
          return { kind: 'message.new' };
        case 'list':
        case '':
          return { kind: 'message.list' };
        case 'edit': {
          const name = rest(text, 2);
          return name ? { kind: 'message.edit', name } : { kind: 'usage', message: 'Which message? e.g. `/schedule message edit Pricing follow-up`. `/schedule message list` shows them all.' };
        }
        default:
          return { kind: 'usage', message: `I don't know ${code(`message ${second}`, 60)}. Try \`/schedule message new\`, ${code('/schedule message edit <name>')} or \`/schedule message list\`.` };
      }
    case 'assistant':
    case 'assistants':
      switch (second.toLowerCase()) {
        case 'add':
        case 'new':
          return { kind: 'assistant.add' };
        case 'list':
        case '':
          return { kind: 'assistant.list' };
        case 'edit': {
          const name = rest(text, 2);
          return name ? { kind: 'assistant.edit', name } : { kind: 'usage', message: 'Which assistant? e.g. `/schedule assistant edit Ava`. `/schedule assistant list` shows them all.' };
        }
        default:
          return { kind: 'usage', message: `I don't know ${code(`assistant ${second}`, 60)}. Try \`/schedule assistant add\`, ${code('/schedule assistant edit <name>')} or \`/schedule assistant list\`.` };
      }
    case 'api-token':
    case 'api-tokens':
      return parseApiTokenCommand(second.toLowerCase(), rest(text, 2));
    case 'lead':
    case 'leads':
      return leadCommand(text, second);
    case 'delete-workspace-data':
      return { kind: 'deleteWorkspaceData' };
    case 'export':
      return { kind: 'export' };
    default:
      return { kind: 'help', unknownWord: first };
  }
}

function parseApiTokenCommand(verb: string, words: string): ScheduleCommand {
  switch (verb) {
    case 'create':
    case 'new':
      return words ? { kind: 'apiToken.create', label: words } : { kind: 'apiToken.create' };
    case 'list':
    case '':
      return { kind: 'apiToken.list' };
    case 'revoke':
    case 'delete':
      return words ? { kind: 'apiToken.revoke', label: words } : { kind: 'usage', message: 'Which token? e.g. `/schedule api-token revoke CRM sync`. `/schedule api-token list` shows their labels.' };
    default:
      return { kind: 'usage', message: `I don't know ${code(`api-token ${verb}`, 60)}. Try ${code('/schedule api-token create [label]')}, \`/schedule api-token list\` or ${code('/schedule api-token revoke <label>')}.` };
  }
}

// `/schedule <subcommand> [words]` → a typed request. Pure, so every spelling is testable.

export interface SubcommandHelp {
  readonly usage: string;
  readonly description: string;
  readonly example: string;
}

/** What `/schedule help` lists, in order. */
export const SUBCOMMANDS: readonly SubcommandHelp[] = [
  { usage: 'help', description: 'Show what `/schedule` can do.', example: '/schedule help' },
];

export type ScheduleCommand = { kind: 'help'; unknownWord?: string };

export function parseScheduleCommand(text: string): ScheduleCommand {
  const trimmed = text.trim();
  const [first = ''] = trimmed.split(/\s+/);
  const word = first.toLowerCase();
  if (word === '' || word === 'help') return { kind: 'help' };
  return { kind: 'help', unknownWord: first };
}

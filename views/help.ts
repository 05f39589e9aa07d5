import type { KnownBlock } from '@slack/types';

export interface HelpModel {
  readonly subcommands: readonly { usage: string; description: string; example: string }[];
  /** A word the user typed that is not a subcommand. */
  readonly unknownWord?: string;
}

export interface MessageView {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

export function helpMessage(model: HelpModel): MessageView {
  const intro = model.unknownWord
    ? `I don't know \`${clip(model.unknownWord, 60)}\`. Here is what \`/schedule\` can do:`
    : 'Here is what `/schedule` can do:';
  const lines = model.subcommands.map((s) => `• \`/schedule ${s.usage}\` — ${s.description}\n      e.g. \`${s.example}\``);
  return {
    text: intro,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: intro } },
      // One section per 10 subcommands keeps each under Slack's 3000-character section limit.
      ...chunk(lines, 10).map((group): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: group.join('\n') } })),
    ],
  };
}

function clip(text: string, max: number): string {
  const safe = text.replace(/`/g, "'");
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

import type { KnownBlock } from '@slack/types';
import { chunk, clip } from './text.js';
import type { MessageView } from './message.js';

export interface HelpModel {
  readonly subcommands: readonly { usage: string; description: string; example: string }[];
  /** A word the user typed that is not a subcommand. */
  readonly unknownWord?: string;
}

export function helpMessage(model: HelpModel): MessageView {
  const intro = model.unknownWord
    ? `I don't know \`${clip(model.unknownWord.replace(/`/g, "'"), 60)}\`. Here is what \`/schedule\` can do:`
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

import type { KnownBlock } from '@slack/types';
import { chunk, code, mrkdwn } from './text.js';
import type { MessageView } from './message.js';

export interface HelpModel {
  readonly subcommands: readonly { usage: string; description: string; example: string }[];
  /** A word the user typed that is not a subcommand. */
  readonly unknownWord?: string;
}

export function helpMessage(model: HelpModel): MessageView {
  const intro = model.unknownWord
    ? `I don't know ${code(model.unknownWord, 60)}. Here is what \`/schedule\` can do:`
    : 'Here is what `/schedule` can do:';
  const lines = model.subcommands.map((s) => `• ${code(`/schedule ${s.usage}`)} — ${s.description}\n      e.g. ${code(s.example)}`);
  return {
    text: intro,
    blocks: [
      { type: 'section', text: mrkdwn(intro) },
      // One section per 10 subcommands keeps each under Slack's 3000-character section limit.
      ...chunk(lines, 10).map((group): KnownBlock => ({ type: 'section', text: mrkdwn(group.join('\n')) })),
    ],
  };
}

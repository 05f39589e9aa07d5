import type { KnownBlock } from '@slack/types';
import { code, escapeMrkdwn, mrkdwn, userMention } from './text.js';

/** A message body for chat.postMessage, chat.postEphemeral, a response_url or an ack. */
export interface MessageView {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

/** A one-paragraph message (confirmations, refusals). `text` is mrkdwn, user text in it escaped. */
export function notice(text: string): MessageView {
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

/**
 * A service's refusal as mrkdwn: its plain sentence escaped (it may quote names), `{owner}` as a
 * mention, and for a schedule in use the command that changes the default.
 */
export function refusalText(message: string, details: { readonly ownerId?: string; readonly defaultFor?: readonly string[] }): string {
  const { ownerId } = details;
  // The service writes `{owner}` before any name it quotes, so the first one is its own.
  let text = ownerId ? escapeMrkdwn(message, 2000).replace('{owner}', () => userMention(ownerId)) : escapeMrkdwn(message, 2000);
  if (details.defaultFor?.[0]) text += ` Use ${code(`/schedule default ${details.defaultFor[0]}`, 200)}.`;
  return text;
}

import type { KnownBlock } from '@slack/types';

/** A message body for chat.postMessage, chat.postEphemeral, a response_url or an ack. */
export interface MessageView {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

/** A one-paragraph message (confirmations, refusals). */
export function notice(text: string): MessageView {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

// `/schedule api-token create | list | revoke`: the new token (shown this once), the list, the revocation.
import type { KnownBlock } from '@slack/types';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { MessageView } from './message.js';
import { bold, chunk, code, escapeMrkdwn, mrkdwn, plural, userMention } from './text.js';

export interface ApiTokenListItem {
  readonly label: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

/** "7 Apr 2026 14:05", in the viewer's time zone. */
function when(at: Date, timeZone: string): string {
  return format(new TZDate(at, timeZone), 'd MMM yyyy HH:mm');
}

export function apiTokenCreatedMessage(model: { label: string; token: string }): MessageView {
  const text =
    `API token ${bold(model.label, 100)} is ready. Copy it now: it is shown only this once, and the app keeps only a fingerprint of it.\n` +
    `${code(model.token)}\n` +
    `Send it with every request as ${code('Authorization: Bearer <token>')}. The API is described at ${code('GET /api/v1/openapi.json')}. ` +
    `If it leaks, ${code(`/schedule api-token revoke ${model.label}`, 200)} stops it at once.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

const EMPTY = 'No API tokens yet. Create one with `/schedule api-token create [label]`.';
/** Lines per section keep each section under Slack's 3000 characters; sections per message under its 50 blocks. */
const LINES_PER_SECTION = 10;
const MAX_SECTIONS = 45;

/** `timeZone` is the viewer's (their Slack profile's): the times are theirs. */
export function apiTokenListMessage(tokens: readonly ApiTokenListItem[], timeZone: string): MessageView {
  if (!tokens.length) return { text: EMPTY, blocks: [{ type: 'section', text: mrkdwn(EMPTY) }] };
  const title = `API tokens (${tokens.length})`;
  const lines = tokens.map(
    (t) => `${bold(t.label, 100)} · by ${userMention(t.createdBy)} · created ${when(t.createdAt, timeZone)} · ${t.lastUsedAt ? `last used ${when(t.lastUsedAt, timeZone)}` : 'never used'}`,
  );
  const sections = chunk(lines, LINES_PER_SECTION);
  const shown = sections.slice(0, MAX_SECTIONS);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: title } },
    ...shown.map((group): KnownBlock => ({ type: 'section', text: mrkdwn(group.join('\n')) })),
  ];
  const hidden = tokens.length - shown.length * LINES_PER_SECTION;
  if (hidden > 0) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${plural(hidden, 'more token')}.`)] });
  blocks.push({ type: 'context', elements: [mrkdwn(`Times in ${escapeMrkdwn(timeZone, 60)}. Revoke a token with \`/schedule api-token revoke &lt;label&gt;\`.`)] });
  return { text: title, blocks };
}

export function apiTokenRevokedMessage(label: string): MessageView {
  const text = `API token ${bold(label, 100)} is revoked: requests that use it are refused from now on.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

/** The refusal for a label no token has, with the way to see the labels there are. */
export function apiTokenNotFoundMessage(label: string): MessageView {
  const text = `No API token is labelled ${bold(label, 100)}. \`/schedule api-token list\` shows them.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

// "No schedule is named “x”" and its kin: the answer to a command naming something that does not exist,
// with the names that come close (typos included), so the user can try again at once.
import type { MessageView } from './message.js';
import { bold, mrkdwn, nameList, quoted } from './text.js';

/** How many names a not-found answer offers. */
const OFFERED = 20;

function names(list: readonly string[]): string {
  return nameList(list, OFFERED, bold);
}

function message(text: string): MessageView {
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

/** " Close matches: *A*, *B*." or nothing. */
export function closeMatchesText(closeMatches: readonly string[]): string {
  return closeMatches.length ? ` Close matches: ${names(closeMatches)}.` : '';
}

export function scheduleNotFoundText(typed: string, closeMatches: readonly string[]): string {
  return `No schedule is named ${quoted(typed, 100)}.${closeMatchesText(closeMatches)}`;
}

export function scheduleNotFoundMessage(typed: string, closeMatches: readonly string[]): MessageView {
  return message(`${scheduleNotFoundText(typed, closeMatches)} \`/schedule list\` shows them all.`);
}

export function customMessageNotFoundMessage(typed: string, closeMatches: readonly string[]): MessageView {
  return message(`No custom message is named ${quoted(typed, 100)}.${closeMatchesText(closeMatches)} \`/schedule message list\` shows them all.`);
}

/** Close matches when some come close; otherwise the assistants there are (a workspace has few). */
export function assistantNotFoundMessage(typed: string, closeMatches: readonly string[], all: readonly string[]): MessageView {
  if (!all.length) return message(`No assistant is named ${quoted(typed, 100)}, and there are none yet. Add one with \`/schedule assistant add\`.`);
  const offer = closeMatches.length ? closeMatchesText(closeMatches) : ` Assistants: ${names(all)}.`;
  return message(`No assistant is named ${quoted(typed, 100)}.${offer} \`/schedule assistant list\` shows them with their settings.`);
}

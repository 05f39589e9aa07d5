// Small text helpers shared by the view builders (pure).
//
// Everything a user wrote (names, descriptions, subjects, words typed after a command) goes into
// mrkdwn through `escapeMrkdwn`, `bold`, `quoted` or `code`, and into a text object through `mrkdwn`.
// Slack has no escape for its formatting characters, so (as jsx-slack does) those that could format
// are swapped for lookalikes; `&`, `<` and `>` become entities, so links and mentions stay plain text.
import type { MrkdwnElement } from '@slack/types';

/** Cuts text to Slack's limit for a field, marking the cut (never inside a surrogate pair). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * What Slack's mrkdwn would read as markup, and what shows instead. Half- and full-width forms
 * both format in Slack. The replacements are jsx-slack's: they read as the same character.
 */
const MARKUP: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '*': '\u2217', // ∗ asterisk operator
  '＊': '\ufe61', // ﹡ small asterisk
  _: '\u02cd', // ˍ modifier letter low macron
  '＿': '\u2e0f', // ⸏ paragraphos
  '~': '\u223c', // ∼ tilde operator
  '`': '\u02cb', // ˋ modifier letter grave accent
  '｀': '\u02cb',
};
/**
 * Bold, italic and strike marks only open or close at a word's edge: between two letters or digits
 * (`New_York`, `{{first_name}}`) Slack leaves them alone, so they stay as typed there.
 */
const EDGE_MARKS = /[*＊_＿~]/;
const WORD_CHAR = /[\p{L}\p{N}]/u;
/** Bidi controls would reorder the app's own words around a name; zero-width spaces let Slack format mid-word. */
const INVISIBLE = /[\u200b\u2060\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;
/** A soft hyphen keeps a line that starts with `>` from becoming a quote. */
const QUOTE_GUARD = '\u00ad';

/** Can this mark, with these neighbours in the user's text, open or close formatting? */
function mayFormat(before: string | undefined, after: string | undefined): boolean {
  return !(before && after && WORD_CHAR.test(before) && WORD_CHAR.test(after));
}

/**
 * User-written text for mrkdwn, shown exactly as typed: no link, mention, bold, italic, strike,
 * code or quote it contains comes alive. At most `max` characters once escaped (cut between
 * characters, never inside an entity), so the caller's own markup around it stays whole.
 */
export function escapeMrkdwn(text: string, max = 3000): string {
  const chars = [...text.replace(INVISIBLE, '')];
  const pieces = chars.map((ch, i) => {
    let piece = ch;
    if (EDGE_MARKS.test(ch)) piece = mayFormat(chars[i - 1], chars[i + 1]) ? MARKUP[ch]! : ch;
    else if (MARKUP[ch]) piece = MARKUP[ch];
    const atLineStart = i === 0 || chars[i - 1] === '\n';
    return atLineStart && (ch === '>' || ch === '＞') ? QUOTE_GUARD + piece : piece;
  });
  const whole = pieces.join('');
  if (whole.length <= max) return whole;
  let out = '';
  let kept = 0;
  while (kept < pieces.length && out.length + pieces[kept]!.length <= max - 1) out += pieces[kept++]!;
  // A mark left as typed between two letters would sit at the word's edge once cut: drop it.
  if (kept > 0 && EDGE_MARKS.test(pieces[kept - 1]!)) out = out.slice(0, -1);
  return `${out}…`;
}

/** A user-written name inside a sentence: one line, escaped, at most `max` characters shown. */
export function inline(text: string, max = 200): string {
  return escapeMrkdwn(text.replace(/\s+/g, ' ').trim(), max);
}

/** A user-written name in bold: `*Pricing*`. */
export function bold(text: string, max = 200): string {
  return `*${inline(text, max)}*`;
}

/** A user-written name in quotes: `“Pricing”`. */
export function quoted(text: string, max = 200): string {
  return `“${inline(text, max)}”`;
}

/** "Ava, Ben and 3 more": names, each escaped (`style` may make them bold), at most `shown` of them. */
export function nameList(names: readonly string[], shown = 5, style: (name: string, max: number) => string = inline): string {
  const list = names.slice(0, shown).map((name) => style(name, 100)).join(', ');
  return names.length > shown ? `${list} and ${names.length - shown} more` : list;
}

/**
 * Text inside a code span (a command to copy): formatting is off there, so only `&`, `<`, `>` are
 * escaped and a backtick, which would end the span, shows as a lookalike. What the user copies
 * stays what they typed.
 */
export function code(text: string, max = 300): string {
  const cleaned = clip(text.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim(), max);
  return `\`${cleaned.replace(/[&<>`｀]/g, (ch) => MARKUP[ch]!)}\``;
}

/**
 * A mrkdwn text object. `verbatim` stops Slack from turning bare URLs, `@here` and `#channel`
 * in a user's text into links and mentions; the app's own `<@U…>` and `<#C…>` still work.
 */
export function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text: clip(text, 3000), verbatim: true };
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "1.5 days", "1 day". */
export function days(n: number): string {
  return `${n} ${n === 1 ? 'day' : 'days'}`;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `<@U…>` for a Slack user id; anything else (a forged id) shows as plain text. */
export function userMention(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : inline(userId, 40);
}

/** `<#C…>` for a Slack conversation id; anything else (a forged id) shows as plain text. */
export function channelMention(channelId: string): string {
  return /^[CG][A-Z0-9]{2,}$/.test(channelId) ? `<#${channelId}>` : inline(channelId, 40);
}

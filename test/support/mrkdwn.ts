// What Slack would act on in a mrkdwn string, for tests that check user text stays plain text.
// Written from Slack's formatting rules, independently of views/text.ts:
// - `<…>` is a link, mention or command (`<https://…|label>`, `<@U…>`, `<!here>`, `<#C…>`);
// - `*`, `_`, `~` (and their full-width forms) open or close formatting at a word's edge, never
//   between two letters or digits;
// - a backtick opens or closes a code span, inside which formatting is off;
// - `>` (or `&gt;`) at the start of a line makes a quote.

const MARKS = /[*＊_＿~]/;
const WORD_CHAR = /[\p{L}\p{N}]/u;

function atEdge(before: string | undefined, after: string | undefined): boolean {
  return !(before && after && WORD_CHAR.test(before) && WORD_CHAR.test(after));
}

/** The markup Slack would act on in `text`, in order: `<…>` sequences, marks, backticks and quotes. */
export function liveMarkup(text: string): string[] {
  const chars = [...text];
  const tokens: string[] = [];
  let inCode = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const lineStart = i === 0 || chars[i - 1] === '\n';
    if (lineStart && !inCode && (ch === '>' || ch === '＞' || chars.slice(i, i + 4).join('') === '&gt;')) tokens.push('quote');
    if (ch === '<') {
      const end = chars.indexOf('>', i);
      tokens.push(end < 0 ? '<' : chars.slice(i, end + 1).join(''));
      if (end >= 0) i = end;
    } else if (ch === '>') {
      tokens.push('>');
    } else if (ch === '`' || ch === '｀') {
      tokens.push('`');
      inCode = !inCode;
    } else if (!inCode && MARKS.test(ch) && atEdge(chars[i - 1], chars[i + 1])) {
      tokens.push(ch);
    }
  }
  return tokens;
}

/**
 * The `<…>` sequences in `text` that are not a mention of a user or a channel by id, nor a time as
 * the app writes it (views/homeDelivery.ts `slackDate`: a number, its fixed format, a UTC fallback).
 */
export function foreignSequences(text: string): string[] {
  return liveMarkup(text).filter((t) => t.startsWith('<') && !/^<(@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|!date\^\d+\^\{date_short_pretty\} \{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC)>$/.test(t));
}

export interface MrkdwnText {
  /** Where it is in the view or message, as a JSON path. */
  readonly path: string;
  readonly text: string;
  readonly verbatim: boolean;
}

/** Every mrkdwn string in a view, a message (its `text` fallback included) or a list of blocks. */
export function mrkdwnTexts(node: unknown, path = ''): MrkdwnText[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => mrkdwnTexts(item, `${path}/${i}`));
  if (!node || typeof node !== 'object') return [];
  const obj = node as Record<string, unknown>;
  const own: MrkdwnText[] = [];
  if (obj.type === 'mrkdwn' && typeof obj.text === 'string') own.push({ path, text: obj.text, verbatim: obj.verbatim === true });
  // A message's top-level text is mrkdwn too (the notification, and the fallback).
  if (path === '' && typeof obj.text === 'string' && Array.isArray(obj.blocks)) own.push({ path: '/text', text: obj.text, verbatim: true });
  return [...own, ...Object.entries(obj).flatMap(([key, value]) => (key === 'text' && typeof value === 'string' ? [] : mrkdwnTexts(value, `${path}/${key}`)))];
}

// The escaping helpers every view uses for text a user wrote.
import { bold, clip, code, escapeMrkdwn, inline, userMention } from '../../views/text.js';

test('links, mentions and entities show as typed', () => {
  expect(escapeMrkdwn('<https://evil.example|Ava> <!here> <@U123> &lt;')).toBe('&lt;https://evil.example|Ava&gt; &lt;!here&gt; &lt;@U123&gt; &amp;lt;');
});

test('formatting marks at a word’s edge become lookalikes; between letters they stay as typed', () => {
  expect(escapeMrkdwn('*bold* _it_ ~x~ `code` ＊w＊')).toBe('\u2217bold\u2217 \u02cdit\u02cd \u223cx\u223c \u02cbcode\u02cb \ufe61w\ufe61');
  expect(escapeMrkdwn('America/New_York {{first_name|there}} a*b')).toBe('America/New_York {{first_name|there}} a*b');
});

test('a line starting with > does not become a quote; bidi controls and zero-width spaces are dropped', () => {
  expect(escapeMrkdwn('> one\n>two')).toBe('\u00ad&gt; one\n\u00ad&gt;two');
  expect(escapeMrkdwn('a\u202eb\u200b*c*\u200bd')).toBe('ab*c*d');
});

test('a long text is cut to the budget between characters, never inside an entity or at a left mark', () => {
  expect(escapeMrkdwn('<<<<', 10)).toBe('&lt;&lt;…');
  expect(escapeMrkdwn('ab_cd', 4)).toBe('ab…');
  expect(inline('a\n\n b', 10)).toBe('a b');
  expect(bold('x'.repeat(500), 100)).toHaveLength(102);
  expect(clip('ab😀', 3)).toBe('ab…');
});

test('a code span keeps what the user would copy, except a backtick that would end it', () => {
  expect(code('/schedule edit Q4_plan *x* <y> `z`')).toBe('`/schedule edit Q4_plan *x* &lt;y&gt; \u02cbz\u02cb`');
});

test('a forged user id is shown, not mentioned', () => {
  expect(userMention('U0ALEX')).toBe('<@U0ALEX>');
  expect(userMention('U1>|<!here')).toBe('U1&gt;|&lt;!here');
});

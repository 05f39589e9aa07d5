import { renderTokens, tokenProblems } from '../../src/services/personalization.js';
import { validateCustomMessage } from '../../src/services/customMessages.js';

describe('personalization tokens', () => {
  test('a token is filled from the lead, and its fallback is used when the lead has no value', () => {
    expect(renderTokens('Hi {{first_name|there}}, how is {{ company }}?', { first_name: 'Jamie', company: 'Acme' })).toBe('Hi Jamie, how is Acme?');
    expect(renderTokens('Hi {{first_name|there}}, how is {{company}}?', { first_name: '  ' })).toBe('Hi there, how is ?');
    expect(renderTokens('Hi {{first_name| my friend }}!', {})).toBe('Hi my friend!');
  });

  test('unknown tokens and unclosed braces are named so the writer can fix them', () => {
    expect(tokenProblems('Hi {{first_name}} from {{compnay}}')).toEqual([expect.stringMatching(/^\{\{compnay\}\} is not a token I know\. Use one of: \{\{first_name\}\}/)]);
    expect(tokenProblems('Hi {{first_name')).toEqual(['A token is not closed: write tokens as {{first_name}} or {{first_name|there}}.']);
    expect(tokenProblems('Plain text, {{signature}}')).toEqual([]);
  });

  test('a lead’s custom fields are tokens too: {{custom.<field>}}, any spelling of the field’s name, with a fallback', () => {
    expect(tokenProblems('Your {{custom.deal_size|deal}} at {{ custom.Deal Size }}')).toEqual([]);
    expect(tokenProblems('{{custom.}} {{custom.{x}}')).not.toEqual([]);
    expect(tokenProblems('{{customs.plan}}')).toEqual([expect.stringContaining('{{custom.<field>}}')]);
    const custom = { deal_size: '10k', plan: ' ' };
    expect(renderTokens('A {{custom.Deal Size}} deal on {{custom.plan|the free plan}}, {{custom.missing|sure}}', { custom })).toBe('A 10k deal on the free plan, sure');
  });
});

describe('custom message validation', () => {
  const ok = { name: 'Pricing', subject: 'Pricing for {{company|you}}', body: 'Hi {{first_name|there}}' };

  test('a good message has no problems', () => {
    expect(validateCustomMessage(ok)).toEqual({});
  });

  test.each([
    [{ name: '  ' }, { name: 'Give the message a name.' }],
    [{ name: 'x'.repeat(81) }, { name: 'Keep the name to 80 characters (this one has 81).' }],
    [{ subject: 'Line one\nline two' }, { subject: 'A subject is one line.' }],
    [{ subject: 'x'.repeat(201) }, { subject: 'Keep the subject to 200 characters (this one has 201).' }],
    [{ body: '' }, { body: 'Write the message.' }],
    [{ body: 'x'.repeat(4001) }, { body: 'Keep the message to 4000 characters (this one has 4001).' }],
    [{ body: 'Hi {{firstname}}' }, { body: expect.stringContaining('{{firstname}} is not a token I know') }],
    [{ name: 'Bad\0name' }, { name: 'The name has an invisible or text-direction character (U+0000) that would make it look like another name. Remove it.' }],
    [{ body: 'Hi\0' }, { body: 'Remove the invisible NUL character.' }],
  ])('each field problem is reported on its field (%#)', (change, expected) => {
    expect(validateCustomMessage({ ...ok, ...change })).toEqual(expected);
  });
});

// Personalization tokens in custom messages: {{first_name}}, and {{first_name|there}} with a
// fallback for a lead without that field. Mustache and Handlebars have no fallback syntax and
// would accept any name silently; this grammar is small enough to own, and to validate.

export const TOKENS = ['first_name', 'last_name', 'full_name', 'company', 'title', 'email', 'sender_name', 'sender_email', 'signature'] as const;
export type Token = (typeof TOKENS)[number];
export type TokenValues = Partial<Record<Token, string>>;

const TOKEN_PATTERN = /\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}/g;

/** Problems a writer can fix: unknown token names and unclosed braces. Empty when fine. */
export function tokenProblems(text: string): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    const name = match[1] ?? '';
    if (!(TOKENS as readonly string[]).includes(name)) {
      problems.push(`{{${name}}} is not a token I know. Use one of: ${TOKENS.map((t) => `{{${t}}}`).join(', ')}.`);
    }
  }
  const stripped = text.replace(TOKEN_PATTERN, '');
  if (stripped.includes('{{') || stripped.includes('}}')) problems.push('A token is not closed: write tokens as {{first_name}} or {{first_name|there}}.');
  return [...new Set(problems)];
}

/** Fills tokens; a missing value uses the token's fallback, or nothing. */
export function renderTokens(text: string, values: TokenValues): string {
  return text.replace(TOKEN_PATTERN, (_whole, name: string, fallback: string | undefined) => {
    const value = values[name as Token]?.trim();
    return value ? value : (fallback ?? '').trim();
  });
}

/** The lead every preview is written for. */
export const SAMPLE_LEAD: TokenValues = {
  first_name: 'Jamie',
  last_name: 'Rivera',
  full_name: 'Jamie Rivera',
  company: 'Acme Corp',
  title: 'Head of Operations',
  email: 'jamie.rivera@acme.example',
};

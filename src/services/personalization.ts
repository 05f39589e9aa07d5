// Personalization tokens in custom messages: {{first_name}}, and {{first_name|there}} with a
// fallback for a lead without that field. Mustache and Handlebars have no fallback syntax and
// would accept any name silently; this grammar is small enough to own, and to validate.

import { customFieldKey } from './leads/schema.js';
import type { LeadFields } from './delivery/types.js';

export const TOKENS = ['first_name', 'last_name', 'full_name', 'company', 'title', 'email', 'sender_name', 'sender_email', 'signature'] as const;
export type Token = (typeof TOKENS)[number];
/** A lead's custom field: `{{custom.deal_size}}` (the name as the lead's field key, see `customFieldKey`). */
export const CUSTOM_TOKEN_PREFIX = 'custom.';
/** How the token list shows custom fields. */
export const CUSTOM_TOKEN_EXAMPLE = `${CUSTOM_TOKEN_PREFIX}<field>`;
export type TokenValues = Partial<Record<Token, string>> & { readonly custom?: Readonly<Record<string, string>> };

/** Every token as a writer types it, custom fields last: `{{first_name}} … {{custom.<field>}}`. */
export function tokenList(): string {
  return [...TOKENS, CUSTOM_TOKEN_EXAMPLE].map((t) => `{{${t}}}`).join(' ');
}

function customName(name: string): string | null {
  if (!name.startsWith(CUSTOM_TOKEN_PREFIX)) return null;
  const key = customFieldKey(name.slice(CUSTOM_TOKEN_PREFIX.length));
  return /^[\p{L}\p{N}][\p{L}\p{N}_]*$/u.test(key) ? key : null;
}

const TOKEN_PATTERN = /\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}/g;

/** Problems a writer can fix: unknown token names and unclosed braces. Empty when fine. */
export function tokenProblems(text: string): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    const name = match[1] ?? '';
    if (!(TOKENS as readonly string[]).includes(name) && customName(name) === null) {
      problems.push(`{{${name}}} is not a token I know. Use one of: ${[...TOKENS, CUSTOM_TOKEN_EXAMPLE].map((t) => `{{${t}}}`).join(', ')}.`);
    }
  }
  const stripped = text.replace(TOKEN_PATTERN, '');
  if (stripped.includes('{{') || stripped.includes('}}')) problems.push('A token is not closed: write tokens as {{first_name}} or {{first_name|there}}.');
  return [...new Set(problems)];
}

/**
 * Fills tokens; a token without a value uses its fallback (`{{first_name|there}}`, an empty one
 * included). `missing`: tokens with neither, named as written (`first_name`, `custom.deal_size`).
 */
export function fillTokens(text: string, values: TokenValues): { readonly text: string; readonly missing: readonly string[] } {
  const missing = new Set<string>();
  const filled = text.replace(TOKEN_PATTERN, (_whole, name: string, fallback: string | undefined) => {
    const custom = customName(name);
    const known = custom !== null || (TOKENS as readonly string[]).includes(name);
    const value = known ? (custom === null ? values[name as Token] : values.custom?.[custom])?.trim() : undefined;
    if (value) return value;
    if (fallback === undefined) missing.add(name);
    return (fallback ?? '').trim();
  });
  return { text: filled, missing: [...missing] };
}

const LEAD_FIELD_OF_TOKEN: Readonly<Partial<Record<Token, string>>> = { first_name: 'firstName', last_name: 'lastName', full_name: 'firstName', company: 'company', title: 'title' };

/**
 * The lead's field a token reads (`first_name` → `firstName`, `custom.Deal Size` → `custom.deal_size`;
 * `full_name` needs at least the first name), or null for a token no lead field fills (the sender's).
 */
export function leadFieldOfToken(token: string): string | null {
  const custom = customName(token.trim());
  if (custom !== null) return `${CUSTOM_TOKEN_PREFIX}${custom}`;
  return LEAD_FIELD_OF_TOKEN[token.trim() as Token] ?? null;
}

/** Fills tokens; a missing value uses the token's fallback, or nothing. */
export function renderTokens(text: string, values: TokenValues): string {
  return fillTokens(text, values).text;
}

/** The lead every preview is written for: no custom fields, so a token that needs one shows as held. */
export const SAMPLE_LEAD: LeadFields = {
  email: 'jamie.rivera@acme.example',
  firstName: 'Jamie',
  lastName: 'Rivera',
  company: 'Acme Corp',
  title: 'Head of Operations',
  phone: '',
  industry: '',
  custom: [],
};

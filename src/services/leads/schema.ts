// What a lead is made of, validated once for every way in: the Slack modal, CSV rows and the
// HTTP API share this zod schema and its sentences (the API's OpenAPI document is generated
// from it with `z.toJSONSchema`).
import { z } from 'zod';

export const MAX_EMAIL = 254;
export const MAX_NAME = 100;
export const MAX_COMPANY = 200;
export const MAX_TITLE = 200;
export const MAX_PHONE = 50;
export const MAX_INDUSTRY = 100;
export const MAX_TAGS = 20;
export const MAX_TAG = 50;
export const MAX_CUSTOM_FIELDS = 30;
export const MAX_CUSTOM_NAME = 40;
export const MAX_CUSTOM_VALUE = 1000;

const LABELS = {
  firstName: 'first name',
  lastName: 'last name',
  company: 'company',
  title: 'title',
  phone: 'phone',
  industry: 'industry',
} as const;

/** An optional text field: trimmed, NUL characters dropped (FerretDB refuses them), at most `max` characters. */
function text(label: string, max: number) {
  return z
    .string({ error: `The ${label} must be text.` })
    .trim()
    .overwrite((value) => value.replaceAll('\0', ''))
    .max(max, { error: (issue) => `Keep the ${label} to ${max} characters (this one has ${String(issue.input).length}).` })
    .default('');
}

// Letters, digits, spaces, `_` and `-`: the name becomes a `{{custom.<name>}}` token.
const CUSTOM_NAME = new RegExp(`^[\\p{L}\\p{N}][\\p{L}\\p{N}_ \\-]{0,${MAX_CUSTOM_NAME - 1}}$`, 'u');

/**
 * A custom field's key, as stored and as its token is written: lower-cased, spaces and dashes
 * as `_` ("Deal Size" → `deal_size`, token `{{custom.deal_size}}`).
 */
export function customFieldKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** A lead's email as stored (trimmed, lower-cased) and as every way in checks it: adding, and looking a lead up. */
export const leadEmailSchema = z
  .string({ error: 'Give the lead’s email address.' })
  .trim()
  .toLowerCase()
  .min(1, { error: 'Give the lead’s email address.' })
  .max(MAX_EMAIL, { error: `An email address has at most ${MAX_EMAIL} characters.` })
  .pipe(z.email({ error: (issue) => `“${String(issue.input)}” is not an email address: write it like name@company.com.` }));

export const leadInputSchema = z
  .object({
    email: leadEmailSchema,
    firstName: text(LABELS.firstName, MAX_NAME),
    lastName: text(LABELS.lastName, MAX_NAME),
    company: text(LABELS.company, MAX_COMPANY),
    title: text(LABELS.title, MAX_TITLE),
    phone: text(LABELS.phone, MAX_PHONE),
    industry: text(LABELS.industry, MAX_INDUSTRY),
    tags: z
      .array(
        z
          .string({ error: 'A tag must be text.' })
          .trim()
          .max(MAX_TAG, { error: `Keep each tag to ${MAX_TAG} characters.` }),
        { error: 'Tags must be a list of words.' },
      )
      .max(MAX_TAGS, { error: `A lead has at most ${MAX_TAGS} tags.` })
      .default([]),
    custom: z
      .record(
        z.string().trim().regex(CUSTOM_NAME, {
          error: (issue) =>
            `“${String(issue.input)}” can’t name a custom field: use letters, digits, spaces, _ or - (at most ${MAX_CUSTOM_NAME} characters, starting with a letter or digit).`,
        }),
        z
          .string({ error: 'A custom field’s value must be text.' })
          .overwrite((value) => value.trim().replaceAll('\0', ''))
          .max(MAX_CUSTOM_VALUE, { error: `Keep each custom field to ${MAX_CUSTOM_VALUE} characters.` }),
        { error: 'Custom fields must be an object of names and values.' },
      )
      .refine((custom) => Object.keys(custom).length <= MAX_CUSTOM_FIELDS, { error: `A lead has at most ${MAX_CUSTOM_FIELDS} custom fields.` })
      .default({}),
  })
  .strict();

/** A lead as given (the API's and CSV's shape). */
export type LeadInput = z.input<typeof leadInputSchema>;
/** A lead after validation: trimmed, email lower-cased, every field present. */
export type ValidLead = z.output<typeof leadInputSchema>;

export type LeadFieldErrors = Record<string, string>;

/** Each problem as `{ field path: sentence }` (the first sentence per field), e.g. `{ email: …, "custom.deal size": … }`. */
export function leadFieldErrors(issues: readonly z.core.$ZodIssue[]): LeadFieldErrors {
  const errors: LeadFieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || 'lead';
    // A bad custom field name: zod reports "Invalid key in record" around the key's own issue.
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.code === 'unrecognized_keys' ? unknownFields(issue.keys) : issue.message;
    errors[issue.code === 'unrecognized_keys' ? (issue.keys[0] ?? path) : path] ??= message;
  }
  return errors;
}

function unknownFields(keys: readonly string[]): string {
  return `${keys.map((k) => `“${k}”`).join(', ')} ${keys.length > 1 ? 'are not lead fields' : 'is not a lead field'}: use email, firstName, lastName, company, title, phone, industry, tags, or put it under custom.`;
}

export type LeadValidation = { ok: true; lead: ValidLead } | { ok: false; errors: LeadFieldErrors };

/** Validates one lead; the custom fields' names become keys (`customFieldKey`), and two names with one key are refused. */
export function validateLead(input: unknown): LeadValidation {
  const parsed = leadInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: leadFieldErrors(parsed.error.issues) };
  const custom: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.data.custom)) {
    const key = customFieldKey(name);
    if (key in custom) return { ok: false, errors: { [`custom.${name}`]: `Two custom fields are both named “${key}”: keep one.` } };
    custom[key] = value;
  }
  return { ok: true, lead: { ...parsed.data, tags: [...new Set(parsed.data.tags.filter(Boolean))], custom } };
}

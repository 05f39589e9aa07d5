// Request validation with the services' zod schemas, and zod's issues as the API's
// `{"errors": {"<field path>": "<sentence>"}}`. A schema's own messages win (they are the ones the
// Slack forms and CSV rows show too); the sentences here cover what a schema leaves to zod.
import { z } from 'zod';
import { invalid } from './http.js';

type Issue = z.core.$ZodRawIssue;

const article = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'text';
  return article(typeof value);
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    default:
      return article(expected);
  }
}

/** Plain sentences for zod's generic issues (per parse, so schemas stay free of API wording). */
function sentence(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'This field is required.' : `Expected ${expectedName(issue.expected)}, got ${typeName(issue.input)}.`;
    case 'invalid_value':
      return `Use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'This field can’t be empty.' : `Use at least ${issue.minimum} characters.`;
      if (issue.origin === 'array') return `Give at least ${issue.minimum}.`;
      return `Use a number of at least ${issue.minimum}.`;
    case 'too_big':
      if (issue.origin === 'string') return `Use at most ${issue.maximum} characters.`;
      if (issue.origin === 'array') return `Give at most ${issue.maximum}.`;
      return `Use a number of at most ${issue.maximum}.`;
    case 'invalid_format':
      return issue.format === 'email' ? 'This is not a valid email address.' : `This is not a valid ${issue.format}.`;
    case 'not_multiple_of':
      return `Use a multiple of ${issue.divisor}.`;
    case 'unrecognized_keys':
      return 'This is not a field here.';
    case 'invalid_union':
      return 'This value is not one of the accepted forms.';
    default:
      return undefined;
  }
}

/** `leads.3.email`; the body itself is `body`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join('.') : 'body';
}

/** Each issue under its field path; an unknown field is reported at its own path. The first sentence per path wins. */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const errors: Record<string, string> = {};
  const add = (path: readonly PropertyKey[], message: string) => {
    const key = fieldPath(path);
    if (!(key in errors)) errors[key] = message;
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) add([...issue.path, key], issue.message);
    else add(issue.path, issue.message);
  }
  return errors;
}

/** `schema`'s output for `value`, or a 400 with every problem at its field path. */
export function parseOrInvalid<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { error: sentence });
  if (!result.success) throw invalid(issuesToErrors(result.error.issues));
  return result.data;
}

// A lead CSV → one outcome per row: a lead, a refusal with its reason, or a repeat of an earlier row.
// Pure and deterministic: a re-run of an import parses the same file to the same rows, so its
// chunks line up with the first run's (see leadImports.ts). Parsing is csv-parse's (quoted commas
// and newlines, doubled quotes, a UTF-8 BOM, CRLF); we only pick the separator and map the header.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';

/** The lead fields a column can fill; any other column is a custom field named after its header. */
export const LEAD_FIELDS = ['email', 'firstName', 'lastName', 'company', 'title', 'phone', 'industry', 'tags'] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];

/** Header spellings per field, compared without case, spaces, `_`, `-` or `.` ("First name", "first_name", "FIRSTNAME"). */
const HEADER_ALIASES: Record<LeadField, readonly string[]> = {
  email: ['email', 'emailaddress'],
  firstName: ['firstname', 'givenname'],
  lastName: ['lastname', 'surname', 'familyname'],
  company: ['company', 'companyname', 'organization', 'organisation'],
  title: ['title', 'jobtitle', 'position'],
  phone: ['phone', 'phonenumber', 'telephone', 'tel', 'mobile'],
  industry: ['industry', 'sector'],
  tags: ['tags', 'tag', 'labels'],
};

const ALIAS_TO_FIELD: ReadonlyMap<string, LeadField> = new Map(LEAD_FIELDS.flatMap((field) => HEADER_ALIASES[field].map((alias) => [alias, field] as const)));

/** Separators tried on the header line, in order of preference on a tie. */
const SEPARATORS = [',', ';', '\t'] as const;

/** A lead as read from a row: the shape the lead service takes (empty cells left out). */
export interface CsvLead {
  readonly email: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly company?: string;
  readonly title?: string;
  readonly phone?: string;
  readonly industry?: string;
  readonly tags?: string[];
  readonly custom?: Record<string, string>;
}

/** One data row. `row` counts as a spreadsheet shows it: the header is row 1, a quoted newline stays in its row. */
export type CsvRow =
  | { readonly row: number; readonly kind: 'lead'; readonly lead: CsvLead }
  | { readonly row: number; readonly kind: 'refused'; readonly reason: string }
  | { readonly row: number; readonly kind: 'duplicate'; readonly email: string; readonly firstRow: number };

export interface CsvColumn {
  /** The header as written (trimmed). */
  readonly header: string;
  /** The lead field it fills, `custom` for a custom field, `none` for a column without a header. */
  readonly field: LeadField | 'custom' | 'none';
}

export type ParsedCsv =
  | { readonly ok: true; readonly separator: string; readonly columns: readonly CsvColumn[]; readonly rows: readonly CsvRow[] }
  | { readonly ok: false; readonly error: string };

const emailSchema = z.email();

/** "A", "B", … "AA": how a spreadsheet names column `index` (0-based). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

function headerKey(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(/[\s_\-.]+/g, '');
}

/** The field a header fills: a lead field by any of its spellings, else a custom field (blank: none). */
export function fieldOfHeader(header: string): LeadField | 'custom' | 'none' {
  const key = headerKey(header);
  if (key === '') return 'none';
  return ALIAS_TO_FIELD.get(key) ?? 'custom';
}

/** The separator of the header line: whichever of `,` `;` tab occurs most outside quotes (`,` when none does). */
export function detectSeparator(text: string): string {
  const counts = new Map<string, number>(SEPARATORS.map((s) => [s, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: string = ',';
  for (const separator of SEPARATORS) if (counts.get(separator)! > counts.get(best)!) best = separator;
  return best;
}

/** Tags in one cell: "vip, q4" or "vip;q4" or "vip|q4". */
function splitTags(cell: string): string[] {
  return [...new Set(cell.split(/[,;|]/).map((t) => t.trim()).filter(Boolean))];
}

function isBlank(record: readonly string[]): boolean {
  return record.every((cell) => cell.trim() === '');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export interface ParseOptions {
  /** Why a header cannot name a custom field (the lead schema's rule), or null when it can. */
  readonly customFieldProblem?: (name: string) => string | null;
}

/** Reads the header; a file that cannot be imported at all says why (no email column, a field twice, a bad custom field name). */
function readHeader(header: readonly string[], options: ParseOptions): { columns: CsvColumn[] } | { error: string } {
  const columns = header.map((cell) => ({ header: cell.trim(), field: fieldOfHeader(cell) }));
  for (const [index, column] of columns.entries()) {
    // Checked once here rather than refused on every row.
    const problem = column.field === 'custom' ? (options.customFieldProblem?.(column.header) ?? null) : null;
    if (problem) return { error: `Column ${columnLetter(index)}: ${problem} Rename it in the first row and import again.` };
  }
  const seen = new Map<string, number>();
  for (const [index, column] of columns.entries()) {
    if (column.field === 'none') continue;
    const key = column.field === 'custom' ? `custom:${headerKey(column.header)}` : column.field;
    const first = seen.get(key);
    if (first !== undefined) {
      return { error: `Columns ${columnLetter(first)} (“${columns[first]!.header}”) and ${columnLetter(index)} (“${column.header}”) fill the same field: keep one and import again.` };
    }
    seen.set(key, index);
  }
  if (!columns.some((c) => c.field === 'email')) {
    const shown = columns.map((c) => c.header).filter(Boolean).slice(0, 8).map((h) => `“${h}”`).join(', ');
    return { error: `The first row must name the columns, with one called “email”. It reads: ${shown || '(nothing)'}.` };
  }
  return { columns };
}

function leadOf(record: readonly string[], columns: readonly CsvColumn[]): { lead: CsvLead } | { reason: string } {
  const lead: { -readonly [K in keyof CsvLead]: CsvLead[K] } = { email: '' };
  const custom: Record<string, string> = {};
  for (const [index, column] of columns.entries()) {
    const value = (record[index] ?? '').trim();
    if (value === '') continue;
    switch (column.field) {
      case 'none':
        return { reason: `a value in column ${columnLetter(index)}, which has no header` };
      case 'custom':
        custom[column.header] = value;
        break;
      case 'tags':
        lead.tags = splitTags(value);
        break;
      case 'email':
        lead.email = value.toLowerCase();
        break;
      default:
        lead[column.field] = value;
    }
  }
  if (lead.email === '') return { reason: 'no email' };
  if (!emailSchema.safeParse(lead.email).success) return { reason: `malformed email “${clipped(lead.email)}”` };
  if (Object.keys(custom).length > 0) lead.custom = custom;
  return { lead };
}

function clipped(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Parses a lead CSV. The first row names the columns; every later non-blank row becomes a lead,
 * a refusal (ragged line, no email, malformed email, a value under no header) or a repeat of an
 * email met in an earlier row. A file that cannot be imported at all answers `{ ok: false, error }`.
 */
export function parseLeadCsv(text: string, options: ParseOptions = {}): ParsedCsv {
  const separator = detectSeparator(text.replace(/^\uFEFF/, ''));
  let broken: { row: number; reason: string } | undefined;
  let records: { record: string[]; info: { records: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: separator,
      // Rows of the wrong length and stray quotes are the user's to fix row by row, not a reason to refuse the file.
      relax_column_count: true,
      relax_quotes: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        const { code, records: before } = error as { code?: string; records?: number };
        // An opening quote never closed swallows the rest of the file into one cell.
        broken = {
          row: (before ?? 0) + 1,
          reason: code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quote opens here and is never closed, so the rest of the file could not be read' : `unreadable line (${error?.message ?? 'malformed CSV'})`,
        };
        return undefined;
      },
    }) as unknown as { record: string[]; info: { records: number } }[];
  } catch (error) {
    return { ok: false, error: `The file is not readable as CSV: ${(error as Error).message}` };
  }
  const first = records.findIndex((r) => !isBlank(r.record));
  if (first === -1) return { ok: false, error: 'The file is empty: the first row should name the columns (email, first name, …), one lead per row after it.' };
  const header = readHeader(records[first]!.record, options);
  if ('error' in header) return { ok: false, error: header.error };
  const { columns } = header;

  const rows: CsvRow[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { record, info } of records.slice(first + 1)) {
    if (isBlank(record)) continue;
    const row = info.records;
    if (record.length !== columns.length) {
      rows.push({ row, kind: 'refused', reason: `ragged line: ${plural(record.length, 'value')} for ${plural(columns.length, 'column')}` });
      continue;
    }
    const read = leadOf(record, columns);
    if ('reason' in read) {
      rows.push({ row, kind: 'refused', reason: read.reason });
      continue;
    }
    const earlier = firstRowOf.get(read.lead.email);
    if (earlier !== undefined) {
      rows.push({ row, kind: 'duplicate', email: read.lead.email, firstRow: earlier });
      continue;
    }
    firstRowOf.set(read.lead.email, row);
    rows.push({ row, kind: 'lead', lead: read.lead });
  }
  if (broken) rows.push({ row: broken.row, kind: 'refused', reason: broken.reason });
  return { ok: true, separator, columns, rows };
}

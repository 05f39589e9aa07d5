// Lead CSVs as people export them: spreadsheets, CRMs, Excel in Europe, hand-typed lists.
import { columnLetter, detectSeparator, fieldOfHeader, parseLeadCsv, type CsvRow, type ParsedCsv } from '../../../src/services/leadImport/csv.js';

function rowsOf(parsed: ParsedCsv): readonly CsvRow[] {
  if (!parsed.ok) throw new Error(`expected a readable file, got: ${parsed.error}`);
  return parsed.rows;
}

function leads(parsed: ParsedCsv) {
  return rowsOf(parsed).flatMap((r) => (r.kind === 'lead' ? [{ row: r.row, ...r.lead }] : []));
}

function refusals(parsed: ParsedCsv) {
  return rowsOf(parsed).flatMap((r) => (r.kind === 'refused' ? [[r.row, r.reason]] : []));
}

test('the header names lead fields in any case and spelling; other columns become custom fields', () => {
  const parsed = parseLeadCsv('E-Mail,First Name,last_name,COMPANY,Job Title,Phone,industry,Tags,Deal size\nAva@Example.COM,Ava,Lind,Acme,CTO,+49 30 1234,Retail,"vip, q4",10k\n');
  expect(leads(parsed)).toEqual([
    {
      row: 2,
      email: 'ava@example.com',
      firstName: 'Ava',
      lastName: 'Lind',
      company: 'Acme',
      title: 'CTO',
      phone: '+49 30 1234',
      industry: 'Retail',
      tags: ['vip', 'q4'],
      custom: { 'Deal size': '10k' },
    },
  ]);
  for (const header of ['first name', 'first_name', 'firstname', 'FirstName', ' First-Name ']) expect(fieldOfHeader(header)).toBe('firstName');
  expect(fieldOfHeader('Favourite colour')).toBe('custom');
  expect(fieldOfHeader('  ')).toBe('none');
});

test('quoted commas, quoted newlines and doubled quotes stay in their cell, and a row keeps its spreadsheet number', () => {
  const parsed = parseLeadCsv('email,company,notes\nava@example.com,"Acme, Inc.","line one\nline two"\nben@example.com,"The ""Best"" Co",x\n');
  expect(leads(parsed)).toEqual([
    { row: 2, email: 'ava@example.com', company: 'Acme, Inc.', custom: { notes: 'line one\nline two' } },
    { row: 3, email: 'ben@example.com', company: 'The "Best" Co', custom: { notes: 'x' } },
  ]);
});

test('a UTF-8 BOM and CRLF line ends are read like a plain file', () => {
  // Excel's "CSV UTF-8" puts the BOM right before a quoted header.
  const parsed = parseLeadCsv('\uFEFF"Email","First name"\r\nava@example.com,Åsa\r\nben@example.com,Ben\r\n');
  expect(leads(parsed)).toEqual([
    { row: 2, email: 'ava@example.com', firstName: 'Åsa' },
    { row: 3, email: 'ben@example.com', firstName: 'Ben' },
  ]);
});

test('semicolon-separated files (Excel in much of Europe) are detected, commas inside cells kept', () => {
  const text = 'email;first name;company\r\nava@example.com;Ava;Acme, GmbH\r\n';
  expect(detectSeparator(text)).toBe(';');
  expect(parseLeadCsv(text)).toMatchObject({ ok: true, separator: ';' });
  expect(leads(parseLeadCsv(text))).toEqual([{ row: 2, email: 'ava@example.com', firstName: 'Ava', company: 'Acme, GmbH' }]);
  expect(detectSeparator('email\tname\nx\ty')).toBe('\t');
  expect(detectSeparator('"a;b;c",email\n')).toBe(',');
});

test('bad rows are refused with their row number and reason; the good ones around them are kept', () => {
  const parsed = parseLeadCsv(
    ['email,first name,', 'ava@example.com,Ava,', ',Nobody,', 'not-an-email,Bad,', 'ben@example.com,Ben', 'cy@example.com,Cy,', 'dee@example.com,Dee,surprise', '', 'eve@example.com,Eve,', 'fay@example.com,Fay,,x'].join('\n'),
  );
  expect(leads(parsed).map((l) => [l.row, l.email])).toEqual([
    [2, 'ava@example.com'],
    [6, 'cy@example.com'],
    [9, 'eve@example.com'],
  ]);
  expect(refusals(parsed)).toEqual([
    [3, 'no email'],
    [4, 'malformed email “not-an-email”'],
    [5, 'ragged line: 2 values for 3 columns'],
    [7, 'a value in column C, which has no header'],
    [10, 'ragged line: 4 values for 3 columns'],
  ]);
});

test('an email repeated in the file is a duplicate of its first row, whatever its case', () => {
  const rows = rowsOf(parseLeadCsv('email\nava@example.com\nben@example.com\nAVA@example.com\n'));
  expect(rows).toEqual([
    { row: 2, kind: 'lead', lead: { email: 'ava@example.com' } },
    { row: 3, kind: 'lead', lead: { email: 'ben@example.com' } },
    { row: 4, kind: 'duplicate', email: 'ava@example.com', firstRow: 2 },
  ]);
});

test('a quote never closed refuses its row and what follows, and keeps the rows before it', () => {
  const parsed = parseLeadCsv('email,company\nava@example.com,Acme\nben@example.com,"Open\ncy@example.com,Cyco\n');
  expect(leads(parsed).map((l) => l.email)).toEqual(['ava@example.com']);
  expect(refusals(parsed)).toEqual([[3, 'a quote opens here and is never closed, so the rest of the file could not be read']]);
});

test('a stray quote inside a cell is kept as written', () => {
  expect(leads(parseLeadCsv('email,company\nava@example.com,Ava\'s "best" shop\n'))).toEqual([{ row: 2, email: 'ava@example.com', company: 'Ava\'s "best" shop' }]);
});

test('a file without an email column, with a field twice, or empty, is refused as a whole with what to fix', () => {
  expect(parseLeadCsv('name,company\nAva,Acme\n')).toEqual({ ok: false, error: 'The first row must name the columns, with one called “email”. It reads: “name”, “company”.' });
  expect(parseLeadCsv('Email,Name,E-mail\na@b.co,A,c@d.co\n')).toEqual({
    ok: false,
    error: 'Columns A (“Email”) and C (“E-mail”) fill the same field: keep one and import again.',
  });
  expect(parseLeadCsv('email,Region,region\n')).toEqual({ ok: false, error: 'Columns B (“Region”) and C (“region”) fill the same field: keep one and import again.' });
  expect(parseLeadCsv('\uFEFF\r\n\r\n')).toEqual({ ok: false, error: expect.stringContaining('The file is empty') });
});

test('blank lines and rows of empty cells are skipped without a refusal; a header alone imports nothing', () => {
  expect(rowsOf(parseLeadCsv('email,name\n\n,\nava@example.com,Ava\n\n'))).toEqual([{ row: 4, kind: 'lead', lead: { email: 'ava@example.com', custom: { name: 'Ava' } } }]);
  expect(rowsOf(parseLeadCsv('email\n'))).toEqual([]);
});

test('columns are lettered as a spreadsheet letters them', () => {
  expect([0, 2, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'C', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
});

test('a header the lead schema cannot take as a custom field name refuses the file once, naming its column', () => {
  const customFieldProblem = (name: string) => (name.includes('$') ? `“${name}” can’t name a custom field.` : null);
  expect(parseLeadCsv('email,Plan,Deal size ($)\na@b.co,pro,10\n', { customFieldProblem })).toEqual({
    ok: false,
    error: 'Column C: “Deal size ($)” can’t name a custom field. Rename it in the first row and import again.',
  });
  expect(parseLeadCsv('email,Plan\na@b.co,pro\n', { customFieldProblem })).toMatchObject({ ok: true });
});

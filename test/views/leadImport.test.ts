// The import's summary message: every count, and refusal lists clipped within Slack's limits with the count of the rest.
import { validateMessageBlocks } from '../support/fakeSlack.js';
import { textOf } from '../support/flows.js';
import { importSummaryMessage } from '../../views/leadImport.js';

test('a long refusal list shows the first rows and says how many more, within Slack’s limits', () => {
  const refused = Array.from({ length: 10_000 }, (_, i) => ({ row: i + 2, reason: 'no email' }));
  const duplicates = Array.from({ length: 2_500 }, (_, i) => ({ row: i + 10_002, email: `lead${i}@example.com` }));
  const message = importSummaryMessage({ fileName: 'big.csv', assistantName: 'Ava' }, { total: 12_600, imported: 100, duplicates, refused });
  expect(validateMessageBlocks(message.blocks)).toEqual([]);
  expect(message.text).toBe(':large_yellow_circle: Lead import from *big.csv* for *Ava*: done. 12,600 rows: *100* imported · *2,500* skipped as duplicates · *10,000* refused.');
  const text = textOf(message.blocks);
  const shownRefusals = (text.match(/Row [\d,]+: no email/g) ?? []).length;
  expect(shownRefusals).toBeGreaterThan(50);
  expect(text).toContain(`…and ${(10_000 - shownRefusals).toLocaleString('en-US')} more`);
  const shownDuplicates = (text.match(/Row [\d,]+: lead\d+@example\.com/g) ?? []).length;
  expect(text).toContain(`…and ${(2_500 - shownDuplicates).toLocaleString('en-US')} more`);
  expect(text).toContain('Row 2: no email');
});

test('a clean import has no lists, only the counts', () => {
  const message = importSummaryMessage({ fileName: null, assistantName: 'Ava' }, { total: 1, imported: 1, duplicates: [], refused: [] });
  expect(message.text).toBe(':white_check_mark: Lead import from pasted rows for *Ava*: done. 1 row: *1* imported · *0* skipped as duplicates · *0* refused.');
  expect(message.blocks).toHaveLength(1);
});

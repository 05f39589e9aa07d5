// What the step editor shows while clicks are in flight, after a hash_conflict, and in the
// viewer's own time zone (where the local date is not the UTC date).
import { fixedClock } from '../../src/clock.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import type { SlackDriver } from '../support/slackDriver.js';
import { nextResponse, updated } from '../support/flows.js';
import { openCopyInEditor, rowBlock, rowKeys as rowKeysIn, stepHeads as stepHeadsIn } from '../support/editor.js';

// Monday 6 April 2026, 13:00 UTC: already Tuesday 7 April, 01:00, in Auckland (NZST, UTC+12).
const NOW = '2026-04-06T13:00:00Z';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock: fixedClock(NOW) });
});
afterAll(() => app.stop());

const rowKeys = (viewId: string) => rowKeysIn(app.fake, viewId);
const stepHeads = (viewId: string) => stepHeadsIn(app.fake, viewId);
const openCopyOfRecommended = (slack: SlackDriver, name: string) => openCopyInEditor(app.fake, slack, 'Recommended', name);

function afterBlockId(viewId: string, key: string): string {
  const blockId = rowBlock(app.fake, viewId, key, 'after')?.block_id;
  if (!blockId) throw new Error(`no after days input for row ${key}`);
  return blockId;
}

describe('the step editor on screen', () => {
  test('a value typed into a row while an Add click is on its way survives the re-render', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'Pacific/Auckland' });
    const viewId = await openCopyOfRecommended(slack, 'Typing');
    const [r1, r2] = rowKeys(viewId) as [string, string];
    const since = app.fake.calls.length;
    // The click leaves with the screen as it was; the user goes on typing before the app answers.
    const click = slack.blockAction({ viewId, actionId: `editor.add.${r1}` });
    const typedInto = afterBlockId(viewId, r2);
    app.fake.typeInto(viewId, typedInto, `editor.after.${r2}`, '4.5');
    expect((await click).status).toBe(200);
    await updated(app.fake, viewId, since);

    expect(rowKeys(viewId)).toHaveLength(8);
    expect(afterBlockId(viewId, r2)).toBe(typedInto);
    expect(app.fake.view(viewId).state.values[typedInto]?.[`editor.after.${r2}`]).toMatchObject({ value: '4.5' });
  });

  test('a click whose update meets a hash_conflict shows the latest draft, with every change in it', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'Pacific/Auckland' });
    const viewId = await openCopyOfRecommended(slack, 'Conflicted');
    const [r1, r2] = rowKeys(viewId) as [string, string];
    const seenByTheSecondClick = app.fake.view(viewId).hash;
    let since = app.fake.calls.length;
    await slack.blockAction({ viewId, actionId: `editor.type.${r1}`, selectedOption: 'Curious' });
    await updated(app.fake, viewId, since);
    // Made on the screen as it was before the first click's update arrived: Slack answers its update with hash_conflict.
    since = app.fake.calls.length;
    await slack.blockAction({ viewId, actionId: `editor.type.${r2}`, selectedOption: 'Hopeful', viewHash: seenByTheSecondClick });
    await updated(app.fake, viewId, since);
    expect(app.fake.calls.slice(since).some((c) => c.method === 'views.update' && c.response.error === 'hash_conflict')).toBe(true);
    expect(stepHeads(viewId).slice(0, 2).map((h) => h.split('\n')[0])).toEqual(['*Step 1* · Curious · Generated', '*Step 2* · Hopeful · Generated']);
  });

  test('example dates follow the viewer’s own time zone in the editor and in /schedule view, where the local date is a day ahead of UTC', async () => {
    const ws = app.workspace();
    const slack = ws.as('UKIWI', { tz: 'Pacific/Auckland' });
    const viewId = await openCopyOfRecommended(slack, 'Kiwi');
    // Now is Tuesday 01:00 in Auckland: +1 Wednesday, +1 Thursday, +2 Saturday → Monday 13 (UTC would say Tue 7, Wed 8, Fri 10).
    const heads = stepHeads(viewId);
    expect(heads[0]).toContain('Day 1 · Wed 8 Apr');
    expect(heads[1]).toContain('Day 2 · Thu 9 Apr');
    expect(heads[2]).toContain('Day 6 · Mon 13 Apr _(moved 2 days to working time)_');

    const since = app.fake.responses.length;
    await slack.command('view Kiwi');
    const details = await nextResponse(app.fake, since);
    expect(details.text).toContain('*1.* Candid · Generated\nDay 1 · Wed 8 Apr');
    expect(details.text).toContain('*3.* Appreciative · Generated\nDay 6 · Mon 13 Apr _(moved 2 days to working time)_');
    expect(details.text).toContain('Pacific/Auckland');
  });
});

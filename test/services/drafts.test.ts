import { openTestDatabase, newWorkspace, actorIn, type TestDatabase } from '../support/db.js';
import { ValidationError, type PickableStepType } from '../../src/services/domain.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';
import { fixedClock } from '../../src/clock.js';
import { formatExampleDate } from '../../src/services/calendar.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase(fixedClock('2026-04-06T13:00:00Z'));
});
afterAll(() => db.close());

async function draftOfCopy(name: string) {
  const ws = newWorkspace();
  await db.services.workspaces.ensureSeeded(ws);
  const alex = actorIn(ws, 'UALEX');
  const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
  const copy = await db.services.schedules.clone(alex, recommended.id, { name, description: '' });
  const draft = await db.services.drafts.start(alex, copy.id, 'America/New_York');
  return { ws, alex, copy, draft };
}

test('after days that is not a number, negative or over 365 gets a message on its own step, and nothing is saved', async () => {
  const { alex, copy, draft, ws } = await draftOfCopy('Typed badly');
  const [r1, r2, r3, r4] = draft.rows.map((r) => r.key) as [string, string, string, string];
  let error: unknown;
  try {
    await db.services.drafts.save(alex, draft.id, { rows: { [r1]: { afterDays: 'soon' }, [r2]: { afterDays: '-2' }, [r3]: { afterDays: '400' }, [r4]: { afterDays: '' } } });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).errors).toEqual({
    'step.0': 'Step 1: “soon” is not a number of days. Use a number such as 2 or 1.5.',
    'step.1': "Step 2: after days can't be negative.",
    'step.2': 'Step 3: after days can be at most 365.',
    'step.3': 'Step 4: enter after how many days it is sent (0 to 365).',
  });
  expect(await db.services.schedules.get(ws, copy.id)).toEqual(copy);
  // The draft keeps what was typed, so the user can fix it.
  expect((await db.services.drafts.get(ws, draft.id)).rows[0]!.afterDays).toBe('soon');
});

test('example dates stop at the first step whose after days are not valid, and the total is unknown', async () => {
  const { ws, draft } = await draftOfCopy('Partial');
  const typed = await db.services.drafts.apply(ws, draft.id, { rows: { [draft.rows[2]!.key]: { afterDays: 'x' } } });
  const model = await db.services.drafts.model(ws, typed);
  expect(model.steps.map((s) => s.exampleDate && formatExampleDate(s.exampleDate, 'America/New_York'))).toEqual(['Day 1 · Tue 7 Apr', 'Day 2 · Wed 8 Apr', null, null, null, null, null]);
  expect(model.totalDays).toBeNull();
  expect(model.datesFor).toEqual({ assistantName: null, start: expect.any(Date), timeZone: 'America/New_York', offDays: [6, 0] });
});

test('two changes at once both land (the draft is updated optimistically and retried)', async () => {
  const { ws, draft } = await draftOfCopy('Racing');
  const [r1, r2] = draft.rows.map((r) => r.key) as [string, string];
  await Promise.all([
    db.services.drafts.apply(ws, draft.id, {}, { kind: 'setType', key: r1, type: 'Curious' }),
    db.services.drafts.apply(ws, draft.id, {}, { kind: 'setType', key: r2, type: 'Hopeful' }),
    db.services.drafts.apply(ws, draft.id, {}, { kind: 'add', belowKey: null }),
  ]);
  const after = await db.services.drafts.get(ws, draft.id);
  expect(after.rows.slice(0, 2).map((r) => r.type)).toEqual(['Curious', 'Hopeful']);
  expect(after.rows).toHaveLength(8);
});

test('two clicks from the same view, the second applied on the first one’s revision, keep both changes: the other rows it carries as the view showed them do not undo the first', async () => {
  const { ws, draft } = await draftOfCopy('Stale copies');
  const [r1, r2] = draft.rows.map((r) => r.key) as [string, string];
  // Slack sends the whole modal's state with each click: every row as the view showed it, plus the click's own change.
  const stateWith = (changed: Record<string, { type?: PickableStepType; afterDays?: string }>) => ({
    rows: Object.fromEntries(draft.rows.map((r) => [r.key, { type: r.type as PickableStepType, afterDays: r.afterDays, ...changed[r.key] }])),
  });
  await db.services.drafts.apply(ws, draft.id, stateWith({ [r2]: { type: 'Hopeful', afterDays: '5' } }), { kind: 'setType', key: r2, type: 'Hopeful' }, draft.version);
  const late = await db.services.drafts.apply(ws, draft.id, stateWith({ [r1]: { type: 'Curious' } }), { kind: 'setType', key: r1, type: 'Curious' }, draft.version);
  expect(late.version).toBe(draft.version + 2);
  expect(late.rows.slice(0, 2).map((r) => `${r.type} ${r.afterDays}`)).toEqual([`Curious ${draft.rows[0]!.afterDays}`, 'Hopeful 5']);
});

test('a click from a view two changes behind (read by its revision number) lands on the latest draft, keeping both changes', async () => {
  const { ws, draft } = await draftOfCopy('Behind');
  const keys = draft.rows.map((r) => r.key);
  const [r1, r2] = keys as [string, string];
  const second = await db.services.drafts.apply(ws, draft.id, {}, { kind: 'delete', key: r2 }, draft.version);
  const third = await db.services.drafts.apply(ws, draft.id, {}, { kind: 'add', belowKey: null }, second.version);
  const added = third.rows.at(-1)!.key;
  // A second quick click, from the view as it was before both.
  const late = await db.services.drafts.apply(ws, draft.id, {}, { kind: 'delete', key: r1 }, draft.version);
  expect(late.version).toBe(draft.version + 3);
  expect(late.rows.map((r) => r.key)).toEqual([...keys.filter((k) => k !== r1 && k !== r2), added]);
  // A revision number of no revision (forged, or purged) reads the latest too.
  const forged = await db.services.drafts.apply(ws, draft.id, {}, { kind: 'add', belowKey: null }, 999);
  expect(forged.version).toBe(draft.version + 4);
  expect(forged.rows).toHaveLength(late.rows.length + 1);
});

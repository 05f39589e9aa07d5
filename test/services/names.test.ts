// Names unique per workspace: lookalikes, the stored key, and two renames to one name at once.
import { openTestDatabase, newWorkspace, actorIn, thrown, RACE_ROUNDS, RACE_TIMEOUT_MS, type TestDatabase } from '../support/db.js';
import { DomainError, ValidationError, nameKey, type Actor, type WorkspaceRef } from '../../src/services/domain.js';
import { migrateNameKeys } from '../../src/services/names.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

async function seeded() {
  const ws = newWorkspace();
  await db.services.workspaces.ensureSeeded(ws);
  return ws;
}

/** The message a user sees beside the name field. */
function nameError(error: unknown): string | undefined {
  if (error instanceof ValidationError) return error.errors.name;
  if (error instanceof DomainError && error.field === 'name') return error.message;
  return undefined;
}

const INVISIBLE_REFUSAL = /^The name has an invisible or text-direction character \(U\+[0-9A-F]{4}\) that would make it look like another name\. Remove it\.$/;

describe('lookalike names', () => {
  const lookalikes: [string, string][] = [
    ['zero-width space', 'Recommended\u200b'],
    ['right-to-left override', '\u202eRecommended'],
    ['zero-width joiner inside', 'Recom\u200dmended'],
    ['variation selector after a letter', 'Recommended\ufe0f'],
    ['Hangul filler', 'Recommended\u3164'],
    ['left-to-right mark', '\u200eRecommended'],
  ];

  test.each(lookalikes)('a schedule name with a %s is refused, and says why', async (_what, name) => {
    const ws = await seeded();
    const alex = actorIn(ws);
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const error = await thrown(db.services.schedules.clone(alex, recommended.id, { name, description: '' }));
    expect(nameError(error)).toMatch(INVISIBLE_REFUSAL);
    expect((await db.services.schedules.list(ws)).map((s) => s.name)).toEqual([RECOMMENDED, 'Recommended for Email CC']);
    // Looking it up finds the one it imitates.
    expect((await db.services.schedules.findByName(ws, name))?.id).toBe(recommended.id);
  });

  test('full-width letters, ligatures, odd spaces and case are the same name as the plain one', async () => {
    const ws = await seeded();
    const alex = actorIn(ws);
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    for (const name of ['Ｒｅｃｏｍｍｅｎｄｅｄ', 'RECOMMENDED', '  recommended\u00a0', 'Recommended for\u3000Email  CC']) {
      const error = await thrown(db.services.schedules.clone(alex, recommended.id, { name, description: '' }));
      expect(nameError(error)).toMatch(/^A schedule named “.*” already exists\. Pick another name\.$/);
    }
    const ligature = await db.services.schedules.clone(alex, recommended.id, { name: '\ufb01nal  offer', description: '' });
    // What is stored is what is shown: plain letters, one space.
    expect(ligature.name).toBe('final offer');
    expect(nameError(await thrown(db.services.schedules.clone(alex, recommended.id, { name: 'FINAL OFFER', description: '' })))).toBe(
      'A schedule named “FINAL OFFER” already exists. Pick another name.',
    );
  });

  test('custom messages and assistants refuse lookalikes the same way', async () => {
    const ws = await seeded();
    const alex = actorIn(ws);
    await db.services.customMessages.create(alex, { name: 'Pricing', subject: '', body: 'Hi' });
    await db.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Paris', offDays: [6, 0] });
    expect(nameError(await thrown(db.services.customMessages.create(alex, { name: 'Pricing\u200b', subject: '', body: 'Hi' })))).toMatch(INVISIBLE_REFUSAL);
    expect(nameError(await thrown(db.services.customMessages.create(alex, { name: 'ＰＲＩＣＩＮＧ', subject: '', body: 'Hi' })))).toBe(
      'A custom message named “PRICING” already exists. Pick another name.',
    );
    const assistant = { notificationChannel: '', timeZone: 'Europe/Paris', offDays: [6, 0] as const };
    expect(nameError(await thrown(db.services.assistants.create(alex, { ...assistant, offDays: [6, 0], name: 'A\u202eva' })))).toMatch(INVISIBLE_REFUSAL);
    expect(nameError(await thrown(db.services.assistants.create(alex, { ...assistant, offDays: [6, 0], name: 'ａｖａ' })))).toBe(
      'An assistant named “ava” already exists. Pick another name.',
    );
    expect((await db.services.customMessages.list(ws)).map((m) => m.name)).toEqual(['Pricing']);
    expect((await db.services.assistants.list(ws)).map((a) => a.name)).toEqual(['Ava']);
  });

  test('emoji keep their joiners and variation selectors, and stay distinct from the plain name', async () => {
    const ws = await seeded();
    const alex = actorIn(ws);
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const dev = await db.services.schedules.clone(alex, recommended.id, { name: '👩‍💻 Developers ❤️', description: '' });
    expect(dev.name).toBe('👩‍💻 Developers ❤️');
    expect((await db.services.schedules.findByName(ws, '👩‍💻 developers ❤️'))?.id).toBe(dev.id);
  });
});

describe('stored name keys', () => {
  test('names keyed before lookalikes were folded are re-keyed once at start, and then found by their plain form', async () => {
    const ws = await seeded();
    const { Schedule, CustomMessage, Migration } = db.services.models;
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const workspace = ws.teamId;
    // As the previous key function left them: lower-cased only.
    const old = await Schedule.create({ workspace, name: 'Straße ｆｕｌｌ', nameKey: 'straße ｆｕｌｌ', createdBy: 'UALEX', updatedBy: 'UALEX', steps: [] });
    const message = await CustomMessage.create({ workspace, name: 'Ｐｒｉｃｅ', nameKey: 'ｐｒｉｃｅ', body: 'Hi', createdBy: 'UALEX' });
    await Migration.deleteMany({});
    expect(await migrateNameKeys(db.services.models, db.services.clock)).toBeGreaterThanOrEqual(2);
    expect((await db.services.schedules.findByName(ws, 'STRASSE FULL'))?.id).toBe(String(old._id));
    expect((await db.services.customMessages.findByName(ws, 'price'))?.id).toBe(String(message._id));
    // Recorded: the next start does not scan again.
    expect(await migrateNameKeys(db.services.models, db.services.clock)).toBe(0);
    // And the re-keyed name now blocks its lookalike.
    const error = await thrown(db.services.schedules.clone(actorIn(ws), recommended.id, { name: 'strasse full', description: '' }));
    expect(nameError(error)).toBe('A schedule named “strasse full” already exists. Pick another name.');
  });

  test('the key folds case fully and ignores invisible characters, so lookups find the visible name', () => {
    expect(nameKey('  Straße\u200b  Ｆｕｌｌ ')).toBe('strasse full');
    expect(nameKey('\u202eRecommended')).toBe(nameKey('Recommended'));
  });
});

describe('two renames to the same new name at once', () => {

  /** Runs both at once; exactly one wins, the other gets the field error, and one document has the name. */
  async function raceRenames(
    ws: WorkspaceRef,
    renames: readonly [() => Promise<unknown>, () => Promise<unknown>],
    expected: string,
    count: () => Promise<number>,
  ): Promise<void> {
    const results = await Promise.allSettled(renames.map((rename) => rename()));
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost.map((r) => nameError(r.reason) ?? String(r.reason))).toEqual([expected]);
    expect(await count()).toBe(1);
    void ws;
  }

  test(`schedules: the loser is told the name is taken (${RACE_ROUNDS} rounds)`, async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const [a, b] = await Promise.all([
        db.services.schedules.clone(alex, recommended.id, { name: `A ${round}`, description: '' }),
        db.services.schedules.clone(alex, recommended.id, { name: `B ${round}`, description: '' }),
      ]);
      const name = `Taken ${round}`;
      await raceRenames(
        ws,
        [() => db.services.schedules.rename(alex, a.id, name), () => db.services.schedules.rename(alex, b.id, name)],
        `A schedule named “${name}” already exists. Pick another name.`,
        () => db.services.models.Schedule.countDocuments({ workspace: ws.teamId, nameKey: nameKey(name) }),
      );
    }
  }, RACE_TIMEOUT_MS);

  test(`custom messages: the loser is told the name is taken (${RACE_ROUNDS} rounds)`, async () => {
    const ws = await seeded();
    const alex: Actor = actorIn(ws, 'UALEX', { name: 'Alex' });
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const [a, b] = await Promise.all([
        db.services.customMessages.create(alex, { name: `A ${round}`, subject: '', body: 'Hi' }),
        db.services.customMessages.create(alex, { name: `B ${round}`, subject: '', body: 'Hi' }),
      ]);
      const name = `Taken ${round}`;
      await raceRenames(
        ws,
        [
          () => db.services.customMessages.update(alex, a.id, { name, subject: '', body: 'Hi', baseVersion: 1 }),
          () => db.services.customMessages.update(alex, b.id, { name, subject: '', body: 'Hi', baseVersion: 1 }),
        ],
        `A custom message named “${name}” already exists. Pick another name.`,
        () => db.services.models.CustomMessage.countDocuments({ workspace: ws.teamId, nameKey: nameKey(name) }),
      );
    }
  }, RACE_TIMEOUT_MS);

  test(`assistants: the loser is told the name is taken (${RACE_ROUNDS} rounds)`, async () => {
    const ws = await seeded();
    const alex: Actor = actorIn(ws, 'UALEX', { name: 'Alex' });
    const fields = { notificationChannel: '', timeZone: 'Europe/Paris', offDays: [6, 0] as (0 | 6)[] };
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const [a, b] = await Promise.all([
        db.services.assistants.create(alex, { ...fields, name: `A ${round}` }),
        db.services.assistants.create(alex, { ...fields, name: `B ${round}` }),
      ]);
      const name = `Taken ${round}`;
      await raceRenames(
        ws,
        [
          () => db.services.assistants.update(alex, a.id, { ...fields, name, baseVersion: 1 }),
          () => db.services.assistants.update(alex, b.id, { ...fields, name, baseVersion: 1 }),
        ],
        `An assistant named “${name}” already exists. Pick another name.`,
        () => db.services.models.Assistant.countDocuments({ workspace: ws.teamId, nameKey: nameKey(name) }),
      );
    }
  }, RACE_TIMEOUT_MS);
});

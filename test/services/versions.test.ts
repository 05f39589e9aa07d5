// Two people saving the same custom message, assistant or schedule from forms opened at the
// same version: one save is written, the other is refused naming who saved; and the same Save
// submitted twice (a double click) is answered "saved" both times.
import { openTestDatabase, newWorkspace, actorIn, thrown, RACE_ROUNDS, RACE_TIMEOUT_MS, type TestDatabase } from '../support/db.js';
import { ConflictError, ValidationError, type WorkspaceRef } from '../../src/services/domain.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

const ASSISTANT = { notificationChannel: '', timeZone: 'Europe/Paris', offDays: [6, 0] as (0 | 6)[] };

async function seeded(): Promise<WorkspaceRef> {
  const ws = newWorkspace();
  await db.services.workspaces.ensureSeeded(ws);
  return ws;
}

/** Both at once; returns the one refusal after checking that exactly one save went through. */
async function exactlyOneWins(saves: readonly (() => Promise<unknown>)[]): Promise<ConflictError> {
  const results = await Promise.allSettled(saves.map((save) => save()));
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(lost).toHaveLength(1);
  expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
  return lost[0]!.reason as ConflictError;
}

describe('custom messages', () => {
  test('a save from a form opened before someone else’s save is refused, naming them, and writes nothing', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const bo = actorIn(ws, 'UBO', { name: 'Bo', isAdmin: true });
    const message = await db.services.customMessages.create(alex, { name: 'Pricing', subject: 'Old subject', body: 'Old body' });
    // Both opened at version 1; Bo changes only the subject, then Alex only the body.
    await db.services.customMessages.update(bo, message.id, { name: 'Pricing', subject: 'New subject', body: 'Old body', baseVersion: message.version, saveId: 'VBO' });
    const error = await thrown(
      db.services.customMessages.update(alex, message.id, { name: 'Pricing', subject: 'Old subject', body: 'New body', baseVersion: message.version, saveId: 'VALEX' }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ savedByName: 'Bo', scheduleName: 'Pricing' });
    expect(await db.services.customMessages.get(ws, message.id)).toMatchObject({ subject: 'New subject', body: 'Old body', version: 2, updatedByName: 'Bo' });
  });

  test('a message saved before saves claimed their version is still not overwritten from an older form', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const message = await db.services.customMessages.create(alex, { name: 'Legacy', subject: '', body: 'Original' });
    // As the app used to save: the version bumped in place, no claim left behind.
    await db.services.models.CustomMessage.updateOne({ _id: message.id }, { $set: { body: 'Saved the old way' }, $inc: { version: 2 } });
    const error = await thrown(db.services.customMessages.update(alex, message.id, { name: 'Legacy', subject: '', body: 'Mine', baseVersion: 1, saveId: 'VALEX' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(await db.services.customMessages.get(ws, message.id)).toMatchObject({ body: 'Saved the old way', version: 3 });
  });

  test(`of two saves at the same moment exactly one is written, the other told who saved (${RACE_ROUNDS} rounds)`, async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const bo = actorIn(ws, 'UBO', { name: 'Bo', isAdmin: true });
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const message = await db.services.customMessages.create(alex, { name: `Race ${round}`, subject: 'Original', body: 'Original' });
      const base = { name: message.name, baseVersion: message.version };
      const saves = [
        () => db.services.customMessages.update(alex, message.id, { ...base, subject: 'Original', body: 'by Alex', saveId: 'VALEX' }),
        () => db.services.customMessages.update(bo, message.id, { ...base, subject: 'by Bo', body: 'Original', saveId: 'VBO' }),
      ];
      const refusal = await exactlyOneWins(round % 2 ? saves : saves.reverse());
      const stored = await db.services.customMessages.get(ws, message.id);
      const winner = stored.body === 'by Alex' ? 'Alex' : 'Bo';
      // The winner's whole save, nothing of the loser's.
      expect([stored.subject, stored.body]).toEqual(winner === 'Alex' ? ['Original', 'by Alex'] : ['by Bo', 'Original']);
      expect(stored.version).toBe(2);
      expect(refusal.savedByName).toBe(winner);
    }
  }, RACE_TIMEOUT_MS);

  test('the same Save submitted twice, at once or one after the other, answers saved both times and writes once', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    for (let round = 0; round < 10; round++) {
      const message = await db.services.customMessages.create(alex, { name: `Twice ${round}`, subject: '', body: 'Original' });
      const save = () => db.services.customMessages.update(alex, message.id, { name: message.name, subject: '', body: 'Saved once', baseVersion: 1, saveId: 'VSAME' });
      const both = await Promise.all([save(), save()]);
      expect(both.map((m) => [m.body, m.version])).toEqual([
        ['Saved once', 2],
        ['Saved once', 2],
      ]);
      expect(await save()).toMatchObject({ body: 'Saved once', version: 2 });
    }
    // Another form opened at the same version is still refused, even the same person's.
    const message = (await db.services.customMessages.findByName(ws, 'Twice 0'))!;
    const other = await thrown(db.services.customMessages.update(alex, message.id, { name: message.name, subject: '', body: 'x', baseVersion: 1, saveId: 'VOTHER' }));
    expect(other).toMatchObject({ savedByName: 'Alex' });
  });
});

describe('assistants', () => {
  test('a save from a form opened before someone else’s save is refused, naming them, and writes nothing', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const bo = actorIn(ws, 'UBO', { name: 'Bo', isAdmin: true });
    const ava = await db.services.assistants.create(alex, { ...ASSISTANT, name: 'Ava' });
    await db.services.assistants.update(bo, ava.id, { ...ASSISTANT, name: 'Ava', timeZone: 'Asia/Tokyo', baseVersion: ava.version, saveId: 'VBO' });
    const error = await thrown(db.services.assistants.update(alex, ava.id, { ...ASSISTANT, name: 'Ava', offDays: [5, 6], baseVersion: ava.version, saveId: 'VALEX' }));
    expect(error).toMatchObject({ savedByName: 'Bo', scheduleName: 'Ava' });
    expect(await db.services.assistants.get(ws, ava.id)).toMatchObject({ timeZone: 'Asia/Tokyo', offDays: [0, 6], version: 2 });
  });

  test(`of two saves at the same moment exactly one is written, the other told who saved (${RACE_ROUNDS} rounds)`, async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const bo = actorIn(ws, 'UBO', { name: 'Bo', isAdmin: true });
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const ava = await db.services.assistants.create(alex, { ...ASSISTANT, name: `Ava ${round}` });
      const saves = [
        () => db.services.assistants.update(alex, ava.id, { ...ASSISTANT, name: ava.name, timeZone: 'Asia/Tokyo', baseVersion: ava.version, saveId: 'VALEX' }),
        () => db.services.assistants.update(bo, ava.id, { ...ASSISTANT, name: ava.name, offDays: [5, 6], baseVersion: ava.version, saveId: 'VBO' }),
      ];
      const refusal = await exactlyOneWins(round % 2 ? saves : saves.reverse());
      const stored = await db.services.assistants.get(ws, ava.id);
      const winner = stored.timeZone === 'Asia/Tokyo' ? 'Alex' : 'Bo';
      expect([stored.timeZone, stored.offDays]).toEqual(winner === 'Alex' ? ['Asia/Tokyo', [0, 6]] : ['Europe/Paris', [5, 6]]);
      expect(stored.version).toBe(2);
      expect(refusal.savedByName).toBe(winner);
    }
  }, RACE_TIMEOUT_MS);

  test('the same Save submitted twice answers saved both times and writes once', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const ava = await db.services.assistants.create(alex, { ...ASSISTANT, name: 'Ava' });
    const save = () => db.services.assistants.update(alex, ava.id, { ...ASSISTANT, name: 'Ava', timeZone: 'Asia/Tokyo', baseVersion: 1, saveId: 'VSAME' });
    expect((await Promise.all([save(), save()])).map((a) => a.version)).toEqual([2, 2]);
    expect(await save()).toMatchObject({ timeZone: 'Asia/Tokyo', version: 2 });
  });
});

describe('the step editor’s Save', () => {
  test('submitted twice, at once or one after the other, both answer with the saved schedule, written once', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    for (let round = 0; round < 10; round++) {
      const copy = await db.services.schedules.clone(alex, recommended.id, { name: `Double ${round}`, description: '' });
      const draft = await db.services.drafts.start(alex, copy.id, 'UTC');
      const typed = { description: 'saved once' };
      const both = await Promise.all([db.services.drafts.save(alex, draft.id, typed), db.services.drafts.save(alex, draft.id, typed)]);
      expect(both.map((s) => [s.description, s.version])).toEqual([
        ['saved once', copy.version + 1],
        ['saved once', copy.version + 1],
      ]);
      expect(await db.services.drafts.save(alex, draft.id, typed)).toMatchObject({ description: 'saved once', version: copy.version + 1 });
    }
  });

  test('two editors opened at the same version still conflict, even one person’s', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const copy = await db.services.schedules.clone(alex, recommended.id, { name: 'Two tabs', description: '' });
    const first = await db.services.drafts.start(alex, copy.id, 'UTC');
    const second = await db.services.drafts.start(alex, copy.id, 'UTC');
    await db.services.drafts.save(alex, first.id, { description: 'first' });
    expect(await thrown(db.services.drafts.save(alex, second.id, { description: 'second' }))).toBeInstanceOf(ConflictError);
    expect((await db.services.schedules.get(ws, copy.id)).description).toBe('first');
  });
});

describe('a new custom message or assistant saved twice from the same form', () => {
  test('creates one and answers with it both times, at once or one after the other; another form with that name is refused', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    for (let round = 0; round < 10; round++) {
      const message = () => db.services.customMessages.create(alex, { name: `New ${round}`, subject: '', body: 'Hi', saveId: `VNEW${round}` });
      const both = await Promise.all([message(), message()]);
      expect(both[1].id).toBe(both[0].id);
      expect((await message()).id).toBe(both[0].id);
      const assistant = () => db.services.assistants.create(alex, { ...ASSISTANT, name: `Ava ${round}`, saveId: `VADD${round}` });
      const added = await Promise.all([assistant(), assistant()]);
      expect(added[1].id).toBe(added[0].id);
      expect((await assistant()).id).toBe(added[0].id);
    }
    expect(await db.services.models.CustomMessage.countDocuments({ workspace: ws.teamId })).toBe(10);
    expect(await db.services.models.Assistant.countDocuments({ workspace: ws.teamId })).toBe(10);
    const other = await thrown(db.services.customMessages.create(alex, { name: 'New 0', subject: '', body: 'Hi', saveId: 'VOTHER' }));
    expect((other as ValidationError).errors).toEqual({ name: 'A custom message named “New 0” already exists. Pick another name.' });
    const otherAssistant = await thrown(db.services.assistants.create(alex, { ...ASSISTANT, name: 'Ava 0', saveId: 'VOTHER' }));
    expect((otherAssistant as ValidationError).errors).toEqual({ name: 'An assistant named “Ava 0” already exists. Pick another name.' });
  });
});

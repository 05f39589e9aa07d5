import { openTestDatabase, newWorkspace, actorIn, type TestDatabase } from '../support/db.js';
import { ConflictError, DomainError, ValidationError } from '../../src/services/domain.js';
import { RECOMMENDED, RECOMMENDED_EMAIL_CC } from '../../src/services/workspaces.js';

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

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('system schedules', () => {
  test('a new workspace gets Recommended and Recommended for Email CC, with the recommended after days', async () => {
    const ws = await seeded();
    const list = await db.services.schedules.list(ws);
    expect(list.map((s) => [s.name, s.system, s.emailCc])).toEqual([
      [RECOMMENDED, true, false],
      [RECOMMENDED_EMAIL_CC, true, true],
    ]);
    const recommended = await db.services.schedules.get(ws, list[0]!.id);
    expect(recommended.steps.map((s) => `${s.type} ${s.afterDays}`)).toEqual([
      'Candid 1', 'Gentle 1', 'Appreciative 2', 'Hopeful 3', 'Assertive 4', 'Cautionary 5', 'Curious 6',
    ]);
    expect([list[0]!.stepCount, list[0]!.totalDays]).toEqual([7, 22]);
    expect((await db.services.schedules.get(ws, list[1]!.id)).steps.map((s) => `${s.type} ${s.afterDays}`)).toEqual([
      'own_email 0', 'Gentle 1', 'Appreciative 2', 'Hopeful 3', 'Assertive 4', 'Cautionary 5', 'Curious 6',
    ]);
  });

  test('two first requests at once give two system schedules, not four', async () => {
    const ws = newWorkspace();
    await Promise.all([db.services.workspaces.ensureSeeded(ws), db.services.workspaces.ensureSeeded(ws), db.services.workspaces.ensureSeeded(ws)]);
    expect((await db.services.schedules.list(ws)).map((s) => s.name)).toEqual([RECOMMENDED, RECOMMENDED_EMAIL_CC]);
  });

  test('a system schedule cannot be saved, renamed or deleted, even by an admin', async () => {
    const ws = await seeded();
    const admin = actorIn(ws, 'UADMIN', { isAdmin: true });
    const recommended = (await db.services.schedules.findByName(ws, 'recommended'))!;
    for (const attempt of [
      db.services.schedules.rename(admin, recommended.id, 'Mine'),
      db.services.schedules.remove(admin, recommended.id),
      db.services.schedules.save(admin, recommended.id, { name: 'X', description: '', steps: recommended.steps, baseVersion: recommended.version }),
    ]) {
      const error = await thrown(attempt);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('system_schedule');
      expect((error as Error).message).toContain('Clone it');
    }
    expect((await db.services.schedules.get(ws, recommended.id)).version).toBe(recommended.version);
  });
});

describe('clone, search, save', () => {
  test('a clone keeps every step, belongs to whoever cloned it, and needs a name no other schedule has (any case)', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX');
    const source = (await db.services.schedules.findByName(ws, RECOMMENDED_EMAIL_CC))!;
    const copy = await db.services.schedules.clone(alex, source.id, { name: '  Enterprise CC  ', description: 'For big logos' });
    expect(copy).toMatchObject({ name: 'Enterprise CC', description: 'For big logos', system: false, emailCc: true, createdBy: 'UALEX' });
    expect(copy.steps).toEqual(source.steps);
    const error = await thrown(db.services.schedules.clone(alex, source.id, { name: 'enterprise cc', description: '' }));
    expect((error as DomainError).code).toBe('duplicate_name');
  });

  test('search matches any part of a name, case-insensitively, and treats regex characters literally', async () => {
    const ws = await seeded();
    const alex = actorIn(ws);
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    await db.services.schedules.clone(alex, recommended.id, { name: 'Q4 (fast) push', description: '' });
    expect((await db.services.schedules.search(ws, 'MEND')).map((s) => s.name)).toEqual([RECOMMENDED, RECOMMENDED_EMAIL_CC]);
    expect((await db.services.schedules.search(ws, '(fast)')).map((s) => s.name)).toEqual(['Q4 (fast) push']);
    expect((await db.services.schedules.search(ws, '.*')).map((s) => s.name)).toEqual([]);
    // Across words, inside a word, and one or two characters, found the same way.
    expect((await db.services.schedules.search(ws, 'ded FOR em')).map((s) => s.name)).toEqual([RECOMMENDED_EMAIL_CC]);
    expect((await db.services.schedules.search(ws, 'st) pu')).map((s) => s.name)).toEqual(['Q4 (fast) push']);
    expect((await db.services.schedules.search(ws, 'q4')).map((s) => s.name)).toEqual(['Q4 (fast) push']);
    expect((await db.services.schedules.search(ws, 'h')).map((s) => s.name)).toEqual(['Q4 (fast) push']);
    expect((await db.services.schedules.search(ws, '', { emailCc: true })).map((s) => s.name)).toEqual([RECOMMENDED_EMAIL_CC]);
    expect((await db.services.schedules.search(ws, 'recommended', { emailCc: false })).map((s) => s.name)).toEqual([RECOMMENDED]);
  });

  test('save refuses a stale version and names who saved it, leaving their version in place', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const admin = actorIn(ws, 'UBOSS', { name: 'Bo', isAdmin: true });
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const mine = await db.services.schedules.clone(alex, recommended.id, { name: 'Mine', description: '' });
    const bosses = await db.services.schedules.save(admin, mine.id, { name: 'Mine', description: 'Bo was here', steps: mine.steps.slice(0, 2), baseVersion: mine.version });
    expect(bosses.version).toBe(mine.version + 1);
    const error = await thrown(db.services.schedules.save(alex, mine.id, { name: 'Mine', description: 'Alex', steps: mine.steps, baseVersion: mine.version }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ savedByName: 'Bo', scheduleName: 'Mine' });
    const stored = await db.services.schedules.get(ws, mine.id);
    expect(stored.description).toBe('Bo was here');
    expect(stored.steps).toHaveLength(2);
  });

  test('of two saves from the same version at the same moment, exactly one wins and the other is told who saved', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const bo = actorIn(ws, 'UBO', { name: 'Bo', isAdmin: true });
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const mine = await db.services.schedules.clone(alex, recommended.id, { name: 'Race', description: '' });
    const results = await Promise.allSettled([
      db.services.schedules.save(alex, mine.id, { name: 'Race', description: 'by Alex', steps: mine.steps.slice(0, 3), baseVersion: mine.version }),
      db.services.schedules.save(bo, mine.id, { name: 'Race', description: 'by Bo', steps: mine.steps.slice(0, 5), baseVersion: mine.version }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
    const stored = await db.services.schedules.get(ws, mine.id);
    expect(stored.version).toBe(mine.version + 1);
    const winner = stored.description === 'by Alex' ? 'Alex' : 'Bo';
    expect(stored.steps).toHaveLength(winner === 'Alex' ? 3 : 5);
    expect((lost[0]!.reason as ConflictError).savedByName).toBe(winner);
  });

  test('a version claimed by a writer that died is taken over once stale, so the schedule never stays locked', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX');
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const mine = await db.services.schedules.clone(alex, recommended.id, { name: 'Stuck', description: '' });
    await db.services.models.VersionClaim.create({ docId: mine.id, version: mine.version + 1, claimedAt: new Date(Date.now() - 60_000), byName: 'crashed' });
    const saved = await db.services.schedules.save(alex, mine.id, { name: 'Stuck', description: 'fixed', steps: mine.steps, baseVersion: mine.version });
    expect(saved).toMatchObject({ description: 'fixed', version: mine.version + 1 });
  });

  test('save reports every field problem at once and writes nothing', async () => {
    const ws = await seeded();
    const alex = actorIn(ws);
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const mine = await db.services.schedules.clone(alex, recommended.id, { name: 'Mine', description: '' });
    const error = await thrown(
      db.services.schedules.save(alex, mine.id, {
        name: 'recommended',
        description: 'x'.repeat(501),
        steps: [{ type: 'custom', customMessageId: null, afterDays: 1 }, { type: 'custom', customMessageId: 'aaaaaaaaaaaaaaaaaaaaaaaa', afterDays: 1 }],
        baseVersion: mine.version,
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual({
      name: 'A schedule named “recommended” already exists. Pick another name.',
      description: 'Keep the description to 500 characters (this one has 501).',
      'step.0': 'Step 1 is a custom message: pick the message to send.',
      'step.1': 'The message picked for step 2 was deleted. Pick another.',
    });
    expect(await db.services.schedules.get(ws, mine.id)).toEqual(mine);
  });

  test('only the creator or an admin may rename or delete; a default schedule cannot be deleted', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX');
    const sam = actorIn(ws, 'USAM');
    const admin = actorIn(ws, 'UADMIN', { isAdmin: true });
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const mine = await db.services.schedules.clone(alex, recommended.id, { name: 'Mine', description: '' });
    const forbidden = await thrown(db.services.schedules.rename(sam, mine.id, 'Sams'));
    expect((forbidden as DomainError).code).toBe('forbidden');
    expect((forbidden as DomainError).details.ownerId).toBe('UALEX');
    expect((forbidden as Error).message).toContain('Only {owner}, who created “Mine”');
    expect((await db.services.schedules.rename(admin, mine.id, 'Ours')).name).toBe('Ours');

    const emailCc = (await db.services.schedules.findByName(ws, RECOMMENDED_EMAIL_CC))!;
    const ava = await db.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0] });
    await db.services.assistants.setDefaults(alex, ava.id, { scheduleId: mine.id, emailCcScheduleId: emailCc.id });
    const inUse = await thrown(db.services.schedules.remove(alex, mine.id));
    expect((inUse as DomainError).code).toBe('in_use');
    expect((inUse as DomainError).details.defaultFor).toEqual(['Ava']);
    expect((inUse as Error).message).toBe('“Ours” is the default schedule of Ava. Choose another default for Ava first, then delete it.');
    await db.services.assistants.setDefaults(alex, ava.id, { scheduleId: recommended.id, emailCcScheduleId: emailCc.id });
    await db.services.schedules.remove(alex, mine.id);
    expect(await db.services.schedules.findByName(ws, 'Ours')).toBeNull();
  });

  test('two workspaces never see each other’s schedules', async () => {
    const a = await seeded();
    const b = await seeded();
    const recommended = (await db.services.schedules.findByName(a, RECOMMENDED))!;
    await db.services.schedules.clone(actorIn(a), recommended.id, { name: 'Only in A', description: '' });
    expect(await db.services.schedules.findByName(b, 'Only in A')).toBeNull();
    expect((await db.services.schedules.search(b, 'only')).length).toBe(0);
    await expect(db.services.schedules.get(b, recommended.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('list pages', () => {
  test('a page says whether another follows and knows the total on the last page; a page past the end is the last one', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX');
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    for (let i = 0; i < 18; i++) await db.services.schedules.clone(alex, recommended.id, { name: `Drip ${String(i).padStart(2, '0')}`, description: '' });
    const names = (page: { items: readonly { name: string }[] }) => page.items.map((s) => s.name);

    const first = await db.services.schedules.page(ws, 0, 7);
    expect({ page: first.page, hasNext: first.hasNext, total: first.total }).toEqual({ page: 0, hasNext: true, total: null });
    expect(names(first)).toEqual([RECOMMENDED, RECOMMENDED_EMAIL_CC, 'Drip 00', 'Drip 01', 'Drip 02', 'Drip 03', 'Drip 04']);
    const last = await db.services.schedules.page(ws, 2, 7);
    expect({ page: last.page, hasNext: last.hasNext, total: last.total }).toEqual({ page: 2, hasNext: false, total: 20 });
    expect(names(last)).toEqual(['Drip 12', 'Drip 13', 'Drip 14', 'Drip 15', 'Drip 16', 'Drip 17']);
    // A last page that is exactly full: nothing follows it.
    const full = await db.services.schedules.page(ws, 1, 10);
    expect({ page: full.page, hasNext: full.hasNext, total: full.total, shown: full.items.length }).toEqual({ page: 1, hasNext: false, total: 20, shown: 10 });
    // Schedules deleted since the Next button was drawn: the last page there is.
    const past = await db.services.schedules.page(ws, 5, 7);
    expect({ page: past.page, hasNext: past.hasNext, total: past.total }).toEqual({ page: 2, hasNext: false, total: 20 });
    expect(names(past)).toEqual(names(last));
  });
});

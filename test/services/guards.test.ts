// The services enforce workspaces and ownership themselves, whatever a request names: anyone
// can send any action id or forge a view's metadata, so these call the services directly.
import { openTestDatabase, newWorkspace, actorIn, thrown, type TestDatabase } from '../support/db.js';
import { DomainError, ValidationError, type WorkspaceRef } from '../../src/services/domain.js';
import { RECOMMENDED, RECOMMENDED_EMAIL_CC } from '../../src/services/workspaces.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

async function seeded(): Promise<WorkspaceRef> {
  const ws = newWorkspace();
  await db.services.workspaces.ensureSeeded(ws);
  return ws;
}

const ASSISTANT = { notificationChannel: '', timeZone: 'Europe/Paris', offDays: [6, 0] as (0 | 6)[] };

/** Workspace B with its own message, schedules (a plain and an Email CC copy) and an editor open on one. */
async function otherWorkspace() {
  const ws = await seeded();
  const bea = actorIn(ws, 'UBEA', { isAdmin: true });
  const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
  const emailCc = (await db.services.schedules.findByName(ws, RECOMMENDED_EMAIL_CC))!;
  const message = await db.services.customMessages.create(bea, { name: 'Secret pricing', subject: 'B only', body: 'Only for B' });
  const plain = await db.services.schedules.clone(bea, recommended.id, { name: 'B plain', description: '' });
  const cc = await db.services.schedules.clone(bea, emailCc.id, { name: 'B email cc', description: '' });
  const draft = await db.services.drafts.start(bea, plain.id, 'UTC');
  return { ws, bea, message, plain, cc, draft };
}

describe('another workspace’s ids name nothing here', () => {
  test('loading several custom messages returns only this workspace’s', async () => {
    const a = await seeded();
    const b = await otherWorkspace();
    const mine = await db.services.customMessages.create(actorIn(a), { name: 'Mine', subject: '', body: 'Hi' });
    const found = await db.services.customMessages.getMany(a, [mine.id, b.message.id]);
    expect([...found.values()].map((m) => m.name)).toEqual(['Mine']);
  });

  test('a schedule step cannot send another workspace’s custom message: it is reported as gone and nothing is saved', async () => {
    const a = await seeded();
    const b = await otherWorkspace();
    const alex = actorIn(a);
    const recommended = (await db.services.schedules.findByName(a, RECOMMENDED))!;
    const mine = await db.services.schedules.clone(alex, recommended.id, { name: 'Mine', description: '' });
    const steps = [{ type: 'custom' as const, customMessageId: b.message.id, afterDays: 1 }];
    const error = await thrown(db.services.schedules.save(alex, mine.id, { name: 'Mine', description: '', steps, baseVersion: mine.version }));
    expect((error as ValidationError).errors).toEqual({ 'step.0': 'The message picked for step 1 was deleted. Pick another.' });
    expect(await db.services.schedules.get(a, mine.id)).toEqual(mine);
  });

  test('another workspace’s editor cannot be loaded, changed or saved', async () => {
    const a = await seeded();
    const b = await otherWorkspace();
    const expired = { code: 'not_found', message: 'This editor has expired. Close it and open the schedule again.' };
    await expect(db.services.drafts.get(a, b.draft.id)).rejects.toMatchObject(expired);
    await expect(db.services.drafts.apply(a, b.draft.id, { name: 'Hijacked' })).rejects.toMatchObject(expired);
    await expect(db.services.drafts.save(actorIn(a, 'UALEX', { isAdmin: true }), b.draft.id, { name: 'Hijacked' })).rejects.toMatchObject(expired);
    expect((await db.services.schedules.get(b.ws, b.plain.id)).name).toBe('B plain');
  });

  test('make default refuses another workspace’s schedules and assistants, and changes nothing', async () => {
    const a = await seeded();
    const b = await otherWorkspace();
    const alex = actorIn(a, 'UALEX', { isAdmin: true });
    const ava = await db.services.assistants.create(alex, { ...ASSISTANT, name: 'Ava' });
    const error = await thrown(db.services.assistants.setDefaults(alex, ava.id, { scheduleId: b.plain.id, emailCcScheduleId: b.cc.id }));
    expect((error as ValidationError).errors).toEqual({
      schedule: 'Pick the schedule for new leads (the one you picked may have been deleted).',
      emailCcSchedule: 'Pick the schedule for Email CC leads (the one you picked may have been deleted).',
    });
    expect(await db.services.assistants.get(a, ava.id)).toEqual(ava);
    // B's admin cannot reach A's assistant either.
    const own = { scheduleId: b.plain.id, emailCcScheduleId: b.cc.id };
    await expect(db.services.assistants.setDefaults(b.bea, ava.id, own)).rejects.toMatchObject({ code: 'not_found' });
    expect(await db.services.assistants.get(a, ava.id)).toEqual(ava);
  });
});

describe('only the creator or a workspace admin changes a thing, in the service itself', () => {
  function expectForbidden(error: unknown, ownerId: string): void {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'forbidden', details: { ownerId } });
  }

  test('schedules: save, rename, delete and opening the editor', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
    const sam = actorIn(ws, 'USAM', { name: 'Sam' });
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const mine = await db.services.schedules.clone(alex, recommended.id, { name: 'Mine', description: '' });
    const input = { name: 'Sams now', description: 'taken over', steps: mine.steps.slice(0, 1), baseVersion: mine.version };
    expectForbidden(await thrown(db.services.schedules.save(sam, mine.id, input)), 'UALEX');
    expectForbidden(await thrown(db.services.schedules.rename(sam, mine.id, 'Sams now')), 'UALEX');
    expectForbidden(await thrown(db.services.schedules.remove(sam, mine.id)), 'UALEX');
    expectForbidden(await thrown(db.services.drafts.start(sam, mine.id, 'UTC')), 'UALEX');
    expect(await db.services.schedules.get(ws, mine.id)).toEqual(mine);
    // An admin may.
    const admin = actorIn(ws, 'UADMIN', { name: 'Ada', isAdmin: true });
    expect(await db.services.schedules.save(admin, mine.id, input)).toMatchObject({ name: 'Sams now', description: 'taken over' });
  });

  test('custom messages: editing', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX');
    const sam = actorIn(ws, 'USAM');
    const message = await db.services.customMessages.create(alex, { name: 'Pricing', subject: '', body: 'Original' });
    const input = { name: 'Pricing', subject: '', body: 'Rewritten by Sam', baseVersion: message.version };
    expectForbidden(await thrown(db.services.customMessages.update(sam, message.id, input)), 'UALEX');
    expect(await db.services.customMessages.get(ws, message.id)).toEqual(message);
    const admin = actorIn(ws, 'UADMIN', { isAdmin: true });
    expect(await db.services.customMessages.update(admin, message.id, input)).toMatchObject({ body: 'Rewritten by Sam' });
  });

  test('assistants: editing and making defaults', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX');
    const sam = actorIn(ws, 'USAM');
    const ava = await db.services.assistants.create(alex, { ...ASSISTANT, name: 'Ava' });
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const samsCopy = await db.services.schedules.clone(sam, recommended.id, { name: 'Sams', description: '' });
    expectForbidden(await thrown(db.services.assistants.update(sam, ava.id, { ...ASSISTANT, name: 'Sams Ava', baseVersion: ava.version })), 'UALEX');
    const defaults = { scheduleId: samsCopy.id, emailCcScheduleId: ava.defaultEmailCcScheduleId! };
    expectForbidden(await thrown(db.services.assistants.setDefaults(sam, ava.id, defaults)), 'UALEX');
    expect(await db.services.assistants.get(ws, ava.id)).toEqual(ava);
    const admin = actorIn(ws, 'UADMIN', { isAdmin: true });
    expect(await db.services.assistants.setDefaults(admin, ava.id, defaults)).toMatchObject({ defaultScheduleId: samsCopy.id });
  });
});

describe('workspace admin powers belong to admins of this workspace only', () => {
  test('an admin of another organisation (a shared channel) or a guest marked admin can’t create, list or revoke API tokens, nor export or delete the data', async () => {
    const ws = await seeded();
    const admin = actorIn(ws, 'UADMIN', { isAdmin: true, home: ws });
    await db.services.apiTokens.create(admin, 'Kept');
    const outsider = actorIn(ws, 'UOUT', { isAdmin: true, home: { teamId: 'TOTHERORG' } });
    const guest = actorIn(ws, 'UGUEST', { isAdmin: true, isGuest: true });
    for (const actor of [outsider, guest]) {
      for (const act of [
        () => db.services.apiTokens.create(actor, 'Mine'),
        () => db.services.apiTokens.list(actor),
        () => db.services.apiTokens.revoke(actor, 'Kept'),
        () => db.services.workspaceData.requestDeletion(actor, 'delete all data'),
        () => db.services.workspaceData.requestExport(actor, { responseUrl: null }),
      ]) {
        expect(await thrown(act())).toMatchObject({ code: 'forbidden' });
      }
    }
    expect((await db.services.apiTokens.list(admin)).map((t) => t.label)).toEqual(['Kept']);
    expect(await db.services.models.WorkspaceExport.countDocuments({ workspace: ws.teamId })).toBe(0);
    expect(await db.services.models.Schedule.countDocuments({ workspace: ws.teamId })).toBe(2);
    // An admin of a sister workspace of the same Enterprise Grid org is one of the organisation's admins.
    const grid = { teamId: newWorkspace().teamId, enterpriseId: 'EGRID' };
    await db.services.workspaces.ensureSeeded(grid);
    const sister = actorIn(grid, 'USISTER', { isAdmin: true, home: { teamId: 'TSISTER', enterpriseId: 'EGRID' } });
    expect((await db.services.apiTokens.create(sister, 'Grid')).apiToken.label).toBe('Grid');
  });
});

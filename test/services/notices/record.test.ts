// Recording notices: the dispatcher and the reply webhook call `services.notices.record`; the
// notice is stored (the delivery log) and waits to be posted, once per (enrollment, step, kind).
import type { NoticeInput } from '../../../src/services/notices/index.js';
import { newWorkspace, openTestDatabase, thrown, type TestDatabase } from '../../support/db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

function notice(workspace: NoticeInput['workspace'], overrides: Partial<NoticeInput> = {}): NoticeInput {
  return {
    workspace,
    assistantId: '65f000000000000000000001',
    enrollmentId: '65f0000000000000000000e1',
    leadId: '65f0000000000000000000a1',
    kind: 'sent',
    step: 2,
    totalSteps: 7,
    lead: { name: 'Jamie Rivera', company: 'Acme', email: 'jamie@acme.example' },
    subject: 'Quick question',
    preview: 'Hi Jamie,\nDid you get a chance to look?',
    nextPlannedAt: new Date('2027-03-09T14:00:00Z'),
    detail: null,
    at: new Date('2027-03-05T14:00:00Z'),
    ...overrides,
  };
}

test('a recorded notice is stored with what the channel and the delivery log show, waiting to be posted', async () => {
  const ws = newWorkspace();
  await db.services.notices.record(notice(ws));
  const [stored, ...rest] = await db.services.models.Notice.find({ workspace: ws.teamId }).lean();
  expect(rest).toHaveLength(0);
  expect(stored).toMatchObject({
    kind: 'sent',
    step: 2,
    totalSteps: 7,
    leadLabel: 'Jamie Rivera (Acme)',
    subject: 'Quick question',
    at: new Date('2027-03-05T14:00:00Z'),
    nextPlannedAt: new Date('2027-03-09T14:00:00Z'),
    postedAt: null,
    message: null,
  });
  expect(await db.services.notices.get(ws, String(stored!._id))).toMatchObject({ leadLabel: 'Jamie Rivera (Acme)' });
});

test('recording the same (enrollment, step, kind) twice, even at once, keeps one notice; another kind or step is another notice', async () => {
  const ws = newWorkspace();
  await Promise.all([db.services.notices.record(notice(ws)), db.services.notices.record(notice(ws)), db.services.notices.record(notice(ws))]);
  await db.services.notices.record(notice(ws, { kind: 'replied', detail: null }));
  await db.services.notices.record(notice(ws, { step: 3 }));
  const kept = await db.services.models.Notice.find({ workspace: ws.teamId }).sort({ step: 1, kind: 1 }).lean();
  expect(kept.map((n) => `${n.step}:${n.kind}`)).toEqual(['2:replied', '2:sent', '3:sent']);
});

test('a lead without a name is listed by its email; an unknown kind is refused', async () => {
  const ws = newWorkspace();
  await db.services.notices.record(notice(ws, { kind: 'held', lead: { name: ' ', company: '', email: 'sam@example.com' }, detail: 'first_name' }));
  expect(await db.services.models.Notice.findOne({ workspace: ws.teamId }).lean()).toMatchObject({ leadLabel: 'sam@example.com', detail: 'first_name' });
  expect(await thrown(db.services.notices.record(notice(ws, { kind: 'lost' as never })))).toMatchObject({ code: 'invalid' });
});

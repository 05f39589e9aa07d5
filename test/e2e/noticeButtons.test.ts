// A send's notice in the assistant's channel: its buttons act on the lead at once and the notice
// shows who did what; two clicks at once have one effect, and the second clicker is told why.
import { startTestApp, type TestApp } from '../support/testApp.js';
import { blocksText } from '../support/flows.js';
import type { FakeMessage, JsonObject } from '../support/fakeSlack.js';
import { NOTICE } from '../../views/sendNotice.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A lead following Ava's schedule, and the posted notice of its first send. */
async function postedNotice() {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  app.fake.addUser({ id: 'UALEX', teamId: ws.ref.teamId, name: 'alex' });
  app.fake.addUser({ id: 'UBEA', teamId: ws.ref.teamId, name: 'bea' });
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'Alex', isAdmin: false };
  const ava = await app.services.assistants.create(alex, { name: 'Ava', notificationChannel: ws.channelId, timeZone: 'Europe/Berlin', offDays: [6, 0] });
  const recommended = (await app.services.schedules.list(ws.ref)).find((s) => s.name === 'Recommended')!;
  const [added] = await app.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: recommended.id }, [{ email: 'jamie@acme.example', firstName: 'Jamie', lastName: 'Rivera' }]);
  if (!added?.ok) throw new Error('lead not added');
  await app.services.notices.record({
    workspace: ws.ref,
    assistantId: ava.id,
    enrollmentId: added.enrollmentId,
    leadId: added.leadId,
    kind: 'sent',
    step: 1,
    totalSteps: 7,
    lead: { name: 'Jamie Rivera', company: '', email: 'jamie@acme.example' },
    subject: 'Quick question',
    preview: 'Hi Jamie,',
    nextPlannedAt: new Date(Date.now() + 86_400_000),
    detail: null,
    at: new Date(),
  });
  const message = await until('the notice', () => app.fake.messages.find((m) => m.channel === ws.channelId && m.via === 'chat.postMessage'));
  const current = () => app.fake.message(message.channel, message.ts)!;
  return { ws, added, message, current };
}

const buttonsOf = (message: FakeMessage) =>
  ((message.blocks ?? []) as JsonObject[]).filter((b) => b.type === 'actions').flatMap((b) => (b.elements as JsonObject[]).map((e) => String(e.action_id)));

test('Stop on a notice stops the lead at once and the notice shows who stopped it, with only View lead left', async () => {
  const { ws, added, message, current } = await postedNotice();
  expect(buttonsOf(message)).toEqual([NOTICE.stop, NOTICE.replied, NOTICE.pause, NOTICE.view]);

  await ws.as('UALEX').blockAction({ message, actionId: NOTICE.stop });

  const lead = await until('the lead stopped', async () => {
    const found = await app.services.leads.get(ws.ref, added.leadId);
    return found.enrollment?.state === 'stopped' ? found : undefined;
  });
  expect(lead.enrollment!.history.at(-1)).toMatchObject({ action: 'stopped', by: 'UALEX' });
  const updated = await until('the notice updated', () => (blocksText(current().blocks).includes('Stopped by') ? current() : undefined));
  expect(blocksText(updated.blocks)).toContain('Stopped by <@UALEX>');
  expect(buttonsOf(updated)).toEqual([NOTICE.view]);
});

test('Stop pressed before the poster recorded the notice’s message still updates that notice in place', async () => {
  const { ws, message, current } = await postedNotice();
  // The poster posts first and records the message's ts after: a click can land in between.
  await until('the notice recorded as posted', async () => ((await app.services.models.Notice.findOne({ workspace: ws.ref.teamId, 'message.ts': message.ts }).lean()) ? true : undefined));
  await app.services.models.Notice.updateOne({ workspace: ws.ref.teamId, 'message.ts': message.ts }, { $set: { message: null } });

  await ws.as('UALEX').blockAction({ message, actionId: NOTICE.stop });

  const updated = await until('the notice updated', () => (blocksText(current().blocks).includes('Stopped by') ? current() : undefined));
  expect(buttonsOf(updated)).toEqual([NOTICE.view]);
});

test('Pause, then Resume on the same notice: each acts and the notice offers what fits next', async () => {
  const { ws, added, message, current } = await postedNotice();
  await ws.as('UALEX').blockAction({ message, actionId: NOTICE.pause });
  const paused = await until('the notice shows the pause', () => (buttonsOf(current()).includes(NOTICE.resume) ? current() : undefined));
  expect((await app.services.leads.get(ws.ref, added.leadId)).enrollment!.state).toBe('paused');
  expect(buttonsOf(paused)).toEqual([NOTICE.resume, NOTICE.stop, NOTICE.view]);

  await ws.as('UBEA').blockAction({ message: paused, actionId: NOTICE.resume });
  await until('the lead resumed', async () => ((await app.services.leads.get(ws.ref, added.leadId)).enrollment?.state === 'active' ? true : undefined));
  await until('the notice shows who resumed', () => (blocksText(current().blocks).includes('Resumed by <@UBEA>') ? true : undefined));
});

test('two people pressing Mark replied at once: the lead is stopped once, and the second is told it already was', async () => {
  const { ws, added, message } = await postedNotice();
  await Promise.all([ws.as('UALEX').blockAction({ message, actionId: NOTICE.replied }), ws.as('UBEA').blockAction({ message, actionId: NOTICE.replied })]);

  const lead = await until('the lead stopped', async () => {
    const found = await app.services.leads.get(ws.ref, added.leadId);
    return found.enrollment?.state === 'stopped' ? found : undefined;
  });
  expect(lead.enrollment!.stopReason).toBe('replied');
  expect(lead.enrollment!.history.filter((h) => h.action === 'stopped')).toHaveLength(1);
  const answer = await until('the second clicker’s answer', () => app.fake.messages.find((m) => m.ephemeral && m.channel === ws.channelId && /can’t be stopped|changing this lead/.test(m.text ?? '')));
  expect(answer.ephemeral).toBe(true);
});

test('View lead answers the clicker with the lead’s details', async () => {
  const { ws, message } = await postedNotice();
  await ws.as('UBEA').blockAction({ message, actionId: NOTICE.view });
  const answer = await until('the lead’s details', () => app.fake.messages.find((m) => m.ephemeral && m.channel === ws.channelId && m.visibleTo === 'UBEA' && blocksText(m.blocks).includes('jamie@acme.example')));
  expect(blocksText(answer.blocks)).toContain('Jamie Rivera');
});

test('a guest pressing Stop or View lead is told ephemerally they can’t, and the lead keeps going', async () => {
  const { ws, added, message, current } = await postedNotice();
  await ws.as('UGUEST', { name: 'gina', isRestricted: true }).blockAction({ message, actionId: NOTICE.stop });
  await ws.as('USINGLE', { name: 'sam', isUltraRestricted: true }).blockAction({ message, actionId: NOTICE.view });

  for (const user of ['UGUEST', 'USINGLE']) {
    const answer = await until(`the refusal to ${user}`, () => app.fake.messages.find((m) => m.ephemeral && m.visibleTo === user && /Guests of the workspace can’t act on its leads/.test(m.text ?? '')));
    expect(blocksText(answer.blocks)).not.toContain('jamie@acme.example');
  }
  const lead = await app.services.leads.get(ws.ref, added.leadId);
  expect(lead.enrollment!.state).toBe('active');
  expect(buttonsOf(current())).toEqual([NOTICE.stop, NOTICE.replied, NOTICE.pause, NOTICE.view]);
});

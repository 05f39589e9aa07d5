// Fill in and resume: a followup held for a field the lead lacks posts a notice whose button opens the
// lead's fields; saving them resumes the lead and the held followup arrives by email, filled in. Bad
// input stays in the modal with nothing written; a lead stopped meanwhile is not resumed.
import { startTestApp, type TestApp } from '../support/testApp.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer.js';
import { blocksText, modalOpenedWith } from '../support/flows.js';
import type { FakeMessage, JsonObject } from '../support/fakeSlack.js';
import { deliveryWorkspace, ids, movableClock } from '../services/delivery/support.js';
import { LEAD_FIELDS, NOTICE } from '../../views/sendNotice.js';

const clock = movableClock();
let app: TestApp;
let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  app = await startTestApp({ clock, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://followups.example.com' } });
});
afterAll(async () => {
  await app?.stop();
  await smtp?.close();
});

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const buttonsOf = (message: FakeMessage) =>
  ((message.blocks ?? []) as JsonObject[]).filter((b) => b.type === 'actions').flatMap((b) => (b.elements as JsonObject[]).map((e) => String(e.action_id)));

/** A lead without a company whose first followup (“Does {{company}} still…”) fell due: held, and its notice posted. */
async function heldFollowup(email: string) {
  const ws = app.workspace();
  const { alex, ava, mine } = await deliveryWorkspace(app.services, { notificationChannel: ws.channelId }, undefined, ws.ref);
  const [lead] = ids(await app.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email, firstName: 'Jamie', custom: { plan: 'pro' } }]));
  clock.set((await app.services.leads.get(ws.ref, lead!.leadId)).enrollment!.nextDueAt!);
  const message = await until('the held notice', () => app.fake.messages.find((m) => m.channel === ws.channelId && m.via === 'chat.postMessage' && /is held/.test(m.text ?? '')));
  expect((await app.services.leads.get(ws.ref, lead!.leadId)).enrollment!.state).toBe('paused');
  expect(buttonsOf(message)).toEqual([NOTICE.fill, NOTICE.view]);
  const current = () => app.fake.message(message.channel, message.ts)!;
  return { ws, alex, leadId: lead!.leadId, message, current, toLead: () => smtp.received.filter((m) => m.to[0]?.address === email) };
}

test('Fill in and resume opens the lead’s fields with the missing one marked; saving resumes the lead, the email goes out filled in, and the notice says who filled what', async () => {
  const { ws, leadId, message, current, toLead } = await heldFollowup('jamie@globex.example');
  const bea = ws.as('UBEA', { name: 'bea' });
  const click = await bea.blockAction({ message, actionId: NOTICE.fill });
  const modal = await modalOpenedWith(app.fake, click.triggerId);
  const input = (block: string) => (modal.blocks as JsonObject[]).find((b) => b.block_id === block)!;
  expect(input(LEAD_FIELDS.block('company'))).toMatchObject({ optional: false });
  expect(input(LEAD_FIELDS.block('firstName'))).toMatchObject({ optional: true, element: { initial_value: 'Jamie' } });
  expect(input(`${LEAD_FIELDS.customBlockPrefix}plan`)).toMatchObject({ element: { initial_value: 'pro' } });
  expect(toLead()).toHaveLength(0);

  app.fake.typeInto(modal.id, LEAD_FIELDS.block('company'), LEAD_FIELDS.action('company'), ' Globex ');
  const submitted = await bea.viewSubmission(modal.id);
  expect(submitted.outcome?.action).toBe('close');

  const [email] = await until('the held followup by email', () => toLead().length > 0 && toLead());
  expect(email!.text).toContain('Does Globex still look after its followups by hand?');
  const lead = await app.services.leads.get(ws.ref, leadId);
  expect(lead.company).toBe('Globex');
  expect(lead.enrollment!.history.find((h) => h.action === 'resumed')).toMatchObject({ by: 'UBEA', reason: expect.stringContaining('filled in company') });
  const updated = await until('the notice updated', () => (blocksText(current().blocks).includes('Filled in') ? current() : undefined));
  expect(blocksText(updated.blocks)).toContain('Filled in `Company` by <@UBEA>');
  expect(buttonsOf(updated)).toEqual([NOTICE.view]);
});

test('bad input stays in the modal on its field and writes nothing; an empty missing field is refused by the service too', async () => {
  const { ws, leadId, message } = await heldFollowup('kim@globex.example');
  const alex = ws.as('UALEX');
  const modal = await modalOpenedWith(app.fake, (await alex.blockAction({ message, actionId: NOTICE.fill })).triggerId);
  app.fake.typeInto(modal.id, LEAD_FIELDS.block('company'), LEAD_FIELDS.action('company'), 'Globex');
  app.fake.typeInto(modal.id, LEAD_FIELDS.block('phone'), LEAD_FIELDS.action('phone'), '5'.repeat(60));
  const submitted = await alex.viewSubmission(modal.id);
  expect(submitted.outcome).toMatchObject({ action: 'errors', errors: { [LEAD_FIELDS.block('phone')]: 'Keep the phone to 50 characters (this one has 60).' } });

  // Slack's client would not send a required field empty; anyone can send anything, so the service checks it.
  app.fake.typeInto(modal.id, LEAD_FIELDS.block('phone'), LEAD_FIELDS.action('phone'), '');
  const forged = await alex.forgedViewSubmission(modal.id, { [LEAD_FIELDS.block('company')]: { [LEAD_FIELDS.action('company')]: { type: 'plain_text_input', value: ' ' } } });
  expect(forged.outcome).toMatchObject({ action: 'errors', errors: { [LEAD_FIELDS.block('company')]: 'Fill in the company: the held followup needs it.' } });

  const lead = await app.services.leads.get(ws.ref, leadId);
  expect(lead).toMatchObject({ company: '', phone: '' });
  expect(lead.enrollment!.state).toBe('paused');
});

test('a lead stopped meanwhile is not resumed: the save says so and changes nothing, and the button then answers that it is stopped', async () => {
  const { ws, alex: alexActor, leadId, message, toLead } = await heldFollowup('lee@globex.example');
  const alex = ws.as('UALEX');
  const modal = await modalOpenedWith(app.fake, (await alex.blockAction({ message, actionId: NOTICE.fill })).triggerId);
  await app.services.leads.stop(alexActor, leadId, 'replied');
  app.fake.typeInto(modal.id, LEAD_FIELDS.block('company'), LEAD_FIELDS.action('company'), 'Globex');
  const submitted = await alex.viewSubmission(modal.id);
  expect(submitted.outcome).toMatchObject({ action: 'errors', errors: { [LEAD_FIELDS.block('firstName')]: expect.stringContaining('Jamie was stopped (replied) by Alex meanwhile, so they are not resumed') } });
  const lead = await app.services.leads.get(ws.ref, leadId);
  expect(lead.company).toBe('');
  expect(lead.enrollment).toMatchObject({ state: 'stopped', stopReason: 'replied' });

  const again = await alex.blockAction({ message, actionId: NOTICE.fill });
  await until('the answer', () => app.fake.messages.find((m) => m.ephemeral && m.visibleTo === 'UALEX' && m.channel === ws.channelId && /Jamie is stopped \(replied\): there is nothing to resume/.test(m.text ?? '')));
  expect(app.fake.callsTo('views.open').filter((c) => c.args.trigger_id === again.triggerId)).toHaveLength(0);
  expect(toLead()).toHaveLength(0);
});

test('two saves at once have one effect: one resumes the lead, the other is told it was already resumed', async () => {
  const { ws, leadId } = await heldFollowup('max@globex.example');
  const notice = (await app.services.models.Notice.findOne({ leadId, kind: 'held' }).lean<{ _id: unknown }>())!;
  const actor = (userId: string, name: string) => ({ workspace: ws.ref, userId, name, isAdmin: false });
  const results = await Promise.allSettled([
    app.services.noticeActions.fill(actor('UALEX', 'Alex'), String(notice._id), { company: 'Globex' }),
    app.services.noticeActions.fill(actor('UBEA', 'Bea'), String(notice._id), { company: 'Initech' }),
  ]);
  const won = results.findIndex((r) => r.status === 'fulfilled');
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const lost = results[1 - won] as PromiseRejectedResult;
  expect(lost.reason).toMatchObject({ message: `Jamie was already resumed by ${won === 0 ? 'Alex' : 'Bea'}: nothing was changed.` });
  const lead = await app.services.leads.get(ws.ref, leadId);
  expect(lead.company).toBe(won === 0 ? 'Globex' : 'Initech');
  expect(lead.enrollment!.history.filter((h) => h.action === 'resumed')).toHaveLength(1);
});

test('Fill in and resume from a digest line: the digest redraws that line with who filled what, as a notice of its own shows it, and its menu keeps only View lead', async () => {
  const ws = app.workspace();
  const { alex, ava, mine } = await deliveryWorkspace(app.services, { notificationChannel: ws.channelId }, undefined, ws.ref);
  const emails = ['ann', 'bo', 'cy', 'di'].map((n) => `${n}@globex.example`);
  const added = ids(await app.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, emails.map((email) => ({ email, firstName: email.split('@')[0] }))));
  // Four held at once (as when their followups fell due together): more than are posted one by one, so a digest lists them.
  for (const { leadId } of added) await app.services.leads.pause(alex, leadId, { reason: 'no value for company' });
  await app.services.notices.recordAll(
    added.map(({ leadId, enrollmentId }, i) => ({
      workspace: ws.ref,
      assistantId: ava.id,
      enrollmentId,
      leadId,
      kind: 'held' as const,
      step: 1,
      totalSteps: 2,
      lead: { name: emails[i]!.split('@')[0]!, company: '', email: emails[i]! },
      subject: 'Quick question',
      preview: '',
      nextPlannedAt: null,
      detail: 'company',
      at: new Date(),
    })),
  );
  const digest = await until('the digest', () => app.fake.messages.find((m) => m.channel === ws.channelId && m.via === 'chat.postMessage' && /4 followup notices/.test(m.text ?? '')));
  const notice = (await app.services.models.Notice.findOne({ leadId: added[1]!.leadId, kind: 'held' }).lean<{ _id: unknown }>())!;
  const noticeId = String(notice._id);
  const line = () => ((app.fake.message(digest.channel, digest.ts)!.blocks ?? []) as JsonObject[]).find((b) => b.block_id === `${NOTICE.digestLinePrefix}${noticeId}`)!;
  const menu = () => ((line().accessory as JsonObject).options as JsonObject[]).map((o) => String(o.value));
  expect(menu()).toEqual([`fill:${noticeId}`, `view:${noticeId}`]);

  const bea = ws.as('UBEA', { name: 'bea' });
  const click = await bea.blockAction({ message: digest, actionId: `${NOTICE.digestMenu}.${noticeId}`, selectedOption: { text: 'Fill in and resume', value: `fill:${noticeId}` } });
  const modal = await modalOpenedWith(app.fake, click.triggerId);
  app.fake.typeInto(modal.id, LEAD_FIELDS.block('company'), LEAD_FIELDS.action('company'), 'Globex');
  expect((await bea.viewSubmission(modal.id)).outcome?.action).toBe('close');

  await until('the digest line redrawn', () => (blocksText([line()]).includes('Filled in') ? true : undefined));
  expect(blocksText([line()])).toContain('Filled in `Company` by <@UBEA>');
  expect(blocksText([line()])).toContain('and resumed');
  expect(menu()).toEqual([`view:${noticeId}`]);
  // The other lines are as they were, still offering Fill in.
  const others = ((app.fake.message(digest.channel, digest.ts)!.blocks ?? []) as JsonObject[]).filter((b) => String(b.block_id ?? '').startsWith(NOTICE.digestLinePrefix) && b !== line());
  expect(others).toHaveLength(3);
  for (const other of others) expect(blocksText([other])).not.toContain('Filled in');
  expect((await app.services.leads.get(ws.ref, added[1]!.leadId)).enrollment!.state).toBe('active');
});

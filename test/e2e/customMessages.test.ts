// `/schedule message list | edit <name>` end to end, with the list's Edit buttons.
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { modalOpenedWith, modalsOpenedWith, postedTo, textOf } from '../support/flows.js';
import type { FakeMessage, FakeView } from '../support/fakeSlack.js';
import { CUSTOM_MESSAGE } from '../../views/customMessageModal.js';
import { MESSAGE_LIST } from '../../views/customMessageList.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

const actor = (ws: TestWorkspace, userId: string) => ({ workspace: ws.ref, userId, name: userId, isAdmin: false });

const LONG_BODY =
  'Hi {{first_name|there}}, I wanted to follow up on the pricing we discussed last week. ' +
  'Our annual plan brings the per-seat price down by a fifth, and the onboarding is included. ' +
  'If it helps, I can walk your finance team through the numbers on a short call this week.';

/** UALEX wrote "Pricing follow-up", used by the schedule "Pricing drip"; UBEA wrote "Unused note". */
async function setUp() {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  const alex = actor(ws, 'UALEX');
  const pricing = await app.services.customMessages.create(alex, { name: 'Pricing follow-up', subject: 'Quick question about pricing', body: LONG_BODY });
  const unused = await app.services.customMessages.create(actor(ws, 'UBEA'), { name: 'Unused note', subject: '', body: 'Just checking in.' });
  const recommended = (await app.services.schedules.findByName(ws.ref, 'Recommended'))!;
  const drip = await app.services.schedules.clone(alex, recommended.id, { name: 'Pricing drip', description: '' });
  await app.services.schedules.save(alex, drip.id, {
    name: 'Pricing drip',
    description: '',
    steps: [
      { type: 'custom', customMessageId: pricing.id, afterDays: 1 },
      { type: 'Candid', customMessageId: null, afterDays: 2 },
    ],
    baseVersion: drip.version,
  });
  return { ws, pricing, unused };
}

/** The list message as posted in the channel, to click its buttons. */
function listMessage(ws: TestWorkspace, userId: string, count: number): FakeMessage {
  const found = app.fake.messages.findLast((m) => m.channel === ws.channelId && m.visibleTo === userId && m.text === `Custom messages (${count})`);
  if (!found) throw new Error(`no custom message list for ${userId}`);
  return found;
}

const typed = (view: FakeView, blockId: string, actionId: string) => view.state.values[blockId]?.[actionId]?.value;

describe('/schedule message list', () => {
  test('shows each message’s subject, the start of its body, who wrote it and the schedules that send it', async () => {
    const { ws } = await setUp();
    const res = await ws.as('UCARA').command('message list');
    const list = await postedTo(app.fake, res.responseUrl);
    expect(list.body.response_type).toBe('ephemeral');
    expect(list.text).toContain('*Pricing follow-up*\nSubject: “Quick question about pricing”');
    expect(list.text).toContain(`> ${LONG_BODY.slice(0, 149)}…\nBy <@UALEX> · Used in: *Pricing drip*`);
    expect(list.text).not.toContain('on a short call this week');
    expect(list.text).toContain('*Unused note*\nNo subject: sent as a reply in the same thread\n> Just checking in.\nBy <@UBEA> · Not used yet');
    expect(textOf(list.body.blocks).match(/^Edit$/gm)).toHaveLength(2);
  });

  test('the creator’s Edit button opens the message filled in, and saving changes it', async () => {
    const { ws, pricing } = await setUp();
    const alex = ws.as('UALEX');
    await postedTo(app.fake, (await alex.command('message list')).responseUrl);
    const click = await alex.blockAction({ message: listMessage(ws, 'UALEX', 2), actionId: `${MESSAGE_LIST.edit}.${pricing.id}` });
    const modal = await modalOpenedWith(app.fake, click.triggerId);
    expect(textOf(modal.title)).toBe('Edit custom message');
    expect(typed(modal, CUSTOM_MESSAGE.nameBlock, CUSTOM_MESSAGE.nameAction)).toBe('Pricing follow-up');
    expect(typed(modal, CUSTOM_MESSAGE.subjectBlock, CUSTOM_MESSAGE.subjectAction)).toBe('Quick question about pricing');
    expect(typed(modal, CUSTOM_MESSAGE.bodyBlock, CUSTOM_MESSAGE.bodyAction)).toBe(LONG_BODY);

    app.fake.typeInto(modal.id, CUSTOM_MESSAGE.bodyBlock, CUSTOM_MESSAGE.bodyAction, 'Hi {{first_name|there}}, the new pricing is out.');
    expect((await alex.viewSubmission(modal.id)).outcome?.action).toBe('close');
    expect(await app.services.customMessages.get(ws.ref, pricing.id)).toMatchObject({ body: 'Hi {{first_name|there}}, the new pricing is out.', version: 2 });
    expect((await postedTo(app.fake, click.responseUrl!)).text).toContain('Custom message *Pricing follow-up* is updated.');
  });

  test('many messages come in pages, and Next shows the rest', async () => {
    const ws = app.workspace();
    await app.services.workspaces.ensureSeeded(ws.ref);
    for (let i = 1; i <= 20; i++) {
      await app.services.customMessages.create(actor(ws, 'UALEX'), { name: `Message ${String(i).padStart(2, '0')}`, subject: '', body: `Body ${i}` });
    }
    const alex = ws.as('UALEX');
    const first = await postedTo(app.fake, (await alex.command('message list')).responseUrl);
    expect(first.text).toContain('*Message 15*');
    expect(first.text).not.toContain('*Message 16*');
    expect(first.text).toContain('20 custom messages · page 1 of 2');
    const click = await alex.blockAction({ message: listMessage(ws, 'UALEX', 20), actionId: `${MESSAGE_LIST.page}.next` });
    const second = await postedTo(app.fake, click.responseUrl!);
    expect(second.body.replace_original).toBe(true);
    expect(second.text).toContain('*Message 20*');
    expect(second.text).not.toContain('*Message 15*');
  });
});

describe('/schedule message edit', () => {
  test('someone else’s message is refused, from the command and from the list, naming who wrote it; an admin may edit it', async () => {
    const { ws, pricing } = await setUp();
    const refusal = 'Only <@UALEX>, who wrote “Pricing follow-up”, or a workspace admin or owner can edit it.';
    const bea = ws.as('UBEA');
    const command = await bea.command('message edit Pricing follow-up');
    expect((await postedTo(app.fake, command.responseUrl)).text).toContain(refusal);
    expect(modalsOpenedWith(app.fake, command.triggerId)).toBe(0);

    await postedTo(app.fake, (await bea.command('message list')).responseUrl);
    const click = await bea.blockAction({ message: listMessage(ws, 'UBEA', 2), actionId: `${MESSAGE_LIST.edit}.${pricing.id}` });
    const answer = await postedTo(app.fake, click.responseUrl!);
    expect(answer.text).toContain(refusal);
    expect(answer.body.replace_original).toBe(false);
    expect(modalsOpenedWith(app.fake, click.triggerId)).toBe(0);
    expect((await app.services.customMessages.get(ws.ref, pricing.id)).version).toBe(1);

    const admin = await ws.as('UCARA', { isAdmin: true }).command('message edit pricing follow-up');
    const modal = await modalOpenedWith(app.fake, admin.triggerId);
    expect(typed(modal, CUSTOM_MESSAGE.nameBlock, CUSTOM_MESSAGE.nameAction)).toBe('Pricing follow-up');
  });

  test('an unknown name says so, offering the names that come close (typos too)', async () => {
    const { ws } = await setUp();
    const res = await ws.as('UALEX').command('message edit Zebra');
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('No custom message is named “Zebra”. `/schedule message list` shows them all.');
    expect(modalsOpenedWith(app.fake, res.triggerId)).toBe(0);
    const typo = await ws.as('UALEX').command('message edit Pricng folow-up');
    expect((await postedTo(app.fake, typo.responseUrl)).text).toContain(
      'No custom message is named “Pricng folow-up”. Close matches: *Pricing follow-up*. `/schedule message list` shows them all.',
    );
    expect(modalsOpenedWith(app.fake, typo.triggerId)).toBe(0);
  });
});

describe('workspaces', () => {
  test('two workspaces never see each other’s messages', async () => {
    await setUp();
    const other = app.workspace();
    const dana = other.as('UDANA', { isAdmin: true });
    const list = await dana.command('message list');
    expect((await postedTo(app.fake, list.responseUrl)).text).toContain('No custom messages yet. Write one with `/schedule message new`');
    const edit = await dana.command('message edit Pricing follow-up');
    expect((await postedTo(app.fake, edit.responseUrl)).text).toContain('No custom message is named “Pricing follow-up”.');
    expect(modalsOpenedWith(app.fake, edit.triggerId)).toBe(0);
  });
});

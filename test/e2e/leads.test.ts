// `/schedule lead add | show | list | pause | resume | stop` end to end: signed requests into the
// running app, the local Slack rendering and checking every modal and message, the real database.
import { fixedClock } from '../../src/clock.js';
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { messageFromResponse, modalOpenedWith, modalsOpenedWith, postedTo, textOf, viewText } from '../support/flows.js';
import { until } from '../support/roundTrips.js';
import type { FakeView } from '../support/fakeSlack.js';
import { LEAD_ADD, leadScheduleBlockId, textActionId } from '../../views/leadAddModal.js';
import { LEAD_LIST, LEAD_STOP } from '../../views/leadMessages.js';
import { RECOMMENDED, RECOMMENDED_EMAIL_CC } from '../../src/services/workspaces.js';

// Fri 5 March 2027, 16:30 in New York.
const NOW = new Date('2027-03-05T21:30:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock: fixedClock(NOW) });
});
afterAll(() => app.stop());

async function withAssistants(ws: TestWorkspace, ...names: string[]) {
  await app.services.workspaces.ensureSeeded(ws.ref);
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'Alex', isAdmin: false };
  const zones = ['America/New_York', 'Europe/Berlin'];
  return Promise.all(names.map((name, i) => app.services.assistants.create(alex, { name, notificationChannel: '', timeZone: zones[i] ?? 'UTC', offDays: [6, 0] })));
}

const preview = (viewId: string) => textOf((app.fake.view(viewId).blocks as { block_id?: string }[]).find((b) => b.block_id === LEAD_ADD.previewBlock));
const scheduleBlock = (view: FakeView) => (view.blocks as { block_id?: string }[]).map((b) => b.block_id ?? '').find((id) => id.startsWith(LEAD_ADD.scheduleBlockPrefix))!;
const pickedSchedule = (view: FakeView) => textOf(view.state.values[scheduleBlock(view)]?.[LEAD_ADD.scheduleAction]?.selected_option);

/** Picks in the modal as the user would, and waits for the preview the app draws for it. */
async function pick(driver: ReturnType<TestWorkspace['as']>, viewId: string, actionId: string, value: unknown, shows: string) {
  await driver.blockAction({ viewId, actionId, value } as Parameters<typeof driver.blockAction>[0]);
  await until(() => preview(viewId).includes(shows), `the preview to show “${shows}”: ${preview(viewId)}`);
  return app.fake.view(viewId);
}

describe('/schedule lead add', () => {
  test('the preview follows the assistant, the Email CC box and the start; Add enrolls the lead in what it showed', async () => {
    const ws = app.workspace();
    const [ava, bea] = await withAssistants(ws, 'Ava', 'Bea');
    const alex = ws.as('UALEX');
    const res = await alex.command('lead add');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    expect(textOf(modal.title)).toBe('Add a lead');
    expect(preview(modal.id)).toContain('Pick an assistant');

    let view = await pick(alex, modal.id, LEAD_ADD.assistantAction, ava!.id, 'America/New_York');
    expect(pickedSchedule(view)).toBe(`${RECOMMENDED} (system)`);
    // Fri 16:30 + 1 day is Saturday: Monday 09:00, then every step in New York time.
    expect(preview(modal.id)).toContain('1. Candid · Mon 8 Mar 2027, 09:00');
    expect(preview(modal.id)).toContain('4. Hopeful · Mon 15 Mar 2027, 09:00');

    view = await pick(alex, modal.id, LEAD_ADD.assistantAction, bea!.id, 'Europe/Berlin');
    // In Berlin it is already 22:30 on Friday: Saturday 22:30 moves to Monday 09:00 Berlin time.
    expect(preview(modal.id)).toContain('1. Candid · Mon 8 Mar 2027, 09:00');

    view = await pick(alex, modal.id, LEAD_ADD.emailCcAction, [LEAD_ADD.emailCcValue], 'your own email');
    expect(pickedSchedule(view)).toBe(`${RECOMMENDED_EMAIL_CC} (system)`);
    expect(scheduleBlock(view)).toBe(leadScheduleBlockId(bea!.id, true));
    expect(preview(modal.id)).not.toContain('1. ');
    expect(preview(modal.id)).toContain('2. Gentle · Mon 8 Mar 2027, 09:00');
    // Only Email CC schedules are offered now.
    const offered = await alex.blockSuggestion({ viewId: modal.id, actionId: LEAD_ADD.scheduleAction, value: '' });
    expect(offered.options.map((o) => textOf(o))).toEqual([`${RECOMMENDED_EMAIL_CC} (system)`]);

    app.fake.typeInto(modal.id, LEAD_ADD.startTimeBlock, LEAD_ADD.startTimeAction, '10:15');
    await pick(alex, modal.id, LEAD_ADD.startDateAction, '2027-03-09', 'starting Tue 9 Mar 2027, 10:15');
    expect(preview(modal.id)).toContain('2. Gentle · Wed 10 Mar 2027, 10:15');

    app.fake.typeInto(modal.id, LEAD_ADD.emailBlock, textActionId(LEAD_ADD.emailBlock), ' Jamie@Acme.example ');
    app.fake.typeInto(modal.id, LEAD_ADD.firstNameBlock, textActionId(LEAD_ADD.firstNameBlock), 'Jamie');
    app.fake.typeInto(modal.id, LEAD_ADD.customBlock, textActionId(LEAD_ADD.customBlock), 'Deal size: 10k\nplan: pro');
    const submitted = await alex.viewSubmission(modal.id);
    expect(submitted.outcome?.action).toBe('close');
    const confirmation = await postedTo(app.fake, res.responseUrl);
    expect(confirmation.text).toContain('Jamie (jamie@acme.example) now follows “Recommended for Email CC” with Bea. The first followup goes out Wed 10 Mar 2027, 10:15 (Europe/Berlin).');

    const lead = (await app.services.leads.findByEmail(ws.ref, 'jamie@acme.example'))!;
    expect(lead.custom).toEqual([
      { name: 'deal_size', value: '10k' },
      { name: 'plan', value: 'pro' },
    ]);
    expect(lead.enrollment).toMatchObject({ assistantId: bea!.id, emailCc: true, start: new Date('2027-03-09T09:15:00Z') });
    expect(lead.enrollment!.followups[0]).toMatchObject({ step: 2, plannedAt: new Date('2027-03-10T09:15:00Z') });
  });

  test('a custom field without a name, a bad email, a lead already following the assistant and a time without a date are shown on their fields, and nothing is added', async () => {
    const ws = app.workspace();
    const [ava] = await withAssistants(ws, 'Ava');
    const alex = ws.as('UALEX');
    const res = await alex.command('lead add');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    // The only assistant is picked already, with its default and a preview.
    expect(preview(modal.id)).toContain('1. Candid · Mon 8 Mar 2027, 09:00');

    app.fake.typeInto(modal.id, LEAD_ADD.emailBlock, textActionId(LEAD_ADD.emailBlock), 'jamie at acme');
    app.fake.typeInto(modal.id, LEAD_ADD.customBlock, textActionId(LEAD_ADD.customBlock), 'no colon here');
    let submitted = await alex.viewSubmission(modal.id);
    expect(submitted.outcome).toMatchObject({ action: 'errors', errors: { [LEAD_ADD.customBlock]: expect.stringContaining('name: value') } });

    app.fake.typeInto(modal.id, LEAD_ADD.customBlock, textActionId(LEAD_ADD.customBlock), '');
    submitted = await alex.viewSubmission(modal.id);
    expect(submitted.outcome).toMatchObject({ action: 'errors', errors: { [LEAD_ADD.emailBlock]: '“jamie at acme” is not an email address: write it like name@company.com.' } });

    await app.services.leads.addLeads({ workspace: ws.ref, userId: 'UBO', name: 'Bo', isAdmin: false }, { assistantId: ava!.id }, [{ email: 'jamie@acme.example', firstName: 'Jamie', lastName: 'Rivera' }]);
    app.fake.typeInto(modal.id, LEAD_ADD.emailBlock, textActionId(LEAD_ADD.emailBlock), 'JAMIE@acme.example');
    submitted = await alex.viewSubmission(modal.id);
    expect(submitted.outcome).toMatchObject({
      action: 'errors',
      errors: { [LEAD_ADD.emailBlock]: expect.stringContaining('Jamie Rivera (jamie@acme.example) already follows “Recommended” with Ava') },
    });

    // A start time without a date is refused on the start.
    app.fake.typeInto(modal.id, LEAD_ADD.emailBlock, textActionId(LEAD_ADD.emailBlock), 'kim@acme.example');
    app.fake.typeInto(modal.id, LEAD_ADD.startTimeBlock, LEAD_ADD.startTimeAction, '10:00');
    submitted = await alex.viewSubmission(modal.id);
    expect(submitted.outcome).toMatchObject({ action: 'errors', errors: { [LEAD_ADD.startDateBlock]: expect.stringContaining('Pick the start date too') } });
    expect((await app.services.leads.list(ws.ref)).items.map((i) => i.lead.email)).toEqual(['jamie@acme.example']);
  });

  test('without an assistant the command says to add one first', async () => {
    const ws = app.workspace();
    const res = await ws.as('UALEX').command('lead add');
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('Add an assistant first');
  });
});

describe('/schedule lead show, list, pause, resume and stop', () => {
  async function withLeads(ws: TestWorkspace) {
    const [ava] = await withAssistants(ws, 'Ava');
    const bo = { workspace: ws.ref, userId: 'UBO', name: 'Bo', isAdmin: false };
    const leads = Array.from({ length: 12 }, (_, i) => ({ email: `lead${String(i).padStart(2, '0')}@acme.example`, firstName: `Lead${i}`, company: '<!here> *Acme*' }));
    await app.services.leads.addLeads(bo, { assistantId: ava!.id }, leads);
    return ava!;
  }

  test('show lists the lead, its schedule, each followup’s planned time in the assistant’s zone, its state and history', async () => {
    const ws = app.workspace();
    await withLeads(ws);
    const alex = ws.as('UALEX');
    const res = await alex.command('lead show LEAD03@acme.example');
    const shown = await postedTo(app.fake, res.responseUrl);
    expect(shown.text).toContain('Lead3');
    expect(shown.text).toContain('&lt;!here&gt; ∗Acme∗'); // escaped: no mention, no bold
    expect(shown.text).toContain('*Ava* · “Recommended” · *active* · started Fri 5 Mar 2027, 16:30 (America/New_York)');
    expect(shown.text).toContain('1. Candid · Mon 8 Mar 2027, 09:00');
    expect(shown.text).toContain('7. Curious · Tue 30 Mar 2027, 09:00');
    expect(shown.text).toContain('Fri 5 Mar 2027, 16:30 · enrolled · by Bo');

    const missing = await alex.command('lead show nobody@acme.example');
    expect((await postedTo(app.fake, missing.responseUrl)).text).toContain('No lead has the email “nobody@acme.example”');
  });

  test('list pages ten at a time, filters by assistant and state, and pause, resume and stop change what it shows', async () => {
    const ws = app.workspace();
    await withLeads(ws);
    const alex = ws.as('UALEX');
    let res = await alex.command('lead list Ava');
    const first = await postedTo(app.fake, res.responseUrl);
    expect(first.text).toContain('1–10 · page 1 · more on the next page');
    expect(first.text.match(/@acme\.example/g)).toHaveLength(10);

    const message = messageFromResponse(app.fake, ws.channelId, 'Leads of Ava');
    const next = await alex.blockAction({ message, actionId: `${LEAD_LIST.page}.next` });
    const second = await postedTo(app.fake, next.responseUrl!);
    expect(second.text).toContain('11–12 · page 2 · 12 in all');

    res = await alex.command('lead pause lead05@acme.example');
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('Paused *Lead5* (lead05@acme.example).');
    res = await alex.command('lead list paused');
    const paused = await postedTo(app.fake, res.responseUrl);
    expect(paused.text).toContain('Paused leads');
    expect(paused.text.match(/@acme\.example/g)).toEqual(['@acme.example']);
    expect(paused.text).toContain('lead05@acme.example');

    res = await alex.command('lead pause lead05@acme.example');
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('Lead5 can’t be paused: their schedule is paused.');
    res = await alex.command('lead resume lead05@acme.example');
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('Resumed *Lead5* (lead05@acme.example). The next followup goes out Mon 8 Mar 2027, 09:00 (America/New_York).');

    res = await alex.command('lead list Avaa');
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('No assistant is named “Avaa”');
  });

  test('show, pause, resume and stop with something that is not an email address say so, only to the one who asked, and change nothing', async () => {
    const ws = app.workspace();
    await withLeads(ws);
    const alex = ws.as('UALEX');
    for (const [text, typed] of [
      ['lead show Lead03', 'lead03'],
      ['lead pause lead05 at acme', 'lead05 at acme'],
      ['lead resume lead05@', 'lead05@'],
      ['lead stop <mailto:lead01|lead01>', 'lead01'],
    ] as const) {
      const res = await alex.command(text);
      const answer = await postedTo(app.fake, res.responseUrl);
      // The words the lead add form uses; not "No lead has the email", not a failure.
      expect({ text, answer: answer.body.text }).toEqual({ text, answer: `“${typed}” is not an email address: write it like name@company.com.` });
      expect(answer.body.response_type).toBe('ephemeral');
      expect(modalsOpenedWith(app.fake, res.triggerId)).toBe(0);
    }
    expect((await app.services.leads.list(ws.ref, { state: 'active', perPage: 20 })).items).toHaveLength(12);
  });

  test('list with an assistant and a word that is not a state says the word is not a state; a name of several words and a real state still list', async () => {
    const ws = app.workspace();
    const [ava, avaStone] = await withAssistants(ws, 'Ava', 'Ava Stone');
    const bo = { workspace: ws.ref, userId: 'UBO', name: 'Bo', isAdmin: false };
    await app.services.leads.addLeads(bo, { assistantId: ava!.id }, [{ email: 'jamie@acme.example', firstName: 'Jamie' }]);
    await app.services.leads.addLeads(bo, { assistantId: avaStone!.id }, [{ email: 'kim@acme.example', firstName: 'Kim' }, { email: 'lee@acme.example', firstName: 'Lee' }]);
    const alex = ws.as('UALEX');
    await alex.command('lead pause kim@acme.example');
    const answerTo = async (text: string) => {
      const res = await alex.command(text);
      const answer = await postedTo(app.fake, res.responseUrl);
      expect(answer.body.response_type).toBe('ephemeral');
      return answer;
    };
    const sentence = async (text: string) => (await answerTo(text)).body.text;
    const listed = async (text: string) => (await answerTo(text)).text;

    expect(await sentence('lead list Ava stoped')).toBe('“stoped” is not a lead state: end with `active`, `paused`, `completed`, `stopped`, e.g. `/schedule lead list Ava paused`.');
    expect(await sentence('lead list ava stone Pasued')).toBe('“Pasued” is not a lead state: end with `active`, `paused`, `completed`, `stopped`, e.g. `/schedule lead list Ava Stone paused`.');

    const both = await listed('lead list Ava Stone');
    expect(both).toContain('Leads of Ava Stone');
    expect(both.match(/\w+@acme\.example/g)?.sort()).toEqual(['kim@acme.example', 'lee@acme.example']);
    const paused = await listed('lead list Ava Stone PAUSED');
    expect(paused).toContain('Paused leads of Ava Stone');
    expect(paused.match(/\w+@acme\.example/g)).toEqual(['kim@acme.example']);
    const active = await listed('lead list Ava active');
    expect(active).toContain('Active leads of Ava');
    expect(active.match(/\w+@acme\.example/g)).toEqual(['jamie@acme.example']);
    // Words that name no assistant, even without the last, are still an unknown assistant.
    expect(await listed('lead list Bob stoped')).toContain('No assistant is named “Bob stoped”');
  });

  test('stop asks for the reason in a modal, then the lead is stopped with it in its history', async () => {
    const ws = app.workspace();
    await withLeads(ws);
    const alex = ws.as('UALEX');
    const res = await alex.command('lead stop lead01@acme.example');
    const modal = await modalOpenedWith(app.fake, res.triggerId);
    expect(viewText(app.fake, modal.id)).toContain('No more followups go to *Lead1* (lead01@acme.example). Why?');
    app.fake.typeInto(modal.id, LEAD_STOP.reasonBlock, LEAD_STOP.reasonAction, 'replied');
    app.fake.typeInto(modal.id, LEAD_STOP.noteBlock, LEAD_STOP.noteAction, 'Wants a call');
    const submitted = await alex.viewSubmission(modal.id);
    expect(submitted.outcome?.action).toBe('close');
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('Stopped *Lead1* (lead01@acme.example).');

    const show = await alex.command('lead show lead01@acme.example');
    const shown = await postedTo(app.fake, show.responseUrl);
    expect(shown.text).toContain('*stopped* (replied)');
    expect(shown.text).toContain('1. Candid · not sent (was planned for Mon 8 Mar 2027, 09:00)');
    expect(shown.text).toContain('stopped: replied: Wants a call · by ualex');

    const again = await alex.command('lead stop lead01@acme.example');
    expect((await postedTo(app.fake, again.responseUrl)).text).toContain('Lead1 is not following a schedule right now');
  });

  test('a guest asking to show, list, add, import, pause or stop leads is told they can’t, sees no lead, and nothing changes', async () => {
    const ws = app.workspace();
    await withLeads(ws);
    for (const [userId, guest] of [
      ['UGUEST', { name: 'gina', isRestricted: true }],
      ['USINGLE', { name: 'sam', isUltraRestricted: true }],
    ] as const) {
      const driver = ws.as(userId, guest);
      for (const text of ['lead show lead01@acme.example', 'lead list', 'lead list Ava', 'lead add', 'lead import', 'lead pause lead01@acme.example', 'lead stop lead01@acme.example']) {
        const res = await driver.command(text);
        const answer = await postedTo(app.fake, res.responseUrl);
        expect({ text, answer: answer.text }).toEqual({ text, answer: expect.stringContaining('Guests of the workspace can’t act on its leads: ask a full member to do it.') });
        expect(answer.text).not.toContain('@acme.example');
        expect(answer.body.response_type).toBe('ephemeral');
        expect(modalsOpenedWith(app.fake, res.triggerId)).toBe(0);
      }
      // A page button of a member's (ephemeral) list, which the guest can't see: the guest signs its payload as their own.
      const list = await ws.as('UALEX').command('lead list Ava');
      await postedTo(app.fake, list.responseUrl);
      const message = messageFromResponse(app.fake, ws.channelId, 'Leads of Ava');
      const { payload } = await ws.as('UALEX').blockAction({ message, actionId: `${LEAD_LIST.page}.next` });
      const responseUrl = app.fake.responseUrl({ teamId: ws.ref.teamId, channelId: ws.channelId, userId, messageTs: message.ts });
      const forged = { ...payload, user: { id: userId, username: guest.name, name: guest.name, team_id: ws.ref.teamId }, response_url: responseUrl };
      expect((await driver.signedPost(new URLSearchParams({ payload: JSON.stringify(forged) }).toString())).status).toBe(200);
      const paged = await postedTo(app.fake, responseUrl);
      expect(paged.text).toContain('Guests of the workspace can’t act on its leads');
      expect(paged.text).not.toContain('@acme.example');
    }
    expect((await app.services.leads.list(ws.ref, { state: 'active', perPage: 20 })).items).toHaveLength(12);
  });

  test('another workspace never sees the leads', async () => {
    const ws = app.workspace();
    await withLeads(ws);
    const other = app.workspace();
    await withAssistants(other, 'Ava');
    const res = await other.as('UALEX').command('lead show lead01@acme.example');
    expect((await postedTo(app.fake, res.responseUrl)).text).toContain('No lead has the email');
    const list = await other.as('UALEX').command('lead list');
    expect((await postedTo(app.fake, list.responseUrl)).text).toContain('No leads yet');
  });
});

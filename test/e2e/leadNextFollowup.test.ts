// `/schedule lead show` shows the lead's next followup as renderFollowup writes it for that lead.
import { fixedClock } from '../../src/clock.js';
import { followupRenderInput, renderFollowup } from '../../src/services/delivery/render.js';
import { postedTo } from '../support/flows.js';
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock: fixedClock('2027-03-05T21:30:00Z') });
});
afterAll(() => app.stop());

async function setUp(ws: TestWorkspace) {
  await app.services.workspaces.ensureSeeded(ws.ref);
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'Alex', isAdmin: false };
  const ava = await app.services.assistants.createSettings(alex, { name: 'Ava', timeZone: 'UTC', senderName: 'Ava Stone', senderEmail: 'ava@example.com', signature: 'Ava Stone\nExample Inc.' }, { channels: null });
  const deal = await app.services.customMessages.create(alex, { name: 'Deal', subject: 'Your {{custom.deal_size}} seats', body: 'Hi {{first_name|there}},\nabout your {{custom.deal_size}} seats at {{company|your company}}.' });
  const schedule = await app.services.schedules.create(alex, { name: 'Deals', description: '', emailCc: false, steps: [{ type: 'custom', customMessageId: deal.id, afterDays: 1 }, { type: 'Gentle', customMessageId: null, afterDays: 2 }] });
  return { alex, ava, schedule };
}

async function shown(ws: TestWorkspace, email: string): Promise<string> {
  const res = await ws.as('UALEX').command(`lead show ${email}`);
  return (await postedTo(app.fake, res.responseUrl)).text;
}

describe('a lead’s details show its next followup', () => {
  test('the next followup reads exactly as renderFollowup writes it for this lead, from its assistant', async () => {
    const ws = app.workspace();
    const { alex, ava, schedule } = await setUp(ws);
    await app.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: schedule.id }, [{ email: 'kim@corp.example', firstName: 'Kim & <Co>', company: 'Corp', custom: { 'Deal Size': '40' } }]);
    const lead = (await app.services.leads.findByEmail(ws.ref, 'kim@corp.example'))!;
    const enrollment = lead.enrollment!;
    const first = enrollment.followups[0]!;
    const deal = (await app.services.customMessages.findByName(ws.ref, 'Deal'))!;
    const expected = renderFollowup(followupRenderInput(lead, ava, enrollment.id, first, deal));
    if (!expected.ok) throw new Error('expected a followup');
    const text = await shown(ws, 'kim@corp.example');
    expect(text).toContain('Next followup* (step 1)');
    expect(text).toContain(`*Subject:* ${expected.followup.subject}`);
    expect(expected.followup.text).toBe('Hi Kim & <Co>,\nabout your 40 seats at Corp.\n\nAva Stone\nExample Inc.');
    expect(text).toContain(expected.followup.text);

    // Once the first followup went out, the next one replies in its thread.
    await app.services.models.Enrollment.updateOne({ _id: enrollment.id }, { $set: { 'followups.0.sentAt': new Date(), thread: { subject: 'Your 40 seats', messageIds: ['<f1@example.com>'] } } });
    const second = renderFollowup(followupRenderInput(lead, ava, enrollment.id, enrollment.followups[1]!, null));
    if (!second.ok) throw new Error('expected a followup');
    const later = await shown(ws, 'kim@corp.example');
    expect(later).toContain('Next followup* (step 2)');
    expect(later).toContain('*Subject:* Re: Your 40 seats\n');
    expect(later).toContain(second.followup.text);
  });

  test('a lead without a field its next followup needs shows that the followup would be held, naming the token', async () => {
    const ws = app.workspace();
    const { alex, ava, schedule } = await setUp(ws);
    await app.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: schedule.id }, [{ email: 'lee@corp.example', firstName: 'Lee' }]);
    const text = await shown(ws, 'lee@corp.example');
    expect(text).toContain('*Held for Lee*');
    expect(text).toContain('`{{custom.deal_size}}` has no value for this lead and no fallback');
    expect(text).not.toContain('seats');
  });
});

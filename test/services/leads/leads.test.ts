// Leads and enrollment in the service: validation, bulk adds with per-lead results, one schedule
// at a time per assistant (also when two adds race), planned times, Email CC, pause/resume/stop.
import type { Clock } from '../../../src/clock.js';
import { DomainError, ValidationError } from '../../../src/services/domain.js';
import { leadInputSchema, validateLead, type AddLeadResult } from '../../../src/services/leads/index.js';
import { RECOMMENDED, RECOMMENDED_EMAIL_CC } from '../../../src/services/workspaces.js';
import { actorIn, newWorkspace, openTestDatabase, RACE_ROUNDS, RACE_TIMEOUT_MS, thrown, type TestDatabase } from '../../support/db.js';

/** A clock the test moves. */
const clock = { at: new Date('2027-03-05T21:30:00Z'), now() { return new Date(this.at); } } satisfies Clock & { at: Date };

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase(clock);
});
afterAll(() => db.close());

async function setUp(timeZone = 'America/New_York') {
  const ws = newWorkspace();
  await db.services.workspaces.ensureSeeded(ws);
  const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
  const ava = await db.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone, offDays: [6, 0] });
  return { ws, alex, ava };
}

const iso = (dates: readonly { plannedAt: Date }[]) => dates.map((f) => f.plannedAt.toISOString());
/** The lead id of a successful add (fails the test otherwise). */
function leadIdOf(result: AddLeadResult | undefined): string {
  if (!result?.ok) throw new Error(`expected the lead to be added: ${JSON.stringify(result)}`);
  return result.leadId;
}
function enrollmentIdOf(result: AddLeadResult | undefined): string {
  if (!result?.ok) throw new Error(`expected the lead to be added: ${JSON.stringify(result)}`);
  return result.enrollmentId;
}
const okIds = (results: AddLeadResult[]) => results.map((r) => (r.ok ? 'ok' : Object.keys(r.errors).join(',')));

describe('the lead input schema', () => {
  test('requires a valid email, stores it lower-cased and trimmed, and names each bad field', () => {
    expect(validateLead({ email: '  Jamie.Rivera@Acme.EXAMPLE ' })).toMatchObject({ ok: true, lead: { email: 'jamie.rivera@acme.example', firstName: '', tags: [] } });
    expect(validateLead({ firstName: 'Jamie' })).toEqual({ ok: false, errors: { email: 'Give the lead’s email address.' } });
    expect(validateLead({ email: 'jamie at acme' })).toEqual({ ok: false, errors: { email: '“jamie at acme” is not an email address: write it like name@company.com.' } });
    const long = validateLead({ email: 'a@b.co', company: 'x'.repeat(201), phone: 1234 });
    expect(long).toEqual({ ok: false, errors: { company: 'Keep the company to 200 characters (this one has 201).', phone: 'The phone must be text.' } });
    expect(validateLead({ email: 'a@b.co', nickname: 'J' })).toMatchObject({ ok: false, errors: { nickname: expect.stringContaining('is not a lead field') } });
  });

  test('custom fields become keys usable as {{custom.<name>}} tokens; a name that can’t be a token is refused', () => {
    expect(validateLead({ email: 'a@b.co', custom: { 'Deal Size': ' 10k ', plan: 'pro' } })).toMatchObject({ ok: true, lead: { custom: { deal_size: '10k', plan: 'pro' } } });
    expect(validateLead({ email: 'a@b.co', custom: { '{{x}}': '1' } })).toMatchObject({ ok: false, errors: { 'custom.{{x}}': expect.stringContaining('can’t name a custom field') } });
    expect(validateLead({ email: 'a@b.co', custom: { 'Deal size': '1', deal_size: '2' } })).toMatchObject({ ok: false, errors: { 'custom.deal_size': expect.stringContaining('both named “deal_size”') } });
    expect(leadInputSchema.safeParse({ email: 'a@b.co', custom: { plan: 3 } }).success).toBe(false);
  });
});

describe('finding a lead by email', () => {
  test('any case and spacing finds it; what is not an email address is refused in the words adding uses, for every reader', async () => {
    const { ws, alex, ava } = await setUp();
    await db.services.leads.addLeads(alex, { assistantId: ava.id }, [{ email: 'jamie@acme.example' }]);
    expect((await db.services.leads.findByEmail(alex, ' JAMIE@acme.example '))!.email).toBe('jamie@acme.example');
    for (const reader of [ws, alex]) {
      const error = await thrown(db.services.leads.findByEmail(reader, 'Jamie'));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors).toEqual({ email: '“jamie” is not an email address: write it like name@company.com.' });
    }
  });
});

describe('adding leads', () => {
  test('a lead follows the assistant’s default schedule, planned in its zone and working time', async () => {
    const { ws, alex, ava } = await setUp();
    clock.at = new Date('2027-03-05T21:30:00Z'); // Fri 16:30 in New York
    const [result] = await db.services.leads.addLeads(alex, { assistantId: ava.id }, [{ email: 'Jamie@Acme.example', firstName: 'Jamie', custom: { plan: 'pro' } }]);
    expect(result).toMatchObject({ ok: true });
    const lead = await db.services.leads.findByEmail(ws, 'JAMIE@acme.example');
    expect(lead).toMatchObject({ email: 'jamie@acme.example', firstName: 'Jamie', custom: [{ name: 'plan', value: 'pro' }] });
    const enrollment = lead!.enrollment!;
    expect(enrollment).toMatchObject({ state: 'active', emailCc: false, scheduleId: (await db.services.schedules.findByName(ws, RECOMMENDED))!.id, assistantId: ava.id });
    expect(enrollment.followups.map((f) => f.type)).toEqual(['Candid', 'Gentle', 'Appreciative', 'Hopeful', 'Assertive', 'Cautionary', 'Curious']);
    // Sat → Mon 09:00; then +1, +2, +3 (a Sunday, also the spring DST change) → Mon 09:00 EDT, +4, +5, +6.
    expect(iso(enrollment.followups)).toEqual([
      '2027-03-08T14:00:00.000Z',
      '2027-03-09T14:00:00.000Z',
      '2027-03-11T14:00:00.000Z',
      '2027-03-15T13:00:00.000Z',
      '2027-03-19T13:00:00.000Z',
      '2027-03-24T13:00:00.000Z',
      '2027-03-30T13:00:00.000Z',
    ]);
    expect(enrollment.nextDueAt).toEqual(new Date('2027-03-08T14:00:00Z'));
    expect(enrollment.history).toEqual([{ at: clock.at, by: 'UALEX', byName: 'Alex', action: 'enrolled', reason: null }]);
    expect(await db.services.leads.get(ws, leadIdOf(result))).toEqual(lead);
  });

  test('the assistant’s business hours, public holidays and vacation move the planned times', async () => {
    const { ws, alex } = await setUp();
    const berlin = await db.services.assistants.create(alex, {
      name: 'Bea',
      notificationChannel: '',
      timeZone: 'Europe/Berlin',
      offDays: [6, 0],
      businessHours: { open: '10:00', close: '16:00' },
      holidays: { country: 'DE', region: null },
      extraOffDates: ['2027-03-31'],
    });
    clock.at = new Date('2027-03-25T15:30:00Z'); // Thu 16:30 in Berlin
    await db.services.leads.addLeads(alex, { assistantId: berlin.id }, [{ email: 'kim@acme.example' }]);
    const followups = (await db.services.leads.findByEmail(ws, 'kim@acme.example'))!.enrollment!.followups;
    // +1 → Fri 26 16:30, Good Friday (and after closing); Easter Monday 29 too → Tue 30 at opening, 10:00 CEST.
    // Then +1 → Wed 31, on vacation → Thu 1 April 10:00.
    expect(iso(followups).slice(0, 2)).toEqual(['2027-03-30T08:00:00.000Z', '2027-04-01T08:00:00.000Z']);
  });

  test('good leads are enrolled when others in the same batch are refused, one result per lead in order', async () => {
    const { ws, alex, ava } = await setUp();
    const results = await db.services.leads.addLeads(alex, { assistantId: ava.id }, [
      { email: 'one@acme.example' },
      { email: 'not an email' },
      { email: 'two@acme.example', firstName: 'x'.repeat(101) },
      { email: 'ONE@acme.example' },
      { email: 'three@acme.example' },
    ]);
    expect(okIds(results)).toEqual(['ok', 'email', 'firstName', 'email', 'ok']);
    expect(results[3]).toMatchObject({ ok: false, reason: 'duplicate', errors: { email: 'one@acme.example is already in this list (lead 1).' } });
    expect(results[1]).toMatchObject({ reason: 'invalid' });
    const page = await db.services.leads.list(ws);
    expect(page.items.map((i) => i.lead.email).sort()).toEqual(['one@acme.example', 'three@acme.example']);
  });

  test('an email already following a schedule of the assistant is refused, naming the lead; another assistant may enroll it', async () => {
    const { ws, alex, ava } = await setUp();
    const [first] = await db.services.leads.addLeads(alex, { assistantId: ava.id }, [{ email: 'jamie@acme.example', firstName: 'Jamie', lastName: 'Rivera' }]);
    const [again] = await db.services.leads.addLeads(alex, { assistantId: ava.id }, [{ email: 'Jamie@acme.example', company: 'Other' }]);
    expect(again).toEqual({
      ok: false,
      reason: 'duplicate',
      existingLeadId: leadIdOf(first),
      errors: {
        email: 'Jamie Rivera (jamie@acme.example) already follows “Recommended” with Ava: a lead follows one schedule at a time per assistant. Stop that one first to enroll them again.',
      },
    });
    // Nothing of the refused add was written.
    expect((await db.services.leads.findByEmail(ws, 'jamie@acme.example'))!.company).toBe('');
    const bo = await db.services.assistants.create(alex, { name: 'Bo', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0] });
    const [withBo] = await db.services.leads.addLeads(alex, { assistantId: bo.id }, [{ email: 'jamie@acme.example', company: 'Acme' }]);
    expect(withBo).toMatchObject({ ok: true, leadId: leadIdOf(first) });
    const lead = (await db.services.leads.findByEmail(ws, 'jamie@acme.example'))!;
    expect(lead.enrollments.map((e) => e.assistantId).sort()).toEqual([ava.id, bo.id].sort());
    expect(lead).toMatchObject({ firstName: 'Jamie', company: 'Acme' });
  });

  test(
    `two adds of the same email at once: exactly one enrolls it (${RACE_ROUNDS} rounds)`,
    async () => {
      const { ws, alex, ava } = await setUp();
      for (let round = 0; round < RACE_ROUNDS; round++) {
        const email = `race${round}@acme.example`;
        const add = () => db.services.leads.addLeads(alex, { assistantId: ava.id }, [{ email }]);
        const [a, b] = await Promise.all([add(), add()]);
        expect([a![0]!.ok, b![0]!.ok].sort()).toEqual([false, true]);
        const lead = (await db.services.leads.findByEmail(ws, email))!;
        expect(lead.enrollments).toHaveLength(1);
      }
    },
    RACE_TIMEOUT_MS,
  );

  test('a lead who unsubscribed or bounced is refused when added again, to any assistant, and the rest of the batch goes in', async () => {
    const { ws, alex, ava } = await setUp();
    const ben = await db.services.assistants.create(alex, { name: 'Ben', notificationChannel: '', timeZone: 'America/New_York', offDays: [6, 0] });
    const added = await db.services.leads.addLeads(alex, { assistantId: ava.id }, [{ email: 'gone@acme.example', firstName: 'Gone' }, { email: 'bounce@acme.example' }]);
    const [goneId, bounceId] = added.map(leadIdOf);
    const doc = await db.services.models.Lead.findById(goneId).lean<{ unsubscribeToken: string }>();
    await db.services.unsubscribes.unsubscribe(doc!.unsubscribeToken);
    await db.services.leads.stop(alex, bounceId!, 'bounced');

    for (const assistantId of [ava.id, ben.id]) {
      const results = await db.services.leads.addLeads(alex, { assistantId }, [{ email: 'Gone@acme.example', firstName: 'Again' }, { email: 'fresh@acme.example' }, { email: 'bounce@acme.example' }]);
      expect(results[0]).toMatchObject({ ok: false, reason: 'unsubscribed', existingLeadId: goneId, errors: { email: 'gone@acme.example unsubscribed from these emails, so they can’t be added again: they stay unsubscribed.' } });
      expect(results[1]).toMatchObject({ ok: true });
      expect(results[2]).toMatchObject({ ok: false, reason: 'bounced', errors: { email: expect.stringContaining('bounce@acme.example bounced') } });
    }
    const gone = await db.services.leads.get(ws, goneId!);
    expect(gone.firstName).toBe('Gone');
    expect(gone.enrollments.map((e) => [e.state, e.stopReason])).toEqual([['stopped', 'unsubscribed']]);
    expect((await db.services.leads.get(ws, bounceId!)).enrollments).toHaveLength(1);
  });

  test('the whole batch is refused for an unknown assistant or a schedule of the wrong kind, writing nothing', async () => {
    const { ws, alex, ava } = await setUp();
    const other = await setUp();
    const cc = (await db.services.schedules.findByName(ws, RECOMMENDED_EMAIL_CC))!;
    const plain = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const attempts = [
      [{ assistantId: other.ava.id }, 'assistantId'],
      [{ assistantId: ava.id, scheduleId: cc.id }, 'scheduleId'],
      [{ assistantId: ava.id, scheduleId: plain.id, emailCc: true }, 'scheduleId'],
      [{ assistantId: ava.id, scheduleId: (await db.services.schedules.findByName(other.ws, RECOMMENDED))!.id }, 'scheduleId'],
      [{ assistantId: ava.id, start: new Date('2029-01-01T00:00:00Z') }, 'start'],
    ] as const;
    for (const [enroll, field] of attempts) {
      const error = await thrown(db.services.leads.addLeads(alex, enroll, [{ email: 'jamie@acme.example' }]));
      expect(error).toBeInstanceOf(ValidationError);
      expect(Object.keys((error as ValidationError).errors)).toEqual([field]);
    }
    expect(await db.services.leads.findByEmail(ws, 'jamie@acme.example')).toBeNull();
  });

  test('an Email CC lead follows the Email CC default; the own email gets no followup and step 2 counts from the start', async () => {
    const { ws, alex, ava } = await setUp();
    clock.at = new Date('2027-03-01T15:00:00Z'); // Mon 10:00 in New York
    const start = new Date('2027-03-01T14:00:00Z'); // the user sent their email at 09:00
    const [result] = await db.services.leads.addLeads(alex, { assistantId: ava.id, emailCc: true, start }, [{ email: 'cc@acme.example' }]);
    expect(result).toMatchObject({ ok: true });
    const enrollment = (await db.services.leads.findByEmail(ws, 'cc@acme.example'))!.enrollment!;
    expect(enrollment).toMatchObject({ emailCc: true, start, scheduleId: (await db.services.schedules.findByName(ws, RECOMMENDED_EMAIL_CC))!.id });
    expect(enrollment.followups.map((f) => f.step)).toEqual([2, 3, 4, 5, 6, 7]);
    // Gentle 1 day after the start, Appreciative 2 after that.
    expect(iso(enrollment.followups).slice(0, 2)).toEqual(['2027-03-02T14:00:00.000Z', '2027-03-04T14:00:00.000Z']);
  });

  test('a thousand leads go in at once', async () => {
    const { ws, alex, ava } = await setUp();
    const leads = Array.from({ length: 1000 }, (_, i) => ({ email: `lead${i}@acme.example`, firstName: `Lead ${i}` }));
    const results = await db.services.leads.addLeads(alex, { assistantId: ava.id }, leads);
    expect(results.filter((r) => r.ok)).toHaveLength(1000);
    const again = await db.services.leads.addLeads(alex, { assistantId: ava.id }, leads.slice(0, 3));
    expect(again.map((r) => r.ok || r.reason)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect((await db.services.leads.findByEmail(ws, 'lead999@acme.example'))!.enrollment!.state).toBe('active');
  });

  test('two workspaces never see each other’s leads', async () => {
    const { alex, ava } = await setUp();
    const other = await setUp();
    const [result] = await db.services.leads.addLeads(alex, { assistantId: ava.id }, [{ email: 'jamie@acme.example' }]);
    expect(await db.services.leads.findByEmail(other.ws, 'jamie@acme.example')).toBeNull();
    expect(await thrown(db.services.leads.get(other.ws, leadIdOf(result)))).toBeInstanceOf(DomainError);
    expect((await db.services.leads.list(other.ws)).items).toEqual([]);
    expect(await thrown(db.services.leads.pause(other.alex, leadIdOf(result)))).toMatchObject({ code: 'not_found' });
  });
});

describe('pause, resume and stop', () => {
  async function enrolled() {
    const setup = await setUp();
    clock.at = new Date('2027-03-01T15:00:00Z'); // Mon 10:00 in New York
    const [result] = await db.services.leads.addLeads(setup.alex, { assistantId: setup.ava.id }, [{ email: 'jamie@acme.example', firstName: 'Jamie' }]);
    return { ...setup, leadId: leadIdOf(result) };
  }

  test('resume moves the remaining followups by the time spent paused, then to working time, and history says who and when', async () => {
    const { ws, alex, leadId } = await enrolled();
    expect(iso((await db.services.leads.get(ws, leadId)).enrollment!.followups).slice(0, 3)).toEqual([
      '2027-03-02T15:00:00.000Z',
      '2027-03-03T15:00:00.000Z',
      '2027-03-05T15:00:00.000Z',
    ]);
    clock.at = new Date('2027-03-01T17:00:00Z'); // Mon 12:00
    const paused = await db.services.leads.pause(alex, leadId);
    expect(paused.enrollment).toMatchObject({ state: 'paused', pausedAt: clock.at });
    const bo = actorIn(ws, 'UBO', { name: 'Bo' });
    clock.at = new Date('2027-03-04T20:00:00Z'); // Thu 15:00: paused 3 days and 3 hours
    const resumed = (await db.services.leads.resume(bo, leadId)).enrollment!;
    expect(resumed).toMatchObject({ state: 'active', pausedAt: null });
    // Tue 10:00 + 3 d 3 h = Fri 13:00; then +1 lands on Saturday → Mon 09:00; +2 → Wed 09:00.
    expect(iso(resumed.followups).slice(0, 3)).toEqual(['2027-03-05T18:00:00.000Z', '2027-03-08T14:00:00.000Z', '2027-03-10T14:00:00.000Z']);
    expect(resumed.nextDueAt).toEqual(new Date('2027-03-05T18:00:00Z'));
    expect(resumed.history.map((h) => [h.action, h.byName, h.at.toISOString(), h.reason])).toEqual([
      ['enrolled', 'Alex', '2027-03-01T15:00:00.000Z', null],
      ['paused', 'Alex', '2027-03-01T17:00:00.000Z', null],
      ['resumed', 'Bo', '2027-03-04T20:00:00.000Z', 'after 3 days 3 hours paused'],
    ]);
  });

  test('two pauses at once have one effect, and the second is told the lead is already paused', async () => {
    const { ws, alex, leadId } = await enrolled();
    const bo = actorIn(ws, 'UBO', { name: 'Bo' });
    const outcomes = await Promise.allSettled([db.services.leads.pause(alex, leadId), db.services.leads.pause(bo, leadId)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refusal = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refusal.reason).toMatchObject({ message: 'Jamie can’t be paused: their schedule is paused.' });
    const history = (await db.services.leads.get(ws, leadId)).enrollment!.history;
    expect(history.map((h) => h.action)).toEqual(['enrolled', 'paused']);
  });

  test('guests and people of another workspace may not stop, pause or resume a lead; another workspace of the same Grid org may', async () => {
    const { ws, alex, leadId } = await enrolled();
    const guest = { ...actorIn(ws, 'UGUEST'), isGuest: true };
    const outsider = { ...actorIn(ws, 'UOUT'), home: { teamId: 'TOTHERORG' } };
    for (const actor of [guest, outsider]) {
      for (const act of [() => db.services.leads.stop(actor, leadId, 'other'), () => db.services.leads.pause(actor, leadId), () => db.services.leads.resume(actor, leadId)]) {
        expect(await thrown(act())).toMatchObject({ code: 'forbidden' });
      }
    }
    expect((await db.services.leads.get(ws, leadId)).enrollment!.state).toBe('active');
    expect((await db.services.leads.get(ws, leadId)).enrollment!.state).toBe('active');
    const paused = await db.services.leads.pause({ ...alex, home: { teamId: ws.teamId } }, leadId);
    expect(paused.enrollment!.state).toBe('paused');

    const grid = { teamId: newWorkspace().teamId, enterpriseId: 'EGRID' };
    await db.services.workspaces.ensureSeeded(grid);
    const gridAlex = actorIn(grid, 'UALEX');
    const gia = await db.services.assistants.create(gridAlex, { name: 'Gia', notificationChannel: '', timeZone: 'America/New_York', offDays: [6, 0] });
    const gridLead = leadIdOf((await db.services.leads.addLeads(gridAlex, { assistantId: gia.id }, [{ email: 'kim@acme.example' }]))[0]);
    const sister = { ...actorIn(grid, 'USISTER'), home: { teamId: 'TSISTER', enterpriseId: 'EGRID' } };
    expect((await db.services.leads.pause(sister, gridLead)).enrollment!.state).toBe('paused');
    expect(await thrown(db.services.leads.resume({ ...sister, home: { teamId: 'TSISTER', enterpriseId: 'EOTHER' } }, gridLead))).toMatchObject({ code: 'forbidden' });
  });

  test('guests and people of another workspace can’t see a lead, the list, or add leads; members can', async () => {
    const { ws, alex, ava, leadId } = await enrolled();
    const guest = { ...actorIn(ws, 'UGUEST'), isGuest: true };
    const outsider = { ...actorIn(ws, 'UOUT'), home: { teamId: 'TOTHERORG' } };
    for (const actor of [guest, outsider]) {
      for (const act of [
        () => db.services.leads.get(actor, leadId),
        () => db.services.leads.findByEmail(actor, 'jamie@acme.example'),
        () => db.services.leads.list(actor),
        () => db.services.leads.addLeads(actor, { assistantId: ava.id }, [{ email: 'kim@acme.example' }]),
      ]) {
        expect(await thrown(act())).toMatchObject({ code: 'forbidden', message: actor.isGuest ? expect.stringContaining('Guests of the workspace') : expect.stringContaining('Only members of the workspace') });
      }
    }
    expect(await db.services.leads.findByEmail(ws, 'kim@acme.example')).toBeNull();
    expect((await db.services.leads.findByEmail(alex, 'jamie@acme.example'))!.id).toBe(leadId);
    expect((await db.services.leads.list(alex)).items).toHaveLength(1);
  });

  test('stop records the reason, ends the followups and frees the lead to be enrolled again', async () => {
    const { ws, alex, ava, leadId } = await enrolled();
    const stopped = await db.services.leads.stop(alex, leadId, 'not_interested', { note: 'Bought elsewhere' });
    expect(stopped.enrollment).toMatchObject({ state: 'stopped', stopReason: 'not_interested', nextDueAt: null });
    expect(stopped.enrollment!.history.at(-1)).toMatchObject({ action: 'stopped', by: 'UALEX', reason: 'not interested: Bought elsewhere' });
    expect(await thrown(db.services.leads.stop(alex, leadId, 'other'))).toMatchObject({ message: 'Jamie can’t be stopped: their schedule is stopped (not interested).' });
    expect(await thrown(db.services.leads.resume(alex, leadId))).toBeInstanceOf(DomainError);
    const [again] = await db.services.leads.addLeads(alex, { assistantId: ava.id }, [{ email: 'jamie@acme.example' }]);
    expect(again).toMatchObject({ ok: true, leadId });
    expect((await db.services.leads.get(ws, leadId)).enrollments.map((e) => e.state)).toEqual(['active', 'stopped']);
  });
});

describe('replanning (after a schedule edit or an assistant change)', () => {
  test('unsent followups are planned again from the last sent time with the schedule’s current steps; sent ones stay', async () => {
    const { ws, alex, ava } = await setUp();
    const recommended = (await db.services.schedules.findByName(ws, RECOMMENDED))!;
    const mine = await db.services.schedules.clone(alex, recommended.id, { name: 'Mine', description: '' });
    clock.at = new Date('2027-03-01T15:00:00Z'); // Mon 10:00 in New York
    const [added] = await db.services.leads.addLeads(alex, { assistantId: ava.id, scheduleId: mine.id }, [{ email: 'jamie@acme.example', firstName: 'Jamie' }]);
    const enrollmentId = enrollmentIdOf(added);
    expect(await db.services.leads.enrollmentIdsFollowing(ws, { scheduleId: mine.id })).toEqual([enrollmentId]);
    // Delivery sent step 1 five minutes late.
    await db.services.models.Enrollment.updateOne({ _id: enrollmentId }, { $set: { 'followups.0.sentAt': new Date('2027-03-02T15:05:00Z'), 'followups.0.outcome': 'sent' } });
    const steps = (after: number[]) => after.map((afterDays, i) => ({ type: (['Candid', 'Gentle', 'Curious'] as const)[i]!, customMessageId: null, afterDays }));
    const edited = await db.services.schedules.save(alex, mine.id, { name: 'Mine', description: '', steps: steps([1, 3, 2]), baseVersion: mine.version });

    expect(await db.services.leads.replanEnrollment(alex, enrollmentId, 'schedule “Mine” edited')).toBe(true);
    let enrollment = (await db.services.leads.get(ws, leadIdOf(added))).enrollment!;
    // Tue 10:05 + 3 days = Fri 10:05; + 2 = Sunday → Mon 09:00.
    expect(enrollment.followups.map((f) => [f.step, f.type, f.plannedAt.toISOString(), f.sentAt?.toISOString() ?? null])).toEqual([
      [1, 'Candid', '2027-03-02T15:00:00.000Z', '2027-03-02T15:05:00.000Z'],
      [2, 'Gentle', '2027-03-05T15:05:00.000Z', null],
      [3, 'Curious', '2027-03-08T14:00:00.000Z', null],
    ]);
    expect(enrollment.nextDueAt).toEqual(new Date('2027-03-05T15:05:00Z'));
    expect(enrollment.history.at(-1)).toMatchObject({ action: 'replanned', reason: 'schedule “Mine” edited', byName: 'Alex' });

    // Only step 1 left, and it was sent: the enrollment is complete, and the lead may be enrolled again.
    await db.services.schedules.save(alex, mine.id, { name: 'Mine', description: '', steps: steps([1]), baseVersion: edited.version });
    // The Save replanned it already (here in line; a job in the app): nothing is left to do.
    expect(await db.services.leads.replanEnrollment(alex, enrollmentId, 'schedule “Mine” edited')).toBe(false);
    enrollment = (await db.services.leads.get(ws, leadIdOf(added))).enrollment!;
    expect(enrollment).toMatchObject({ state: 'completed', nextDueAt: null });
    expect(enrollment.followups).toHaveLength(1);
    expect(await db.services.leads.countFollowing(ws, { scheduleId: mine.id })).toBe(0);
    expect(await db.services.leads.addLeads(alex, { assistantId: ava.id }, [{ email: 'jamie@acme.example' }])).toMatchObject([{ ok: true }]);
  });

  test('a paused enrollment is counted as following but not replanned until it resumes', async () => {
    const { ws, alex, ava } = await setUp();
    const [added] = await db.services.leads.addLeads(alex, { assistantId: ava.id }, [{ email: 'jamie@acme.example' }]);
    await db.services.leads.pause(alex, leadIdOf(added));
    const enrollmentId = enrollmentIdOf(added);
    expect(await db.services.leads.replanEnrollment(alex, enrollmentId, 'assistant Ava changed')).toBe(false);
    expect(await db.services.leads.countFollowing(ws, { assistantId: ava.id })).toBe(1);
    expect(await db.services.leads.enrollmentIdsFollowing(ws, { assistantId: ava.id })).toEqual([]);
    expect(await db.services.leads.enrollmentIdsFollowing(ws, { assistantId: ava.id }, { includePaused: true })).toEqual([enrollmentId]);
  });
});

// An assistant's settings through the service, as the Slack modal and the HTTP API reach it: every
// rule of `assistantSettingsSchema` with its sentence on its field, defaults for what is left out
// (and for assistants stored before these settings existed), the notification channel check, and
// the signal that its calendar changed (its active leads must be replanned).
import { openTestDatabase, newWorkspace, actorIn, thrown, insertAssistantBeforeSettings, type TestDatabase } from '../support/db.js';
import { ValidationError, type WorkspaceRef } from '../../src/services/domain.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';
import { z } from 'zod';
import {
  assistantSettingsPatchSchema,
  assistantSettingsSchema,
  calendarRulesChanged,
  calendarRulesOf,
  offDatesFromText,
  offDatesText,
  type AssistantSettingsPatch,
} from '../../src/services/assistantSettings.js';
import type { ChannelCheck, ChannelMembership } from '../../src/services/assistants.js';
import { planSendTimes } from '../../src/services/calendar.js';

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

/** Slack's answer for each channel: members unless listed otherwise. */
function channels(answers: Record<string, ChannelMembership> = {}): ChannelCheck & { asked: string[] } {
  const asked: string[] = [];
  const check = async (channel: string) => {
    asked.push(channel);
    return answers[channel] ?? 'member';
  };
  return Object.assign(check, { asked });
}

async function fieldErrors(promise: Promise<unknown>): Promise<Record<string, string>> {
  const error = await thrown(promise);
  if (!(error instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(error)}`);
  return { ...error.errors };
}

describe('adding an assistant with its settings', () => {
  test('only a name and a time zone are needed: the rest takes its defaults, and reads back in the API’s shape', async () => {
    const ws = await seeded();
    const created = await db.services.assistants.createSettings(actorIn(ws, 'UALEX'), { name: 'Ava', timeZone: 'Europe/Berlin' }, { channels: channels() });
    const recommended = await db.services.schedules.findByName(ws, RECOMMENDED);
    expect(created).toMatchObject({
      name: 'Ava',
      timeZone: 'Europe/Berlin',
      businessHours: { open: '09:00', close: '17:00' },
      offDays: ['saturday', 'sunday'],
      holidays: null,
      extraOffDates: [],
      dailyLimit: 100,
      senderName: '',
      senderEmail: null,
      signature: '',
      notificationChannel: null,
      defaultScheduleId: recommended!.id,
      owner: 'UALEX',
      version: 1,
    });
    expect(await db.services.assistants.getSettings(ws, created.id)).toEqual(created);
    expect(await db.services.assistants.listSettings(ws)).toEqual([created]);
  });

  test('every setting is kept as given: sender, multi-line signature, hours, off days, holidays of a region, vacation, limit, channel', async () => {
    const ws = await seeded();
    const check = channels();
    const created = await db.services.assistants.createSettings(
      actorIn(ws, 'UALEX'),
      {
        name: 'Ava',
        timeZone: 'America/Los_Angeles',
        businessHours: { open: '08:30', close: '18:00' },
        offDays: ['friday', 'saturday'],
        holidays: { country: 'US', region: 'CA' },
        extraOffDates: ['2027-12-31', '2027-12-24', '2027-12-24'],
        dailyLimit: 250,
        senderName: 'Ava Stone',
        senderEmail: 'ava@example.com',
        signature: 'Ava Stone\nSales, Example Inc.\n+1 555 0100',
        notificationChannel: 'C0SALES',
      },
      { channels: check },
    );
    expect(created).toMatchObject({
      businessHours: { open: '08:30', close: '18:00' },
      offDays: ['friday', 'saturday'],
      holidays: { country: 'US', region: 'CA' },
      extraOffDates: ['2027-12-24', '2027-12-31'],
      dailyLimit: 250,
      senderName: 'Ava Stone',
      senderEmail: 'ava@example.com',
      signature: 'Ava Stone\nSales, Example Inc.\n+1 555 0100',
      notificationChannel: 'C0SALES',
    });
    expect(check.asked).toEqual(['C0SALES']);
  });

  test('an unknown time zone, closing before opening, an unknown country, a limit out of range and a malformed date are each refused on their field, and nothing is saved', async () => {
    const ws = await seeded();
    const errors = await fieldErrors(
      db.services.assistants.createSettings(
        actorIn(ws),
        {
          name: 'Ava',
          timeZone: 'Mars/Olympus',
          businessHours: { open: '17:00', close: '09:00' },
          holidays: { country: 'XX', region: null },
          extraOffDates: ['2027-12-24', '24.12.2027'],
          dailyLimit: 10_001,
        },
        { channels: channels() },
      ),
    );
    expect(errors).toEqual({
      timeZone: '“Mars/Olympus” is not a time zone I know. Pick one such as America/New_York or Europe/Berlin.',
      'businessHours.close': 'Closing (09:00) must be after opening (17:00).',
      'holidays.country': '“XX” is not a country I know public holidays for. Use its ISO code in capitals, such as DE or US.',
      'extraOffDates.1': '“24.12.2027” is not a date: write it as YYYY-MM-DD, for example 2027-12-24.',
      dailyLimit: 'The daily send limit is a whole number from 1 to 10,000.',
    });
    expect(await db.services.assistants.list(ws)).toEqual([]);
  });

  test('business hours: equal times and malformed times are refused; closing at 24:00 is the end of the day', async () => {
    const ws = await seeded();
    const add = (businessHours: { open: string; close: string }) =>
      db.services.assistants.createSettings(actorIn(ws), { name: `Ava ${businessHours.open}-${businessHours.close}`, timeZone: 'UTC', businessHours }, { channels: null });
    expect(await fieldErrors(add({ open: '09:00', close: '09:00' }))).toEqual({ 'businessHours.close': 'Closing (09:00) must be after opening (09:00).' });
    expect(await fieldErrors(add({ open: '9', close: '25:00' }))).toEqual({
      'businessHours.open': 'Write the opening time as HH:MM, for example 09:00.',
      'businessHours.close': 'Write the closing time as HH:MM, for example 17:00.',
    });
    expect((await add({ open: '20:00', close: '24:00' })).businessHours).toEqual({ open: '20:00', close: '24:00' });
  });

  test('a region the country does not have is refused on the region, with examples of its own', async () => {
    const ws = await seeded();
    const errors = await fieldErrors(
      db.services.assistants.createSettings(actorIn(ws), { name: 'Ava', timeZone: 'Europe/Berlin', holidays: { country: 'DE', region: 'CA' } }, { channels: null }),
    );
    expect(errors).toEqual({ 'holidays.region': '“CA” is not a region of Germany I know public holidays for. Use one of its region codes, such as BB, BE, BW, or none for the whole country.' });
    const bavaria = await db.services.assistants.createSettings(actorIn(ws), { name: 'Ava', timeZone: 'Europe/Berlin', holidays: { country: 'DE', region: 'BY' } }, { channels: null });
    expect(bavaria.holidays).toEqual({ country: 'DE', region: 'BY' });
  });

  test('limits: 0, a fraction and 10,001 are refused; 1 and 10,000 are kept', async () => {
    const ws = await seeded();
    const add = (dailyLimit: number) => db.services.assistants.createSettings(actorIn(ws), { name: `Ava ${dailyLimit}`, timeZone: 'UTC', dailyLimit }, { channels: null });
    for (const bad of [0, 2.5, 10_001, -1]) expect(await fieldErrors(add(bad))).toEqual({ dailyLimit: 'The daily send limit is a whole number from 1 to 10,000.' });
    expect((await add(1)).dailyLimit).toBe(1);
    expect((await add(10_000)).dailyLimit).toBe(10_000);
  });

  test('a date that is not in the calendar, and a sender email that is no address, are refused with what was typed', async () => {
    const ws = await seeded();
    const errors = await fieldErrors(
      db.services.assistants.createSettings(actorIn(ws), { name: 'Ava', timeZone: 'UTC', extraOffDates: ['2027-02-30'], senderEmail: 'ava at example' }, { channels: null }),
    );
    expect(errors).toEqual({
      'extraOffDates.0': '“2027-02-30” is not a date in the calendar.',
      senderEmail: '“ava at example” is not an email address: write it like ava@example.com.',
    });
  });

  test('seven off days, an unknown weekday and an unknown setting are refused', async () => {
    const ws = await seeded();
    const all = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
    expect(await fieldErrors(db.services.assistants.createSettings(actorIn(ws), { name: 'Ava', timeZone: 'UTC', offDays: [...all] }, { channels: null }))).toEqual({
      offDays: 'Leave at least one working day: followups are only sent on working days.',
    });
    const junk = { name: 'Ava', timeZone: 'UTC', offDays: ['caturday'], timezone: 'UTC' } as unknown as Parameters<typeof db.services.assistants.createSettings>[1];
    expect(await fieldErrors(db.services.assistants.createSettings(actorIn(ws), junk, { channels: null }))).toEqual({
      'offDays.0': '“caturday” is not a weekday: write monday … sunday.',
      timezone: '“timezone” is not a setting of an assistant.',
    });
  });

  test('a notification channel the app is not in says to invite it; one it cannot see says so too', async () => {
    const ws = await seeded();
    const check = channels({ C0OUT: 'not_member', G0SECRET: 'not_found' });
    expect(await fieldErrors(db.services.assistants.createSettings(actorIn(ws), { name: 'Ava', timeZone: 'UTC', notificationChannel: 'C0OUT' }, { channels: check }))).toEqual({
      notificationChannel: 'The app is not in that channel, so it could not post there. Invite it first (in the channel, type /invite and the app’s name), then save again.',
    });
    expect(
      (await fieldErrors(db.services.assistants.createSettings(actorIn(ws), { name: 'Ava', timeZone: 'UTC', notificationChannel: 'G0SECRET' }, { channels: check })))
        .notificationChannel,
    ).toMatch(/^The app can’t see that channel/);
    expect(await db.services.assistants.list(ws)).toEqual([]);
  });
});

describe('changing an assistant’s settings', () => {
  test('a change keeps the fields it does not name, bumps the version, and says whether the calendar changed', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX');
    const ava = await db.services.assistants.createSettings(alex, { name: 'Ava', timeZone: 'Europe/Berlin', senderEmail: 'ava@example.com' }, { channels: null });

    const sender = await db.services.assistants.updateSettings(alex, ava.id, { senderName: 'Ava S.', dailyLimit: 40 }, { channels: null, baseVersion: 1 });
    expect(sender.calendarChanged).toBe(false);
    expect(sender.assistant).toMatchObject({ senderName: 'Ava S.', dailyLimit: 40, senderEmail: 'ava@example.com', timeZone: 'Europe/Berlin', version: 2 });

    const calendarChanges: [AssistantSettingsPatch, number][] = [
      [{ businessHours: { open: '10:00', close: '16:00' } }, 3],
      [{ offDays: ['sunday'] }, 4],
      [{ holidays: { country: 'DE', region: null } }, 5],
      [{ extraOffDates: ['2027-08-02'] }, 6],
      [{ timeZone: 'Europe/Paris' }, 7],
    ];
    for (const [patch, version] of calendarChanges) {
      const changed = await db.services.assistants.updateSettings(alex, ava.id, patch, { channels: null });
      expect({ calendarChanged: changed.calendarChanged, version: changed.assistant.version }).toEqual({ calendarChanged: true, version });
    }
    const same = await db.services.assistants.updateSettings(alex, ava.id, { extraOffDates: ['2027-08-02'], signature: 'Ava' }, { channels: null });
    expect(same.calendarChanged).toBe(false);
  });

  test('the same days in another order are the same calendar', () => {
    const calendar = { timeZone: 'UTC', offDays: [6, 0] as const, businessHours: { open: '09:00', close: '17:00' }, holidays: null, extraOffDates: ['2027-08-03', '2027-08-02'] };
    expect(calendarRulesChanged(calendar, { ...calendar, offDays: [0, 6], extraOffDates: ['2027-08-02', '2027-08-03', '2027-08-02'] })).toBe(false);
    expect(calendarRulesChanged(calendar, { ...calendar, holidays: { country: 'DE', region: null } })).toBe(true);
  });

  test('an invalid change is refused on its field and leaves the assistant as it was', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX');
    const ava = await db.services.assistants.createSettings(alex, { name: 'Ava', timeZone: 'Europe/Berlin' }, { channels: null });
    expect(await fieldErrors(db.services.assistants.updateSettings(alex, ava.id, { businessHours: { open: '18:00', close: '08:00' }, dailyLimit: 0 }, { channels: null }))).toEqual({
      'businessHours.close': 'Closing (08:00) must be after opening (18:00).',
      dailyLimit: 'The daily send limit is a whole number from 1 to 10,000.',
    });
    expect(await db.services.assistants.getSettings(ws, ava.id)).toEqual(ava);
  });

  test('the channel is asked about only when it changes', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX');
    const check = channels();
    const ava = await db.services.assistants.createSettings(alex, { name: 'Ava', timeZone: 'UTC', notificationChannel: 'C0ONE' }, { channels: check });
    await db.services.assistants.updateSettings(alex, ava.id, { dailyLimit: 5 }, { channels: check });
    await db.services.assistants.updateSettings(alex, ava.id, { notificationChannel: 'C0TWO' }, { channels: check });
    expect(check.asked).toEqual(['C0ONE', 'C0TWO']);
  });

  test('only the owner or an admin may change it; the owner can hand it over', async () => {
    const ws = await seeded();
    const alex = actorIn(ws, 'UALEX');
    const ava = await db.services.assistants.createSettings(alex, { name: 'Ava', timeZone: 'UTC' }, { channels: null });
    const refused = await thrown(db.services.assistants.updateSettings(actorIn(ws, 'UBEA'), ava.id, { dailyLimit: 5 }, { channels: null }));
    expect(refused).toMatchObject({ code: 'forbidden', details: { ownerId: 'UALEX' } });
    await db.services.assistants.updateSettings(alex, ava.id, { owner: 'UBEA' }, { channels: null });
    const bea = await db.services.assistants.updateSettings(actorIn(ws, 'UBEA'), ava.id, { dailyLimit: 5 }, { channels: null });
    expect(bea.assistant).toMatchObject({ owner: 'UBEA', dailyLimit: 5 });
    expect(await thrown(db.services.assistants.updateSettings(alex, ava.id, { dailyLimit: 6 }, { channels: null }))).toMatchObject({ code: 'forbidden' });
  });
});

test('an assistant stored before these settings existed reads with their defaults, and its calendar rules follow them', async () => {
  const ws = await seeded();
  const insertedId = await insertAssistantBeforeSettings(db.services, ws);
  const old = await db.services.assistants.get(ws, insertedId);
  expect(old).toMatchObject({ businessHours: { open: '09:00', close: '17:00' }, holidays: null, extraOffDates: [], dailyLimit: 100, senderName: '', senderEmail: null, signature: '', owner: 'UALEX', version: 1 });
  expect(calendarRulesOf(old)).toEqual({ timeZone: 'Asia/Tokyo', offDays: [0], businessHours: { open: '09:00', close: '17:00' }, holidays: null, extraOffDates: [] });
  // And it can be changed: the new settings validate over the defaults.
  const changed = await db.services.assistants.updateSettings(actorIn(ws, 'UALEX'), insertedId, { dailyLimit: 7 }, { channels: null });
  expect(changed.assistant).toMatchObject({ dailyLimit: 7, offDays: ['sunday'], timeZone: 'Asia/Tokyo', version: 2 });
});

test('calendarRulesOf gives the whole calendar: a followup due on a public holiday inside a vacation waits for the first working hour after both', () => {
  const rules = calendarRulesOf({
    timeZone: 'Europe/Berlin',
    offDays: [6, 0],
    businessHours: { open: '10:00', close: '16:00' },
    holidays: { country: 'DE', region: null },
    extraOffDates: ['2027-12-27', '2027-12-28'],
  });
  // Thu 23 Dec 2027 15:00 Berlin + 1 day = Fri 24 Dec 15:00 (a working day in DE: not a public holiday);
  // + 1 more = Sat 25 (off, Christmas), Sun, Mon 27 + Tue 28 vacation → Wed 29 Dec 10:00.
  const [first, second] = planSendTimes(new Date('2027-12-23T14:00:00Z'), [100, 100], rules);
  expect(first!.at.toISOString()).toBe('2027-12-24T14:00:00.000Z');
  expect(second!.at.toISOString()).toBe('2027-12-29T09:00:00.000Z');
});

describe('extra off dates typed in the modal', () => {
  test('dates and ranges, one per line or separated by commas, become each day; bad entries stay as typed for validation to name', () => {
    expect(offDatesFromText('2027-12-24, 2027-12-27 to 2027-12-29\n\n 2028-01-01 ;2027-13-01\n2027-12-31 to 2027-12-30')).toEqual([
      '2027-12-24',
      '2027-12-27',
      '2027-12-28',
      '2027-12-29',
      '2028-01-01',
      '2027-13-01',
      '2027-12-31 to 2027-12-30',
    ]);
  });

  test('shown back one per line, consecutive days as a range', () => {
    expect(offDatesText(['2027-12-29', '2027-12-24', '2027-12-27', '2027-12-28', '2028-01-01'])).toBe('2027-12-24\n2027-12-27 to 2027-12-29\n2028-01-01');
  });

  test('a range typed backwards says so', async () => {
    const ws = await seeded();
    const errors = await fieldErrors(
      db.services.assistants.createSettings(actorIn(ws), { name: 'Ava', timeZone: 'UTC', extraOffDates: offDatesFromText('2027-12-31 to 2027-12-30') }, { channels: null }),
    );
    expect(errors).toEqual({ 'extraOffDates.0': 'The range “2027-12-31 to 2027-12-30” ends before it starts.' });
  });
});

test('a lead added for an assistant is planned in its whole calendar: hours, holidays and extra off dates', async () => {
  const ws = await seeded();
  const ava = await db.services.assistants.createSettings(
    actorIn(ws),
    { name: 'Ava', timeZone: 'Europe/Amsterdam', businessHours: { open: '08:00', close: '12:00' }, holidays: { country: 'NL', region: null }, extraOffDates: ['2026-04-08'] },
    { channels: null },
  );
  // Mon 6 Apr 2026 15:00 in Amsterdam. Recommended: +1 → Tue 15:00 (closed) → Wed 8 off → Thu 9 08:00;
  // … +5 → Sat 25 Apr, Mon 27 is King's Day → Tue 28 08:00.
  const preview = await db.services.leads.preview(ws, { assistantId: ava.id, start: new Date('2026-04-06T13:00:00Z') });
  expect(preview.followups[0]!.plannedAt.toISOString()).toBe('2026-04-09T06:00:00.000Z');
  expect(preview.followups[5]!.plannedAt.toISOString()).toBe('2026-04-28T06:00:00.000Z');
});

test('the schemas become JSON Schema for the API’s OpenAPI document, each setting described and the defaults stated', () => {
  for (const schema of [assistantSettingsSchema, assistantSettingsPatchSchema]) {
    const json = z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, { description?: string }>; additionalProperties?: boolean };
    expect(Object.keys(json.properties).sort()).toEqual(
      ['businessHours', 'dailyLimit', 'defaultEmailCcScheduleId', 'defaultScheduleId', 'extraOffDates', 'holidays', 'name', 'notificationChannel', 'offDays', 'owner', 'senderEmail', 'senderName', 'signature', 'timeZone'].sort(),
    );
    expect(Object.entries(json.properties).filter(([, property]) => !property.description).map(([key]) => key)).toEqual([]);
    expect(json.additionalProperties).toBe(false);
  }
  const json = z.toJSONSchema(assistantSettingsSchema, { io: 'input' }) as { required: string[]; properties: Record<string, { default?: unknown }> };
  expect(json.required.sort()).toEqual(['name', 'timeZone']);
  expect(json.properties.businessHours!.default).toEqual({ open: '09:00', close: '17:00' });
  expect(json.properties.offDays!.default).toEqual(['saturday', 'sunday']);
  expect(json.properties.dailyLimit!.default).toBe(100);
});

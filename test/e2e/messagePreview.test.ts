// The editor's View shows what renderFollowup writes for the sample lead: the same text a lead gets.
import { fixedClock } from '../../src/clock.js';
import { SAMPLE_SENDER, sampleFollowup, senderFields } from '../../src/services/delivery/render.js';
import type { RenderedFollowup } from '../../src/services/delivery/types.js';
import { TONES, type StepType } from '../../src/services/domain.js';
import { openCopyInEditor, rowKeys } from '../support/editor.js';
import { openedViewId, updated, viewText } from '../support/flows.js';
import type { SlackDriver } from '../support/slackDriver.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock: fixedClock('2026-04-06T13:00:00Z') });
});
afterAll(() => app.stop());

async function clickAndWait(slack: SlackDriver, viewId: string, opts: Parameters<SlackDriver['blockAction']>[0]) {
  const since = app.fake.calls.length;
  expect((await slack.blockAction({ viewId, ...opts })).status).toBe(200);
  await updated(app.fake, viewId, since);
}

/** Clicks View on a row: the pushed modal's subject line and body text, as the user reads them. */
async function viewMessage(slack: SlackDriver, viewId: string, rowKey: string): Promise<{ subject: string; body: string; all: string }> {
  const calls = app.fake.calls.length;
  await slack.blockAction({ viewId, actionId: `editor.view.${rowKey}` });
  const previewId = await openedViewId(app.fake, 'views.push', calls);
  const blocks = (app.fake.view(previewId).blocks ?? []) as { type: string; text?: { type: string; text: string } }[];
  const divider = blocks.findIndex((b) => b.type === 'divider');
  const body = divider < 0 ? '' : blocks.slice(divider + 1).map((b) => b.text?.text ?? '').join('');
  const subject = blocks.find((b) => b.text?.text.startsWith('*Subject:*'))?.text?.text.replace('*Subject:* ', '') ?? '';
  const all = viewText(app.fake, previewId);
  await slack.viewClosed(previewId);
  return { subject, body, all };
}

function rendered(step: { number: number; type: StepType; customMessage: { subject: string; body: string } | null }, sender = SAMPLE_SENDER): RenderedFollowup {
  const result = sampleFollowup(step, sender);
  if (!result.ok) throw new Error(`held: ${result.missing.join(', ')}`);
  return result.followup;
}

describe('viewing a step’s message in the editor', () => {
  test('every tone step shows exactly the followup renderFollowup writes for the sample lead, from the assistant previewed for', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'America/New_York' });
    const actor = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
    const ava = await app.services.assistants.createSettings(actor, { name: 'Ava', timeZone: 'UTC', senderName: 'Ava Stone', senderEmail: 'ava@example.com', signature: 'Ava Stone\nSales, Example Inc.' }, { channels: null });
    const viewId = await openCopyInEditor(app.fake, slack, 'Recommended', 'Toned');
    const rows = rowKeys(app.fake, viewId);

    // Without an assistant: the sample sender signs.
    const plain = await viewMessage(slack, viewId, rows[0]!);
    expect(plain.body).toBe(rendered({ number: 1, type: TONES[0], customMessage: null }).text);
    expect(plain.body).toMatch(/^Hi Jamie,\n\n[^]*\n\nYour assistant$/);

    await clickAndWait(slack, viewId, { actionId: 'editor.preview_for', selectedOption: { text: 'Assistant: Ava', value: ava.id } });
    // Step 1 starts the lead's thread; every later step replies in it.
    const opener = rendered({ number: 1, type: TONES[0], customMessage: null }, senderFields(ava));
    for (const [i, tone] of TONES.entries()) {
      const shown = await viewMessage(slack, viewId, rows[i]!);
      const expected = rendered({ number: i + 1, type: tone, customMessage: null }, senderFields(ava));
      expect(shown.all).toContain(`${tone} (generated)`);
      expect(shown.subject).toBe(i === 0 ? expected.subject : `Re: ${opener.subject}`);
      expect(shown.body).toBe(expected.text);
      expect(shown.body).toMatch(/\n\nAva Stone\nSales, Example Inc\.$/);
    }
  });

  test('a custom message shows its text for the sample lead, or that a lead without a field would be held, naming the token', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX', { tz: 'America/New_York' });
    const actor = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
    const withFallback = await app.services.customMessages.create(actor, { name: 'Deal', subject: 'Your {{custom.deal_size|deal}}', body: 'Hi {{first_name}} at {{company}},\nabout your {{custom.deal_size|deal}}.' });
    const strict = await app.services.customMessages.create(actor, { name: 'Strict', subject: '', body: 'Hi {{first_name}}, your {{custom.deal_size}} seats.' });
    const viewId = await openCopyInEditor(app.fake, slack, 'Recommended', 'Custom');
    const [r1, r2] = rowKeys(app.fake, viewId) as [string, string];
    for (const [row, message] of [[r1, withFallback], [r2, strict]] as const) {
      await clickAndWait(slack, viewId, { actionId: `editor.type.${row}`, selectedOption: 'custom' });
      await clickAndWait(slack, viewId, { actionId: `editor.message.${row}`, selectedOption: { text: message.name, value: message.id } });
    }

    const shown = await viewMessage(slack, viewId, r1);
    expect(shown.subject).toBe('Your deal');
    expect(shown.body).toBe(rendered({ number: 1, type: 'custom', customMessage: withFallback }).text);
    expect(shown.body).toBe('Hi Jamie at Acme Corp,\nabout your deal.');

    const held = await viewMessage(slack, viewId, r2);
    expect(sampleFollowup({ number: 2, type: 'custom', customMessage: strict })).toEqual({ ok: false, missing: ['custom.deal_size'] });
    expect(held.all).toContain('Held for Jamie Rivera');
    expect(held.all).toContain('`{{custom.deal_size}}` has no value for this lead and no fallback');
    expect(held.all).not.toContain('seats');
  });
});

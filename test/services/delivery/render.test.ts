import fc from 'fast-check';
import { TONES, type Tone } from '../../../src/services/domain.js';
import { builtInGenerator, toneTemplate } from '../../../src/services/delivery/generator.js';
import { DEFAULT_SUBJECT, emailSubject, renderFollowup } from '../../../src/services/delivery/render.js';
import type { FollowupGenerator, LeadFields, RenderInput, RenderResult, SenderFields } from '../../../src/services/delivery/types.js';
import { tokenProblems } from '../../../src/services/personalization.js';
import { TONE_TEMPLATES } from '../../../src/services/tones.js';

const emailOnly: LeadFields = { email: 'pat@example.com', firstName: '', lastName: '', company: '', title: '', phone: '', industry: '', custom: [] };
const jamie: LeadFields = { ...emailOnly, email: 'jamie@acme.example', firstName: 'Jamie', lastName: 'Rivera', company: 'Acme Corp', title: 'Head of Operations' };
const sender: SenderFields = { name: 'Sam Seller', email: 'sam@vendor.example', signature: 'Sam Seller\nVendor Inc.' };

function custom(subject: string, body: string, lead: LeadFields = jamie, from: SenderFields = sender): RenderInput {
  return { lead, sender: from, step: { number: 2, type: 'custom', customMessage: { subject, body } }, seed: 'enrollment-1' };
}

function tone(type: Tone, number: number, seed: string, lead: LeadFields = jamie): RenderInput {
  return { lead, sender, step: { number, type, customMessage: null }, seed };
}

function followup(result: RenderResult) {
  if (!result.ok) throw new Error(`expected a followup, got missing ${result.missing.join(', ')}`);
  return result.followup;
}

describe('rendering a custom message for a lead', () => {
  test('tokens are filled from the lead and the sender, and a fallback stands in for an empty or blank value', () => {
    const lead = { ...jamie, firstName: '  ', company: '' };
    const out = followup(renderFollowup(custom('Hello {{first_name|friend}}', 'Hi {{first_name|there}} at {{company|your company}}, I am {{sender_name}} ({{sender_email}}). {{full_name}} <{{email}}>, {{title}}', lead)));
    expect(out.subject).toBe('Hello friend');
    expect(out.text).toBe('Hi there at your company, I am Sam Seller (sam@vendor.example). Rivera <jamie@acme.example>, Head of Operations\n\nSam Seller\nVendor Inc.');
  });

  test('a token with neither a value nor a fallback holds the followup and names every missing token, never "Hi ,"', () => {
    const result = renderFollowup(custom('For {{company}}', 'Hi {{first_name}}, your {{custom.deal_size}} deal. Bye {{first_name}}, {{last_name|}}', emailOnly));
    expect(result).toEqual({ ok: false, missing: ['company', 'first_name', 'custom.deal_size'] });
    // A message saved before a token was checked holds too, rather than going out with a hole.
    expect(renderFollowup(custom('', 'Hi {{compnay}} {{custom}}'))).toEqual({ ok: false, missing: ['compnay', 'custom'] });
  });

  test('no lead, however empty, gets an email with a token left blank: the followup is held, naming exactly the blank fields', () => {
    const fields = { firstName: 'first_name', lastName: 'last_name', company: 'company', title: 'title' } as const;
    const value = fc.constantFrom('', ' ', '\t', 'Ann');
    fc.assert(
      fc.property(fc.record({ firstName: value, lastName: value, company: value, title: value }), (lead) => {
        const result = renderFollowup(custom('', 'Hi {{first_name}}, {{last_name}} of {{company}} ({{title}}),', { ...emailOnly, ...lead }));
        const blank = (Object.keys(fields) as (keyof typeof fields)[]).filter((f) => !lead[f].trim()).map((f) => fields[f]);
        expect(result).toEqual(blank.length ? { ok: false, missing: blank } : { ok: true, followup: expect.objectContaining({ text: expect.stringMatching(/^Hi Ann, Ann of Ann \(Ann\),\n\n/) }) });
        return true;
      }),
    );
  });

  test('a lead’s custom fields fill {{custom.<field>}} in any spelling of the field’s name', () => {
    const lead = { ...jamie, custom: [{ name: 'Deal Size', value: '10k seats' }, { name: 'plan', value: ' ' }] };
    const out = followup(renderFollowup(custom('', 'About {{custom.deal_size}} / {{ custom.Deal Size }} on {{custom.plan|the free plan}}', lead)));
    expect(out.text).toMatch(/^About 10k seats \/ 10k seats on the free plan\n\n/);
    expect(renderFollowup(custom('', 'About {{custom.deal_size}}', emailOnly))).toEqual({ ok: false, missing: ['custom.deal_size'] });
  });

  test('the signature goes where the writer put {{signature}}, else after a blank line at the end; without one, {{signature}} signs with the sender’s name', () => {
    expect(followup(renderFollowup(custom('', 'Hi,\n\n{{signature}}\n\nP.S. Call me.'))).text).toBe('Hi,\n\nSam Seller\nVendor Inc.\n\nP.S. Call me.');
    expect(followup(renderFollowup(custom('', 'Hi,\nThanks.\n\n'))).text).toBe('Hi,\nThanks.\n\nSam Seller\nVendor Inc.');
    const unsigned = { ...sender, signature: '' };
    expect(followup(renderFollowup(custom('', 'Hi,\nThanks.', jamie, unsigned))).text).toBe('Hi,\nThanks.');
    expect(followup(renderFollowup(custom('', 'Hi,\n\n{{signature}}', jamie, unsigned))).text).toBe('Hi,\n\nSam Seller');
  });

  test('the subject is the message’s own, on one line; a message without one leaves it empty for the thread’s subject', () => {
    expect(followup(renderFollowup(custom('  Pricing for {{company}} ', 'Hi'))).subject).toBe('Pricing for Acme Corp');
    expect(followup(renderFollowup(custom('Hi {{custom.x|\nthere}}', 'Hi', { ...jamie }))).subject).toBe('Hi there');
    expect(followup(renderFollowup(custom('', 'Hi'))).subject).toBe('');
    // The email: a first one without a subject gets a plain one; later ones reply in the thread.
    expect(emailSubject('', null)).toBe(DEFAULT_SUBJECT);
    expect(emailSubject('Pricing', null)).toBe('Pricing');
    expect(emailSubject('Pricing', 'Hello Jamie')).toBe('Re: Hello Jamie');
  });

  test('the HTML is paragraphs and line breaks, with everything from the lead, the writer and the sender escaped', () => {
    const hostile = { ...jamie, firstName: '<script>alert("x")</script>', company: "Tom & Jerry's <b>" };
    const writer = 'Hi {{first_name}},\n<img src="https://tracker.example/p.gif">\n\nAt {{company}}: <@U123> <!channel> *bold* <https://evil.example|click>';
    const out = followup(renderFollowup(custom('', writer, hostile, { ...sender, signature: 'Sam "the man" <sam@x>' })));
    expect(out.html).toBe(
      '<p>Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,<br>\n&lt;img src=&quot;https://tracker.example/p.gif&quot;&gt;</p>\n' +
        '<p>At Tom &amp; Jerry&#39;s &lt;b&gt;: &lt;@U123&gt; &lt;!channel&gt; *bold* &lt;https://evil.example|click&gt;</p>\n' +
        '<p>Sam &quot;the man&quot; &lt;sam@x&gt;</p>',
    );
    // The text part is the text itself, as written.
    expect(out.text).toContain('Hi <script>alert("x")</script>,\n<img src=');
  });

  test('whatever the lead’s fields hold, the HTML has no tag or attribute but the paragraphs and breaks', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (firstName, company, signature) => {
        const lead = { ...jamie, firstName, company };
        const out = followup(renderFollowup(custom('', 'Hi {{first_name|there}},\n{{company|you}}\n\nBye', lead, { ...sender, signature })));
        expect(out.html.replace(/<\/?p>|<br>/g, '')).not.toMatch(/[<>"']/);
        return true;
      }),
    );
  });
});

describe('tone steps', () => {
  test('every tone has at least four distinct templates, each with fallbacks for every lead token and valid tokens', () => {
    for (const t of TONES) {
      const templates = TONE_TEMPLATES[t];
      expect(templates.length).toBeGreaterThanOrEqual(4);
      expect(new Set(templates.map((x) => x.body)).size).toBe(templates.length);
      expect(new Set(templates.map((x) => x.subject)).size).toBe(templates.length);
      for (const { subject, body } of templates) expect(tokenProblems(subject + body)).toEqual([]);
    }
  });

  test('a lead known only by its email gets a proper email in every template of every tone: "Hi there,"', () => {
    for (const t of TONES) {
      for (let step = 1; step <= 4; step++) {
        const out = followup(renderFollowup(tone(t, step, 'one-seed', emailOnly)));
        expect(out.text).toMatch(/^Hi there,\n\n/);
        expect(out.text).toMatch(/\n\nSam Seller\nVendor Inc\.$/);
        expect(out.text).not.toMatch(/\{\{|\}\}| ,| \.|\s\?/);
        expect(out.subject).not.toMatch(/\{\{|^$|, \?|,$/);
      }
    }
  });

  test('the same lead and step get the same text on every run; every template of a tone is used across leads', () => {
    const first = renderFollowup(tone('Candid', 3, 'enr-42'));
    expect(renderFollowup(tone('Candid', 3, 'enr-42'))).toEqual(first);
    for (const t of TONES) {
      const used = new Set<string>();
      for (let i = 0; i < 200; i++) used.add(toneTemplate(t, 2, `enrollment-${i}`).body);
      expect(used.size).toBe(TONE_TEMPLATES[t].length);
    }
  });

  test('the choice is a stable hash of lead and step, the same in every process and release (pinned)', () => {
    // Pinned picks: a salted or changed hash would change what running enrollments are sent after a restart.
    const seeds = ['665f1c2ab4e8d93a7c0e1f21', '665f1c2ab4e8d93a7c0e1f22', 'lead-7', ''];
    const picks = seeds.map((seed) => TONES.map((t) => TONE_TEMPLATES[t].indexOf(toneTemplate(t, 2, seed))).join(''));
    expect(picks).toEqual(PINNED_PICKS);
  });

  test('steps of one lead in the same tone do not repeat a template until every template was used', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...TONES), fc.integer({ min: 1, max: 20 }), (seed, t, start) => {
        const n = TONE_TEMPLATES[t].length;
        const bodies = Array.from({ length: n }, (_, k) => toneTemplate(t, start + k, seed).body);
        expect(new Set(bodies).size).toBe(n);
        return true;
      }),
    );
  });

  test('a tone step goes through the generator it is given, and its text is filled like a custom message', () => {
    const seen: unknown[] = [];
    const generator: FollowupGenerator = {
      generate: (input) => {
        seen.push(input);
        return { subject: 'For {{company}}', body: 'Hi {{first_name|there}}, {{custom.plan}}' };
      },
    };
    expect(renderFollowup(tone('Hopeful', 5, 'enr-1', emailOnly), generator)).toEqual({ ok: false, missing: ['company', 'custom.plan'] });
    expect(seen).toEqual([{ tone: 'Hopeful', step: 5, seed: 'enr-1', lead: emailOnly, sender }]);
    expect(builtInGenerator.generate({ tone: 'Hopeful', step: 5, seed: 'enr-1', lead: emailOnly, sender })).toBe(toneTemplate('Hopeful', 5, 'enr-1'));
  });
});

const PINNED_PICKS: readonly string[] = ['1120330', '3110320', '0113230', '1331100'];

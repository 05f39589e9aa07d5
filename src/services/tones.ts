// What a generated followup of each tone reads like. Until the sending issue writes each
// followup for its lead, previews show these examples, personalised for the sample lead.
import type { Tone } from './domain.js';

export const TONE_EXAMPLES: Readonly<Record<Tone, { subject: string; body: string }>> = {
  Candid: {
    subject: 'Quick question, {{first_name|there}}',
    body: "Hi {{first_name|there}},\n\nI'll be straight with you: I think we can help {{company|your team}}, and I'd like 15 minutes to show you how. Is that worth a look this week?\n\n{{signature}}",
  },
  Gentle: {
    subject: 'Following up',
    body: "Hi {{first_name|there}},\n\nJust a gentle nudge in case my last note got buried. No pressure at all; whenever it suits you, I'm happy to talk.\n\n{{signature}}",
  },
  Appreciative: {
    subject: 'Thank you, {{first_name|there}}',
    body: "Hi {{first_name|there}},\n\nThank you for the time you've given this so far; I know how busy things get at {{company|your company}}. If it helps, I can send a short summary you can share with your team.\n\n{{signature}}",
  },
  Hopeful: {
    subject: 'An idea for {{company|your team}}',
    body: "Hi {{first_name|there}},\n\nI've been thinking about what {{company|your team}} could do with a little more time back each week, and I'm optimistic we can get you there. Could we find 15 minutes?\n\n{{signature}}",
  },
  Assertive: {
    subject: 'Next step?',
    body: "Hi {{first_name|there}},\n\nI'd like to propose a next step: a 20-minute call on Tuesday or Wednesday. Which works better for you?\n\n{{signature}}",
  },
  Cautionary: {
    subject: 'Before this slips',
    body: "Hi {{first_name|there}},\n\nTeams that wait on this usually feel it at quarter end. I'd hate for {{company|your team}} to be caught short; shall we take a quick look before then?\n\n{{signature}}",
  },
  Curious: {
    subject: 'Did I get this wrong?',
    body: "Hi {{first_name|there}},\n\nI haven't heard back, so I'm curious: is this not a priority right now, or is someone else the right person to talk to?\n\n{{signature}}",
  },
};

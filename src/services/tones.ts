// What a generated followup of each tone says: the built-in generator (delivery/generator.ts)
// picks one of these per lead and step. Every token has a fallback, so a lead known only by its
// email still gets a proper email ("Hi there,"); {{signature}} is the assistant's sign-off.
import type { Tone } from './domain.js';

export interface ToneTemplate {
  readonly subject: string;
  readonly body: string;
}

export const TONE_TEMPLATES: Readonly<Record<Tone, readonly ToneTemplate[]>> = {
  Candid: [
    {
      subject: 'Quick question, {{first_name|there}}',
      body: "Hi {{first_name|there}},\n\nI'll be straight with you: I think we can help {{company|your team}}, and I'd like 15 minutes to show you how. Is that worth a look this week?\n\n{{signature}}",
    },
    {
      subject: 'Is this worth your time?',
      body: "Hi {{first_name|there}},\n\nStraight to the point: could what we do matter to {{company|your team}} this quarter? If yes, I'd suggest a short call. If not, just say so and I won't keep filling your inbox.\n\n{{signature}}",
    },
    {
      subject: 'Where do we stand?',
      body: "Hi {{first_name|there}},\n\nI'd rather ask than guess: where does this stand on your side? A yes, a no or a \"not now\" are all useful answers, and I'll plan around whichever it is.\n\n{{signature}}",
    },
    {
      subject: 'Worth a conversation, {{first_name|there}}?',
      body: "Hi {{first_name|there}},\n\nI'll keep this short. I reached out because I believe we can save {{company|your team}} real time, and I'd rather show you than tell you. Do you have 15 minutes on Thursday or Friday?\n\n{{signature}}",
    },
  ],
  Gentle: [
    {
      subject: 'Following up',
      body: "Hi {{first_name|there}},\n\nJust a gentle nudge in case my last note got buried. No pressure at all; whenever it suits you, I'm happy to talk.\n\n{{signature}}",
    },
    {
      subject: 'No rush, {{first_name|just checking in}}',
      body: "Hi {{first_name|there}},\n\nI know inboxes fill up fast, so I wanted to bring my note back to the top. Whenever you have a moment, I'd love to hear what you think, even if it's \"not right now\".\n\n{{signature}}",
    },
    {
      subject: 'Checking in',
      body: "Hi {{first_name|there}},\n\nI hope things are going well at {{company|your end}}. I didn't want to let this drop without checking in once more. If now isn't a good time, that's completely fine; just let me know when might be better.\n\n{{signature}}",
    },
    {
      subject: "Whenever you're ready",
      body: "Hi {{first_name|there}},\n\nA quick, low-key note: I'm still here if you'd like to pick this up. No need for a long reply; a single line telling me what would be useful is plenty.\n\n{{signature}}",
    },
  ],
  Appreciative: [
    {
      subject: 'Thank you, {{first_name|there}}',
      body: "Hi {{first_name|there}},\n\nThank you for the time you've given this so far; I know how busy things get at {{company|your company}}. If it helps, I can send a short summary you can share with your team.\n\n{{signature}}",
    },
    {
      subject: 'Thanks for taking a look',
      body: "Hi {{first_name|there}},\n\nI really appreciate you taking a look at what I sent. Any thoughts you have, good or bad, would help me understand what matters most to {{company|your team}}.\n\n{{signature}}",
    },
    {
      subject: 'Grateful for your time',
      body: "Hi {{first_name|there}},\n\nThank you for reading my notes so far. I know how much email lands on your desk, so it means a lot. If a short call would be easier than writing back, I'm glad to work around your calendar.\n\n{{signature}}",
    },
    {
      subject: 'With thanks, and a few ideas',
      body: "Hi {{first_name|there}},\n\nJust a note to say thanks for your patience with my emails. I've put together a few ideas for {{company|your team}} and would be happy to walk you through them whenever it suits you.\n\n{{signature}}",
    },
  ],
  Hopeful: [
    {
      subject: 'An idea for {{company|your team}}',
      body: "Hi {{first_name|there}},\n\nI've been thinking about what {{company|your team}} could do with a little more time back each week, and I'm optimistic we can get you there. Could we find 15 minutes?\n\n{{signature}}",
    },
    {
      subject: 'What we could do together',
      body: "Hi {{first_name|there}},\n\nI'm genuinely excited about what we could do together. Teams like {{company|yours}} have found real wins with us, and I think you could too. Shall we find a time to talk it through?\n\n{{signature}}",
    },
    {
      subject: 'Still hoping to connect',
      body: "Hi {{first_name|there}},\n\nI'm still hopeful we can find a time to connect. I have a few ideas I think would make a real difference for {{company|your team}}, and I'd love to hear whether they fit what you're planning.\n\n{{signature}}",
    },
    {
      subject: 'A good fit for {{company|you}}?',
      body: "Hi {{first_name|there}},\n\nThe more I learn about {{company|your work}}, the more I think this could be a great fit. If you're open to it, I'd be glad to set up a short call and see whether you agree.\n\n{{signature}}",
    },
  ],
  Assertive: [
    {
      subject: 'Next step?',
      body: "Hi {{first_name|there}},\n\nI'd like to propose a next step: a 20-minute call on Tuesday or Wednesday. Which works better for you?\n\n{{signature}}",
    },
    {
      subject: "Let's set a time",
      body: "Hi {{first_name|there}},\n\nI'd like to move this forward. Let's put 20 minutes on the calendar this week so I can show you exactly how this would work for {{company|your team}}. Reply with a time that suits you and I'll send the invite.\n\n{{signature}}",
    },
    {
      subject: 'Can we decide this week?',
      body: "Hi {{first_name|there}},\n\nI'd like us to reach a decision, either way, by the end of the week. If you're the right person, let's talk on Thursday; if someone else owns this at {{company|your company}}, who should I speak to?\n\n{{signature}}",
    },
    {
      subject: 'Proposal: a 20-minute call',
      body: "Hi {{first_name|there}},\n\nHere is what I suggest: a 20-minute call where I walk you through the results I'd expect for {{company|your team}}, and you decide whether it's worth pursuing. Does Tuesday morning or Wednesday afternoon work?\n\n{{signature}}",
    },
  ],
  Cautionary: [
    {
      subject: 'Before this slips',
      body: "Hi {{first_name|there}},\n\nTeams that wait on this usually feel it at quarter end. I'd hate for {{company|your team}} to be caught short; shall we take a quick look before then?\n\n{{signature}}",
    },
    {
      subject: 'The cost of waiting',
      body: "Hi {{first_name|there}},\n\nA word of caution: the longer this waits, the more it tends to cost in time and missed opportunities. I'd be glad to show you what that looks like for {{company|a team like yours}} before you decide either way.\n\n{{signature}}",
    },
    {
      subject: 'Closing the loop',
      body: "Hi {{first_name|there}},\n\nI haven't heard back, so I'll assume the timing isn't right and stop writing soon. If you'd like to keep the conversation going, a quick reply is all it takes.\n\n{{signature}}",
    },
    {
      subject: 'One risk worth a look',
      body: "Hi {{first_name|there}},\n\nOne thing I've seen catch teams like {{company|yours}} off guard: problems that stay small until they suddenly aren't. If you have 15 minutes, I can show you where to look, whether or not we end up working together.\n\n{{signature}}",
    },
  ],
  Curious: [
    {
      subject: 'Did I get this wrong?',
      body: "Hi {{first_name|there}},\n\nI haven't heard back, so I'm curious: is this not a priority right now, or is someone else the right person to talk to?\n\n{{signature}}",
    },
    {
      subject: 'A question for you, {{first_name|if I may}}',
      body: "Hi {{first_name|there}},\n\nI'm curious how {{company|your team}} handles this today. Is it something you've already solved, or still on the list? Either answer would help me understand whether I can be useful.\n\n{{signature}}",
    },
    {
      subject: 'What would make this useful?',
      body: "Hi {{first_name|there}},\n\nI'd love to know: what would have to be true for this to be worth your time? As {{title|someone who sees this up close}}, your view would help me a lot.\n\n{{signature}}",
    },
    {
      subject: 'Am I on the right track?',
      body: "Hi {{first_name|there}},\n\nQuick question: am I reaching the right person at {{company|your company}}? If this sits with someone else, I'd be grateful for a pointer; if it's you, I'd love to hear what's on your plate this quarter.\n\n{{signature}}",
    },
  ],
};

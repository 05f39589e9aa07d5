// Delivery test set-up: a workspace with Ava (New York, weekends off, 09:00-17:00, a sender) and a
// schedule of a custom message then a Gentle step, leads added on Monday 1 March 2027 09:00.
import type { Clock } from '../../../src/clock.js';
import type { Mailer, OutgoingEmail, SendOutcome } from '../../../src/services/delivery/types.js';
import type { AddLeadResult } from '../../../src/services/leads/index.js';
import type { StepInput } from '../../../src/services/schedules.js';
import type { Services } from '../../../src/services/index.js';
import { RECOMMENDED } from '../../../src/services/workspaces.js';
import type { AssistantInput } from '../../../src/services/assistants.js';
import type { WorkspaceRef } from '../../../src/services/domain.js';
import { actorIn, newWorkspace } from '../../support/db.js';

/** Monday 1 March 2027, 09:00 in New York (EST). */
export const MONDAY_9AM = new Date('2027-03-01T14:00:00Z');

/** A clock the test moves. */
export function movableClock(at = MONDAY_9AM): Clock & { at: Date; set(to: Date | string): void } {
  return {
    at,
    now() {
      return new Date(this.at);
    },
    set(to) {
      this.at = new Date(to);
    },
  };
}

/** A mailer that keeps what it sends and answers as told (accepted, unless `answer` says otherwise). */
export function recordingMailer() {
  const sent: OutgoingEmail[] = [];
  let answer: (email: OutgoingEmail) => SendOutcome = () => ({ ok: true, delivered: true });
  const mailer: Mailer = {
    async send(email) {
      const outcome = answer(email);
      if (outcome.ok) sent.push(email);
      return outcome;
    },
    async close() {},
  };
  return {
    sent,
    mailer,
    answer(next: (email: OutgoingEmail) => SendOutcome) {
      answer = next;
    },
  };
}

export const INTRO = { name: 'Intro', subject: 'Quick question, {{first_name}}', body: 'Hi {{first_name}},\n\nDoes {{company}} still look after its followups by hand?\n\n{{signature}}' };

/** Ava, her schedule “Mine” (Intro after 1 day, Gentle after 2 days) and Alex who adds leads. */
export async function deliveryWorkspace(services: Services, assistant: Partial<AssistantInput> = {}, steps?: (introId: string) => StepInput[], ws: WorkspaceRef = newWorkspace()) {
  await services.workspaces.ensureSeeded(ws);
  const alex = actorIn(ws, 'UALEX', { name: 'Alex' });
  const ava = await services.assistants.create(alex, {
    name: 'Ava',
    notificationChannel: '',
    timeZone: 'America/New_York',
    offDays: [6, 0],
    senderName: 'Ava Stone',
    senderEmail: 'ava@acme.example',
    signature: 'Ava Stone\nAcme',
    ...assistant,
  });
  const intro = await services.customMessages.create(alex, INTRO);
  const recommended = (await services.schedules.findByName(ws, RECOMMENDED))!;
  let mine = await services.schedules.clone(alex, recommended.id, { name: 'Mine', description: '' });
  mine = await services.schedules.save(alex, mine.id, {
    name: 'Mine',
    description: '',
    baseVersion: mine.version,
    steps: steps?.(intro.id) ?? [
      { type: 'custom', customMessageId: intro.id, afterDays: 1 },
      { type: 'Gentle', customMessageId: null, afterDays: 2 },
    ],
  });
  return { ws, alex, ava, mine, intro };
}

export function ids(results: readonly AddLeadResult[]): { leadId: string; enrollmentId: string }[] {
  return results.map((r) => {
    if (!r.ok) throw new Error(`expected the lead to be added: ${JSON.stringify(r)}`);
    return { leadId: r.leadId, enrollmentId: r.enrollmentId };
  });
}

// Send claims (services/delivery/claims.ts) on the real database: whatever order two processes' writes
// land in, a step whose email went out is never claimed again for sending.
import { jest } from '@jest/globals';
import { Types } from 'mongoose';
import { createSendClaims } from '../../../src/services/delivery/claims.js';
import { openTestDatabase, type TestDatabase } from '../../support/db.js';
import { movableClock } from './support.js';

const TIMEOUT_MS = 60_000;
const clock = movableClock();
let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase(clock);
});
afterAll(() => db.close());

const input = (enrollmentId: Types.ObjectId) => ({ workspace: 'T-CLAIMS', enrollmentId, step: 1, messageId: `<followup.${String(enrollmentId)}.1@acme.example>` });

/** Two processes' claims, the first of which has just claimed step 1 of a new enrollment. */
async function claimedBySender() {
  const sender = createSendClaims(db.services.models, clock, { timeoutMs: TIMEOUT_MS, owner: 'sender' });
  const later = createSendClaims(db.services.models, clock, { timeoutMs: TIMEOUT_MS, owner: 'later' });
  const enrollmentId = new Types.ObjectId();
  const first = await sender.claim(input(enrollmentId));
  if (first.kind !== 'owned') throw new Error(`the first claim was ${first.kind}, not owned`);
  return { sender, later, enrollmentId, claim: first.claim };
}

test('a claim given back after its email was recorded as sent stays sent: no later run sends it again', async () => {
  const { sender, later, enrollmentId, claim } = await claimedBySender();
  // The email went out and its "sent" write landed; a release of the same claim arrives after it
  // (a run that found the followup done meanwhile gives its claim back).
  await sender.markSent(claim, { sentAt: clock.now() });
  await sender.release(claim);

  const again = await later.claim(input(enrollmentId));
  expect(again.kind).toBe('finish');
  const stored = await db.services.models.SendClaim.findById(claim._id).lean();
  expect(stored?.state).toBe('sent');
});

test('a claim given back before anything went out is claimed again at once by the next run', async () => {
  const { sender, later, enrollmentId, claim } = await claimedBySender();
  expect((await later.claim(input(enrollmentId))).kind).toBe('busy');
  await sender.release(claim);
  const again = await later.claim(input(enrollmentId));
  expect(again.kind).toBe('owned');
  expect(again.kind === 'owned' && again.claim.messageId).toBe(claim.messageId);
});

test('a takeover that read the claim as "sending" just before the owner\'s "sent" landed does not take it: the email went out', async () => {
  const { sender, later, enrollmentId, claim } = await claimedBySender();
  // The owner is cut off past the claim timeout; its "sent" lands between the takeover's read and its write.
  clock.set(new Date(clock.now().getTime() + TIMEOUT_MS + 1_000));
  const { SendTakeover } = db.services.models;
  const create = SendTakeover.create.bind(SendTakeover);
  const takeover = jest.spyOn(SendTakeover, 'create').mockImplementation((async (...args: Parameters<typeof create>) => {
    const made = await create(...args);
    await sender.markSent(claim, { sentAt: clock.now() });
    return made;
  }) as unknown as typeof SendTakeover.create);
  try {
    const taken = await later.claim(input(enrollmentId));
    expect(takeover).toHaveBeenCalled();
    expect(taken.kind).not.toBe('owned');
  } finally {
    takeover.mockRestore();
  }
  expect((await db.services.models.SendClaim.findById(claim._id).lean())?.state).toBe('sent');
  expect((await later.claim(input(enrollmentId))).kind).toBe('finish');
});

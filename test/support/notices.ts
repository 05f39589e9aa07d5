// Notices in tests: what a channel shows of them (read from the local Slack's messages), a recorded
// `sent` notice, and the Web API outlet a posting job gives the notices service.
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { WebClient } from '@slack/web-api';
import type { FakeMessage, FakeSlack, JsonObject } from './fakeSlack.js';
import { NOTICE } from '../../views/sendNotice.js';
import { webApiOutlet } from '../../src/jobs/notices.js';
import type { NoticeInput, NoticeOutlet } from '../../src/services/notices/index.js';
import type { Services } from '../../src/services/index.js';
import { actorIn, newWorkspace } from './db.js';

/** The ids of the notices a message shows: its buttons' values (one notice) or its digest lines' block ids. */
export function noticeIdsIn(message: FakeMessage): string[] {
  const ids = new Set<string>();
  for (const block of (message.blocks ?? []) as JsonObject[]) {
    const blockId = String(block.block_id ?? '');
    if (blockId.startsWith(NOTICE.digestLinePrefix)) ids.add(blockId.slice(NOTICE.digestLinePrefix.length));
    if (block.type === 'actions') for (const el of block.elements as JsonObject[]) if (typeof el.value === 'string') ids.add(el.value);
  }
  return [...ids];
}

/** A `sent` notice for lead number `n` (a new enrollment each), as the dispatcher records one. */
export function sentNotice(workspace: NoticeInput['workspace'], assistantId: string, n: number): NoticeInput {
  return {
    workspace,
    assistantId,
    enrollmentId: new Types.ObjectId().toHexString(),
    leadId: new Types.ObjectId().toHexString(),
    kind: 'sent',
    step: 1,
    totalSteps: 3,
    lead: { name: `Lead ${n}`, company: 'Acme', email: `lead${n}@acme.example` },
    subject: 'Quick question',
    preview: 'Hi,\nDid you get a chance to look?',
    nextPlannedAt: null,
    detail: null,
    at: new Date(),
  };
}

/** The local Slack's Web API as the posting job uses it: rate limits come back to the service, nothing retried by the client. */
export function localSlackOutlet(fake: FakeSlack, token: string): NoticeOutlet {
  return webApiOutlet(new WebClient(token, { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } }));
}

/** A new workspace with the app installed in the local Slack and a channel it is in; Alex acts in it. */
export async function workspaceWithChannel(fake: FakeSlack, services: Services) {
  const ws = newWorkspace();
  const team = fake.addTeam({ id: ws.teamId });
  const channel = `C${randomBytes(4).toString('hex').toUpperCase()}`;
  fake.addChannel({ id: channel, teamId: ws.teamId, name: 'sales', botIsMember: true });
  await services.workspaces.ensureSeeded(ws);
  return { ws, token: team.botToken, channel, alex: actorIn(ws, 'UALEX', { name: 'Alex' }) };
}

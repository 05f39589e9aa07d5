// How Slack's answers to conversations.info become the notification channel's check. The local
// Slack answers is_member and channel_not_found (see test/e2e/assistants.test.ts); it does not model
// scopes, so a workspace that installed the app before it asked to read channels is Slack's
// `missing_scope` error played here by a stand-in client.
import type { WebClient } from '@slack/web-api';
import { CHANNEL_SCOPE_MISSING, channelMembershipVia } from '../../../src/listeners/flows/assistants.js';
import { DomainError } from '../../../src/services/domain.js';

function clientFailingWith(error: string): WebClient {
  const failure = Object.assign(new Error(`An API error occurred: ${error}`), { code: 'slack_webapi_platform_error', data: { ok: false, error } });
  return { conversations: { info: () => Promise.reject(failure) } } as unknown as WebClient;
}

test('an app installed without the channel scopes says a reinstall is needed, on the channel field', async () => {
  const error = await channelMembershipVia(clientFailingWith('missing_scope'))('C0SALES').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  expect(error).toMatchObject({ field: 'notificationChannel', message: CHANNEL_SCOPE_MISSING });
});

test('any other Slack failure is not mistaken for an answer', async () => {
  await expect(channelMembershipVia(clientFailingWith('ratelimited'))('C0SALES')).rejects.toMatchObject({ data: { error: 'ratelimited' } });
});

// What the app did after acking a request, found by the request's own trigger_id or response_url (so
// work left over from another test can never be mistaken for it), and read as the user sees it.
import type { FakeSlack, FakeView, JsonObject } from './fakeSlack.js';
import { blocksText } from './flows.js';

/** Every piece of text in a message body, an option or a list of blocks, joined by newlines. */
export const textOf = blocksText;

/** The modal the app opened with this trigger_id (fails the test when Slack refused it). */
export async function modalOpenedWith(fake: FakeSlack, triggerId: string): Promise<FakeView> {
  const call = await fake.waitForCall('views.open', (c) => c.args.trigger_id === triggerId);
  const view = call.response.view as { id?: string } | undefined;
  if (call.response.ok !== true || !view?.id) throw new Error(`views.open was refused: ${JSON.stringify(call.response)}`);
  return fake.view(view.id);
}

export function modalsOpenedWith(fake: FakeSlack, triggerId: string): number {
  return fake.callsTo('views.open').filter((c) => c.args.trigger_id === triggerId).length;
}

export interface Post {
  readonly body: JsonObject;
  /** All the text the user sees. */
  readonly text: string;
}

/** The next message the app posted to this response_url (accepted by Slack), optionally the one matching. */
export async function postedTo(fake: FakeSlack, responseUrl: string, matching: (text: string) => boolean = () => true): Promise<Post> {
  const post = await fake.waitForResponse((p) => p.url === responseUrl && matching(textOf(p.body)));
  if (post.status !== 200) throw new Error(`Slack refused the post to the response_url: ${JSON.stringify(post.response)}`);
  return { body: post.body as JsonObject, text: textOf(post.body) };
}

/** The views.update the app made to `viewId` whose view has a block with this id. */
export async function updatedTo(fake: FakeSlack, viewId: string, blockId: string): Promise<FakeView> {
  const call = await fake.waitForCall(
    'views.update',
    (c) => c.args.view_id === viewId && ((c.args.view as { blocks?: { block_id?: string }[] }).blocks ?? []).some((b) => b.block_id === blockId),
  );
  if (call.response.ok !== true) throw new Error(`views.update was refused: ${JSON.stringify(call.response)}`);
  return fake.view(viewId);
}

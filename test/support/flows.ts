// Small helpers for end-to-end tests: wait for what the app did after its ack, read views as text.
import type { FakeSlack, FakeView, JsonObject, ResponseUrlPost } from './fakeSlack.js';
import { PROGRESS } from '../../views/progressModals.js';

/** Waits for the next call to `method` after `since` calls were made, and returns it. */
export async function nextCall(fake: FakeSlack, method: string, since: number, predicate: (args: JsonObject) => boolean = () => true) {
  return fake.waitForCall(method, (call) => fake.calls.indexOf(call) >= since && predicate(call.args));
}

/** The id of the view opened (views.open / views.push) after `since` calls. */
export async function openedViewId(fake: FakeSlack, method: 'views.open' | 'views.push', since: number): Promise<string> {
  const call = await nextCall(fake, method, since);
  const view = call.response.view as { id?: string } | undefined;
  if (!call.response.ok || !view?.id) throw new Error(`${method} failed: ${JSON.stringify(call.response)}`);
  await pastLoading(fake, view.id);
  return view.id;
}

/**
 * A modal opened as "Loading…" (the app's data was slow) counts as opened once it shows the real thing
 * (a busy database may first say so in the loading view, and answer up to 12 s later).
 */
async function pastLoading(fake: FakeSlack, viewId: string): Promise<FakeView> {
  if (fake.view(viewId).callback_id === PROGRESS.loading) {
    const call = await fake.waitForCall('views.update', (c) => c.args.view_id === viewId && (c.args.view as { callback_id?: string }).callback_id !== PROGRESS.loading, 15_000);
    if (call.response.ok !== true) throw new Error(`views.update after loading was refused: ${JSON.stringify(call.response)}`);
  }
  return fake.view(viewId);
}

/** Waits until a views.update for `viewId` succeeds after `since` calls. */
export async function updated(fake: FakeSlack, viewId: string, since: number): Promise<void> {
  await fake.waitForCall('views.update', (call) => fake.calls.indexOf(call) >= since && call.args.view_id === viewId && call.response.ok === true);
}

/** Every piece of text in a list of blocks, joined by newlines (for "the user sees …" checks). */
export function blocksText(blocks: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      if (typeof obj.text === 'string') out.push(obj.text);
      for (const [key, value] of Object.entries(obj)) if (key !== 'text' || typeof value !== 'string') walk(value);
    }
  };
  walk(blocks);
  return out.join('\n');
}

export function viewText(fake: FakeSlack, viewId: string): string {
  return blocksText((fake.view(viewId) as JsonObject).blocks);
}

/** The next response_url post after `since` posts. */
export async function nextResponse(fake: FakeSlack, since: number, predicate: (post: ResponseUrlPost) => boolean = () => true): Promise<ResponseUrlPost & { text: string }> {
  const post = await fake.waitForResponse((p) => fake.responses.indexOf(p) >= since && predicate(p));
  const body = post.body as { text?: string; blocks?: unknown };
  return { ...post, text: `${body.text ?? ''}\n${blocksText(body.blocks ?? [])}` };
}

/** The stored (ephemeral) message a response_url post became, to click its buttons. */
export function messageFromResponse(fake: FakeSlack, channelId: string, text: string) {
  const found = [...fake.messages].reverse().find((m) => m.channel === channelId && !m.deleted && (m.text ?? '').includes(text));
  if (!found) throw new Error(`no message in ${channelId} with text containing “${text}”`);
  return found;
}

// ── Found by the request's own trigger_id or response_url, so leftovers of another test never match ──

/** Every piece of text in a message body, an option or a list of blocks, joined by newlines. */
export const textOf = blocksText;

/** The modal the app opened with this trigger_id (fails the test when Slack refused it). */
export async function modalOpenedWith(fake: FakeSlack, triggerId: string): Promise<FakeView> {
  const call = await fake.waitForCall('views.open', (c) => c.args.trigger_id === triggerId);
  const view = call.response.view as { id?: string } | undefined;
  if (call.response.ok !== true || !view?.id) throw new Error(`views.open was refused: ${JSON.stringify(call.response)}`);
  return pastLoading(fake, view.id);
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
export async function postedTo(fake: FakeSlack, responseUrl: string, matching: (text: string) => boolean = () => true, timeoutMs?: number): Promise<Post> {
  const post = await fake.waitForResponse((p) => p.url === responseUrl && matching(textOf(p.body)), timeoutMs);
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

/** The `app_home_opened` event Slack sends when `userId` opens the app's Home tab (post it signed). */
export function homeOpened(teamId: string, userId: string): string {
  return JSON.stringify({
    token: 'verification-token',
    team_id: teamId,
    api_app_id: 'A0FAKEAPP',
    type: 'event_callback',
    event_id: `Ev${Date.now()}${Math.random().toString(36).slice(2, 8)}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user: userId, channel: 'D123', tab: 'home', event_ts: `${Date.now() / 1000}` },
  });
}

// Proves the fake Slack refuses what Slack refuses (one test per rule), models triggers, modal stacks, hashes and
// view state as Slack does, and that the driver's signed requests are accepted by a real Bolt app.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient, LogLevel as WebLogLevel } from '@slack/web-api';
import { App, LogLevel } from '@slack/bolt';
import { FakeSlackError, LIMITS, MANIFEST_BOT_SCOPES, POST_BURST, startFakeSlack, validateMessageBlocks, validateView, viewBytes, type FakeSlack, type JsonObject } from './fakeSlack.js';
import { SlackDriver } from './slackDriver.js';

// These tests provoke Slack errors on purpose; the client would log each one.
const quiet = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => WebLogLevel.ERROR, setName() {} };

// ─── fixtures ───────────────────────────────────────────────────────────────────────────────────────────────────

const pt = (text: string): JsonObject => ({ type: 'plain_text', text });
const md = (text: string): JsonObject => ({ type: 'mrkdwn', text });
const x = (n: number): string => 'x'.repeat(n);
const option = (value: string, text = value): JsonObject => ({ text: pt(text), value });

const textInput = (blockId: string, actionId: string, extra: JsonObject = {}): JsonObject => ({
  type: 'input',
  block_id: blockId,
  label: pt('Name'),
  element: { type: 'plain_text_input', action_id: actionId, ...extra },
});

const modal = (extra: JsonObject = {}): JsonObject => ({
  type: 'modal',
  callback_id: 'schedule_modal',
  title: pt('New schedule'),
  submit: pt('Save'),
  close: pt('Cancel'),
  blocks: [textInput('name_block', 'name')],
  ...extra,
});

const withBlocks = (...blocks: JsonObject[]): JsonObject => modal({ blocks });

interface SlackFailure {
  error: string;
  messages: string[];
}

async function slackFailure(call: Promise<unknown>): Promise<SlackFailure> {
  try {
    await call;
  } catch (error) {
    const data = (error as { data?: { error?: string; response_metadata?: { messages?: string[] } } }).data;
    if (data?.error) return { error: data.error, messages: data.response_metadata?.messages ?? [] };
    throw error;
  }
  throw new Error('expected Slack to refuse the call, but it succeeded');
}

let clock = Date.now();
let fake: FakeSlack;
let client: WebClient;

beforeAll(async () => {
  fake = await startFakeSlack({ now: () => clock });
  client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
  fake.addUser({ id: 'UALICE', name: 'alice', realName: 'Alice Doe', tz: 'Europe/Paris', isAdmin: true });
  fake.addUser({ id: 'UBOB', name: 'bob' });
  fake.addChannel({ id: 'CGENERAL', name: 'general', botIsMember: true });
  fake.addChannel({ id: 'CRANDOM', name: 'random', botIsMember: false });
  fake.addChannel({ id: 'CSECRET', name: 'secret', isPrivate: true, botIsMember: false });
  fake.addChannel({ id: 'CTEAM', name: 'team', botIsMember: true, members: ['UALICE'] });
});

afterAll(async () => {
  await fake.close();
});

const openModal = (view: JsonObject = modal(), userId = 'UALICE') =>
  client.views.open({ trigger_id: fake.issueTriggerId({ userId }), view: view as never });

async function openedId(view: JsonObject = modal()): Promise<string> {
  const res = await openModal(view);
  return String(res.view?.id);
}

// ─── views.open: valid views ────────────────────────────────────────────────────────────────────────────────────

describe('views.open with a valid view', () => {
  test('accepts it and returns the view with id, hash, stack ids and state', async () => {
    const res = await openModal(modal({ private_metadata: 'meta' }));
    expect(res.ok).toBe(true);
    const view = res.view as JsonObject;
    expect(view.id).toMatch(/^V/);
    expect(view.root_view_id).toBe(view.id);
    expect(view.previous_view_id).toBeNull();
    expect(typeof view.hash).toBe('string');
    expect(view.app_id).toBe(fake.appId);
    expect(view.team_id).toBe(fake.teamId);
    expect(view.private_metadata).toBe('meta');
    expect(view.state).toEqual({ values: { name_block: { name: { type: 'plain_text_input', value: null } } } });
    expect(fake.callsTo('views.open').at(-1)?.args.view).toMatchObject({ callback_id: 'schedule_modal' });
  });

  test('accepts every limit at exactly its maximum', async () => {
    const view = modal({
      title: pt(x(24)),
      submit: pt(x(24)),
      close: pt(x(24)),
      private_metadata: x(3000),
      callback_id: x(255),
      external_id: `max-${x(251)}`,
      blocks: [
        { ...textInput(x(255), x(255), { max_length: 3000 }), label: pt(x(2000)), hint: pt(x(2000)) },
        { type: 'header', text: pt(x(150)) },
        { type: 'section', text: md(x(3000)) },
        { type: 'section', fields: Array.from({ length: 10 }, () => md(x(2000))) },
        {
          type: 'actions',
          elements: Array.from({ length: 25 }, (_, i) => ({ type: 'button', action_id: `b${i}`, text: pt(x(75)), value: x(2000), url: `https://e.com/${x(2980)}` })),
        },
        { type: 'context', elements: Array.from({ length: 10 }, () => md('c')) },
        {
          type: 'input',
          label: pt('Pick'),
          element: { type: 'static_select', action_id: 'pick', options: Array.from({ length: 100 }, (_, i) => option(`${i}${x(148)}`.slice(0, 150), x(75))) },
        },
        ...Array.from({ length: 93 }, () => ({ type: 'divider' })),
      ],
    });
    expect((view.blocks as unknown[]).length).toBe(100);
    expect(validateView(view)).toEqual([]);
    const res = await openModal(view);
    expect(res.ok).toBe(true);
  });

  test('fills in a block_id and action_id where the app left them out, as Slack does', async () => {
    const res = await openModal(withBlocks({ type: 'input', label: pt('Name'), element: { type: 'plain_text_input' } }));
    const block = (res.view?.blocks as JsonObject[])[0] as JsonObject;
    expect(typeof block.block_id).toBe('string');
    expect(typeof (block.element as JsonObject).action_id).toBe('string');
  });
});

// ─── views.open: one test per rule ──────────────────────────────────────────────────────────────────────────────

const button = (extra: JsonObject = {}): JsonObject => ({ type: 'button', action_id: 'go', text: pt('Go'), ...extra });
const select = (extra: JsonObject): JsonObject => ({ type: 'input', block_id: 'pick_block', label: pt('Pick'), element: { type: 'static_select', action_id: 'pick', ...extra } });

const refusals: Array<[string, JsonObject, string]> = [
  ['a title longer than 24 characters', modal({ title: pt(x(25)) }), '[json-pointer:/view/title/text]'],
  ['a submit label longer than 24 characters', modal({ submit: pt(x(25)) }), '[json-pointer:/view/submit/text]'],
  ['a close label longer than 24 characters', modal({ close: pt(x(25)) }), '[json-pointer:/view/close/text]'],
  ['a modal without a title', (() => { const v = modal(); delete v.title; return v; })(), 'missing required field: title [json-pointer:/view]'],
  ['a mrkdwn title (plain_text only)', modal({ title: md('Hi') }), '[json-pointer:/view/title/type]'],
  ['an input block in a modal without submit', (() => { const v = modal(); delete v.submit; return v; })(), 'submit'],
  ['more than 100 blocks', withBlocks(...Array.from({ length: 101 }, () => ({ type: 'divider' }))), 'no more than 100 items allowed [json-pointer:/view/blocks]'],
  ['private_metadata longer than 3000 characters', modal({ private_metadata: x(3001) }), '[json-pointer:/view/private_metadata]'],
  ['a callback_id longer than 255 characters', modal({ callback_id: x(256) }), '[json-pointer:/view/callback_id]'],
  ['an external_id longer than 255 characters', modal({ external_id: x(256) }), '[json-pointer:/view/external_id]'],
  ['a block_id longer than 255 characters', withBlocks(textInput(x(256), 'name')), '[json-pointer:/view/blocks/0/block_id]'],
  ['an action_id longer than 255 characters', withBlocks(textInput('b', x(256))), '[json-pointer:/view/blocks/0/element/action_id]'],
  ['a duplicate block_id', withBlocks(textInput('same', 'a'), textInput('same', 'b')), 'duplicate block_id: same [json-pointer:/view/blocks/1/block_id]'],
  ['a duplicate action_id within the view', withBlocks(textInput('b1', 'same'), textInput('b2', 'same')), 'duplicate action_id: same [json-pointer:/view/blocks/1/element/action_id]'],
  ['a select with more than 100 options', withBlocks(select({ options: Array.from({ length: 101 }, (_, i) => option(`v${i}`)) })), '[json-pointer:/view/blocks/0/element/options]'],
  [
    'a select with more than 100 option groups',
    withBlocks(select({ option_groups: Array.from({ length: 101 }, (_, i) => ({ label: pt(`g${i}`), options: [option(`v${i}`)] })) })),
    '[json-pointer:/view/blocks/0/element/option_groups]',
  ],
  ['an option text longer than 75 characters', withBlocks(select({ options: [option('v', x(76))] })), '[json-pointer:/view/blocks/0/element/options/0/text/text]'],
  ['an option value longer than 150 characters', withBlocks(select({ options: [option(x(151), 'ok')] })), '[json-pointer:/view/blocks/0/element/options/0/value]'],
  ['an initial_option that is not one of the options', withBlocks(select({ options: [option('a')], initial_option: option('b') })), '[json-pointer:/view/blocks/0/element/initial_option]'],
  ['a section text longer than 3000 characters', withBlocks({ type: 'section', text: md(x(3001)) }), '[json-pointer:/view/blocks/0/text/text]'],
  ['a section with more than 10 fields', withBlocks({ type: 'section', fields: Array.from({ length: 11 }, () => md('f')) }), '[json-pointer:/view/blocks/0/fields]'],
  ['a section field longer than 2000 characters', withBlocks({ type: 'section', fields: [md(x(2001))] }), '[json-pointer:/view/blocks/0/fields/0/text]'],
  ['a header longer than 150 characters', withBlocks({ type: 'header', text: pt(x(151)) }), '[json-pointer:/view/blocks/0/text/text]'],
  ['a mrkdwn header (plain_text only)', withBlocks({ type: 'header', text: md('Hi') }), '[json-pointer:/view/blocks/0/text/type]'],
  ['an actions block with more than 25 elements', withBlocks({ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button({ action_id: `b${i}` })) }), '[json-pointer:/view/blocks/0/elements]'],
  ['a context block with more than 10 elements', withBlocks({ type: 'context', elements: Array.from({ length: 11 }, () => md('c')) }), '[json-pointer:/view/blocks/0/elements]'],
  ['a button text longer than 75 characters', withBlocks({ type: 'actions', elements: [button({ text: pt(x(76)) })] }), '[json-pointer:/view/blocks/0/elements/0/text/text]'],
  ['a button value longer than 2000 characters', withBlocks({ type: 'actions', elements: [button({ value: x(2001) })] }), '[json-pointer:/view/blocks/0/elements/0/value]'],
  ['a button url longer than 3000 characters', withBlocks({ type: 'actions', elements: [button({ url: `https://e.com/${x(2990)}` })] }), '[json-pointer:/view/blocks/0/elements/0/url]'],
  ['an input label longer than 2000 characters', withBlocks({ ...textInput('b', 'a'), label: pt(x(2001)) }), '[json-pointer:/view/blocks/0/label/text]'],
  ['an input hint longer than 2000 characters', withBlocks({ ...textInput('b', 'a'), hint: pt(x(2001)) }), '[json-pointer:/view/blocks/0/hint/text]'],
  ['a plain_text_input max_length above 3000', withBlocks(textInput('b', 'a', { max_length: 3001 })), '[json-pointer:/view/blocks/0/element/max_length]'],
  ['an empty text', withBlocks({ type: 'section', text: md('') }), '[json-pointer:/view/blocks/0/text/text]'],
  ['a text object that is neither plain_text nor mrkdwn', withBlocks({ type: 'section', text: { type: 'html', text: 'hi' } }), '[json-pointer:/view/blocks/0/text/type]'],
  ['an unknown block type', withBlocks({ type: 'carousel' }), 'unsupported block type: carousel [json-pointer:/view/blocks/0/type]'],
  ['blocks that are not an array', modal({ blocks: { type: 'divider' } }), 'must provide an array [json-pointer:/view/blocks]'],
  ['a property the block does not have', withBlocks({ type: 'section', text: md('hi'), label: pt('no') }), 'invalid additional property: label [json-pointer:/view/blocks/0]'],
  ['an element the block does not allow', withBlocks({ type: 'actions', elements: [{ type: 'plain_text_input', action_id: 'a' }] }), '[json-pointer:/view/blocks/0/elements/0/type]'],
];

describe('views.open refuses what Slack refuses', () => {
  test.each(refusals)('views.open refuses %s', async (_name, view, expected) => {
    const failure = await slackFailure(openModal(view));
    expect(failure.error).toBe('invalid_arguments');
    expect(failure.messages.join('\n')).toContain(expected);
    expect(failure.messages.every((m) => /^\[ERROR\] .+ \[json-pointer:\/view[^\]]*\]$/.test(m))).toBe(true);
  });

  test('views.open refuses a home view', async () => {
    const failure = await slackFailure(openModal({ type: 'home', blocks: [] }));
    expect(failure.error).toBe('invalid_arguments');
    expect(failure.messages.join('\n')).toContain('[json-pointer:/view/type]');
  });

  test('views.open refuses an external_id another open view already uses', async () => {
    await openModal(modal({ external_id: 'dup-ext' }));
    expect((await slackFailure(openModal(modal({ external_id: 'dup-ext' })))).error).toBe('duplicate_external_id');
  });
});

// ─── view size ──────────────────────────────────────────────────────────────────────────────────────────────────

/** A valid view of exactly `bytes` bytes of JSON (sections of up to 3,000 characters of `x`). */
function viewOfBytes(bytes: number, type: 'modal' | 'home' = 'modal'): JsonObject {
  const base = (blocks: JsonObject[]): JsonObject => (type === 'modal' ? modal({ blocks }) : { type: 'home', blocks });
  const blocks: JsonObject[] = [];
  while (viewBytes(base(blocks)) < bytes) blocks.push({ type: 'section', text: md(x(3000)) });
  const last = blocks[blocks.length - 1] as { text: { text: string } };
  last.text.text = x(3000 - (viewBytes(base(blocks)) - bytes));
  const view = base(blocks);
  if (viewBytes(view) !== bytes) throw new Error(`could not build a view of ${bytes} bytes`);
  return view;
}

describe('view size (Slack refuses a view over 250 kB with view_too_large)', () => {
  const limit = LIMITS.viewBytesMax;
  const lastResponse = () => fake.calls.at(-1)?.response;

  test('views.open, views.push, views.update and views.publish take a view of exactly 250,000 bytes and refuse one byte more', async () => {
    expect(limit).toBe(250_000);
    const opened = await openModal(viewOfBytes(limit));
    const id = String(opened.view?.id);
    expect(opened.ok).toBe(true);
    expect((await slackFailure(openModal(viewOfBytes(limit + 1)))).error).toBe('view_too_large');
    expect(lastResponse()).toEqual({ ok: false, error: 'view_too_large' });

    expect((await client.views.push({ trigger_id: fake.issueTriggerId({ viewId: id }), view: viewOfBytes(limit) as never })).ok).toBe(true);
    expect((await slackFailure(client.views.push({ trigger_id: fake.issueTriggerId({ viewId: id }), view: viewOfBytes(limit + 1) as never }))).error).toBe('view_too_large');
    expect(lastResponse()).toEqual({ ok: false, error: 'view_too_large' });
    expect(fake.stackOf(id)).toHaveLength(2);

    const hash = fake.view(id).hash;
    expect((await slackFailure(client.views.update({ view_id: id, view: viewOfBytes(limit + 1) as never }))).error).toBe('view_too_large');
    expect(lastResponse()).toEqual({ ok: false, error: 'view_too_large' });
    expect(fake.view(id).hash).toBe(hash);
    expect((await client.views.update({ view_id: id, view: viewOfBytes(limit) as never })).ok).toBe(true);

    expect((await client.views.publish({ user_id: 'UBOB', view: viewOfBytes(limit, 'home') as never })).ok).toBe(true);
    expect((await slackFailure(client.views.publish({ user_id: 'UBOB', view: viewOfBytes(limit + 1, 'home') as never }))).error).toBe('view_too_large');
    expect(lastResponse()).toEqual({ ok: false, error: 'view_too_large' });
  });

  test('the size is counted in bytes of UTF-8, not in characters', async () => {
    const accented = modal({ blocks: Array.from({ length: 50 }, () => ({ type: 'section', text: md('é'.repeat(2600)) })) });
    expect(JSON.stringify(accented).length).toBeLessThan(limit);
    expect(viewBytes(accented)).toBeGreaterThan(limit);
    expect((await slackFailure(openModal(accented))).error).toBe('view_too_large');
  });

  test('a response_action update or push with a view over 250 kB is refused too', async () => {
    const id = await openedId();
    for (const action of ['update', 'push']) {
      const refused = (() => {
        try {
          fake.applyViewResponse(id, { response_action: action, view: viewOfBytes(limit + 1) });
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(refused).toBeInstanceOf(FakeSlackError);
      expect((refused as FakeSlackError).code).toBe('view_too_large');
    }
    expect(fake.stackOf(id)).toHaveLength(1);
    expect(fake.applyViewResponse(id, { response_action: 'update', view: viewOfBytes(limit) }).action).toBe('update');
  });
});

// ─── triggers ───────────────────────────────────────────────────────────────────────────────────────────────────

describe('trigger ids', () => {
  test('views.open refuses an unknown trigger_id with invalid_trigger_id', async () => {
    const failure = await slackFailure(client.views.open({ trigger_id: '123.456.deadbeef', view: modal() as never }));
    expect(failure.error).toBe('invalid_trigger_id');
  });

  test('views.open refuses a trigger_id used before with exchanged_trigger_id', async () => {
    const trigger_id = fake.issueTriggerId({ userId: 'UALICE' });
    await client.views.open({ trigger_id, view: modal() as never });
    expect((await slackFailure(client.views.open({ trigger_id, view: modal() as never }))).error).toBe('exchanged_trigger_id');
  });

  test('a trigger_id is good for 3 seconds and then expired_trigger_id', async () => {
    const fresh = fake.issueTriggerId();
    const stale = fake.issueTriggerId();
    clock += 3000;
    try {
      expect((await client.views.open({ trigger_id: fresh, view: modal() as never })).ok).toBe(true);
      clock += 1;
      expect((await slackFailure(client.views.open({ trigger_id: stale, view: modal() as never }))).error).toBe('expired_trigger_id');
    } finally {
      clock = Date.now();
    }
  });

  test('views.push refuses a trigger that did not come from inside a modal', async () => {
    await openModal();
    const failure = await slackFailure(client.views.push({ trigger_id: fake.issueTriggerId({ userId: 'UALICE' }), view: modal() as never }));
    expect(failure.error).toBe('not_found');
  });
});

// ─── stacks and hashes ──────────────────────────────────────────────────────────────────────────────────────────

describe('modal stacks and hashes', () => {
  test('views.push stacks up to 3 views and then refuses with push_limit_reached', async () => {
    const root = await openedId();
    const second = await client.views.push({ trigger_id: fake.issueTriggerId({ viewId: root }), view: modal({ title: pt('Second') }) as never });
    expect(second.view?.root_view_id).toBe(root);
    expect(second.view?.previous_view_id).toBe(root);
    const third = await client.views.push({ trigger_id: fake.issueTriggerId({ viewId: String(second.view?.id) }), view: modal({ title: pt('Third') }) as never });
    expect(fake.stackOf(root).map((v) => v.id)).toEqual([root, second.view?.id, third.view?.id]);
    expect(fake.topView(root)?.id).toBe(third.view?.id);
    const failure = await slackFailure(client.views.push({ trigger_id: fake.issueTriggerId({ viewId: String(third.view?.id) }), view: modal() as never }));
    expect(failure.error).toBe('push_limit_reached');
  });

  test('views.update refuses a stale hash with hash_conflict, and every open/push/update returns a new hash', async () => {
    const opened = await openModal();
    const id = String(opened.view?.id);
    const firstHash = String(opened.view?.hash);
    const updated = await client.views.update({ view_id: id, hash: firstHash, view: modal({ title: pt('Renamed') }) as never });
    expect(updated.view?.id).toBe(id);
    expect(updated.view?.hash).not.toBe(firstHash);
    const pushed = await client.views.push({ trigger_id: fake.issueTriggerId({ viewId: id }), view: modal() as never });
    expect(new Set([firstHash, updated.view?.hash, pushed.view?.hash]).size).toBe(3);
    const failure = await slackFailure(client.views.update({ view_id: id, hash: firstHash, view: modal() as never }));
    expect(failure.error).toBe('hash_conflict');
    expect((await client.views.update({ view_id: id, hash: String(updated.view?.hash), view: modal() as never })).ok).toBe(true);
  });

  test('views.update refuses an unknown view with not_found', async () => {
    expect((await slackFailure(client.views.update({ view_id: 'VNOPE', view: modal() as never }))).error).toBe('not_found');
  });

  test('views.update finds a view by external_id', async () => {
    const id = await openedId(modal({ external_id: 'ext-update' }));
    const res = await client.views.update({ external_id: 'ext-update', view: modal({ external_id: 'ext-update', title: pt('By external id') }) as never });
    expect(res.view?.id).toBe(id);
    expect(fake.view(id).title).toEqual(pt('By external id'));
  });

  test('views.update validates the new view like views.open', async () => {
    const id = await openedId();
    const failure = await slackFailure(client.views.update({ view_id: id, view: modal({ title: pt(x(25)) }) as never }));
    expect(failure.error).toBe('invalid_arguments');
    expect(failure.messages.join()).toContain('[json-pointer:/view/title/text]');
  });

  test('views.publish publishes a home tab per user and checks its hash', async () => {
    const home = { type: 'home', blocks: [{ type: 'section', text: md('Home') }] };
    const first = await client.views.publish({ user_id: 'UALICE', view: home as never });
    const again = await client.views.publish({ user_id: 'UALICE', hash: String(first.view?.hash), view: home as never });
    expect(again.view?.id).toBe(first.view?.id);
    expect((await slackFailure(client.views.publish({ user_id: 'UALICE', hash: String(first.view?.hash), view: home as never }))).error).toBe('hash_conflict');
    expect((await slackFailure(client.views.publish({ user_id: 'UALICE', view: modal() as never }))).error).toBe('invalid_arguments');
  });
});

// ─── view state ─────────────────────────────────────────────────────────────────────────────────────────────────

describe('view state', () => {
  const stateView = (nameBlockId = 'name_block', initial = 'Weekly'): JsonObject =>
    withBlocks(textInput(nameBlockId, 'name', { initial_value: initial }), {
      type: 'section',
      block_id: 'pick_block',
      text: md('Pick'),
      accessory: { type: 'static_select', action_id: 'pick', options: [option('a', 'A'), option('b', 'B')], initial_option: option('a', 'A') },
    });

  test('starts from initial values for input elements and section/actions selects', async () => {
    const id = await openedId(stateView());
    expect(fake.view(id).state.values).toEqual({
      name_block: { name: { type: 'plain_text_input', value: 'Weekly' } },
      pick_block: { pick: { type: 'static_select', selected_option: option('a', 'A') } },
    });
  });

  test('keeps what the user typed across views.update when block_id and action_id are unchanged', async () => {
    const id = await openedId(stateView());
    fake.typeInto(id, 'name_block', 'name', 'Daily');
    fake.typeInto(id, 'pick_block', 'pick', 'b');
    await client.views.update({ view_id: id, view: stateView('name_block', 'Something else') as never });
    expect(fake.view(id).state.values.name_block?.name).toEqual({ type: 'plain_text_input', value: 'Daily' });
    expect(fake.view(id).state.values.pick_block?.pick?.selected_option).toEqual(option('b', 'B'));
  });

  test('a view read from the local Slack is a copy: changing it changes neither the modal nor what was recorded', async () => {
    const id = await openedId(stateView());
    fake.typeInto(id, 'name_block', 'name', 'Daily');
    const read = fake.view(id);
    (read.blocks as JsonObject[])[0]!.block_id = 'changed';
    (read.state.values.name_block!.name as JsonObject).value = 'Changed';
    const answered = fake.callsTo('views.open').at(-1)!.response.view as { blocks: JsonObject[] };
    answered.blocks[1]!.block_id = 'changed too';
    const again = fake.view(id);
    expect((again.blocks as JsonObject[]).map((b) => b.block_id)).toEqual(['name_block', 'pick_block']);
    expect(again.state.values.name_block?.name).toEqual({ type: 'plain_text_input', value: 'Daily' });
  });

  test('resets an input to its initial value when views.update gives it a new block_id', async () => {
    const id = await openedId(stateView());
    fake.typeInto(id, 'name_block', 'name', 'Daily');
    await client.views.update({ view_id: id, view: stateView('name_block_v2', 'Fresh') as never });
    expect(fake.view(id).state.values).not.toHaveProperty('name_block');
    expect(fake.view(id).state.values.name_block_v2?.name).toEqual({ type: 'plain_text_input', value: 'Fresh' });
  });

  test('typeInto refuses an option the select does not offer and an element the view does not have', async () => {
    const id = await openedId(stateView());
    expect(() => fake.typeInto(id, 'pick_block', 'pick', 'zzz')).toThrow(FakeSlackError);
    expect(() => fake.typeInto(id, 'nope', 'name', 'x')).toThrow(/no element/);
  });
});

// ─── applyViewResponse ──────────────────────────────────────────────────────────────────────────────────────────

describe('applyViewResponse (view_submission acks)', () => {
  test("response_action errors records the errors and leaves the stack as it was", async () => {
    const id = await openedId();
    const hash = fake.view(id).hash;
    const outcome = fake.applyViewResponse(id, { response_action: 'errors', errors: { name_block: 'Too short' } });
    expect(outcome.action).toBe('errors');
    expect(fake.viewErrors(id)).toEqual({ name_block: 'Too short' });
    expect(fake.isOpen(id)).toBe(true);
    expect(fake.view(id).hash).toBe(hash);
  });

  test('response_action errors refuses a key that is not the block_id of an input block', async () => {
    const id = await openedId(withBlocks(textInput('name_block', 'name'), { type: 'section', block_id: 'info', text: md('i') }));
    expect(() => fake.applyViewResponse(id, { response_action: 'errors', errors: { info: 'Nope' } })).toThrow(/not the block_id of an input block/);
    expect(() => fake.applyViewResponse(id, { response_action: 'errors', errors: { missing: 'Nope' } })).toThrow(FakeSlackError);
  });

  test('response_action update replaces the submitted view in place with a new hash', async () => {
    const id = await openedId();
    const hash = fake.view(id).hash;
    const outcome = fake.applyViewResponse(id, { response_action: 'update', view: modal({ title: pt('Step 2') }) });
    expect(outcome.action).toBe('update');
    expect(fake.view(id).title).toEqual(pt('Step 2'));
    expect(fake.view(id).hash).not.toBe(hash);
    expect(fake.stackOf(id)).toHaveLength(1);
    expect(() => fake.applyViewResponse(id, { response_action: 'update', view: modal({ title: pt(x(25)) }) })).toThrow(/invalid_arguments/);
  });

  test('response_action push pushes onto the stack, up to 3 views', async () => {
    const id = await openedId();
    const second = fake.applyViewResponse(id, { response_action: 'push', view: modal({ title: pt('Two') }) });
    expect(second.action).toBe('push');
    const secondId = second.action === 'push' ? second.view.id : '';
    const third = fake.applyViewResponse(secondId, { response_action: 'push', view: modal({ title: pt('Three') }) });
    expect(fake.stackOf(id)).toHaveLength(3);
    const thirdId = third.action === 'push' ? third.view.id : '';
    expect(() => fake.applyViewResponse(thirdId, { response_action: 'push', view: modal() })).toThrow(/push_limit_reached/);
  });

  test('response_action clear closes the whole stack', async () => {
    const id = await openedId();
    const pushed = await client.views.push({ trigger_id: fake.issueTriggerId({ viewId: id }), view: modal() as never });
    expect(fake.applyViewResponse(String(pushed.view?.id), { response_action: 'clear' }).action).toBe('clear');
    expect(fake.isOpen(id)).toBe(false);
    expect(fake.stackOf(id)).toEqual([]);
  });

  test('an empty ack closes only the submitted view', async () => {
    const id = await openedId();
    const pushed = await client.views.push({ trigger_id: fake.issueTriggerId({ viewId: id }), view: modal() as never });
    const outcome = fake.applyViewResponse(String(pushed.view?.id), '');
    expect(outcome).toMatchObject({ action: 'close', top: { id } });
    expect(fake.isOpen(String(pushed.view?.id))).toBe(false);
    expect(fake.stackOf(id).map((v) => v.id)).toEqual([id]);
  });
});

// ─── messages ───────────────────────────────────────────────────────────────────────────────────────────────────

describe('messages', () => {
  test('chat.postMessage posts into a channel the bot is in and stores the message with its ts', async () => {
    const res = await client.chat.postMessage({ channel: 'CGENERAL', text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }] });
    expect(res.ts).toMatch(/^\d+\.\d{6}$/);
    const stored = fake.message('CGENERAL', String(res.ts));
    expect(stored).toMatchObject({ text: 'hello', ephemeral: false, user: fake.botUserId });
  });

  test('chat.postMessage refuses a channel the bot is not in with not_in_channel', async () => {
    expect((await slackFailure(client.chat.postMessage({ channel: 'CRANDOM', text: 'hi' }))).error).toBe('not_in_channel');
  });

  test('chat.postMessage refuses an unknown channel, or a private one the bot is not in, with channel_not_found', async () => {
    expect((await slackFailure(client.chat.postMessage({ channel: 'CNOPE', text: 'hi' }))).error).toBe('channel_not_found');
    expect((await slackFailure(client.chat.postMessage({ channel: 'CSECRET', text: 'hi' }))).error).toBe('channel_not_found');
  });

  test('chat.postMessage needs text or blocks (no_text)', async () => {
    expect((await slackFailure(client.chat.postMessage({ channel: 'CGENERAL', text: '' }))).error).toBe('no_text');
  });

  test('chat.postMessage refuses more than 50 blocks with invalid_blocks', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const failure = await slackFailure(client.chat.postMessage({ channel: 'CGENERAL', text: 'x', blocks }));
    expect(failure.error).toBe('invalid_blocks');
    expect(failure.messages.join()).toContain('no more than 50 items allowed [json-pointer:/blocks]');
    expect(validateMessageBlocks(blocks.slice(0, 50))).toEqual([]);
  });

  test('chat.postMessage validates each block like a view does', async () => {
    const failure = await slackFailure(client.chat.postMessage({ channel: 'CGENERAL', text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: x(3001) } }] }));
    expect(failure).toEqual({ error: 'invalid_blocks', messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] });
  });

  test('chat.postMessage to a user id posts into the bot DM with that user', async () => {
    const res = await client.chat.postMessage({ channel: 'UBOB', text: 'psst' });
    expect(res.channel).toBe('D0FAKEBOB');
    expect(fake.message('D0FAKEBOB', String(res.ts))?.text).toBe('psst');
  });

  test('chat.postEphemeral refuses a user who is not in the channel', async () => {
    const ok = await client.chat.postEphemeral({ channel: 'CTEAM', user: 'UALICE', text: 'only you' });
    expect(fake.message('CTEAM', String(ok.message_ts))).toMatchObject({ ephemeral: true, visibleTo: 'UALICE' });
    expect((await slackFailure(client.chat.postEphemeral({ channel: 'CTEAM', user: 'UBOB', text: 'x' }))).error).toBe('user_not_in_channel');
  });

  test('chat.update edits a stored message and refuses an unknown ts with message_not_found', async () => {
    const posted = await client.chat.postMessage({ channel: 'CGENERAL', text: 'v1' });
    await client.chat.update({ channel: 'CGENERAL', ts: String(posted.ts), text: 'v2' });
    expect(fake.message('CGENERAL', String(posted.ts))).toMatchObject({ text: 'v2', history: [{ text: 'v1' }] });
    expect((await slackFailure(client.chat.update({ channel: 'CGENERAL', ts: '1.000001', text: 'x' }))).error).toBe('message_not_found');
  });
});

// ─── auth, users, conversations ─────────────────────────────────────────────────────────────────────────────────

describe('auth, users and conversations', () => {
  test('a call without a token gets not_authed, a garbage token invalid_auth', async () => {
    const anonymous = new WebClient(undefined, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
    expect((await slackFailure(anonymous.auth.test())).error).toBe('not_authed');
    const garbage = new WebClient('xoxb-1-never-issued', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
    expect((await slackFailure(garbage.auth.test())).error).toBe('invalid_auth');
    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: fake.botUserId, team_id: fake.teamId });
  });

  test('a token acts for its own workspace only: another team’s users, channels, triggers and views do not exist for it', async () => {
    const other = fake.addTeam({ id: 'TOTHER', domain: 'other' });
    fake.addUser({ id: 'UOTTO', teamId: 'TOTHER', name: 'otto' });
    fake.addChannel({ id: 'COTHER', teamId: 'TOTHER', name: 'other-sales', botIsMember: true });
    const otherClient = new WebClient(other.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
    expect(await otherClient.auth.test()).toMatchObject({ ok: true, team_id: 'TOTHER', team: 'other' });
    expect((await otherClient.users.info({ user: 'UOTTO' })).user).toMatchObject({ id: 'UOTTO', team_id: 'TOTHER' });

    // The first team's things, asked for with the other team's token.
    expect((await slackFailure(otherClient.users.info({ user: 'UALICE' }))).error).toBe('user_not_found');
    expect((await slackFailure(otherClient.conversations.info({ channel: 'CGENERAL' }))).error).toBe('channel_not_found');
    expect((await slackFailure(otherClient.chat.postMessage({ channel: 'CGENERAL', text: 'hi' }))).error).toBe('channel_not_found');
    expect((await slackFailure(otherClient.chat.postMessage({ channel: 'UALICE', text: 'hi' }))).error).toBe('channel_not_found');
    expect((await slackFailure(otherClient.chat.postEphemeral({ channel: 'COTHER', user: 'UALICE', text: 'hi' }))).error).toBe('user_not_found');
    const trigger = fake.issueTriggerId({ userId: 'UALICE' });
    expect((await slackFailure(otherClient.views.open({ trigger_id: trigger, view: modal() as never }))).error).toBe('invalid_trigger_id');
    const viewId = String((await client.views.open({ trigger_id: trigger, view: modal() as never })).view?.id);
    expect((await slackFailure(otherClient.views.update({ view_id: viewId, view: modal() as never }))).error).toBe('not_found');
    expect(await slackFailure(otherClient.views.publish({ user_id: 'UALICE', view: { type: 'home', blocks: [] } }))).toEqual({ error: 'invalid_arguments', messages: ['invalid `user_id`'] });

    // And the other way round.
    expect((await slackFailure(client.users.info({ user: 'UOTTO' }))).error).toBe('user_not_found');
    expect((await slackFailure(client.chat.postMessage({ channel: 'COTHER', text: 'hi' }))).error).toBe('channel_not_found');
    const otherTrigger = fake.issueTriggerId({ teamId: 'TOTHER', userId: 'UOTTO' });
    expect((await slackFailure(client.views.open({ trigger_id: otherTrigger, view: modal() as never }))).error).toBe('invalid_trigger_id');
    const otherView = await otherClient.views.open({ trigger_id: otherTrigger, view: modal() as never });
    expect(otherView.view).toMatchObject({ team_id: 'TOTHER', app_installed_team_id: 'TOTHER' });
  });

  test('the same user id in two workspaces is two people, each seen only with its own team’s token', async () => {
    const second = fake.addTeam({ id: 'TSECOND' });
    fake.addUser({ id: 'UTWIN', name: 'twin-here', tz: 'Europe/Paris' });
    fake.addUser({ id: 'UTWIN', teamId: 'TSECOND', name: 'twin-there', tz: 'Asia/Tokyo' });
    const secondClient = new WebClient(second.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
    expect((await client.users.info({ user: 'UTWIN' })).user).toMatchObject({ name: 'twin-here', tz: 'Europe/Paris', team_id: fake.teamId });
    expect((await secondClient.users.info({ user: 'UTWIN' })).user).toMatchObject({ name: 'twin-there', tz: 'Asia/Tokyo', team_id: 'TSECOND' });
    const homeHere = await client.views.publish({ user_id: 'UTWIN', view: { type: 'home', blocks: [] } });
    const homeThere = await secondClient.views.publish({ user_id: 'UTWIN', view: { type: 'home', blocks: [] } });
    expect(homeThere.view?.id).not.toBe(homeHere.view?.id);
    const here = await client.chat.postMessage({ channel: 'UTWIN', text: 'here' });
    const there = await secondClient.chat.postMessage({ channel: 'UTWIN', text: 'there' });
    expect(here.channel).not.toBe(there.channel);
  });

  test('users.info returns the modelled user and user_not_found otherwise', async () => {
    const res = await client.users.info({ user: 'UALICE' });
    expect(res.user).toMatchObject({ id: 'UALICE', name: 'alice', real_name: 'Alice Doe', tz: 'Europe/Paris', is_admin: true, is_owner: false });
    expect([3600, 7200]).toContain(res.user?.tz_offset);
    expect((await slackFailure(client.users.info({ user: 'UNOBODY' }))).error).toBe('user_not_found');
  });

  test('conversations.info hides private channels the bot is not in; conversations.join joins public ones only', async () => {
    expect((await client.conversations.info({ channel: 'CRANDOM' })).channel).toMatchObject({ id: 'CRANDOM', is_member: false });
    expect((await slackFailure(client.conversations.info({ channel: 'CSECRET' }))).error).toBe('channel_not_found');
    fake.addChannel({ id: 'CJOIN', name: 'joinme' });
    // conversations.join needs channels:join, which the app does not ask for (it never joins by itself).
    expect((await slackFailure(client.conversations.join({ channel: 'CJOIN' }))).error).toBe('missing_scope');
    fake.setScopes(fake.botToken, [...MANIFEST_BOT_SCOPES, 'channels:join']);
    expect((await client.conversations.join({ channel: 'CJOIN' })).channel).toMatchObject({ is_member: true });
    expect((await client.chat.postMessage({ channel: 'CJOIN', text: 'now I can' })).ok).toBe(true);
  });

  test('a token carries the scopes it was installed with: a call without its scope is answered missing_scope, with needed and provided', async () => {
    const team = fake.addTeam({ id: 'TSCOPES', scopes: ['commands', 'channels:read'] });
    fake.addUser({ id: 'USCOPE', teamId: team.id });
    fake.addChannel({ id: 'CSCOPEPRIV', teamId: team.id, name: 'private', isPrivate: true, botIsMember: true });
    fake.addChannel({ id: 'CSCOPEPUB', teamId: team.id, name: 'public' });
    const narrow = new WebClient(team.botToken, { slackApiUrl: fake.apiUrl, logger: quiet, retryConfig: { retries: 0 } });
    const data = (call: Promise<unknown>) => call.then(() => ({ ok: true }), (e: { data?: unknown }) => e.data);
    expect(await data(narrow.users.info({ user: 'USCOPE' }))).toMatchObject({ ok: false, error: 'missing_scope', needed: 'users:read', provided: 'commands,channels:read' });
    expect(await data(narrow.chat.postMessage({ channel: 'CSCOPEPUB', text: 'hi' }))).toMatchObject({ error: 'missing_scope', needed: 'chat:write' });
    expect(await data(narrow.conversations.info({ channel: 'CSCOPEPRIV' }))).toMatchObject({ error: 'missing_scope', needed: 'groups:read' });
    expect(await data(narrow.conversations.info({ channel: 'CSCOPEPUB' }))).toMatchObject({ ok: true });
    expect(await data(narrow.auth.test())).toMatchObject({ ok: true });
    // A token made here without naming scopes has manifest.yml's, as an install from the manifest would.
    expect(MANIFEST_BOT_SCOPES).toEqual(expect.arrayContaining(['chat:write', 'users:read', 'files:read']));
    expect((await client.users.info({ user: fake.botUserId })).ok).toBe(true);
  });
});

// ─── response_url ───────────────────────────────────────────────────────────────────────────────────────────────

describe('response_url', () => {
  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  test('records each POST and posts an ephemeral message (or an in_channel one)', async () => {
    const url = fake.responseUrl({ channelId: 'CGENERAL', userId: 'UALICE' });
    const res = await post(url, { text: 'only alice sees this' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const recorded = await fake.waitForResponse((r) => r.url === url);
    expect(recorded).toMatchObject({ status: 200, body: { text: 'only alice sees this' } });
    expect(fake.messages.at(-1)).toMatchObject({ channel: 'CGENERAL', ephemeral: true, visibleTo: 'UALICE', via: 'response_url' });
    await post(url, { response_type: 'in_channel', text: 'everyone sees this' });
    expect(fake.messages.at(-1)).toMatchObject({ channel: 'CGENERAL', ephemeral: false, text: 'everyone sees this' });
  });

  test('refuses invalid blocks with invalid_blocks and records the attempt', async () => {
    const url = fake.responseUrl({ channelId: 'CGENERAL', userId: 'UALICE' });
    const res = await post(url, { text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('invalid_blocks');
    expect(fake.responses.find((r) => r.url === url)).toMatchObject({ status: 400, response: { error: 'invalid_blocks' } });
  });

  test('replace_original replaces the message the interaction came from', async () => {
    const posted = await client.chat.postMessage({ channel: 'CGENERAL', text: 'before' });
    const url = fake.responseUrl({ channelId: 'CGENERAL', userId: 'UALICE', messageTs: String(posted.ts) });
    await post(url, { replace_original: true, text: 'after' });
    expect(fake.message('CGENERAL', String(posted.ts))?.text).toBe('after');
  });

  test('can be used 5 times, then used_url (and the sixth post shows nothing)', async () => {
    const url = fake.responseUrl({ channelId: 'CGENERAL', userId: 'UALICE' });
    for (let i = 0; i < 5; i += 1) expect((await post(url, { text: `use ${i}` })).status).toBe(200);
    const messages = fake.messages.length;
    const sixth = await post(url, { text: 'one too many' });
    expect(sixth.status).toBe(404);
    expect(await sixth.text()).toBe('used_url');
    expect(fake.responses.at(-1)).toMatchObject({ url, status: 404, response: { ok: false, error: 'used_url' } });
    expect(fake.messages.length).toBe(messages);
  });

  test('is good for 30 minutes after the interaction, then expired_url (and the post shows nothing)', async () => {
    const url = fake.responseUrl({ channelId: 'CGENERAL', userId: 'UALICE' });
    const late = fake.responseUrl({ channelId: 'CGENERAL', userId: 'UALICE' });
    clock += LIMITS.responseUrlTtlMs;
    try {
      expect((await post(url, { text: 'just in time' })).status).toBe(200);
      clock += 1;
      const messages = fake.messages.length;
      const expired = await post(late, { text: 'too late' });
      expect(expired.status).toBe(404);
      expect(await expired.text()).toBe('expired_url');
      expect(fake.responses.at(-1)).toMatchObject({ url: late, status: 404, response: { ok: false, error: 'expired_url' } });
      expect((await post(url, { text: 'used once, but now too late' })).status).toBe(404);
      expect(fake.messages.length).toBe(messages);
    } finally {
      clock = Date.now();
    }
  });
});

// ─── the driver against a real Bolt app ─────────────────────────────────────────────────────────────────────────

describe('SlackDriver against a Bolt app', () => {
  const signingSecret = 'driver-test-secret';
  let app: App;
  let driver: SlackDriver;

  const nameModal = (): JsonObject =>
    modal({
      callback_id: 'driver_modal',
      notify_on_close: true,
      blocks: [
        textInput('name_block', 'name'),
        { type: 'actions', block_id: 'more_block', elements: [button({ action_id: 'more' })] },
        { type: 'input', block_id: 'ext_block', optional: true, label: pt('Find'), element: { type: 'external_select', action_id: 'ext', min_query_length: 2 } },
        { type: 'input', block_id: 'bad_block', optional: true, label: pt('Bad'), element: { type: 'external_select', action_id: 'ext_bad' } },
      ],
    });

  beforeAll(async () => {
    app = new App({
      signingSecret,
      token: fake.botToken,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
      logLevel: LogLevel.ERROR,
    });
    app.command('/schedule', async ({ ack, body, client: botClient }) => {
      await ack();
      await botClient.views.open({ trigger_id: body.trigger_id, view: nameModal() as never });
    });
    app.action('more', async ({ ack, body, client: botClient }) => {
      await ack();
      await botClient.views.push({ trigger_id: (body as { trigger_id: string }).trigger_id, view: { type: 'modal', title: pt('More'), blocks: [{ type: 'section', text: md('more') }] } as never });
    });
    app.view('driver_modal', async ({ ack, view }) => {
      const name = view.state.values.name_block?.name?.value ?? '';
      if (!name.startsWith('ok')) await ack({ response_action: 'errors', errors: { name_block: 'Must start with ok' } });
      else await ack();
    });
    app.view({ callback_id: 'driver_modal', type: 'view_closed' }, async ({ ack }) => {
      await ack();
    });
    app.options('ext', async ({ ack, payload }) => {
      await ack({ options: [option(`found-${payload.value}`, `Found ${payload.value}`)] } as never);
    });
    app.options('ext_bad', async ({ ack }) => {
      await ack({ options: Array.from({ length: 101 }, (_, i) => option(`v${i}`)) } as never);
    });
    app.action('msg_btn', async ({ ack, respond }) => {
      await ack();
      await respond({ replace_original: true, text: 'Done' });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    const { port } = server.address() as AddressInfo;
    driver = new SlackDriver({
      appUrl: `http://127.0.0.1:${port}`,
      signingSecret,
      fake,
      team: { id: fake.teamId, domain: fake.teamDomain },
      user: { id: 'UALICE', name: 'alice' },
      channelId: 'CGENERAL',
    });
  });

  afterAll(async () => {
    await app.stop();
  });

  test('a signed command is accepted (200) and the app can open a modal with its trigger_id', async () => {
    const res = await driver.command('new', { command: '/schedule' });
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    const call = await fake.waitForCall('views.open', (c) => c.args.trigger_id === res.triggerId);
    expect(call.response.ok).toBe(true);
  });

  test('a wrong signature gets 401 and reaches no listener', async () => {
    const before = fake.callsTo('views.open').length;
    const body = new URLSearchParams({ command: '/schedule', text: 'x', trigger_id: fake.issueTriggerId(), user_id: 'UALICE' }).toString();
    expect((await driver.signedPost(body, { secretOverride: 'not-the-secret' })).status).toBe(401);
    expect((await driver.rawPost(body, { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(401);
    expect(fake.callsTo('views.open').length).toBe(before);
  });

  test('a timestamp 6 minutes old gets 401', async () => {
    const body = new URLSearchParams({ command: '/schedule', text: 'x', trigger_id: fake.issueTriggerId(), user_id: 'UALICE' }).toString();
    const res = await driver.signedPost(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
  });

  test('drives a modal: block action with a trigger from the view, submission with errors, then success', async () => {
    const res = await driver.command('', { command: '/schedule' });
    const opened = await fake.waitForCall('views.open', (c) => c.args.trigger_id === res.triggerId);
    const viewId = String((opened.response.view as JsonObject).id);

    const action = await driver.blockAction({ viewId, actionId: 'more' });
    expect(action.status).toBe(200);
    expect(action.payload).toMatchObject({ type: 'block_actions', container: { type: 'view', view_id: viewId }, actions: [{ type: 'button', action_id: 'more', block_id: 'more_block' }] });
    await fake.waitForCall('views.push', (c) => c.args.trigger_id === action.triggerId && c.response.ok === true);
    const pushedId = String(fake.topView(viewId)?.id);
    expect(await driver.viewClosed(pushedId)).toBeNull(); // no notify_on_close on the pushed view: Slack says nothing

    await expect(driver.viewSubmission(viewId)).rejects.toThrow(/would not submit/); // required input still empty
    fake.typeInto(viewId, 'name_block', 'name', 'bad');
    const refused = await driver.viewSubmission(viewId);
    expect(refused.status).toBe(200);
    expect(refused.outcome).toMatchObject({ action: 'errors', errors: { name_block: 'Must start with ok' } });
    expect(fake.isOpen(viewId)).toBe(true);

    fake.typeInto(viewId, 'name_block', 'name', 'ok then');
    const accepted = await driver.viewSubmission(viewId);
    expect(accepted.outcome?.action).toBe('close');
    expect(fake.isOpen(viewId)).toBe(false);
  });

  test('a person of another workspace cannot click in, submit or close a view, nor click a message, of this one', async () => {
    const res = await driver.command('', { command: '/schedule' });
    const opened = await fake.waitForCall('views.open', (c) => c.args.trigger_id === res.triggerId);
    const viewId = String((opened.response.view as JsonObject).id);
    // Its own channel: other tests post into #general within the same second (one post a second per channel).
    fake.addChannel({ id: 'CCLICKS', name: 'clicks', botIsMember: true });
    const posted = await client.chat.postMessage({ channel: 'CCLICKS', text: 'hi', blocks: [{ type: 'actions', elements: [button({ action_id: 'msg_btn' })] }] as never });
    const outsider = driver.inTeam({ id: 'TOUTSIDE' });
    const refusals = [
      outsider.blockAction({ viewId, actionId: 'more' }),
      outsider.viewSubmission(viewId),
      outsider.viewClosed(viewId),
      outsider.blockSuggestion({ viewId, actionId: 'ext', value: 'abc' }),
      outsider.blockAction({ message: { channel: 'CCLICKS', ts: String(posted.ts) }, actionId: 'msg_btn' }),
    ];
    for (const refusal of refusals) await expect(refusal).rejects.toMatchObject({ code: expect.stringMatching(/^(not_found|message_not_found)$/) });
    expect(fake.isOpen(viewId)).toBe(true);
  });

  test('view_closed reaches the app when the view has notify_on_close', async () => {
    const res = await driver.command('', { command: '/schedule' });
    const opened = await fake.waitForCall('views.open', (c) => c.args.trigger_id === res.triggerId);
    const viewId = String((opened.response.view as JsonObject).id);
    const closed = await driver.viewClosed(viewId);
    expect(closed?.status).toBe(200);
    expect(closed?.payload).toMatchObject({ type: 'view_closed', is_cleared: false, view: { id: viewId, callback_id: 'driver_modal' } });
    expect(fake.isOpen(viewId)).toBe(false);
  });

  test('block_suggestion returns the validated options, and refuses more than 100', async () => {
    const res = await driver.command('', { command: '/schedule' });
    const opened = await fake.waitForCall('views.open', (c) => c.args.trigger_id === res.triggerId);
    const viewId = String((opened.response.view as JsonObject).id);
    const found = await driver.blockSuggestion({ viewId, actionId: 'ext', value: 'ab' });
    expect(found.options).toEqual([option('found-ab', 'Found ab')]);
    await expect(driver.blockSuggestion({ viewId, actionId: 'ext', value: 'a' })).rejects.toThrow(/min_query_length/);
    await expect(driver.blockSuggestion({ viewId, actionId: 'ext_bad', value: 'abc' })).rejects.toThrow(/no more than 100 items/);
  });

  test('a message block action carries a response_url the app can answer on', async () => {
    fake.addChannel({ id: 'CPICK', name: 'pick', botIsMember: true });
    const posted = await client.chat.postMessage({
      channel: 'CPICK',
      text: 'Pick',
      blocks: [{ type: 'actions', block_id: 'msg_block', elements: [{ type: 'button', action_id: 'msg_btn', text: { type: 'plain_text', text: 'Go' }, value: 'v1' }] }],
    });
    const message = fake.message('CPICK', String(posted.ts));
    if (!message) throw new Error('message not stored');
    const res = await driver.blockAction({ message, actionId: 'msg_btn' });
    expect(res.payload).toMatchObject({
      container: { type: 'message', message_ts: posted.ts, channel_id: 'CPICK', is_ephemeral: false },
      channel: { id: 'CPICK', name: 'pick' },
      actions: [{ type: 'button', action_id: 'msg_btn', block_id: 'msg_block', value: 'v1' }],
    });
    await fake.waitForResponse((r) => r.url === res.responseUrl && r.status === 200);
    expect(fake.message('CPICK', String(posted.ts))?.text).toBe('Done');
  });

  test('throws when the app takes longer than 3 seconds to answer', async () => {
    const silent = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const { port } = silent.address() as AddressInfo;
    const slow = new SlackDriver({ appUrl: `http://127.0.0.1:${port}`, signingSecret, fake, team: { id: fake.teamId }, user: { id: 'UALICE' } });
    try {
      await expect(slow.command('x')).rejects.toThrow(/did not answer within 3000 ms/);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

// ─── files ──────────────────────────────────────────────────────────────────────────────────────────────────────

describe('files', () => {
  test('files.info describes a file of the token’s workspace, with private URLs; another workspace’s token gets file_not_found', async () => {
    const file = fake.addFile({ name: 'leads.csv', content: 'email\nava@example.com\n', user: 'UALICE' });
    const info = await client.files.info({ file: file.id });
    expect(info.file).toMatchObject({ id: file.id, name: 'leads.csv', filetype: 'csv', mimetype: 'text/csv', size: 22, user: 'UALICE', user_team: fake.teamId });
    expect(info.file?.url_private_download).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files-pri\//);

    const other = fake.addTeam({ id: 'TFILES', domain: 'files' });
    const otherClient = new WebClient(other.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
    expect((await slackFailure(otherClient.files.info({ file: file.id }))).error).toBe('file_not_found');
    expect((await slackFailure(client.files.info({ file: 'F0NEVER' }))).error).toBe('file_not_found');
    fake.deleteFile(file.id);
    expect((await slackFailure(client.files.info({ file: file.id }))).error).toBe('file_deleted');
  });

  test('a private download URL serves the bytes only with the file workspace’s bot token as bearer, else the sign-in page', async () => {
    const file = fake.addFile({ name: 'leads.csv', content: 'email\nåsa@example.com\n' });
    const url = String((await client.files.info({ file: file.id })).file?.url_private_download);
    const withToken = await fetch(url, { headers: { Authorization: `Bearer ${fake.botToken}` } });
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toBe('email\nåsa@example.com\n');

    const other = fake.addTeam({ id: 'TDOWNLOAD' });
    const attempts: Record<string, string>[] = [{}, { Authorization: `Bearer ${other.botToken}` }, { Authorization: 'Bearer xoxb-never-issued' }];
    for (const headers of attempts) {
      const refused = await fetch(url, { headers });
      expect(refused.status).toBe(200);
      expect(refused.redirected).toBe(true);
      expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await refused.text()).toContain('Sign in');
    }
  });
});

describe('file uploads (files.uploadV2: getUploadURLExternal, the upload URL, completeUploadExternal)', () => {
  test('files.uploadV2 into a DM shares the exact bytes there, with the comment', async () => {
    const dm = await client.chat.postMessage({ channel: 'UALICE', text: 'hello' });
    const content = JSON.stringify({ leads: ['åsa@example.com'] });
    const res = await client.filesUploadV2({ channel_id: String(dm.channel), file: Buffer.from(content), filename: 'export.json', title: 'Export', initial_comment: 'Here it is' });
    expect(res.ok).toBe(true);
    const shared = fake.sharedFiles().at(-1)!;
    expect(shared).toMatchObject({ filename: 'export.json', title: 'Export', channel: dm.channel, initialComment: 'Here it is', teamId: fake.teamId });
    expect(shared.content?.toString('utf8')).toBe(content);
    expect(fake.messages.at(-1)).toMatchObject({ channel: dm.channel, text: 'Here it is', files: [shared.fileId] });
    expect((await client.files.info({ file: shared.fileId })).file).toMatchObject({ name: 'export.json', size: Buffer.byteLength(content) });
  });

  test('getUploadURLExternal needs a filename and a length; a length of 0 is missing_argument', async () => {
    expect(await slackFailure(client.files.getUploadURLExternal({ filename: 'a.json' } as never))).toEqual({ error: 'invalid_arguments', messages: ['[ERROR] missing required field: length [json-pointer:/length]'] });
    expect((await slackFailure(client.files.getUploadURLExternal({ length: 3 } as never))).error).toBe('invalid_arguments');
    expect((await slackFailure(client.files.getUploadURLExternal({ filename: 'a.json', length: 0 }))).error).toBe('missing_argument');
    expect((await slackFailure(client.files.getUploadURLExternal({ filename: 'a.json', length: 'ten' as never }))).error).toBe('invalid_arguments');
  });

  test('the upload URL takes exactly the announced length, once', async () => {
    const { upload_url: url, file_id: id } = await client.files.getUploadURLExternal({ filename: 'a.json', length: 5 });
    expect((await fetch(String(url), { method: 'POST', body: 'toolong' })).status).toBe(400);
    const ok = await fetch(String(url), { method: 'POST', body: 'hello' });
    expect([ok.status, await ok.text()]).toEqual([200, 'OK - 5']);
    expect((await fetch(String(url), { method: 'POST', body: 'hello' })).status).toBe(404);
    await client.files.completeUploadExternal({ files: [{ id: String(id) }] });
  });

  test('completeUploadExternal refuses an unknown id, another workspace’s upload, one without its bytes, a second completion, and where the bot cannot post', async () => {
    const start = async (c: WebClient, bytes = 'abc') => {
      const { upload_url: url, file_id: id } = await c.files.getUploadURLExternal({ filename: 'x.json', length: Buffer.byteLength(bytes) });
      await fetch(String(url), { method: 'POST', body: bytes });
      return String(id);
    };
    expect((await slackFailure(client.files.completeUploadExternal({ files: [{ id: 'F0NEVER00' }] }))).error).toBe('file_not_found');
    const other = fake.addTeam({ id: 'TUPLOADS' });
    const otherClient = new WebClient(other.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
    expect((await slackFailure(client.files.completeUploadExternal({ files: [{ id: await start(otherClient) }] }))).error).toBe('file_not_found');
    const { file_id: empty } = await client.files.getUploadURLExternal({ filename: 'x.json', length: 3 });
    expect((await slackFailure(client.files.completeUploadExternal({ files: [{ id: String(empty) }] }))).error).toBe('file_not_found');

    // Conversation ids as Slack makes them (a letter and 8 or more): Slack checks the shape first.
    fake.addChannel({ id: 'C0OUTSIDE1', name: 'outside', botIsMember: false });
    fake.addChannel({ id: 'C0INSIDE01', name: 'inside', botIsMember: true });
    const id = await start(client);
    expect((await slackFailure(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C0NOSUCH01' }))).error).toBe('channel_not_found');
    expect((await slackFailure(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C0OUTSIDE1' }))).error).toBe('not_in_channel');
    expect((await slackFailure(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'UALICE' }))).error).toBe('invalid_arguments');
    await client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C0INSIDE01' });
    expect((await slackFailure(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C0INSIDE01' }))).error).toBe('file_not_found');
  });
});

// ─── rate limits ────────────────────────────────────────────────────────────────────────────────────────────────

describe('rate limits', () => {
  test('chat.update beyond its tier (50 a minute per workspace) is answered 429 ratelimited with Retry-After', async () => {
    const team = fake.addTeam({ id: 'TBUSY' });
    fake.addChannel({ id: 'CBUSY', teamId: 'TBUSY', name: 'busy', botIsMember: true });
    const busy = new WebClient(team.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: quiet });
    const posted = await busy.chat.postMessage({ channel: 'CBUSY', text: 'Importing…' });
    for (let i = 1; i <= 50; i++) await busy.chat.update({ channel: 'CBUSY', ts: String(posted.ts), text: `row ${i}` });
    const limited = await busy.chat.update({ channel: 'CBUSY', ts: String(posted.ts), text: 'one too many' }).then(
      () => undefined,
      (error: { code?: string; retryAfter?: number }) => error,
    );
    expect(limited).toMatchObject({ code: 'slack_webapi_rate_limited_error' });
    expect(limited?.retryAfter).toBeGreaterThan(0);
    expect(limited?.retryAfter).toBeLessThanOrEqual(60);
    expect(fake.message('CBUSY', String(posted.ts))?.text).toBe('row 50');
    // Another workspace has its own allowance.
    expect((await client.chat.update({ channel: 'CGENERAL', ts: String((await client.chat.postMessage({ channel: 'CGENERAL', text: 'x' })).ts), text: 'y' })).ok).toBe(true);
  });

  test('chat.postMessage into one channel: a short burst, then one a second; over it, 429 with Retry-After; other channels keep theirs', async () => {
    const team = fake.addTeam({ id: 'TPOSTS' });
    fake.addChannel({ id: 'CPOSTS', teamId: 'TPOSTS', name: 'posts', botIsMember: true });
    fake.addChannel({ id: 'CQUIET', teamId: 'TPOSTS', name: 'quiet', botIsMember: true });
    const poster = new WebClient(team.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: quiet });
    for (let i = 1; i <= POST_BURST; i++) expect((await poster.chat.postMessage({ channel: 'CPOSTS', text: `burst ${i}` })).ok).toBe(true);
    const limited = await poster.chat.postMessage({ channel: 'CPOSTS', text: 'one too many' }).then(
      () => undefined,
      (error: { code?: string; retryAfter?: number }) => error,
    );
    expect(limited).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 1 });
    expect(fake.messages.filter((m) => m.channel === 'CPOSTS').map((m) => m.text)).toEqual(['burst 1', 'burst 2', 'burst 3']);
    expect(fake.postTimes.get('CPOSTS')).toHaveLength(POST_BURST);
    expect((await poster.chat.postMessage({ channel: 'CQUIET', text: 'elsewhere' })).ok).toBe(true);
    // Waiting as told is enough for the next one.
    await new Promise((resolve) => setTimeout(resolve, 1000 * (limited?.retryAfter ?? 1)));
    expect((await poster.chat.postMessage({ channel: 'CPOSTS', text: 'after the wait' })).ok).toBe(true);
  });
});

// With the database stopped (connections refused) or frozen (accepted, never answered), every
// command, click, submission and type-ahead still answers within Slack's 3 s, with a sentence that
// says so; nothing the user was told "not changed" changed; the app recovers when the database returns.
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { startDatabaseProxy, type DatabaseProxy } from '../support/dbProxy.js';
import { testDatabaseUri } from '../support/db.js';
import { blocksText, modalOpenedWith, postedTo, textOf, updated } from '../support/flows.js';
import type { SlackDriver } from '../support/slackDriver.js';
import { interactiveElements } from '../support/fakeSlack.js';
import { PROGRESS } from '../../views/progressModals.js';
import { CLONE } from '../../views/cloneModal.js';
import { RENAME } from '../../views/renameModal.js';
import { CUSTOM_MESSAGE } from '../../views/customMessageModal.js';
import { ASSISTANT } from '../../views/assistantModal.js';
import { DEFAULTS } from '../../views/defaultsModal.js';
import { EDITOR } from '../../views/scheduleEditor.js';
import { SCHEDULE_LIST } from '../../views/scheduleList.js';
import { MESSAGE_LIST } from '../../views/customMessageList.js';
import { DELETE } from '../../views/deleteConfirm.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';

const DOWN = 'The database is not answering: nothing was changed. Try again in a minute.';
const UNSURE = 'The database stopped answering while saving';
const SAYS_DATABASE = /The database is not answering|The database stopped answering while saving/;
const WAITING = 'The database is not answering yet';
const SLACK_MS = 3000;

let proxy: DatabaseProxy;
let app: TestApp;
beforeAll(async () => {
  proxy = await startDatabaseProxy(testDatabaseUri());
  app = await startTestApp({ databaseUri: proxy.uri });
});
afterAll(async () => {
  await app?.stop();
  await proxy?.close();
});

/** Polls `probe` until it gives a value; fails once `deadline` (epoch ms) passes. */
async function until<T>(probe: () => T | undefined | Promise<T | undefined>, deadline: number, what: string): Promise<T> {
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within the deadline`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits for what the user sees after a request: an ephemeral post, or a modal opened or pushed with its trigger. */
function answerTo(request: { triggerId: string; responseUrl?: string | undefined }, startedAt: number, what = ''): Promise<string> {
  return until(
    () => {
      const post = request.responseUrl ? app.fake.responses.find((p) => p.url === request.responseUrl) : undefined;
      if (post) return textOf(post.body);
      const call = app.fake.calls.find((c) => (c.method === 'views.open' || c.method === 'views.push') && c.args.trigger_id === request.triggerId);
      const viewId = (call?.response.view as { id?: string } | undefined)?.id;
      const view = viewId ? app.fake.view(viewId) : undefined;
      return view && view.callback_id !== PROGRESS.loading ? `${String(view.callback_id)}\n${blocksText(view.blocks)}` : undefined;
    },
    startedAt + SLACK_MS,
    `${what}: an answer`,
  );
}

async function command(slack: SlackDriver, text: string): Promise<string> {
  const startedAt = Date.now();
  return answerTo(await slack.command(text), startedAt, text);
}

/** Everything a user can have open when the database goes away, made while it is up. */
async function setUp() {
  const ws = app.workspace();
  const as = (id: string) => ws.as(id, { isAdmin: true });
  const alex = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: true };
  await app.services.workspaces.ensureSeeded(ws.ref);
  const recommended = (await app.services.schedules.findByName(ws.ref, RECOMMENDED))!;
  const mine = await app.services.schedules.clone(alex, recommended.id, { name: 'Mine', description: '' });
  const pricing = await app.services.customMessages.create(alex, { name: 'Pricing', subject: 'Pricing', body: 'Hi {{first_name|there}}' });
  const ava = await app.services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0] });
  const ben = await app.services.assistants.create(alex, { name: 'Ben', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0] });

  // One user per open modal: a Slack user has one modal stack.
  const modal = async (userId: string, text: string) => (await modalOpenedWith(app.fake, (await as(userId).command(text)).triggerId)).id;
  const editor = await modal('UED', 'edit Mine');
  // A custom message step, for its message type-ahead.
  const typeSelect = interactiveElements(app.fake.view(editor).blocks).find((e) => e.actionId.startsWith(`${EDITOR.type}.`))!;
  const since = app.fake.calls.length;
  await as('UED').blockAction({ viewId: editor, actionId: typeSelect.actionId, selectedOption: 'custom' });
  await updated(app.fake, editor, since);
  const clone = await modal('UCL', 'clone Recommended');
  app.fake.typeInto(clone, CLONE.nameBlock, CLONE.nameAction, 'Copy of Recommended');
  const rename = await modal('URN', 'rename Mine');
  app.fake.typeInto(rename, RENAME.nameBlock, RENAME.nameAction, 'Renamed');
  const message = await modal('UMS', 'message edit Pricing');
  app.fake.typeInto(message, CUSTOM_MESSAGE.bodyBlock, CUSTOM_MESSAGE.bodyAction, 'Changed body');
  const assistant = await modal('UAS', 'assistant edit Ava');
  app.fake.typeInto(assistant, ASSISTANT.nameBlock, ASSISTANT.nameAction, 'Ava Renamed');
  const defaults = await modal('UDF', 'default Ava');

  const messageIn = (userId: string, contains: string) => {
    const found = [...app.fake.messages].reverse().find((m) => m.channel === ws.channelId && m.visibleTo === userId && !m.deleted && `${m.text ?? ''}\n${blocksText(m.blocks ?? [])}`.includes(contains));
    if (!found) throw new Error(`no message for ${userId} containing ${contains}`);
    return found;
  };
  await postedTo(app.fake, (await as('ULS').command('list')).responseUrl);
  await postedTo(app.fake, (await as('ULS').command('message list')).responseUrl);
  await postedTo(app.fake, (await as('UDL').command('delete Mine')).responseUrl);
  return {
    ws,
    as,
    mine,
    pricing,
    ava,
    ben,
    views: { editor, clone, rename, message, assistant, defaults },
    list: messageIn('ULS', 'Mine'),
    messageList: messageIn('ULS', 'Pricing'),
    deleteConfirm: messageIn('UDL', 'Delete'),
  };
}

type Setup = Awaited<ReturnType<typeof setUp>>;

const LEAD_COMMANDS = ['lead add', 'lead show jamie@acme.example', 'lead list Ava paused', 'lead pause jamie@acme.example', 'lead stop jamie@acme.example'];

/** Runs every command, click, submission and type-ahead against the broken database; returns what each said. */
async function everything(s: Setup): Promise<Map<string, string>> {
  const said = new Map<string, string>();
  const note = async (what: string, answer: Promise<string>) => said.set(what, await answer);
  const click = async (slack: SlackDriver, options: Parameters<SlackDriver['blockAction']>[0]) => {
    const startedAt = Date.now();
    return answerTo(await slack.blockAction(options), startedAt, options.actionId);
  };
  const submit = async (userId: string, viewId: string) => {
    const startedAt = Date.now();
    const res = await s.as(userId).viewSubmission(viewId);
    const outcome = res.outcome as { action: string; errors?: Record<string, string> } | undefined;
    if (outcome?.action === 'errors') return Object.values(outcome.errors ?? {}).join('\n');
    // A slow answer shows "Saving…" first; the outcome replaces it.
    await until(() => (app.fake.view(viewId).callback_id === PROGRESS.saving ? undefined : true), startedAt + SLACK_MS, 'the outcome after Saving…');
    return `${outcome?.action}\n${blocksText(app.fake.view(viewId).blocks)}`;
  };
  const suggest = async (userId: string, viewId: string, actionId: string) => {
    const res = await s.as(userId).blockSuggestion({ viewId, actionId, value: 'Rec' });
    return res.options.map((o) => textOf(o.text)).join('\n');
  };
  const user = s.as('UNEW');
  const editorRow = (kind: string) => interactiveElements(app.fake.view(s.views.editor).blocks).find((e) => e.actionId.startsWith(`${kind}.`))!.actionId;

  await Promise.all([
    ...['list', 'clone Mine', 'edit Mine', 'view Mine', 'rename Mine', 'delete Mine', 'default', 'default Ava', 'message edit Pricing', 'message list', 'assistant edit Ava', 'assistant list', ...LEAD_COMMANDS].map(
      (text) => note(`/schedule ${text}`, command(user, text)),
    ),
    note('click list Edit', click(s.as('ULS'), { message: s.list, actionId: `${SCHEDULE_LIST.edit}.${s.mine.id}` })),
    note('click list Clone', click(s.as('ULS'), { message: s.list, actionId: `${SCHEDULE_LIST.clone}.${s.mine.id}` })),
    note('click list View', click(s.as('ULS'), { message: s.list, actionId: `${SCHEDULE_LIST.view}.${s.mine.id}` })),
    note('click message list Edit', click(s.as('ULS'), { message: s.messageList, actionId: `${MESSAGE_LIST.edit}.${s.pricing.id}` })),
    note('click Delete', click(s.as('UDL'), { message: s.deleteConfirm, actionId: DELETE.confirm })),
  ]);
  await Promise.all([
    note('click editor Add step', click(s.as('UED'), { viewId: s.views.editor, actionId: EDITOR.addEndAction })),
    note('click Make default assistant', click(s.as('UDF'), { viewId: s.views.defaults, actionId: DEFAULTS.assistantAction, selectedOption: s.ben.id })),
    note('type-ahead clone source', suggest('UCL', s.views.clone, CLONE.sourceAction)),
    note('type-ahead default schedule', suggest('UDF', s.views.defaults, DEFAULTS.scheduleAction)),
  ]);
  // The Add click pushed its sentence over the editor: close it to reach the editor again.
  const pushed = app.fake.calls.filter((c) => c.method === 'views.push' && c.response.ok).map((c) => (c.response.view as { id: string }).id);
  for (const id of pushed) if (app.fake.isOpen(id)) app.fake.closeView(id);
  await Promise.all([
    note('click editor delete step', click(s.as('UED'), { viewId: s.views.editor, actionId: editorRow(EDITOR.delete) })),
    note('type-ahead step message', suggest('UED', s.views.editor, editorRow(EDITOR.message))),
  ]);
  for (const id of app.fake.calls.filter((c) => c.method === 'views.push' && c.response.ok).map((c) => (c.response.view as { id: string }).id)) {
    if (app.fake.isOpen(id)) app.fake.closeView(id);
  }
  await Promise.all([
    note('submit editor Save', submit('UED', s.views.editor)),
    note('submit clone', submit('UCL', s.views.clone)),
    note('submit rename', submit('URN', s.views.rename)),
    note('submit custom message', submit('UMS', s.views.message)),
    note('submit assistant', submit('UAS', s.views.assistant)),
    note('submit make default', submit('UDF', s.views.defaults)),
  ]);
  return said;
}

async function expectUnchanged(s: Setup, said: Map<string, string>): Promise<void> {
  const told = (what: string) => said.get(what) ?? '';
  if (told('submit rename').includes(DOWN)) expect((await app.services.schedules.get(s.ws.ref, s.mine.id)).name).toBe('Mine');
  if (told('submit custom message').includes(DOWN)) expect((await app.services.customMessages.get(s.ws.ref, s.pricing.id)).body).toBe('Hi {{first_name|there}}');
  if (told('submit assistant').includes(DOWN)) expect((await app.services.assistants.get(s.ws.ref, s.ava.id)).name).toBe('Ava');
  if (told('submit clone').includes(DOWN)) expect(await app.services.schedules.findByName(s.ws.ref, 'Copy of Recommended')).toBeNull();
  if (told('click Delete').includes(DOWN)) expect((await app.services.schedules.get(s.ws.ref, s.mine.id)).name).toBeDefined();
}

/** The app answers normally again once the database is back (no restart). */
async function recovers(ws: TestWorkspace): Promise<void> {
  await until(async () => ((await fetch(`${app.url}/healthz`)).status === 200 ? true : undefined), Date.now() + 20_000, '/healthz 200 again');
  const text = await command(ws.as('UBACK', { isAdmin: true }), 'list');
  expect(text).toContain('Recommended');
}

function expectEveryAnswerSaysSo(said: Map<string, string>): void {
  const silent = [...said].filter(([, text]) => !SAYS_DATABASE.test(text)).map(([what, text]) => `${what}: ${text.slice(0, 200)}`);
  expect(silent).toEqual([]);
  expect(said.size).toBe(29 + LEAD_COMMANDS.length);
}

describe('a slow database', () => {
  afterEach(() => proxy.slowDown(0));

  test('/schedule edit opens a Loading modal with the trigger at once, then shows the editor in it', async () => {
    const s = await setUp();
    proxy.slowDown(400);
    const res = await s.as('USLOW').command('edit Mine');
    const open = await app.fake.waitForCall('views.open', (c) => c.args.trigger_id === res.triggerId);
    expect((open.args.view as { callback_id: string }).callback_id).toBe(PROGRESS.loading);
    expect((await modalOpenedWith(app.fake, res.triggerId)).callback_id).toBe(EDITOR.callbackId);
  }, 30_000);

  test('a slow clone answers “Saving…” within Slack’s 3 s, then opens the editor on the copy', async () => {
    const s = await setUp();
    proxy.slowDown(400);
    const res = await s.as('UCL').viewSubmission(s.views.clone);
    expect(res.outcome).toMatchObject({ action: 'update' });
    expect(blocksText((res.body as { view: { blocks: unknown } }).view.blocks)).toContain('Saving…');
    await app.fake.waitForCall('views.update', (c) => c.args.view_id === s.views.clone && (c.args.view as { callback_id?: string }).callback_id === EDITOR.callbackId, 15_000);
    expect(app.fake.view(s.views.clone).callback_id).toBe(EDITOR.callbackId);
    expect(await app.services.schedules.findByName(s.ws.ref, 'Copy of Recommended')).not.toBeNull();
  }, 30_000);

  test('a slow rename to a taken name shows the form again, as typed, with the reason; a free name then saves', async () => {
    const s = await setUp();
    const slack = s.as('URN');
    app.fake.typeInto(s.views.rename, RENAME.nameBlock, RENAME.nameAction, 'recommended');
    proxy.slowDown(1000);
    const res = await slack.viewSubmission(s.views.rename);
    expect(blocksText((res.body as { view: { blocks: unknown } }).view.blocks)).toContain('Saving…');
    await app.fake.waitForCall('views.update', (c) => c.args.view_id === s.views.rename && (c.args.view as { callback_id?: string }).callback_id === RENAME.callbackId, 15_000);
    proxy.slowDown(0);
    const form = app.fake.view(s.views.rename);
    expect(blocksText(form.blocks)).toContain("*Not saved.* A schedule named “recommended” already exists.");
    expect(form.state.values[RENAME.nameBlock]?.[RENAME.nameAction]).toMatchObject({ value: 'recommended' });
    expect((await app.services.schedules.get(s.ws.ref, s.mine.id)).name).toBe('Mine');

    app.fake.typeInto(s.views.rename, RENAME.nameBlock, RENAME.nameAction, 'Renamed at last');
    const again = await slack.viewSubmission(s.views.rename);
    expect(again.outcome).toMatchObject({ action: 'update' });
    expect((await app.services.schedules.get(s.ws.ref, s.mine.id)).name).toBe('Renamed at last');
  }, 30_000);

  test('a database that answers every query 2.5 s late (its heartbeats on time) is busy, not down: the list, the editor, a rename and a type-ahead say so and then arrive', async () => {
    const s = await setUp();
    const calls = app.fake.calls.length;
    const posts = app.fake.responses.length;
    proxy.slowDown(2_500);
    const [list, editor, renamed, options] = await Promise.all([
      (async () => postedTo(app.fake, (await s.as('USLOWL').command('list')).responseUrl, () => true, 30_000))(),
      (async () => {
        const res = await s.as('USLOWE').command('edit Mine');
        const open = await app.fake.waitForCall('views.open', (c) => c.args.trigger_id === res.triggerId);
        const viewId = (open.response.view as { id: string }).id;
        await app.fake.waitForCall('views.update', (c) => c.args.view_id === viewId && (c.args.view as { callback_id?: string }).callback_id === EDITOR.callbackId, 30_000);
        return viewId;
      })(),
      (async () => {
        const res = await s.as('URN').viewSubmission(s.views.rename);
        expect(blocksText((res.body as { view: { blocks: unknown } }).view.blocks)).toContain('Saving…');
        await app.fake.waitForCall('views.update', (c) => c.args.view_id === s.views.rename && (c.args.view as { callback_id?: string }).callback_id !== PROGRESS.saving, 30_000);
        return (await app.services.schedules.get(s.ws.ref, s.mine.id)).name;
      })(),
      s.as('UCL').blockSuggestion({ viewId: s.views.clone, actionId: CLONE.sourceAction, value: 'Rec' }),
    ]);
    expect(list.text).toContain('Mine');
    expect(renamed).toBe('Renamed');
    // Slack waits 3 s for options, and none came by then: the one option says the database is busy.
    expect(options.options.map((o) => textOf(o.text))).toEqual(['The database is busy. Type again in a moment.']);
    // While they waited, the editor's and the rename's waiting modals said the database is busy.
    const shown = app.fake.calls.slice(calls).filter((c) => c.method.startsWith('views.'));
    const busy = (viewId: string) => shown.some((c) => c.args.view_id === viewId && blocksText((c.args.view as { blocks: unknown }).blocks).includes('The database is busy'));
    expect([busy(editor), busy(s.views.rename)]).toEqual([true, true]);
    // Nothing anyone saw said the database was not answering.
    const said = [...shown.map((c) => blocksText((c.args.view as { blocks?: unknown } | undefined)?.blocks ?? [])), ...app.fake.responses.slice(posts).map((p) => textOf(p.body))];
    expect(said.filter((text) => SAYS_DATABASE.test(text))).toEqual([]);
  }, 60_000);
});

describe('the database stopped or frozen', () => {
  test('frozen in the middle of a save: the user is told it may or may not have been saved, and it was once the database returned', async () => {
    const s = await setUp();
    const slack = s.as('URN');
    // Reads and the version claim answer; the rename's update is held, as by a server that stopped
    // right after receiving it.
    proxy.freezeAt('update');
    try {
      const startedAt = Date.now();
      const res = await slack.viewSubmission(s.views.rename);
      expect(res.outcome?.action).not.toBe('errors');
      const shown = () => blocksText(app.fake.view(s.views.rename).blocks);
      await until(() => (SAYS_DATABASE.test(shown()) ? true : undefined), startedAt + SLACK_MS, 'a database sentence');
      // Said within 3 s; once the held update failed, the outcome replaces the wait.
      await until(() => (shown().includes(WAITING) ? undefined : true), startedAt + 10_000, 'the outcome');
      expect(blocksText(app.fake.view(s.views.rename).blocks)).toContain(UNSURE);
      proxy.thaw();
      await recovers(s.ws);
      // The held write reached the database: "may have been saved" was the truth, "nothing was changed" would not have been.
      await until(async () => ((await app.services.schedules.get(s.ws.ref, s.mine.id)).name === 'Renamed' ? true : undefined), Date.now() + 5000, 'the held rename');
    } finally {
      proxy.thaw();
    }
  }, 60_000);

  test('stopped: every command, click, submission and type-ahead says the database is not answering within 3 s; /help and /healthz still answer; it recovers by itself', async () => {
    const s = await setUp();
    await proxy.stop();
    try {
      // What needs no database still works: help, and the forms that start empty.
      const help = await s.as('UNEW').command('help');
      expect(await command(s.as('UFORM1'), 'clone')).toContain('schedule_clone');
      expect(await command(s.as('UFORM2'), 'message new')).toContain('custom_message');
      expect(textOf(help.body)).toContain('Here is what `/schedule` can do');
      expect((await fetch(`${app.url}/healthz`)).status).toBe(503);
      const said = await everything(s);
      expectEveryAnswerSaysSo(said);
      // App Home, opened now, says so too.
      const home = JSON.stringify({
        team_id: s.ws.ref.teamId,
        type: 'event_callback',
        event_id: `Ev${Date.now()}`,
        event: { type: 'app_home_opened', user: 'UHOME', channel: 'D123', tab: 'home', event_ts: `${Date.now() / 1000}` },
      });
      const homeOpenedAt = Date.now();
      expect((await s.as('UHOME').signedPost(home, { contentType: 'application/json' })).status).toBe(200);
      const published = await app.fake.waitForCall('views.publish', (c) => c.args.user_id === 'UHOME', SLACK_MS);
      expect(Date.now() - homeOpenedAt).toBeLessThan(SLACK_MS);
      expect(blocksText((published.args.view as { blocks: unknown }).blocks)).toContain(DOWN);
      await proxy.start();
      await recovers(s.ws);
      await expectUnchanged(s, said);
    } finally {
      await proxy.start().catch(() => {});
    }
  }, 90_000);

  test('frozen: the same, with connections accepted and never answered; nothing said to be unchanged changes after the thaw', async () => {
    const s = await setUp();
    proxy.freeze();
    try {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(503);
      const said = await everything(s);
      expectEveryAnswerSaysSo(said);
      proxy.thaw();
      await recovers(s.ws);
      await expectUnchanged(s, said);
    } finally {
      proxy.thaw();
    }
  }, 90_000);
});

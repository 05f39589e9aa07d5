// Requests as Slack would never send them: from the future, replayed, or malformed. Each is refused
// (401), ignored, or answered, never with a 500 and never acted on twice.
import { jest } from '@jest/globals';
import { ConsoleLogger } from '@slack/logger';
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { modalOpenedWith, modalsOpenedWith, postedTo, textOf } from '../support/flows.js';
import type { SlackDriver } from '../support/slackDriver.js';
import type { JsonObject } from '../support/fakeSlack.js';
import { RENAME } from '../../views/renameModal.js';
import { EDITOR } from '../../views/scheduleEditor.js';
import { CLONE } from '../../views/cloneModal.js';
import { DEFAULTS } from '../../views/defaultsModal.js';
import { SCHEDULE_LIST } from '../../views/scheduleList.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

function commandBody(ws: TestWorkspace, slack: SlackDriver, text: string, fields: Record<string, string> = {}) {
  const triggerId = app.fake.issueTriggerId({ userId: slack.user.id, teamId: ws.ref.teamId });
  const responseUrl = app.fake.responseUrl({ channelId: ws.channelId, userId: slack.user.id });
  const body = new URLSearchParams({
    command: '/schedule',
    text,
    team_id: ws.ref.teamId,
    user_id: slack.user.id,
    channel_id: ws.channelId,
    trigger_id: triggerId,
    response_url: responseUrl,
    ...fields,
  }).toString();
  return { body, triggerId, responseUrl };
}

const payload = (p: JsonObject) => new URLSearchParams({ payload: JSON.stringify(p) }).toString();

describe('request timestamps', () => {
  test('a timestamp more than 5 minutes in the future gets 401 and nothing happens', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const { body, triggerId } = commandBody(ws, slack, 'clone');
    const calls = app.fake.calls.length;
    const res = await slack.signedPost(body, { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 });
    expect(res.status).toBe(401);
    expect(app.fake.calls.length).toBe(calls);
    expect(modalsOpenedWith(app.fake, triggerId)).toBe(0);
  });

  test('a few seconds ahead (clocks differ a little) is accepted', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const { body } = commandBody(ws, slack, 'help');
    const res = await slack.signedPost(body, { timestamp: Math.floor(Date.now() / 1000) + 30 });
    expect(res.status).toBe(200);
    expect(textOf(res.body)).toContain('Here is what `/schedule` can do');
  });
});

describe('replayed requests', () => {
  test('the same signed slash command sent again is acknowledged and ignored: one modal, not two', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const timestamp = Math.floor(Date.now() / 1000);
    const { body, triggerId } = commandBody(ws, slack, 'clone');
    expect((await slack.signedPost(body, { timestamp })).status).toBe(200);
    await modalOpenedWith(app.fake, triggerId);
    const replay = await slack.signedPost(body, { timestamp });
    expect(replay.status).toBe(200);
    // The replay's ack came after its check: had it gone on, it would have opened (or tried to) by the
    // time a later command from the same user is answered.
    await postedTo(app.fake, (await slack.command('assistant list')).responseUrl);
    expect(modalsOpenedWith(app.fake, triggerId)).toBe(1);
  });

  test('a replayed help is not answered again, while the same words sent afresh are', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    const timestamp = Math.floor(Date.now() / 1000);
    const { body } = commandBody(ws, slack, 'help');
    expect(textOf((await slack.signedPost(body, { timestamp })).body)).toContain('Here is what');
    const replay = await slack.signedPost(body, { timestamp });
    expect(replay.status).toBe(200);
    expect(replay.text).toBe('');
    // A new request (another timestamp, so another signature) is not a replay.
    expect(textOf((await slack.signedPost(body, { timestamp: timestamp + 1 })).body)).toContain('Here is what');
  });

  test('a replayed Delete click deletes once and says nothing the second time', async () => {
    const ws = app.workspace();
    const slack = ws.as('UALEX');
    await app.services.workspaces.ensureSeeded(ws.ref);
    const recommended = (await app.services.schedules.findByName(ws.ref, RECOMMENDED))!;
    const alex = { workspace: ws.ref, userId: 'UALEX', name: 'alex', isAdmin: false };
    const mine = await app.services.schedules.clone(alex, recommended.id, { name: 'Mine', description: '' });
    const responseUrl = app.fake.responseUrl({ channelId: ws.channelId, userId: 'UALEX' });
    const click = payload({
      type: 'block_actions',
      team: { id: ws.ref.teamId },
      user: { id: 'UALEX', team_id: ws.ref.teamId },
      trigger_id: app.fake.issueTriggerId({ userId: 'UALEX', teamId: ws.ref.teamId }),
      response_url: responseUrl,
      container: { type: 'message', channel_id: ws.channelId, is_ephemeral: true },
      actions: [{ type: 'button', action_id: 'schedule_delete.confirm', block_id: 'schedule_delete', value: mine.id, action_ts: '1' }],
    });
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await slack.signedPost(click, { timestamp })).status).toBe(200);
    expect((await postedTo(app.fake, responseUrl)).text).toContain('Deleted');
    expect((await slack.signedPost(click, { timestamp })).status).toBe(200);
    await postedTo(app.fake, (await slack.command('assistant list')).responseUrl);
    expect(app.fake.responses.filter((p) => p.url === responseUrl)).toHaveLength(1);
  });
});

describe('malformed payloads get an answer or a silent 200, never a 500', () => {
  let ws: TestWorkspace;
  let slack: SlackDriver;
  beforeAll(async () => {
    ws = app.workspace();
    slack = ws.as('UALEX');
    await app.services.workspaces.ensureSeeded(ws.ref);
  });

  const submission = (view: JsonObject) =>
    payload({ type: 'view_submission', team: { id: ws.ref.teamId }, user: { id: 'UALEX', team_id: ws.ref.teamId }, trigger_id: 't', view: { id: 'VNOPE', ...view } });

  test('a command without `text` shows the help', async () => {
    const { body } = commandBody(ws, slack, '');
    const withoutText = body.replace(/(^|&)text=[^&]*/, '');
    const res = await slack.signedPost(withoutText);
    expect(res.status).toBe(200);
    expect(textOf(res.body)).toContain('Here is what `/schedule` can do');
  });

  /** The answer to a submission the app can't read: the form says nothing was saved (Slack shows it in place of the form). */
  const UNREADABLE = { response_action: 'update', view: { title: { text: 'Not saved' }, blocks: [{ elements: [{ text: expect.stringContaining('reached the app in a shape it can’t read, so nothing was saved') }] }] } };

  test.each([
    ['no view.state', { callback_id: RENAME.callbackId, private_metadata: '{}' }],
    ['numbers where strings belong', { callback_id: CLONE.callbackId, private_metadata: '{}', state: { values: { [CLONE.sourceBlock]: { [CLONE.sourceAction]: { selected_option: { value: 42 } } }, [CLONE.nameBlock]: { [CLONE.nameAction]: { value: 7 } } } } }],
    ['blocks that are not a list', { callback_id: DEFAULTS.callbackId, private_metadata: '{}', blocks: 'nope', state: { values: {} } }],
    ['blocks that are a list of words', { callback_id: DEFAULTS.callbackId, private_metadata: '{}', blocks: ['nope'], state: { values: {} } }],
    ['a block id that is not a string', { callback_id: DEFAULTS.callbackId, private_metadata: '{}', blocks: [{ type: 'input', block_id: 3 }], state: { values: {} } }],
    ['state values that are a list', { callback_id: RENAME.callbackId, private_metadata: '{}', state: { values: [] } }],
    ['an input whose state is a word', { callback_id: RENAME.callbackId, private_metadata: '{}', state: { values: { [RENAME.nameBlock]: { [RENAME.nameAction]: 'x' } } } }],
    ['private_metadata that is not a string', { callback_id: RENAME.callbackId, private_metadata: { scheduleId: 'x' }, state: { values: {} } }],
    ['no callback_id', { private_metadata: '{}', state: { values: {} } }],
  ])('a submission with %s is told nothing was saved, in the form', async (_what, view) => {
    const res = await slack.signedPost(submission(view));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(UNREADABLE);
  });

  test('a submission whose view is not an object is told nothing was saved; one that names no user gets a silent 200 (Bolt can’t authorize it)', async () => {
    const notAnObject = await slack.signedPost(payload({ type: 'view_submission', team: { id: ws.ref.teamId }, user: { id: 'UALEX' }, view: 'x' }));
    expect(notAnObject.status).toBe(200);
    expect(notAnObject.body).toMatchObject(UNREADABLE);
    const noUser = await slack.signedPost(payload({ type: 'view_submission', team: { id: ws.ref.teamId }, view: { id: 'VNOPE', callback_id: RENAME.callbackId, private_metadata: '{}', state: { values: {} } } }));
    expect(noUser.status).toBe(200);
    expect(noUser.text).toBe('');
  });

  test.each([
    ['not ours', RENAME.callbackId, 'null', { [RENAME.nameBlock]: 'That schedule no longer exists. It may have been deleted.' }],
    ['an array', EDITOR.callbackId, '[1,2]', { [EDITOR.nameBlock]: 'This editor has expired. Close it and open the schedule again.' }],
    ['not JSON', EDITOR.callbackId, '<xml/>', { [EDITOR.nameBlock]: 'This editor has expired. Close it and open the schedule again.' }],
  ])('a submission whose private_metadata is %s gets the form’s own error', async (_what, callbackId, metadata, errors) => {
    const res = await slack.signedPost(submission({ callback_id: callbackId, private_metadata: metadata, state: { values: {} } }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ response_action: 'errors', errors });
  });

  test('a click whose value is a number, one with no actions, and one without an action id are acknowledged and do nothing', async () => {
    const responseUrl = app.fake.responseUrl({ channelId: ws.channelId, userId: 'UALEX' });
    const base = { type: 'block_actions', team: { id: ws.ref.teamId }, user: { id: 'UALEX', team_id: ws.ref.teamId }, trigger_id: 't', response_url: responseUrl };
    for (const actions of [[{ type: 'button', action_id: `${SCHEDULE_LIST.view}.x`, block_id: 'b', value: 12345, action_ts: '1' }], [], [{ type: 'button', block_id: 'b', value: 'x' }], 'nope']) {
      const res = await slack.signedPost(payload({ ...base, actions }));
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
    }
    // Had a listener acted on one, it would have answered by the time a later command is.
    await postedTo(app.fake, (await slack.command('assistant list')).responseUrl);
    expect(app.fake.responses.filter((p) => p.url === responseUrl)).toHaveLength(0);
  });

  test('a type-ahead query that is not a string gets no options', async () => {
    const res = await slack.signedPost(
      payload({ type: 'block_suggestion', team: { id: ws.ref.teamId }, user: { id: 'UALEX', team_id: ws.ref.teamId }, action_id: CLONE.sourceAction, block_id: CLONE.sourceBlock, value: { $gt: '' }, view: { id: 'V1', callback_id: CLONE.callbackId } }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ options: [] });
  });

  test('a malformed payload is logged once as a warning naming what is wrong, never as an unhandled error', async () => {
    // The app's logger (a ConsoleLogger, quiet at the tests' level) is asked to warn.
    const warned = jest.spyOn(ConsoleLogger.prototype, 'warn');
    const failed = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await slack.signedPost(submission({ callback_id: DEFAULTS.callbackId, private_metadata: '{}', blocks: 'nope', state: { values: {} } }));
      expect(warned.mock.calls.map((args) => args.join(' ')).filter((line) => line.includes('malformed'))).toEqual(['Ignored a malformed view_submission payload (view.blocks: Invalid input: expected array, received string)']);
      expect(failed).not.toHaveBeenCalled();
    } finally {
      warned.mockRestore();
      failed.mockRestore();
    }
  });
});

describe('logs', () => {
  test('a Web API error on the command path is logged once, naming the request, its workspace and the error code, and the user is told', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const ws = app.workspace();
      const slack = ws.as('UALEX');
      // A trigger Slack never issued: views.open fails with invalid_trigger_id.
      const { body, responseUrl } = commandBody(ws, slack, 'clone', { trigger_id: 'not-a-trigger' });
      expect((await slack.signedPost(body)).status).toBe(200);
      expect((await postedTo(app.fake, responseUrl)).text).toContain('Something went wrong on our side');
      const lines = logged.mock.calls.map((args) => args.join(' ')).filter((line) => line.includes(ws.ref.teamId));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`[command /schedule clone | ${ws.ref.teamId}]`);
      expect(lines[0]).toContain('(code slack_webapi_platform_error)');
      expect(lines[0]).toContain('invalid_trigger_id');
    } finally {
      logged.mockRestore();
    }
  });
});

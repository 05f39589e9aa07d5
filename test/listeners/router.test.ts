// The listener router keeps Bolt's meaning of a registration: which requests reach a listener, that
// every matching listener runs, and that a failure reaches the app's error handler.
import { App, LogLevel, type Receiver, type ReceiverEvent } from '@slack/bolt';
import { routedApp } from '../../src/listeners/router.js';

const receiver: Receiver = { init: () => {}, start: () => Promise.resolve(), stop: () => Promise.resolve() };

function newApp(): { bolt: App; app: App; route: () => void; errors: unknown[] } {
  const bolt = new App({ receiver, authorize: async () => ({ botToken: 'xoxb-test', teamId: 'TROUTE' }), logLevel: LogLevel.ERROR });
  const errors: unknown[] = [];
  bolt.error(async (error) => {
    errors.push(error);
  });
  return { bolt, ...routedApp(bolt), errors };
}

const base = { team: { id: 'TROUTE' }, user: { id: 'U1' }, api_app_id: 'A1', token: 't' };
const click = (actionId: string): ReceiverEvent => ({
  body: { ...base, type: 'block_actions', trigger_id: 'tr', actions: [{ action_id: actionId, block_id: 'b1', type: 'button', action_ts: '1' }] },
  ack: async () => {},
});
const viewEvent = (type: 'view_submission' | 'view_closed', callbackId: string): ReceiverEvent => ({
  body: { ...base, type, view: { id: 'V1', callback_id: callbackId, state: { values: {} } } },
  ack: async () => {},
});
const command = (name: string): ReceiverEvent => ({
  body: { team_id: 'TROUTE', user_id: 'U1', command: name, text: '', trigger_id: 'tr', response_url: 'http://127.0.0.1:1/r', channel_id: 'C1' },
  ack: async () => {},
});

describe('listener routing', () => {
  test('a click reaches the listener of its action id, by name or by pattern, and no other', async () => {
    const { bolt, app, route } = newApp();
    const heard: string[] = [];
    app.action('editor.add', async ({ action }) => void heard.push(`add ${(action as { action_id: string }).action_id}`));
    app.action({ type: 'block_actions', action_id: /^editor\.delete\./ }, async ({ context }) => void heard.push(`delete ${String(context.actionIdMatches?.[0])}`));
    app.command('/schedule', async () => void heard.push('command'));
    route();
    await bolt.processEvent(click('editor.add'));
    await bolt.processEvent(click('editor.delete.r3'));
    await bolt.processEvent(click('editor.deleted'));
    await bolt.processEvent(click('editor.add.more'));
    await bolt.processEvent(command('/schedule'));
    await bolt.processEvent(command('/other'));
    expect(heard).toEqual(['add editor.add', 'delete editor.delete.', 'command']);
  });

  test('a view listener named by its callback id hears submissions only; one with a type hears that type', async () => {
    const { bolt, app, route } = newApp();
    const heard: string[] = [];
    app.view('editor', async ({ body }) => void heard.push(`submitted ${body.type}`));
    app.view({ callback_id: 'editor', type: 'view_closed' }, async ({ body }) => void heard.push(`closed ${body.type}`));
    route();
    await bolt.processEvent(viewEvent('view_submission', 'editor'));
    await bolt.processEvent(viewEvent('view_closed', 'editor'));
    await bolt.processEvent(viewEvent('view_submission', 'clone'));
    expect(heard).toEqual(['submitted view_submission', 'closed view_closed']);
  });

  test('every listener that matches runs, and each failure reaches the error handler', async () => {
    const { bolt, app, route, errors } = newApp();
    const heard: string[] = [];
    app.action('home.clone', async () => void heard.push('first'));
    app.action(/^home\./, async () => {
      heard.push('second');
      throw new Error('second failed');
    });
    route();
    await bolt.processEvent(click('home.clone'));
    expect(heard).toEqual(['first', 'second']);
    expect(errors.map((e) => (e as { original?: Error }).original?.message ?? (e as Error).message)).toEqual(['second failed']);
  });

  test('a listener with middleware runs it first, as Bolt does', async () => {
    const { bolt, app, route } = newApp();
    const heard: string[] = [];
    app.action(
      'editor.add',
      async ({ next }) => {
        heard.push('middleware');
        await next();
      },
      async () => void heard.push('listener'),
    );
    route();
    await bolt.processEvent(click('editor.add'));
    expect(heard).toEqual(['middleware', 'listener']);
  });
});

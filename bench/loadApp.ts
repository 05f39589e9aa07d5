// A process `npm run bench:load` starts: the real app (`app`), a bare Bolt app that only acknowledges
// and makes the same kind of visible call with a fixed small view (`bare`), or a bare app that sends
// what the app sent for the same kind of request (`sized`: the app's own views, list message and
// options, handed over IPC), so that Slack's side checks the same bytes for both. Reports its port,
// then its peak memory when asked, over the IPC channel.
import type { Authorize } from '@slack/bolt';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startRuntime } from '../src/runtime.js';
import { DATA_COMMANDS } from '../test/support/dataCommands.js';

export interface ChildOptions {
  readonly mode: 'app' | 'bare' | 'sized';
  readonly apiUrl: string;
  readonly signingSecret: string;
  /** Each workspace's bot token (as an app installed in many workspaces). */
  readonly tokens: Record<string, string>;
  readonly mongoUri: string;
  readonly dbName: string;
  /** Keep each database command the app sends (its name and collection), and hand them over IPC when asked (bench:cost). */
  readonly countCommands?: boolean;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;

const authorize: Authorize<boolean> = async ({ teamId }) => {
  const botToken = teamId ? options.tokens[teamId] : undefined;
  if (!botToken) throw new Error(`not installed in ${String(teamId)}`);
  return { botToken, teamId };
};

// memoryUsage.rss() alone: the full memoryUsage() gathers V8's heap statistics too, CPU taken from the requests.
let peakRss = process.memoryUsage.rss();
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50).unref();

const BARE_VIEW = {
  type: 'modal' as const,
  callback_id: 'bare',
  title: { type: 'plain_text' as const, text: 'Bare' },
  submit: { type: 'plain_text' as const, text: 'Save' },
  blocks: [
    { type: 'section' as const, block_id: 'bare.text', text: { type: 'mrkdwn' as const, text: 'A bare app' } },
    { type: 'actions' as const, block_id: 'bare.actions', elements: [{ type: 'button' as const, action_id: 'bare.click', text: { type: 'plain_text' as const, text: 'Click' } }] },
    {
      type: 'input' as const,
      block_id: 'bare.type',
      dispatch_action: true,
      optional: true,
      label: { type: 'plain_text' as const, text: 'Type' },
      element: { type: 'plain_text_input' as const, action_id: 'bare.type_input', dispatch_action_config: { trigger_actions_on: ['on_character_entered' as const] } },
    },
    {
      type: 'section' as const,
      block_id: 'bare.pick',
      text: { type: 'mrkdwn' as const, text: 'Pick' },
      accessory: { type: 'external_select' as const, action_id: 'bare.pick_select', placeholder: { type: 'plain_text' as const, text: 'Type' }, min_query_length: 0 },
    },
  ],
};

async function startBare(): Promise<number> {
  const receiver = new HTTPReceiver({ signingSecret: options.signingSecret, endpoints: '/slack/events' });
  const app = new App({ authorize, receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: options.apiUrl, retryConfig: { retries: 0 } } });
  app.command('/schedule', async ({ ack, command, client, respond }) => {
    await ack();
    if (command.text.startsWith('list')) await respond({ response_type: 'ephemeral', text: 'Followup schedules' });
    else await client.views.open({ trigger_id: command.trigger_id, view: BARE_VIEW });
  });
  app.action(/.*/, async ({ ack, body, client }) => {
    await ack();
    const view = (body as { view?: { id: string } }).view;
    if (view) await client.views.update({ view_id: view.id, view: BARE_VIEW });
  });
  app.options(/.*/, async ({ ack }) => {
    await ack({ options: Array.from({ length: 100 }, (_, i) => ({ text: { type: 'plain_text' as const, text: `Option ${i}` }, value: String(i) })) });
  });
  app.view('bare', async ({ ack }) => {
    await ack({ response_action: 'update', view: { ...BARE_VIEW, submit: undefined, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Saved' } }] } as never });
  });
  const server = (await app.start(0)) as { address(): { port: number } };
  return server.address().port;
}

/** What the app sent last for each kind of request (bench:load captures it from the local Slack). */
export interface SizedPayloads {
  /** The /schedule list message (sent to the response_url). */
  list?: Record<string, unknown>;
  /** The clone picker modal, and the options its type-ahead answered. */
  picker?: Record<string, unknown>;
  options?: unknown[];
  /** The editor modal (opened, and updated after every click). */
  editor?: Record<string, unknown>;
  /** The view a Save answered with (response_action update). */
  saved?: Record<string, unknown>;
}
let sized: SizedPayloads = {};

async function startSized(): Promise<number> {
  const receiver = new HTTPReceiver({ signingSecret: options.signingSecret, endpoints: '/slack/events' });
  const app = new App({ authorize, receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: options.apiUrl, retryConfig: { retries: 0 } } });
  app.command('/schedule', async ({ ack, command, client, respond }) => {
    await ack();
    if (command.text.startsWith('list')) await respond(sized.list as never);
    else await client.views.open({ trigger_id: command.trigger_id, view: (command.text.startsWith('clone') ? sized.picker : sized.editor) as never });
  });
  app.action(/.*/, async ({ ack, body, client }) => {
    await ack();
    const view = (body as { view?: { id: string } }).view;
    if (view) await client.views.update({ view_id: view.id, view: sized.editor as never });
  });
  app.options(/.*/, async ({ ack }) => {
    await ack({ options: sized.options as never });
  });
  app.view(/.*/, async ({ ack }) => {
    await ack({ response_action: 'update', view: sized.saved as never });
  });
  process.on('message', (message: { payloads?: SizedPayloads }) => {
    if (!message.payloads) return;
    sized = message.payloads;
    process.send?.({ payloadsTaken: true });
  });
  const server = (await app.start(0)) as { address(): { port: number } };
  return server.address().port;
}

async function startApp(): Promise<number> {
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-unused',
    SLACK_SIGNING_SECRET: options.signingSecret,
    SLACK_API_URL: options.apiUrl,
    PORT: '0',
    MONGODB_URI: options.mongoUri,
    LOG_LEVEL: 'error',
  });
  const runtime = await startRuntime(config, { logger: createLogger('error'), dbName: options.dbName, webApiRetries: 0, authorize });
  process.on('disconnect', () => void runtime.stop().then(() => process.exit(0)));
  if (options.countCommands) {
    // Kept here and sent when asked: a message per command would cost the app CPU inside the interaction measured.
    let commands: string[] = [];
    runtime.connection.getClient().on('commandStarted', (event) => {
      const collection = String(event.command[event.commandName]);
      if (DATA_COMMANDS.has(event.commandName) && collection !== 'agendaJobs') commands.push(`${event.commandName} ${collection}`);
    });
    process.on('message', (message: { commands?: boolean }) => {
      if (!message.commands) return;
      process.send?.({ commands });
      commands = [];
    });
  }
  return runtime.port;
}

const port = await (options.mode === 'bare' ? startBare() : options.mode === 'sized' ? startSized() : startApp());
process.send?.({ port });
process.on('message', (message: { peak?: boolean }) => {
  if (message.peak) process.send?.({ peakRss });
});
process.on('disconnect', () => process.exit(0));

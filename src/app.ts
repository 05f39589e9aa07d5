// Builds the Bolt App: receiver, health route, listeners. Nothing else lives here.
import { App, AuthorizationError, HTTPModuleFunctions, HTTPReceiver, LogLevel, SocketModeReceiver, type Authorize, type CustomRoute, type Receiver } from '@slack/bolt';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Services } from './services/index.js';
import { registerListeners } from './listeners/index.js';
import { logFailure } from './listeners/context.js';
import { signatureProperties } from './listeners/requests.js';
import { answerUnroutedApiRequest, apiRoutes } from './api/index.js';
import { answerUnroutedWebRequest, webRoutes } from './web/index.js';
import { receiverInstallOptions } from './installs/installer.js';
import { channelMembershipVia } from './listeners/flows/assistants.js';
import type { SlackClients } from './installs/slackClients.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  services: Services;
  /** Answers whether the database is up, for GET /healthz. */
  databaseUp: () => Promise<boolean>;
  /** Web API retries; unset keeps the client's default policy (tests set 0). */
  webApiRetries?: number;
  /** The acting workspace's bot token, per request; unset = SLACK_BOT_TOKEN for every request (one workspace). */
  authorize?: Authorize<boolean>;
  /** A workspace's WebClient outside Slack's requests (the HTTP API asks Slack too). */
  slackClients: SlackClients;
}

const BOLT_LOG_LEVELS = { debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR } as const;

export function createApp(deps: AppDeps): App {
  const { config, logger } = deps;
  const clientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    ...(deps.webApiRetries !== undefined ? { retryConfig: { retries: deps.webApiRetries } } : {}),
  };
  const customRoutes: CustomRoute[] = [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        void deps.databaseUp().then((up) => {
          res.writeHead(up ? 200 : 503, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ ok: up, database: up ? 'up' : 'down' }));
        });
      },
    },
    // The HTTP API asks Slack outside any Slack request, with the workspace's own bot token.
    ...apiRoutes({ services: deps.services, logger, channelCheckFor: (workspace) => async (channel) => channelMembershipVia(await deps.slackClients.forWorkspace(workspace))(channel) }),
    // Unsubscribe pages and the reply webhook: for leads and mail systems, no Slack involved.
    ...webRoutes({ services: deps.services, logger, ...(config.delivery.replyWebhookSecret ? { replyWebhookSecret: config.delivery.replyWebhookSecret } : {}) }),
  ];

  // Distributed mode: "Add to Slack" (GET /slack/install, /slack/oauth_redirect), and each request's
  // token from its workspace's installation; otherwise the one bot token.
  const install = config.slack.mode === 'distributed' ? receiverInstallOptions(deps.services, config.slack.oauth, config.slack.apiUrl) : undefined;
  const receiver: Receiver = config.slack.appToken
    ? new SocketModeReceiver({ appToken: config.slack.appToken, customRoutes, logger, ...install, installerOptions: { ...install?.installerOptions, port: config.port } })
    : new HTTPReceiver({
        ...install,
        signingSecret: config.slack.signingSecret,
        endpoints: '/slack/events',
        customRoutes,
        logger,
        customPropertiesExtractor: signatureProperties,
        dispatchErrorHandler: (args) => {
          if (!answerUnroutedApiRequest(args.request, args.response) && !answerUnroutedWebRequest(args.request, args.response)) HTTPModuleFunctions.defaultDispatchErrorHandler(args);
        },
        // A request no listener could answer (a malformed payload above all) gets a silent 200 and
        // one log line, never a 500: Slack would show the user an error, and retries would follow.
        processEventErrorHandler: async ({ error, response }) => {
          if (error instanceof AuthorizationError) {
            response.writeHead(401);
          } else if (!response.headersSent) {
            response.writeHead(200);
          }
          if (!response.writableEnded) response.end();
          return true;
        },
      });

  const app = new App({
    ...(deps.authorize ? { authorize: deps.authorize } : config.slack.mode === 'single-workspace' ? { token: config.slack.botToken } : {}),
    receiver,
    logger,
    // Bolt sets its logger's level itself; without this it would be INFO whatever LOG_LEVEL says.
    logLevel: BOLT_LOG_LEVELS[config.logLevel],
    extendedErrorHandler: true,
    clientOptions,
  });
  registerListeners(app, deps.services, logger);
  // Whatever a listener let through is logged here, once (with the request's kind and workspace),
  // and handed on so the receiver answers (see processEventErrorHandler).
  const onError = async ({ error, body }: { error: Error; body: unknown }): Promise<void> => {
    if (!(error instanceof AuthorizationError)) logFailure(logger, 'Unhandled', error, body);
    throw error;
  };
  app.error(onError as unknown as Parameters<App['error']>[0]);
  return app;
}

// The one place that reads the environment: dotenv, then zod, into a typed, frozen config.
import dotenv from 'dotenv';
import { z } from 'zod';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Where Slack sends the installing user back with a code (Bolt's default path). */
export const OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';
/** The "Add to Slack" page (Bolt's default path). */
export const OAUTH_INSTALL_PATH = '/slack/install';

const MODES_HINT =
  'set SLACK_BOT_TOKEN (the Bot User OAuth Token, "OAuth & Permissions") for one workspace, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET ("Basic Information → App Credentials") with SLACK_STATE_SECRET and no bot token to install into many workspaces with "Add to Slack"';

const schema = z.object({
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, { error: 'must be a bot token starting with xoxb- (Slack app → "OAuth & Permissions")' })
    .optional(),
  SLACK_CLIENT_ID: z.string().regex(/^\d+\.\d+$/, { error: 'must be the Client ID from "Basic Information → App Credentials", such as 1234567890.1234567890' }).optional(),
  SLACK_CLIENT_SECRET: z.string().optional(),
  SLACK_STATE_SECRET: z.string().min(20, { error: 'must be at least 20 characters: a long random string (openssl rand -hex 32)' }).optional(),
  SLACK_REDIRECT_URL: z
    .url({ error: 'must be the https URL of /slack/oauth_redirect, or unset' })
    .refine((url) => new URL(url).pathname === OAUTH_REDIRECT_PATH, { error: `must end in ${OAUTH_REDIRECT_PATH}, where the app receives Slack's redirect` })
    .optional(),
  SLACK_SIGNING_SECRET: z
    .string({ error: 'is not set: copy the Signing Secret from your Slack app\'s "Basic Information" page' })
    .min(1, { error: 'is empty: copy the Signing Secret from your Slack app\'s "Basic Information" page' }),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, { error: 'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens), or unset for HTTP mode' })
    .optional(),
  SLACK_API_URL: z
    .url({ error: 'must be a URL such as https://slack.com/api/, or unset' })
    .transform((url) => (url.endsWith('/') ? url : `${url}/`))
    .optional(),
  PORT: z.coerce
    .number({ error: 'must be a port number from 1 to 65535' })
    .int({ error: 'must be a whole port number' })
    .min(0, { error: 'must be a port number from 1 to 65535' })
    .max(65535, { error: 'must be a port number from 1 to 65535' })
    .default(3000),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, { error: 'must start with mongodb:// or mongodb+srv://, or be unset to start a local database' })
    .optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]/, { error: 'must be an SMTP URL such as smtp://user:pass@smtp.example.com:587 or smtps://…:465 (TLS options as nodemailer reads them), or unset to keep emails in the outbox collection' })
    .optional(),
  PUBLIC_URL: z
    .url({ error: 'must be the public https URL the app is reached at (unsubscribe links point there), such as https://followups.example.com' })
    // Zod runs this refinement after a failed .url() too: parse safely.
    .refine((url) => !URL.canParse(url) || /^https?:$/.test(new URL(url).protocol), { error: 'must start with https:// (or http:// for local use)' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  SEND_CLAIM_TIMEOUT: z.coerce
    .number({ error: 'must be a number of seconds, from 5 to 3600' })
    .int({ error: 'must be a whole number of seconds, from 5 to 3600' })
    .min(5, { error: 'must be a number of seconds, from 5 to 3600' })
    .max(3600, { error: 'must be a number of seconds, from 5 to 3600' })
    .default(300),
  REPLY_WEBHOOK_SECRET: z.string().min(20, { error: 'must be at least 20 characters: the secret your email provider signs its inbound-mail webhook with' }).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  NODE_ENV: z.string().optional(),
}).superRefine((env, context) => {
  // The local database is for development: a production process without MONGODB_URI would
  // quietly keep its data in ./.data of whatever machine it runs on.
  if (env.NODE_ENV === 'production' && !env.MONGODB_URI) {
    context.addIssue({
      code: 'custom',
      path: ['MONGODB_URI'],
      message: 'is not set, and NODE_ENV is production: set it to your MongoDB (replica set or Atlas); the local database is for development only',
    });
  }
});

export type LogLevel = (typeof LOG_LEVELS)[number];

/** The app's credentials from "Basic Information → App Credentials", for "Add to Slack". */
export interface OAuthConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly stateSecret: string;
  /** Sent as redirect_uri; unset = the one redirect URL of the app's settings. */
  readonly redirectUrl?: string;
}

/**
 * One workspace (a bot token from the app's settings page), or many: each workspace installs the
 * app with "Add to Slack" and its own token comes from the installation store.
 */
export type SlackMode = { readonly mode: 'single-workspace'; readonly botToken: string } | { readonly mode: 'distributed'; readonly oauth: OAuthConfig };

export interface Config {
  readonly slack: SlackMode & {
    readonly signingSecret: string;
    readonly appToken?: string;
    readonly apiUrl?: string;
  };
  readonly port: number;
  readonly mongodbUri?: string;
  readonly logLevel: LogLevel;
  readonly delivery: {
    /** Unset: emails go to the outbox collection, and the channel notice says they were not delivered. */
    readonly smtpUrl?: string;
    /** The app's public base URL, without a trailing slash (unsubscribe links). Default: http://localhost:<PORT>. */
    readonly publicUrl: string;
    /** Unset: POST /hooks/reply answers 404 (no webhook configured). */
    readonly replyWebhookSecret?: string;
    /** A send claimed by a process that died is taken over after this long (longer than any send takes). */
    readonly claimTimeoutMs: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment into a frozen Config; a bad value throws a one-line ConfigError. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty value in .env means "unset", as it would for most tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const mode = modeProblem(present);
  if (mode) throw new ConfigError(`${mode}.`);
  const result = schema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${variable} ${issue.message}.`);
  }
  const e = result.data;
  return deepFreeze({
    slack: {
      ...(e.SLACK_BOT_TOKEN
        ? { mode: 'single-workspace' as const, botToken: e.SLACK_BOT_TOKEN }
        : {
            mode: 'distributed' as const,
            oauth: {
              clientId: e.SLACK_CLIENT_ID!,
              clientSecret: e.SLACK_CLIENT_SECRET!,
              stateSecret: e.SLACK_STATE_SECRET!,
              ...(e.SLACK_REDIRECT_URL ? { redirectUrl: e.SLACK_REDIRECT_URL } : {}),
            },
          }),
      signingSecret: e.SLACK_SIGNING_SECRET,
      ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
      ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
    },
    port: e.PORT,
    ...(e.MONGODB_URI ? { mongodbUri: e.MONGODB_URI } : {}),
    logLevel: e.LOG_LEVEL,
    delivery: {
      ...(e.SMTP_URL ? { smtpUrl: e.SMTP_URL } : {}),
      publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
      ...(e.REPLY_WEBHOOK_SECRET ? { replyWebhookSecret: e.REPLY_WEBHOOK_SECRET } : {}),
      claimTimeoutMs: e.SEND_CLAIM_TIMEOUT * 1000,
    },
  });
}

/**
 * Exactly one mode, checked before any value: with a bot token and OAuth credentials together it
 * would be unclear which token a request acts with, and with neither the app can act nowhere.
 */
function modeProblem(env: Record<string, string | undefined>): string | undefined {
  const oauthSet = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'SLACK_REDIRECT_URL'].filter((v) => env[v]);
  if (env.SLACK_BOT_TOKEN && oauthSet.length > 0) return `SLACK_BOT_TOKEN and ${oauthSet.join(', ')} are both set: ${MODES_HINT}`;
  if (env.SLACK_BOT_TOKEN) return undefined;
  if (!env.SLACK_CLIENT_ID) return `SLACK_BOT_TOKEN is not set, nor SLACK_CLIENT_ID: ${MODES_HINT}`;
  if (!env.SLACK_CLIENT_SECRET) return 'SLACK_CLIENT_SECRET is not set: installing into many workspaces (SLACK_CLIENT_ID is set) needs the Client Secret from "Basic Information → App Credentials"';
  if (!env.SLACK_STATE_SECRET) return 'SLACK_STATE_SECRET is not set: installing into many workspaces (SLACK_CLIENT_ID is set) needs a long random string that signs the OAuth state (openssl rand -hex 32)';
  return undefined;
}

/** Reads `.env` (when present) and the process environment once. */
export function loadConfig(): Config {
  dotenv.config({ quiet: true });
  return parseConfig(process.env);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

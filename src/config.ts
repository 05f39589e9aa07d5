// The one place that reads the environment: dotenv, then zod, into a typed, frozen config.
import dotenv from 'dotenv';
import { z } from 'zod';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

const schema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'is not set: copy the Bot User OAuth Token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page' })
    .regex(/^xoxb-/, { error: 'must be a bot token starting with xoxb- (Slack app → "OAuth & Permissions")' }),
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

export interface Config {
  readonly slack: {
    readonly botToken: string;
    readonly signingSecret: string;
    readonly appToken?: string;
    readonly apiUrl?: string;
  };
  readonly port: number;
  readonly mongodbUri?: string;
  readonly logLevel: LogLevel;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment into a frozen Config; a bad value throws a one-line ConfigError. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty value in .env means "unset", as it would for most tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${variable} ${issue.message}.`);
  }
  const e = result.data;
  return deepFreeze({
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
      ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
    },
    port: e.PORT,
    ...(e.MONGODB_URI ? { mongodbUri: e.MONGODB_URI } : {}),
    logLevel: e.LOG_LEVEL,
  });
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

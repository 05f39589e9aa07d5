import { ConfigError, parseConfig } from '../src/config.js';

const valid = { SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 'secret' };
const oauth = { SLACK_CLIENT_ID: '1234567890.987654321', SLACK_CLIENT_SECRET: 'client-secret', SLACK_STATE_SECRET: 'a-long-random-state-secret-0123456789' };

describe('config', () => {
  test('a minimal environment gives HTTP mode on port 3000 with a local database', () => {
    const config = parseConfig(valid);
    expect(config).toEqual({
      slack: { mode: 'single-workspace', botToken: 'xoxb-1-2', signingSecret: 'secret' },
      port: 3000,
      logLevel: 'info',
      delivery: { publicUrl: 'http://localhost:3000', claimTimeoutMs: 300_000 },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.slack)).toBe(true);
  });

  test('OAuth credentials without a bot token install into many workspaces', () => {
    const config = parseConfig({ SLACK_SIGNING_SECRET: 'secret', ...oauth, SLACK_REDIRECT_URL: 'https://followups.example.com/slack/oauth_redirect' });
    expect(config.slack).toEqual({
      mode: 'distributed',
      oauth: {
        clientId: '1234567890.987654321',
        clientSecret: 'client-secret',
        stateSecret: 'a-long-random-state-secret-0123456789',
        redirectUrl: 'https://followups.example.com/slack/oauth_redirect',
      },
      signingSecret: 'secret',
    });
    expect(Object.isFrozen(config.slack)).toBe(true);
  });

  test('every optional variable is read and SLACK_API_URL gains its trailing slash', () => {
    const config = parseConfig({
      ...valid,
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_API_URL: 'http://127.0.0.1:4000/api',
      PORT: '8080',
      MONGODB_URI: 'mongodb+srv://cluster.example.net/followups',
      LOG_LEVEL: 'debug',
    });
    expect(config.slack.appToken).toBe('xapp-1');
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:4000/api/');
    expect(config.port).toBe(8080);
    expect(config.mongodbUri).toBe('mongodb+srv://cluster.example.net/followups');
    expect(config.logLevel).toBe('debug');
  });

  test('production runs on the MongoDB it is given; elsewhere an unset MONGODB_URI means the local database', () => {
    expect(parseConfig({ ...valid, NODE_ENV: 'production', MONGODB_URI: 'mongodb+srv://cluster.example.net/followups' }).mongodbUri).toBe(
      'mongodb+srv://cluster.example.net/followups',
    );
    expect(parseConfig({ ...valid, NODE_ENV: 'development' }).mongodbUri).toBeUndefined();
  });

  test('sending settings: SMTP server, public URL for unsubscribe links (no trailing slash), the reply webhook secret and the send claim timeout', () => {
    const config = parseConfig({ ...valid, SMTP_URL: 'smtps://u:p@smtp.example.com:465', PUBLIC_URL: 'https://followups.example.com/', REPLY_WEBHOOK_SECRET: 'x'.repeat(32), SEND_CLAIM_TIMEOUT: '60' });
    expect(config.delivery).toEqual({ smtpUrl: 'smtps://u:p@smtp.example.com:465', publicUrl: 'https://followups.example.com', replyWebhookSecret: 'x'.repeat(32), claimTimeoutMs: 60_000 });
    expect(() => parseConfig({ ...valid, SEND_CLAIM_TIMEOUT: '1' })).toThrow(/^SEND_CLAIM_TIMEOUT must be a number of seconds, from 5 to 3600\.$/);
  });

  test('an empty value counts as unset', () => {
    expect(parseConfig({ ...valid, SLACK_APP_TOKEN: '', MONGODB_URI: '', PORT: '' }).port).toBe(3000);
  });

  test.each([
    [{ SLACK_SIGNING_SECRET: 's' }, /^SLACK_BOT_TOKEN is not set, nor SLACK_CLIENT_ID: set SLACK_BOT_TOKEN .*OAuth & Permissions.* for one workspace, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET .* to install into many workspaces/],
    [{ ...valid, ...oauth }, /^SLACK_BOT_TOKEN and SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET are both set: set SLACK_BOT_TOKEN .* for one workspace, or /],
    [{ ...valid, SLACK_CLIENT_SECRET: 'leftover' }, /^SLACK_BOT_TOKEN and SLACK_CLIENT_SECRET are both set/],
    [{ SLACK_SIGNING_SECRET: 's', SLACK_STATE_SECRET: oauth.SLACK_STATE_SECRET }, /^SLACK_BOT_TOKEN is not set, nor SLACK_CLIENT_ID/],
    [{ SLACK_SIGNING_SECRET: 's', ...oauth, SLACK_CLIENT_SECRET: '' }, /^SLACK_CLIENT_SECRET is not set: installing into many workspaces .*App Credentials/],
    [{ SLACK_SIGNING_SECRET: 's', ...oauth, SLACK_STATE_SECRET: '' }, /^SLACK_STATE_SECRET is not set: installing into many workspaces .*random string/],
    [{ SLACK_SIGNING_SECRET: 's', ...oauth, SLACK_STATE_SECRET: 'short' }, /^SLACK_STATE_SECRET must be at least 20 characters/],
    [{ SLACK_SIGNING_SECRET: 's', ...oauth, SLACK_CLIENT_ID: 'abc' }, /^SLACK_CLIENT_ID must be the Client ID from "Basic Information → App Credentials"/],
    [{ SLACK_SIGNING_SECRET: 's', ...oauth, SLACK_REDIRECT_URL: 'https://followups.example.com/oauth' }, /^SLACK_REDIRECT_URL must end in \/slack\/oauth_redirect/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /^SLACK_SIGNING_SECRET is not set: .*Basic Information/],
    [{ ...valid, SLACK_BOT_TOKEN: 'xoxp-user-token' }, /^SLACK_BOT_TOKEN must be a bot token starting with xoxb-/],
    [{ ...valid, SLACK_APP_TOKEN: 'xoxb-wrong' }, /^SLACK_APP_TOKEN must be an app-level token starting with xapp-/],
    [{ ...valid, SLACK_API_URL: 'not a url' }, /^SLACK_API_URL must be a URL/],
    [{ ...valid, PORT: 'http' }, /^PORT must be a port number/],
    [{ ...valid, PORT: '70000' }, /^PORT must be a port number/],
    [{ ...valid, MONGODB_URI: 'postgres://x' }, /^MONGODB_URI must start with mongodb:\/\//],
    [{ ...valid, SMTP_URL: 'mail.example.com' }, /^SMTP_URL must be an SMTP URL such as smtp:\/\//],
    [{ ...valid, PUBLIC_URL: 'followups.example.com' }, /^PUBLIC_URL must be the public https URL/],
    [{ ...valid, PUBLIC_URL: 'ftp://followups.example.com' }, /^PUBLIC_URL must start with https:\/\//],
    [{ ...valid, REPLY_WEBHOOK_SECRET: 'short' }, /^REPLY_WEBHOOK_SECRET must be at least 20 characters/],
    [{ ...valid, LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of debug, info, warn, error/],
    [{ ...valid, NODE_ENV: 'production' }, /^MONGODB_URI is not set, and NODE_ENV is production: set it to your MongoDB/],
    [{ ...valid, NODE_ENV: 'production', MONGODB_URI: '' }, /^MONGODB_URI is not set, and NODE_ENV is production/],
  ])('a bad environment names the variable and how to fix it (%#)', (env, message) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

// What every listener needs from a Slack payload: the workspace, the acting user with their
// role and time zone (users.info), and turning domain errors into what Slack shows.
import type { App, RespondFn } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { notice } from '../../views/message.js';
import type { WebClient } from '@slack/web-api';
import { DomainError, ValidationError, type Actor, type WorkspaceRef } from '../services/domain.js';

export interface SlackActor extends Actor {
  /** The user's Slack time zone (IANA), for example dates. */
  readonly timeZone: string;
}

interface TeamBits {
  team?: { id?: string; enterprise_id?: string } | null;
  team_id?: string;
  enterprise?: { id?: string } | null;
  enterprise_id?: string;
  user?: { team_id?: string } | string;
}

/** The workspace a payload comes from (slash command fields or an interactive payload). */
export function workspaceOf(body: unknown): WorkspaceRef {
  const b = body as TeamBits;
  const teamId = b.team?.id ?? b.team_id ?? (typeof b.user === 'object' ? b.user?.team_id : undefined);
  if (!teamId) throw new Error('The payload names no team');
  const enterpriseId = b.enterprise?.id ?? b.enterprise_id ?? b.team?.enterprise_id;
  return enterpriseId ? { teamId, enterpriseId } : { teamId };
}

/** Looks the user up (role, time zone, name): needed for permissions and example dates. */
export async function actorOf(client: WebClient, workspace: WorkspaceRef, userId: string): Promise<SlackActor> {
  const info = await client.users.info({ user: userId });
  const user = info.user;
  return {
    workspace,
    userId,
    name: user?.profile?.display_name || user?.real_name || user?.name || userId,
    isAdmin: Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner),
    timeZone: user?.tz || 'UTC',
  };
}

/** Seeds a workspace's system schedules before any listener of it runs. */
export function seedWorkspaces(app: App, ensureSeeded: (ref: WorkspaceRef) => Promise<void>): void {
  app.use(async ({ body, next }) => {
    let ref: WorkspaceRef | undefined;
    try {
      ref = workspaceOf(body);
    } catch {
      ref = undefined; // events without a team (url_verification, app_rate_limited)
    }
    if (ref) await ensureSeeded(ref);
    await next();
  });
}

/**
 * Field errors for `response_action: "errors"`, keyed by the view's block ids. Modal errors are
 * plain text, so a refusal names the owner by name (users.info) rather than by mention. An
 * unexpected error is logged and shown, generically, on `fallbackBlock`: nothing was written.
 */
export async function modalErrors(
  client: WebClient,
  logger: Logger,
  what: string,
  error: unknown,
  blockFor: (field: string) => string | undefined,
  fallbackBlock: string,
): Promise<Record<string, string>> {
  let fields: Readonly<Record<string, string>>;
  if (error instanceof ValidationError) fields = error.errors;
  else if (error instanceof DomainError) fields = { [error.field ?? '']: await plainMessage(client, error) };
  else {
    logger.error(`${what}: ${(error as Error).stack ?? String(error)}`);
    return { [fallbackBlock]: 'Something went wrong on our side and nothing was saved. Please try again.' };
  }
  const errors: Record<string, string> = {};
  for (const [field, message] of Object.entries(fields)) {
    const block = blockFor(field) ?? fallbackBlock;
    errors[block] = errors[block] ? `${errors[block]} ${message}` : message;
  }
  return errors;
}

async function plainMessage(client: WebClient, error: DomainError): Promise<string> {
  const ownerId = error.details.ownerId;
  if (!ownerId) return error.message;
  const name = await client.users
    .info({ user: ownerId })
    .then((info) => info.user?.profile?.display_name || info.user?.real_name || info.user?.name)
    .catch(() => undefined);
  return error.message.replace('{owner}', name || 'its creator');
}

/** The sentence a user sees for a failure outside a modal (mrkdwn); unknown errors stay generic. */
export function userMessage(error: unknown): string {
  if (error instanceof ValidationError) return error.message;
  if (!(error instanceof DomainError)) return 'Something went wrong on our side and nothing was changed. Please try again in a moment.';
  const { ownerId, defaultFor } = error.details;
  let text = ownerId ? error.message.replace('{owner}', `<@${ownerId}>`) : error.message;
  if (defaultFor?.[0]) text += ` Use \`/schedule default ${defaultFor[0]}\`.`;
  return text;
}

/**
 * Answers on a slash command's response_url (works in channels the bot is not in). `in_channel` shows the
 * message to everyone in the conversation the command was typed in; `ephemeral` only to its user.
 */
export async function postToResponseUrl(
  url: string,
  message: { text: string; blocks: unknown[] },
  replaceOriginal = false,
  responseType: 'ephemeral' | 'in_channel' = 'ephemeral',
): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ response_type: responseType, replace_original: replaceOriginal, ...message }),
  });
  if (!res.ok) throw new Error(`response_url answered ${res.status}`);
}

/**
 * Runs a message button's work; a failure is answered to the user ephemerally (domain errors
 * in their own words, anything else generically and logged).
 */
export async function answeringFailures(respond: RespondFn, logger: Logger, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof DomainError || error instanceof ValidationError)) logger.error(`${what}: ${(error as Error).stack ?? String(error)}`);
    await respond({ response_type: 'ephemeral', replace_original: false, ...notice(userMessage(error)) });
  }
}

/** Matches the action ids `<prefix>.<anything>` (one listener for a button on every row). */
export function actionIdPrefix(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.`);
}

// What every listener needs from a Slack payload: the workspace, the acting user with their
// role and time zone (users.info), and turning domain errors into what Slack shows.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RespondArguments, RespondFn } from '@slack/bolt';
import { respondOn } from './flows/postJson.js';
import type { Logger } from '../logger.js';
import { notice, refusalText } from '../../views/message.js';
import { savedMeanwhileText } from '../../views/savedMeanwhile.js';
import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import { databaseStillAnswering, isDatabaseUnavailable, recordingWrites, type WriteLog } from '../db/connection.js';
import { ConflictError, DomainError, ValidationError, workspaceKey, type Actor, type WorkspaceRef } from '../services/domain.js';

/** What a user is told when the database does not answer and nothing can have been written. */
export const DATABASE_DOWN = 'The database is not answering: nothing was changed. Try again in a minute.';
/** …and when a write had been sent before it stopped answering (it may land when the database returns). */
export const DATABASE_UNSURE =
  'The database stopped answering while saving, so this may or may not have been saved. Check again in a minute before you retry.';
/** When it answers, but too slowly for this request to finish (heavy load), and nothing can have been written. */
export const DATABASE_BUSY = 'The database is too busy to answer in time: nothing was changed. Try again in a minute.';
/** …and when a write had been sent. */
export const DATABASE_BUSY_UNSURE = 'The database was too busy to finish saving in time, so this may or may not have been saved. Check again in a minute before you retry.';
/** …and while a save is still waiting on it (the outcome replaces this when it is known). */
export const DATABASE_WAITING = 'The database is not answering yet. This will say whether your change was saved as soon as it does.';
const SOMETHING_WENT_WRONG = 'Something went wrong on our side and nothing was changed. Please try again in a moment.';

/** The request being handled: for log lines, and to know whether it sent a write. */
interface RequestContext extends WriteLog {
  readonly kind: string;
  readonly workspace: string;
  /** Failures already logged, so the global error handler does not log them again. */
  readonly logged: WeakSet<object>;
}
const requests = new AsyncLocalStorage<RequestContext>();

/** "command /schedule edit", "action editor.add", "submission schedule_editor", … */
export function requestKind(body: unknown): string {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '?');
  if (typeof b.command === 'string') return `command ${b.command} ${str(b.text).trim().split(/\s+/)[0] ?? ''}`.trim();
  const view = (b.view ?? {}) as Record<string, unknown>;
  switch (b.type) {
    case 'block_actions': {
      const action = Array.isArray(b.actions) ? (b.actions[0] as Record<string, unknown> | undefined) : undefined;
      return `action ${str(action?.action_id)}`;
    }
    case 'view_submission':
      return `submission ${str(view.callback_id)}`;
    case 'view_closed':
      return `closed ${str(view.callback_id)}`;
    case 'block_suggestion':
      return `options ${str(b.action_id)}`;
    case 'event_callback':
      return `event ${str((b.event as Record<string, unknown> | undefined)?.type)}`;
    default:
      return str(b.type);
  }
}

function workspaceLabel(body: unknown): string {
  try {
    return workspaceKey(workspaceOf(body));
  } catch {
    return 'no workspace';
  }
}

/** Runs the rest of a request (Bolt's `next`) inside its context. */
export function inRequestContext<T>(body: unknown, next: () => Promise<T>): Promise<T> {
  const context: RequestContext = { kind: requestKind(body), workspace: workspaceLabel(body), logged: new WeakSet(), writeSent: false };
  return requests.run(context, () => recordingWrites(context, next));
}

/**
 * Logs an unexpected failure once, with the request's kind and workspace (and the error's `code`:
 * Web API and MongoDB errors carry one). `body` names the request when called outside its context.
 */
export function logFailure(logger: Logger, what: string, error: unknown, body?: unknown): void {
  const context = requests.getStore();
  const target = unwrap(error);
  if (typeof target === 'object' && target !== null) {
    if (context?.logged.has(target) || loggedOutside.has(target)) return;
    (context?.logged ?? loggedOutside).add(target);
  }
  const kind = context?.kind ?? (body !== undefined ? requestKind(body) : 'background');
  const workspace = context?.workspace ?? (body !== undefined ? workspaceLabel(body) : '-');
  const code = (target as { code?: unknown } | null)?.code;
  const detail = target instanceof Error ? (target.stack ?? target.message) : String(target);
  logger.error(`[${kind} | ${workspace}] ${what}${code !== undefined ? ` (code ${String(code)})` : ''}: ${detail}`);
}
const loggedOutside = new WeakSet<object>();

/** Bolt wraps a listener's error (`original`); the log and the answer are about the real one. */
function unwrap(error: unknown): unknown {
  const original = (error as { original?: unknown } | null)?.original;
  return original ?? error;
}

/** The sentence for a database that did not answer this request: down, or alive but too slow (timed out while still answering). */
export function databaseSentence(error: unknown): string {
  const writeSent = requests.getStore()?.writeSent ?? false;
  const busy = /Timeout/.test((error as { name?: string } | null)?.name ?? '') && databaseStillAnswering();
  if (busy) return writeSent ? DATABASE_BUSY_UNSURE : DATABASE_BUSY;
  return writeSent ? DATABASE_UNSURE : DATABASE_DOWN;
}

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

interface UserInfo {
  readonly name: string;
  readonly isAdmin: boolean;
  readonly timeZone: string;
  readonly isGuest: boolean;
  /** Where the user belongs (another workspace's people show up in shared channels). */
  readonly home?: WorkspaceRef;
}

/**
 * users.info answers, kept a few minutes per (workspace, user) so a burst of clicks costs one Web API
 * call, not one each. Keyed by workspace as well: the same user id never answers for another
 * workspace. Bounded and per process; a miss just asks Slack again, so nothing depends on it.
 * A promotion to admin or a new time zone shows within USER_INFO_TTL_MS.
 */
export const USER_INFO_TTL_MS = 5 * 60 * 1000;
const userInfoCache = new LRUCache<string, UserInfo>({ max: 10_000, ttl: USER_INFO_TTL_MS });

async function userInfo(client: WebClient, workspace: WorkspaceRef, userId: string): Promise<UserInfo> {
  const key = `${workspaceKey(workspace)}/${userId}`;
  const cached = userInfoCache.get(key);
  if (cached) return cached;
  const user = (await client.users.info({ user: userId })).user;
  const info: UserInfo = {
    name: user?.profile?.display_name || user?.real_name || user?.name || userId,
    isAdmin: Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner),
    timeZone: user?.tz || 'UTC',
    isGuest: Boolean(user?.is_restricted || user?.is_ultra_restricted),
    ...(user?.team_id ? { home: homeOf(user.team_id, user.enterprise_user?.enterprise_id) } : {}),
  };
  userInfoCache.set(key, info);
  return info;
}

function homeOf(teamId: string, enterpriseId: string | undefined): WorkspaceRef {
  return enterpriseId ? { teamId, enterpriseId } : { teamId };
}

/** Looks the user up (role, guest or not, workspace, time zone, name): needed for permissions and example dates. */
export async function actorOf(client: WebClient, workspace: WorkspaceRef, userId: string): Promise<SlackActor> {
  return { workspace, userId, ...(await userInfo(client, workspace, userId)) };
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
  /** The viewer's, for the time of a save that came first (ConflictError). */
  timeZone = 'UTC',
): Promise<Record<string, string>> {
  let fields: Readonly<Record<string, string>>;
  if (error instanceof ValidationError) fields = error.errors;
  else if (error instanceof ConflictError) fields = { [error.field ?? '']: savedMeanwhileText(error, timeZone) };
  else if (error instanceof DomainError) fields = { [error.field ?? '']: await plainMessage(client, error) };
  else return { [fallbackBlock]: failureSentence(logger, what, error) };
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
  if (error instanceof ValidationError) return refusalText(error.message, {});
  if (!(error instanceof DomainError)) return isDatabaseUnavailable(unwrap(error)) ? databaseSentence(unwrap(error)) : SOMETHING_WENT_WRONG;
  return refusalText(error.message, error.details);
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
  await respondOn(url)({ response_type: responseType, replace_original: replaceOriginal, ...message } as RespondArguments);
}

/**
 * Runs a message button's work; a failure is answered to the user ephemerally (domain errors
 * in their own words, anything else generically and logged).
 */
export async function answeringFailures(respond: RespondFn, logger: Logger, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof DomainError || error instanceof ValidationError)) logFailure(logger, what, error);
    await respond({ response_type: 'ephemeral', replace_original: false, ...notice(userMessage(error)) });
  }
}

/** Logs an unexpected failure (once) and returns the sentence the user sees for it. */
export function failureSentence(logger: Logger, what: string, error: unknown): string {
  logFailure(logger, what, error);
  return userMessage(error);
}

/** Matches the action ids `<prefix>.<anything>` (one listener for a button on every row). */
export function actionIdPrefix(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.`);
}

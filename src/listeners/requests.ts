// Checks on a signed request before any listener sees it: a timestamp within 5 minutes either way
// (Bolt refuses only old ones), and each signed request acted on once (a replay is acked and ignored).
import { AuthorizationError, type App, type Context } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import { within } from './flows/answers.js';
import { logFailure } from './context.js';
import { malformedPayload, type MalformedPayload } from './payloads.js';
import { unreadableFormModal } from '../../views/progressModals.js';

/** Slack's own limit on a request's age; here it applies to the future too. */
export const REQUEST_MAX_SKEW_S = 5 * 60;
/** The replay check is the one database write before an ack: past this, the request goes on unchecked. */
export const CLAIM_DEADLINE_MS = 500;

/** Reads the signature headers into the request's context (HTTP only; Socket Mode has none). */
export function signatureProperties(request: { headers: Record<string, string | string[] | undefined> }): Record<string, string> {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : '';
  };
  return { slackSignature: header('x-slack-signature'), slackRequestTimestamp: header('x-slack-request-timestamp') };
}

/** Kinds whose replay would act twice; type-ahead queries and closed modals are harmless to repeat. */
function actsOnce(body: unknown): boolean {
  const b = (body ?? {}) as { command?: unknown; type?: unknown };
  return typeof b.command === 'string' || b.type === 'block_actions' || b.type === 'view_submission';
}

/** The ack for a payload of the wrong shape: the form says nothing was saved, a type-ahead offers nothing, the rest is a plain 200. */
function malformedAnswer(kind: MalformedPayload['kind']): object | undefined {
  if (kind === 'view_submission') return { response_action: 'update', view: unreadableFormModal() };
  if (kind === 'block_suggestion') return { options: [] };
  return undefined;
}

export function guardRequests(app: App, services: Services, logger: Logger): void {
  app.use(async (args) => {
    const malformed = malformedPayload(args.body);
    if (malformed) {
      // Slack never sends these: a log line, and an answer that says nothing was done where there is a
      // form to say it in; no listener reads the payload.
      logger.warn(`Ignored a malformed ${malformed.kind} payload (${malformed.problem})`);
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as (answer?: unknown) => Promise<void>)(malformedAnswer(malformed.kind));
      return;
    }
    const context = args.context as Context & { slackSignature?: string; slackRequestTimestamp?: string };
    const signature = context.slackSignature;
    if (!signature) return args.next();
    // Real time, not the injected clock: this is about Slack's clock, like Bolt's own check.
    const timestamp = Number(context.slackRequestTimestamp);
    if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > REQUEST_MAX_SKEW_S) {
      throw new AuthorizationError('The request timestamp is more than 5 minutes off', new Error(String(context.slackRequestTimestamp)));
    }
    if (actsOnce(args.body)) {
      // When the database does not answer in time the request goes on: a replay can change nothing
      // while the database is away, and refusing would turn away /help and the "database down" answers.
      const claim = services.requestClaims.claimOnce(signature, new Date()).catch((error: unknown) => {
        logFailure(logger, 'Checking for a replayed request', error, args.body);
        return true;
      });
      if ((await within(claim, CLAIM_DEADLINE_MS)) === false) {
        logger.warn(`Ignored a replayed request (${signature.slice(0, 16)}…)`);
        if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
        return;
      }
    }
    await args.next();
  });
}

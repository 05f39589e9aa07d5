// How a request answers in time, whatever the database does. A trigger id is good for 3 s and a
// submission must be answered within 3 s: work that may take longer races a deadline, and past
// it a loading or saving modal goes up first and is updated with the true outcome.
import type { AckFn, RespondFn, ViewResponseAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logger.js';
import { DomainError, ValidationError } from '../../services/domain.js';
import { notice, type MessageView } from '../../../views/message.js';
import { formWithErrors, loadingModal, messageModal, savingModal, unavailableOption, type SubmittedView } from '../../../views/progressModals.js';
import type { Option } from '@slack/types';
import { databaseStillAnswering, isDatabaseUnavailable } from '../../db/connection.js';
import { openModal, updateModal } from './modalCalls.js';
import { DATABASE_DOWN, DATABASE_WAITING, logFailure, userMessage } from '../context.js';

/** Past this the trigger (3 s from the click, network included) is used for a loading modal. */
export const TRIGGER_DEADLINE_MS = 1_000;
/**
 * Past this a waiting modal says the database is not answering, or that it is busy when it still
 * answers (slow, not down); the outcome replaces it either way.
 */
export const STILL_WAITING_MS = 2_500;

/** What opening something comes to: a modal, or a sentence (not found, refused). */
export type Opening = { modal: ModalView } | { message: MessageView };

export interface Opener {
  readonly client: WebClient;
  readonly triggerId: string;
  /** Ephemeral answers; without one (App Home) sentences show in a modal. */
  readonly respond?: RespondFn | undefined;
  readonly logger: Logger;
}

type Settled<T> = { ok: T } | { error: unknown };

function settle<T>(work: () => Promise<T>): Promise<Settled<T>> {
  return work().then(
    (ok) => ({ ok }),
    (error: unknown) => ({ error }),
  );
}

/** Resolves to null when `ms` pass first. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The sentence for a failed opening (domain refusals in their own words; the rest logged once). */
function failureMessage(logger: Logger, what: string, error: unknown): MessageView {
  if (!(error instanceof DomainError || error instanceof ValidationError)) logFailure(logger, what, error);
  return notice(userMessage(error));
}

/**
 * Opens what `work` produces with the trigger. Quick work opens its modal (or answers its sentence
 * ephemerally) directly; slow work gets a loading modal at once, then the outcome in it.
 */
export async function openWhenReady(opener: Opener, title: string, what: string, work: () => Promise<Opening>): Promise<void> {
  const { client, triggerId, respond, logger } = opener;
  const result = settle(work);
  const quick = await within(result, TRIGGER_DEADLINE_MS);
  if (quick) {
    const opening: Opening = 'ok' in quick ? quick.ok : { message: failureMessage(logger, what, quick.error) };
    if ('modal' in opening) await openModal(client, triggerId, opening.modal);
    else if (respond) await respond({ response_type: 'ephemeral', replace_original: false, ...opening.message });
    else await client.views.open({ trigger_id: triggerId, view: messageModal(title, opening.message) });
    return;
  }
  const opened = await client.views.open({ trigger_id: triggerId, view: loadingModal(title) });
  const viewId = opened.view?.id ?? '';
  // Opening writes nothing a user would miss: "nothing was changed" holds even if it ends later.
  if (!(await within(result, STILL_WAITING_MS - TRIGGER_DEADLINE_MS))) {
    await updateUnlessClosed(client, viewId, databaseStillAnswering() ? loadingModal(title, true) : messageModal(title, notice(DATABASE_DOWN)));
  }
  const done = await result;
  const opening: Opening = 'ok' in done ? done.ok : { message: failureMessage(logger, what, done.error) };
  const view = 'modal' in opening ? opening.modal : messageModal(title, opening.message);
  await updateUnlessClosed(client, viewId, view);
}

/** Updates a modal the user may have closed meanwhile (then there is nothing to show). */
export async function updateUnlessClosed(client: WebClient, viewId: string, view: ModalView): Promise<void> {
  try {
    await updateModal(client, viewId, view);
  } catch (error) {
    if ((error as { data?: { error?: string } }).data?.error !== 'not_found') throw error;
  }
}

/**
 * A click's unexpected failure, said over the modal it came from (pushed with the click's trigger,
 * so closing it returns to that modal as it was). Logged once.
 */
export async function showFailureOver(client: WebClient, triggerId: string, logger: Logger, what: string, error: unknown): Promise<void> {
  logFailure(logger, what, error);
  await client.views.push({ trigger_id: triggerId, view: messageModal('Not done', notice(userMessage(error))) }).catch(() => {});
}

/** The type-ahead answers within this (Slack waits 3 s), or says the database is busy or not answering (reads only: nothing to undo). */
export const OPTIONS_DEADLINE_MS = 2_000;

/** Answers a type-ahead with `load`'s options; a failure or a slow database shows one option that says so. */
export async function answerOptions(ack: (answer: { options: Option[] }) => Promise<void>, logger: Logger, what: string, load: () => Promise<Option[]>): Promise<void> {
  const result = await within(settle(load), OPTIONS_DEADLINE_MS);
  if (result && 'ok' in result) return ack({ options: result.ok });
  if (result) logFailure(logger, what, result.error);
  const unavailable = !result || isDatabaseUnavailable(result.error);
  await ack({ options: unavailable ? [unavailableOption(databaseStillAnswering())] : [] });
}

/** A submission answers directly when its work is done by then; past it, "Saving…" and then the outcome. */
export const SUBMISSION_DEADLINE_MS = 1_500;

/** What a submission comes to. */
export type SubmissionAnswer =
  /** Field errors (`response_action: "errors"`): nothing was written. */
  | { errors: Record<string, string> }
  /** The modal becomes this view. */
  | { update: ModalView }
  /** The modal closes; `done` is said in it instead when it had to show "Saving…" first. */
  | { done: string };


/**
 * Answers a submission within Slack's 3 s whatever the database does: with the outcome when the work
 * is done before the deadline, otherwise with a "Saving…" view that is then updated with the true
 * outcome (the form again with its errors, the next view, or a sentence), never with a guess.
 * Returns the answer (null when the work threw: then it was logged and said).
 */
export async function answerSubmission(
  ackFn: AckFn<void> | AckFn<ViewResponseAction>,
  client: WebClient,
  logger: Logger,
  submitted: SubmittedView & { id: string },
  what: string,
  work: () => Promise<SubmissionAnswer>,
): Promise<SubmissionAnswer | null> {
  const ack = ackFn as (response?: ViewResponseAction) => Promise<void>;
  const result = settle(work);
  const quick = await within(result, SUBMISSION_DEADLINE_MS);
  const title = submitted.title?.text ?? 'Saving';
  if (quick && 'ok' in quick) {
    const answer = quick.ok;
    if ('errors' in answer) await ack({ response_action: 'errors', errors: answer.errors });
    else if ('update' in answer) await ack({ response_action: 'update', view: answer.update });
    else await ack();
    return answer;
  }
  if (quick) {
    await ack({ response_action: 'update', view: messageModal(title, failureMessage(logger, what, quick.error)) });
    return null;
  }
  await ack({ response_action: 'update', view: savingModal(title) });
  // No guess while the work may still write: say the database is slow, then the outcome when known.
  if (!(await within(result, STILL_WAITING_MS - SUBMISSION_DEADLINE_MS))) {
    await updateUnlessClosed(client, submitted.id, databaseStillAnswering() ? savingModal(title, true) : messageModal(title, notice(DATABASE_WAITING)));
  }
  const done = await result;
  if (!('ok' in done)) {
    await updateUnlessClosed(client, submitted.id, messageModal(title, failureMessage(logger, what, done.error)));
    return null;
  }
  const answer = done.ok;
  const view = 'errors' in answer ? formWithErrors(submitted, answer.errors) : 'update' in answer ? answer.update : messageModal(title, notice(answer.done));
  await updateUnlessClosed(client, submitted.id, view);
  return answer;
}

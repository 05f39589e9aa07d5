// Modals shown while the app works: Slack wants an answer (or a modal opened with a trigger)
// within 3 s, whatever the database is doing, so these go up first and are updated with the outcome.
import type { KnownBlock, ModalView, Option } from '@slack/types';
import type { MessageView } from './message.js';
import { clip, escapeMrkdwn, mrkdwn } from './text.js';

/** Callback ids of the waiting modals (tests and listeners recognise them by these). */
export const PROGRESS = {
  loading: 'progress.loading',
  saving: 'progress.saving',
  message: 'progress.message',
} as const;

function waitingModal(callbackId: string, title: string, text: string): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: { type: 'plain_text', text: clip(title, 24) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'context', elements: [mrkdwn(text)] }],
  };
}

const BUSY = 'The database is busy, so this takes longer than usual.';

/** Opened with the trigger at once; updated with the real modal when its data is there (`busy`: still coming, slowly). */
export function loadingModal(title: string, busy = false): ModalView {
  return waitingModal(PROGRESS.loading, title, `:hourglass_flowing_sand: Loading…${busy ? ` ${BUSY}` : ''}`);
}

/** Answers a submission that takes longer than Slack waits; updated with the true outcome (`busy`: still coming, slowly). */
export function savingModal(title: string, busy = false): ModalView {
  return waitingModal(PROGRESS.saving, title, `:hourglass_flowing_sand: Saving…${busy ? ` ${BUSY} This will say whether your change was saved.` : ''}`);
}

/** The answer to a submission that did not reach the app in the shape Slack sends (forged, or cut short). */
export function unreadableFormModal(): ModalView {
  return waitingModal(PROGRESS.message, 'Not saved', ':warning: This form reached the app in a shape it can’t read, so nothing was saved. Close it and start again.');
}

/** A sentence (not found, refused, the database not answering) where a modal was expected. */
export function messageModal(title: string, message: MessageView): ModalView {
  return {
    type: 'modal',
    callback_id: PROGRESS.message,
    title: { type: 'plain_text', text: clip(title, 24) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: message.blocks as KnownBlock[],
  };
}

/** The value of the one option a type-ahead shows when the database does not answer. */
export const UNAVAILABLE_OPTION = 'progress.unavailable';

/** Type-ahead options are the only place a sentence fits there (75 characters at most); `busy`: answering, but too slowly. */
export function unavailableOption(busy = false): Option {
  const text = busy ? 'The database is busy. Type again in a moment.' : 'The database is not answering. Try again in a minute.';
  return { text: { type: 'plain_text', text }, value: UNAVAILABLE_OPTION };
}

/** A submitted modal as Slack sends it back (its blocks and what the user typed into them). */
export interface SubmittedView {
  readonly callback_id?: string;
  readonly title?: { readonly text?: string };
  readonly submit?: unknown;
  readonly close?: unknown;
  readonly private_metadata?: string;
  readonly notify_on_close?: boolean;
  readonly blocks?: readonly unknown[];
  readonly state?: { readonly values?: Readonly<Record<string, Readonly<Record<string, object>>>> };
}

type Json = Record<string, unknown>;

/** An element with what the user had typed or picked as its initial value. */
function withTyped(element: Json, typed: Json | undefined): Json {
  if (!typed) return element;
  const out: Json = { ...element };
  if ('value' in typed) {
    if (typeof typed.value === 'string') out.initial_value = typed.value;
    else delete out.initial_value;
  }
  if ('selected_option' in typed) {
    if (typed.selected_option) out.initial_option = typed.selected_option;
    else delete out.initial_option;
  }
  if ('selected_options' in typed) {
    if (Array.isArray(typed.selected_options) && typed.selected_options.length) out.initial_options = typed.selected_options;
    else delete out.initial_options;
  }
  if ('selected_conversation' in typed) {
    if (typeof typed.selected_conversation === 'string') out.initial_conversation = typed.selected_conversation;
    else delete out.initial_conversation;
  }
  return out;
}

/**
 * The submitted form again, as the user left it, with the errors above it: after a "Saving…" view
 * Slack no longer shows field errors (they only come with the answer to the submission itself).
 */
export function formWithErrors(submitted: SubmittedView, errors: Record<string, string>): ModalView {
  const values = submitted.state?.values ?? {};
  const blocks = (submitted.blocks ?? []).map((raw) => {
    const block = raw as Json;
    const typedIn = values[String(block.block_id)] ?? {};
    const typed = (element: unknown) => {
      const el = element as Json | undefined;
      return el && typeof el.action_id === 'string' ? withTyped(el, typedIn[el.action_id] as Json | undefined) : el;
    };
    return {
      ...block,
      ...(block.element ? { element: typed(block.element) } : {}),
      ...(block.accessory ? { accessory: typed(block.accessory) } : {}),
      ...(Array.isArray(block.elements) && block.type === 'actions' ? { elements: block.elements.map(typed) } : {}),
    };
  });
  const sentence = [...new Set(Object.values(errors))].join(' ');
  return {
    type: 'modal',
    ...(submitted.callback_id ? { callback_id: submitted.callback_id } : {}),
    title: { type: 'plain_text', text: clip(submitted.title?.text ?? 'Not saved', 24) },
    ...(submitted.submit ? { submit: submitted.submit as ModalView['submit'] } : {}),
    ...(submitted.close ? { close: submitted.close as ModalView['close'] } : {}),
    ...(submitted.private_metadata !== undefined ? { private_metadata: submitted.private_metadata } : {}),
    ...(submitted.notify_on_close !== undefined ? { notify_on_close: submitted.notify_on_close } : {}),
    blocks: [
      { type: 'section', block_id: 'progress.errors', text: { type: 'mrkdwn', text: clip(`:warning: *Not saved.* ${escapeMrkdwn(sentence)}`, 3000) } },
      ...(blocks as KnownBlock[]),
    ].slice(0, 100),
  };
}

// Modals shown while the app works: Slack wants an answer (or a modal opened with a trigger)
// within 3 s, whatever the database is doing, so these go up first and are updated with the outcome.
import type { KnownBlock, ModalView, Option } from '@slack/types';
import type { MessageView } from './message.js';
import { clip, mrkdwn } from './text.js';

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

/** Opened with the trigger at once; updated with the real modal when its data is there. */
export function loadingModal(title: string): ModalView {
  return waitingModal(PROGRESS.loading, title, ':hourglass_flowing_sand: Loading…');
}

/** Answers a submission that takes longer than Slack waits; updated with the true outcome. */
export function savingModal(title: string): ModalView {
  return waitingModal(PROGRESS.saving, title, ':hourglass_flowing_sand: Saving…');
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

/** Type-ahead options are the only place a sentence fits there (75 characters at most). */
export function unavailableOption(): Option {
  return { text: { type: 'plain_text', text: 'The database is not answering. Try again in a minute.' }, value: UNAVAILABLE_OPTION };
}

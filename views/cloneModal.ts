// The Clone modal: pick a schedule (type-ahead, any part of its name), name and describe the copy.
import type { KnownBlock, ModalView } from '@slack/types';
import { MAX_SCHEDULE_DESCRIPTION, MAX_SCHEDULE_NAME } from '../src/services/domain.js';
import { scheduleNotFoundText } from './notFound.js';
import { clip, mrkdwn } from './text.js';

export const CLONE = {
  callbackId: 'schedule_clone',
  sourceBlock: 'clone.source',
  sourceAction: 'clone.source_select',
  nameBlock: 'clone.name',
  nameAction: 'clone.name_input',
  descriptionBlock: 'clone.description',
  descriptionAction: 'clone.description_input',
} as const;

export interface CloneModalModel {
  readonly source?: { readonly id: string; readonly name: string; readonly description: string };
  /** The name typed after `/schedule clone` when it matched nothing, and the near names. */
  readonly notFound?: { readonly typed: string; readonly closeMatches: readonly string[] };
}

export function cloneModal(model: CloneModalModel): ModalView {
  const blocks: KnownBlock[] = [];
  if (model.notFound) {
    const hint = model.notFound.closeMatches.length ? '' : ' Type part of a name below to find it.';
    blocks.push({
      type: 'section',
      block_id: 'clone.not_found',
      text: mrkdwn(`:mag: ${scheduleNotFoundText(model.notFound.typed, model.notFound.closeMatches)}${hint}`),
    });
  }
  blocks.push(
    {
      type: 'input',
      block_id: CLONE.sourceBlock,
      label: { type: 'plain_text', text: 'Schedule to clone' },
      element: {
        type: 'external_select',
        action_id: CLONE.sourceAction,
        placeholder: { type: 'plain_text', text: 'Type any part of its name' },
        min_query_length: 0,
        ...(model.source ? { initial_option: { text: { type: 'plain_text', text: clip(model.source.name, 75) }, value: model.source.id } } : {}),
      },
    },
    {
      type: 'input',
      block_id: CLONE.nameBlock,
      label: { type: 'plain_text', text: 'Name of the copy' },
      element: {
        type: 'plain_text_input',
        action_id: CLONE.nameAction,
        max_length: MAX_SCHEDULE_NAME,
        placeholder: { type: 'plain_text', text: 'e.g. Q4 enterprise outreach' },
        ...(model.source ? { initial_value: clip(`${model.source.name} (copy)`, MAX_SCHEDULE_NAME) } : {}),
      },
    },
    {
      type: 'input',
      block_id: CLONE.descriptionBlock,
      optional: true,
      label: { type: 'plain_text', text: 'Description' },
      element: {
        type: 'plain_text_input',
        action_id: CLONE.descriptionAction,
        multiline: true,
        max_length: MAX_SCHEDULE_DESCRIPTION,
        placeholder: { type: 'plain_text', text: 'Who is it for? When should it be used?' },
        ...(model.source?.description ? { initial_value: clip(model.source.description, MAX_SCHEDULE_DESCRIPTION) } : {}),
      },
    },
    { type: 'context', elements: [mrkdwn('Next you edit the copy’s steps. The original stays as it is.')] },
  );
  return {
    type: 'modal',
    callback_id: CLONE.callbackId,
    title: { type: 'plain_text', text: 'Clone a schedule' },
    submit: { type: 'plain_text', text: 'Clone and edit' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** Options for the source select: at most 100, each label at most 75 characters. */
export function scheduleOptions(schedules: readonly { id: string; name: string; system: boolean }[]) {
  return schedules.slice(0, 100).map((s) => ({
    text: { type: 'plain_text' as const, text: clip(s.system ? `${s.name} (system)` : s.name, 75) },
    value: s.id,
  }));
}

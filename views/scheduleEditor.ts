// The step editor: one row per step (type, message, after days, example date, View, add
// below, delete, move). Block ids carry each row's stable key, so Slack keeps what the user
// typed in a row when rows are added, deleted or moved; a row's `rev` changes only when the
// app itself changes that row's message. 20 steps use 84 of a modal's 100 blocks.
import type { ActionsBlockElement, KnownBlock, ModalView, PlainTextOption as Option } from '@slack/types';
import type { EditorModel } from '../src/services/drafts.js';
import type { ReplanNotice } from '../src/services/replans.js';
import { MAX_SCHEDULE_DESCRIPTION, MAX_SCHEDULE_NAME, MAX_STEPS, TONES, type PickableStepType } from '../src/services/domain.js';
import { datesForText, stepCountLabel, stepDateLabel, stepMessageLabel } from './stepLabels.js';
import { bold, clip, code, days, mrkdwn, plural } from './text.js';
import { doneModal } from './doneModal.js';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

export const EDITOR = {
  callbackId: 'schedule_edit',
  nameBlock: 'editor.name',
  nameAction: 'editor.name_input',
  descriptionBlock: 'editor.description',
  descriptionAction: 'editor.description_input',
  previewBlock: 'editor.preview',
  previewAction: 'editor.preview_for',
  addEndBlock: 'editor.add_end',
  addEndAction: 'editor.add_end',
  /** Row action ids are `<kind>.<row key>`. */
  type: 'editor.type',
  message: 'editor.message',
  view: 'editor.view',
  add: 'editor.add',
  delete: 'editor.delete',
  move: 'editor.move',
  after: 'editor.after',
} as const;

export const NEW_MESSAGE_OPTION = 'new';
export const PREVIEW_MYSELF = 'me';

export type RowPart = 'head' | 'actions' | 'after';
export type RowActionKind = 'type' | 'message' | 'view' | 'add' | 'delete' | 'move' | 'after';

export function rowBlockId(key: string, rev: number, part: RowPart): string {
  return `row.${key}.${rev}.${part}`;
}

export function parseRowBlockId(blockId: string): { key: string; rev: number; part: RowPart } | null {
  const match = /^row\.([a-z0-9]+)\.(\d+)\.(head|actions|after)$/.exec(blockId);
  return match ? { key: match[1]!, rev: Number(match[2]), part: match[3] as RowPart } : null;
}

export function rowActionId(kind: RowActionKind, key: string): string {
  return `${EDITOR[kind]}.${key}`;
}

export function parseRowActionId(actionId: string): { kind: RowActionKind; key: string } | null {
  const match = /^editor\.(type|message|view|add|delete|move|after)\.([a-z0-9]+)$/.exec(actionId);
  return match ? { kind: match[1] as RowActionKind, key: match[2]! } : null;
}

/** The draft, and the revision this view shows (the next click reads it by number). */
export function editorMetadata(draftId: string, rev: number): string {
  return JSON.stringify({ draftId, rev });
}

const TYPE_LABELS: Record<PickableStepType, string> = {
  custom: 'Custom message',
  ...Object.fromEntries(TONES.map((tone) => [tone, `${tone} (generated)`])),
} as Record<PickableStepType, string>;

function typeOption(type: PickableStepType): Option {
  return { text: { type: 'plain_text', text: TYPE_LABELS[type] }, value: type };
}

const PICKABLE_TYPES: readonly PickableStepType[] = ['custom', ...TONES];

/** The message type menu's choices whose label holds what was typed (all of them for nothing typed). */
export function stepTypeOptions(typed: string): Option[] {
  const wanted = typed.trim().toLowerCase();
  return PICKABLE_TYPES.filter((type) => TYPE_LABELS[type].toLowerCase().includes(wanted)).map(typeOption);
}

const PREVIEW_MYSELF_OPTION: Option = { text: { type: 'plain_text', text: 'My time zone' }, value: PREVIEW_MYSELF };

function previewOption(assistant: { id: string; name: string }): Option {
  return { text: { type: 'plain_text', text: clip(`Assistant: ${assistant.name}`, 75) }, value: assistant.id };
}

/** "Preview dates for" choices: the viewer's own time zone first, then up to 99 assistants (the ones matching what was typed). */
export function previewForOptions(assistants: readonly { id: string; name: string }[]): Option[] {
  return [PREVIEW_MYSELF_OPTION, ...assistants.slice(0, 99).map(previewOption)];
}

export function scheduleEditorModal(model: EditorModel): ModalView {
  const { draft, steps } = model;
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: EDITOR.nameBlock,
      label: { type: 'plain_text', text: 'Name' },
      element: { type: 'plain_text_input', action_id: EDITOR.nameAction, max_length: MAX_SCHEDULE_NAME, initial_value: clip(draft.name, MAX_SCHEDULE_NAME) },
    },
    {
      type: 'input',
      block_id: EDITOR.descriptionBlock,
      optional: true,
      label: { type: 'plain_text', text: 'Description' },
      element: {
        type: 'plain_text_input',
        action_id: EDITOR.descriptionAction,
        multiline: true,
        max_length: MAX_SCHEDULE_DESCRIPTION,
        ...(draft.description ? { initial_value: clip(draft.description, MAX_SCHEDULE_DESCRIPTION) } : {}),
      },
    },
    previewFor(model),
    {
      type: 'context',
      elements: [
        mrkdwn(
          `${stepCountLabel(steps.length, draft.emailCc)}${model.totalDays === null ? '' : ` · ${days(model.totalDays)}`} · example dates start now and follow ${datesForText(model.datesFor)}; a date on an off day moves to the next working day, and later steps move with it.`,
        ),
      ],
    },
  ];

  const rows = draft.rows;
  rows.forEach((row, i) => {
    const step = steps[i]!;
    // The user's own email (Email CC schedules): no type, message or after days, and it never moves.
    const isUsersEmail = step.sentByUser;
    const previous = steps[i - 1];
    if (i > 0) blocks.push({ type: 'divider' });
    const moves: Option[] = [];
    if (previous && !previous.sentByUser && !isUsersEmail) moves.push({ text: { type: 'plain_text', text: 'Move up' }, value: 'up' });
    if (i < rows.length - 1 && !isUsersEmail) moves.push({ text: { type: 'plain_text', text: 'Move down' }, value: 'down' });
    blocks.push({
      type: 'section',
      block_id: rowBlockId(row.key, row.rev, 'head'),
      text: mrkdwn(`*Step ${step.number}* · ${stepMessageLabel(step)}\n${stepDateLabel(step, model.datesFor)}`),
      ...(moves.length ? { accessory: { type: 'overflow' as const, action_id: rowActionId('move', row.key), options: moves } } : {}),
    });

    const elements: ActionsBlockElement[] = [];
    if (!isUsersEmail) {
      // An external select: its eight choices come from the options listener when the menu opens,
      // instead of riding along in every row of every update (they were half of a 20-step view).
      elements.push({
        type: 'external_select',
        action_id: rowActionId('type', row.key),
        placeholder: { type: 'plain_text', text: 'Message type' },
        min_query_length: 0,
        initial_option: typeOption(row.type as PickableStepType),
      });
      if (row.type === 'custom') {
        elements.push({
          type: 'external_select',
          action_id: rowActionId('message', row.key),
          placeholder: { type: 'plain_text', text: 'Pick a message' },
          min_query_length: 0,
          ...(step.message ? { initial_option: { text: { type: 'plain_text', text: clip(step.message.name, 75) }, value: step.message.id } } : {}),
        });
      }
      elements.push({ type: 'button', action_id: rowActionId('view', row.key), text: { type: 'plain_text', text: 'View' }, value: row.key });
    }
    if (rows.length < MAX_STEPS) {
      elements.push({ type: 'button', action_id: rowActionId('add', row.key), text: { type: 'plain_text', text: '＋ Add below' }, value: row.key });
    }
    if (!isUsersEmail) {
      elements.push({ type: 'button', action_id: rowActionId('delete', row.key), text: { type: 'plain_text', text: 'Delete' }, value: row.key });
    }
    if (elements.length) blocks.push({ type: 'actions', block_id: rowBlockId(row.key, row.rev, 'actions'), elements });
    if (isUsersEmail) return;

    const from = !previous ? 'the start' : previous.sentByUser ? 'your own email' : `step ${previous.number}`;
    blocks.push({
      type: 'input',
      block_id: rowBlockId(row.key, row.rev, 'after'),
      dispatch_action: true,
      label: { type: 'plain_text', text: `Step ${step.number}: after days (from ${from})` },
      element: {
        type: 'number_input',
        action_id: rowActionId('after', row.key),
        is_decimal_allowed: true,
        min_value: '0',
        max_value: '365',
        // A number input refuses anything else (a forged action may have stored any text).
        ...(/^\d+(\.\d+)?$/.test(row.afterDays.trim()) ? { initial_value: row.afterDays.trim() } : {}),
        dispatch_action_config: { trigger_actions_on: ['on_character_entered'] },
      },
    });
  });

  if (rows.length < MAX_STEPS) {
    blocks.push({
      type: 'actions',
      block_id: EDITOR.addEndBlock,
      elements: [{ type: 'button', action_id: EDITOR.addEndAction, text: { type: 'plain_text', text: '＋ Add a step' }, value: 'end' }],
    });
  } else {
    blocks.push({ type: 'context', elements: [mrkdwn(`${MAX_STEPS} steps is the most a schedule can have.`)] });
  }

  return {
    type: 'modal',
    callback_id: EDITOR.callbackId,
    private_metadata: editorMetadata(draft.id, draft.version),
    notify_on_close: true,
    title: { type: 'plain_text', text: 'Edit schedule' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** An external select too: the editor then needs no list of the workspace's assistants on each click. */
function previewFor(model: EditorModel): KnownBlock {
  return {
    type: 'actions',
    block_id: EDITOR.previewBlock,
    elements: [
      {
        type: 'external_select',
        action_id: EDITOR.previewAction,
        placeholder: { type: 'plain_text', text: 'Preview dates for' },
        min_query_length: 0,
        initial_option: model.previewAssistant ? previewOption(model.previewAssistant) : PREVIEW_MYSELF_OPTION,
      },
    ],
  };
}

/** After the editor saves: a short confirmation in place of the editor. */
export function scheduleSavedModal(schedule: { name: string; emailCc: boolean; stepCount: number; totalDays: number; replan: ReplanNotice }): ModalView {
  return doneModal(
    'Schedule saved',
    `:white_check_mark: ${bold(schedule.name)} is saved: ${stepCountLabel(schedule.stepCount, schedule.emailCc)} over ${days(schedule.totalDays)}.\n${replanSentence(schedule.replan)}\nSee it with ${code(`/schedule view ${schedule.name}`)}, or make it an assistant's default with \`/schedule default\`.`,
  );
}

/** What a saved change does to the leads following the schedule: how many active leads it affects. */
export function replanSentence(replan: ReplanNotice): string {
  const { activeLeads, rulesChanged } = replan;
  if (activeLeads === 0) return 'No active lead follows it, so no planned followup changes.';
  if (!rulesChanged) return `Its steps did not change: the ${plural(activeLeads, 'active lead')} following it keep their planned times.`;
  return affectedLeads(activeLeads);
}

/** "This change affects *3 active leads*: …", for any change that replans (a schedule's steps, an assistant's calendar). */
export function affectedLeads(activeLeads: number): string {
  return activeLeads === 1
    ? 'This change affects *1 active lead*: its unsent followups are being planned again from its last sent followup (or its start).'
    : `This change affects *${plural(activeLeads, 'active lead')}*: their unsent followups are being planned again, each from its last sent followup (or its start).`;
}

/** Save refused because someone saved first: who, and when in the viewer's time zone. */
export function conflictText(conflict: { savedByName: string; savedAt: Date; scheduleName: string }, timeZone: string): string {
  const when = format(new TZDate(conflict.savedAt, timeZone), "HH:mm 'on' EEE d MMM");
  return `${conflict.savedByName || 'Someone'} saved “${conflict.scheduleName}” at ${when} (${timeZone}), after you opened this editor. Your changes were not saved: close the editor and open the schedule again to see theirs.`;
}

/** The message select's choices: "Create new…" first, then up to 99 messages. */
export function customMessageOptions(messages: readonly { id: string; name: string; subject: string }[]): Option[] {
  return [
    { text: { type: 'plain_text', text: '➕ Create new custom message…' }, value: NEW_MESSAGE_OPTION },
    ...messages.slice(0, 99).map((m) => ({ text: { type: 'plain_text' as const, text: clip(m.name, 75) }, value: m.id })),
  ];
}

// `/schedule lead import`: the modal (assistant, schedule, Email CC, start, and the CSV as a file
// or pasted), and the one message that shows the import's progress and then its summary.
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { MessageView } from './message.js';
import { bold, clip, escapeMrkdwn, inline, mrkdwn } from './text.js';
import { assistantSelect } from './assistantSelect.js';

export const LEAD_IMPORT = {
  callbackId: 'lead_import',
  assistantBlock: 'lead_import.assistant',
  assistantAction: 'lead_import.assistant_select',
  scheduleBlock: 'lead_import.schedule',
  scheduleAction: 'lead_import.schedule_select',
  emailCcBlock: 'lead_import.email_cc',
  emailCcAction: 'lead_import.email_cc_check',
  emailCcValue: 'email_cc',
  startDateBlock: 'lead_import.start_date',
  startDateAction: 'lead_import.start_date_pick',
  startTimeBlock: 'lead_import.start_time',
  startTimeAction: 'lead_import.start_time_pick',
  fileBlock: 'lead_import.file',
  fileAction: 'lead_import.file_input',
  textBlock: 'lead_import.text',
  textAction: 'lead_import.text_input',
  sharedFileBlock: 'lead_import.shared_file',
} as const;

/** Slack's text input holds at most 3,000 characters. */
export const MAX_PASTED_CSV = 3000;

export interface LeadImportModalModel {
  readonly assistants: readonly { readonly id: string; readonly name: string }[];
  /** A CSV shared in a conversation, named by its link after the command: it replaces the upload and paste inputs. */
  readonly sharedFile?: { readonly id: string; readonly name: string };
}

export interface LeadImportModalMetadata {
  readonly fileId?: string;
  readonly fileName?: string;
}

function option(text: string, value: string): PlainTextOption {
  return { text: { type: 'plain_text', text: clip(text, 75) }, value };
}

export function leadImportModal(model: LeadImportModalModel): ModalView {
  const source: KnownBlock[] = model.sharedFile
    ? [{ type: 'section', block_id: LEAD_IMPORT.sharedFileBlock, text: mrkdwn(`:page_facing_up: Rows from ${bold(model.sharedFile.name, 150)}, the file you linked.`) }]
    : [
        {
          type: 'input',
          block_id: LEAD_IMPORT.fileBlock,
          optional: true,
          label: { type: 'plain_text', text: 'CSV file' },
          hint: { type: 'plain_text', text: 'Up to 10 MB. Or paste the rows below instead.' },
          element: { type: 'file_input', action_id: LEAD_IMPORT.fileAction, filetypes: ['csv', 'txt', 'tsv'], max_files: 1 },
        },
        {
          type: 'input',
          block_id: LEAD_IMPORT.textBlock,
          optional: true,
          label: { type: 'plain_text', text: 'Or paste CSV' },
          hint: { type: 'plain_text', text: `Up to ${MAX_PASTED_CSV.toLocaleString('en-US')} characters; a longer list as a file.` },
          element: {
            type: 'plain_text_input',
            action_id: LEAD_IMPORT.textAction,
            multiline: true,
            max_length: MAX_PASTED_CSV,
            placeholder: { type: 'plain_text', text: 'email,first name,company\nava@example.com,Ava,Acme' },
          },
        },
      ];
  const blocks: KnownBlock[] = [
    // The only assistant is picked already.
    assistantSelect({
      blockId: LEAD_IMPORT.assistantBlock,
      actionId: LEAD_IMPORT.assistantAction,
      assistants: model.assistants,
      pickedId: model.assistants.length === 1 ? model.assistants[0]!.id : null,
      placeholder: 'Who the leads follow up with',
    }),
    {
      type: 'input',
      block_id: LEAD_IMPORT.scheduleBlock,
      optional: true,
      label: { type: 'plain_text', text: 'Schedule' },
      hint: { type: 'plain_text', text: "Leave empty for the assistant's default schedule (its Email CC default when ticked below)." },
      element: {
        type: 'external_select',
        action_id: LEAD_IMPORT.scheduleAction,
        placeholder: { type: 'plain_text', text: 'Type any part of its name' },
        min_query_length: 0,
      },
    },
    {
      type: 'input',
      block_id: LEAD_IMPORT.emailCcBlock,
      optional: true,
      label: { type: 'plain_text', text: 'Email CC' },
      element: {
        type: 'checkboxes',
        action_id: LEAD_IMPORT.emailCcAction,
        options: [option('I sent the first email with the assistant in CC', LEAD_IMPORT.emailCcValue)],
      },
    },
    {
      type: 'input',
      block_id: LEAD_IMPORT.startDateBlock,
      optional: true,
      label: { type: 'plain_text', text: 'Start date' },
      hint: { type: 'plain_text', text: "In the assistant's time zone. Leave the date empty to start now." },
      element: { type: 'datepicker', action_id: LEAD_IMPORT.startDateAction },
    },
    {
      type: 'input',
      block_id: LEAD_IMPORT.startTimeBlock,
      optional: true,
      label: { type: 'plain_text', text: 'Start time' },
      hint: { type: 'plain_text', text: 'With a start date; 09:00 when empty.' },
      element: { type: 'timepicker', action_id: LEAD_IMPORT.startTimeAction },
    },
    ...source,
    {
      type: 'context',
      elements: [
        mrkdwn(
          'The first row names the columns: *email* (required), first name, last name, company, title, phone, industry, tags. Any other column becomes a custom field. Commas or semicolons; quotes as a spreadsheet writes them.',
        ),
      ],
    },
  ];
  return {
    type: 'modal',
    callback_id: LEAD_IMPORT.callbackId,
    ...(model.sharedFile ? { private_metadata: JSON.stringify({ fileId: model.sharedFile.id, fileName: clip(model.sharedFile.name, 1000) } satisfies LeadImportModalMetadata) } : {}),
    title: { type: 'plain_text', text: 'Import leads' },
    submit: { type: 'plain_text', text: 'Import' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

// ─── The progress message ───────────────────────────────────────────────────────────────────────────────────────

export interface ImportMessageModel {
  /** The file's name, or null for pasted text. */
  readonly fileName: string | null;
  readonly assistantName: string;
}

export interface ImportSummaryModel {
  readonly total: number;
  readonly imported: number;
  readonly duplicates: readonly { readonly row: number; readonly email: string }[];
  readonly refused: readonly { readonly row: number; readonly reason: string }[];
}

const n = (count: number): string => count.toLocaleString('en-US');
const rows = (count: number): string => `${n(count)} ${count === 1 ? 'row' : 'rows'}`;

function heading(model: ImportMessageModel): string {
  const what = model.fileName ? bold(model.fileName, 100) : 'pasted rows';
  return `Lead import from ${what} for ${bold(model.assistantName, 80)}`;
}

/** A bar of 20 cells: how far the rows have come. */
function progressBar(done: number, total: number): string {
  const filled = total === 0 ? 20 : Math.floor((done / total) * 20);
  return `${'█'.repeat(filled)}${'░'.repeat(20 - filled)}`;
}

export function importQueuedMessage(model: ImportMessageModel): MessageView {
  const text = `:hourglass_flowing_sand: ${heading(model)}: starting…`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

export function importProgressMessage(model: ImportMessageModel, progress: { readonly done: number; readonly total: number }): MessageView {
  const text = `:hourglass_flowing_sand: ${heading(model)}: ${n(progress.done)} of ${rows(progress.total)} done.`;
  return {
    text,
    blocks: [
      { type: 'section', text: mrkdwn(text) },
      { type: 'context', elements: [mrkdwn(`\`${progressBar(progress.done, progress.total)}\``)] },
    ],
  };
}

export function importFailedMessage(model: ImportMessageModel, reason: string): MessageView {
  const text = `:warning: ${heading(model)}: nothing was imported. ${escapeMrkdwn(reason, 1500)}`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

/** Every try of the job failed (the database or Slack away for long): what is in stays in, a new import finishes it. */
export function importStoppedMessage(model: ImportMessageModel): MessageView {
  const text = `:warning: ${heading(model)}: stopped after several tries, on a problem on our side. The rows imported so far stay in: start \`/schedule lead import\` again with the same rows and they are skipped as duplicates.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

/** Lines of a list, as many as fit in `budget` characters, then "…and N more". */
function clippedList(lines: readonly string[], budget: number): string {
  const shown: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const rest = lines.length - i;
    // Room is kept for the "…and N more" line whenever this is not the last line.
    const reserve = rest > 1 ? 40 : 0;
    if (used + line.length + 1 + reserve > budget) {
      shown.push(`…and ${n(rest)} more`);
      break;
    }
    shown.push(line);
    used += line.length + 1;
  }
  return shown.join('\n');
}

/** Each section's text stays within Slack's 3,000 characters, whatever the list's length. */
const LIST_BUDGET = 2800;

export function importSummaryMessage(model: ImportMessageModel, summary: ImportSummaryModel): MessageView {
  const counts = [
    `*${n(summary.imported)}* imported`,
    `*${n(summary.duplicates.length)}* skipped as duplicates`,
    `*${n(summary.refused.length)}* refused`,
  ].join(' · ');
  const icon = summary.refused.length === 0 ? ':white_check_mark:' : ':large_yellow_circle:';
  const text = `${icon} ${heading(model)}: done. ${rows(summary.total)}: ${counts}.`;
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(text) }];
  if (summary.refused.length > 0) {
    const lines = summary.refused.map((r) => `Row ${n(r.row)}: ${escapeMrkdwn(r.reason, 300)}`);
    blocks.push({ type: 'section', text: mrkdwn(`*Refused* (fix these rows and import them again)\n${clippedList(lines, LIST_BUDGET)}`) });
  }
  if (summary.duplicates.length > 0) {
    const lines = summary.duplicates.map((d) => `Row ${n(d.row)}: ${inline(d.email, 254)}`);
    blocks.push({ type: 'section', text: mrkdwn(`*Skipped as duplicates* (already following a schedule of this assistant, or earlier in the file)\n${clippedList(lines, LIST_BUDGET)}`) });
  }
  return { text: clip(text, 3000), blocks };
}

/** Said in the modal once the import is under way. */
export function importStartedText(): string {
  return ':inbox_tray: The import has started. Its progress, then a summary of every row, is in your messages with Followups.';
}

// The import modal's submission: checks the choices (and pasted rows' header) in the form, records
// the import, posts the one progress message in the user's DM with the app, and starts the job.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import type { WorkspaceRef } from '../../services/domain.js';
import { ValidationError } from '../../services/domain.js';
import type { ImportSource, LeadImport } from '../../services/leadImport/index.js';
import { JOBS } from '../../jobs/index.js';
import { messageModelOf, postImportMessage } from '../../jobs/leadImport.js';
import { LEAD_IMPORT, importStartedText, type LeadImportModalMetadata } from '../../../views/leadImport.js';
import { doneModal } from '../../../views/doneModal.js';
import { actorOf, logFailure, modalErrors, workspaceOf } from '../context.js';
import { answerSubmission } from '../flows/answers.js';
import { enrollOptionsOf } from '../flows/leads.js';
import { inputValue, parseMetadata, selectedValue, selectedValues, type StateValues } from '../viewState.js';

const FIELD_BLOCKS: Record<string, string> = {
  assistantId: LEAD_IMPORT.assistantBlock,
  scheduleId: LEAD_IMPORT.scheduleBlock,
  emailCc: LEAD_IMPORT.emailCcBlock,
  start: LEAD_IMPORT.startDateBlock,
  source: LEAD_IMPORT.fileBlock,
  file: LEAD_IMPORT.fileBlock,
  text: LEAD_IMPORT.textBlock,
};

interface PickedFile {
  readonly id: string;
  readonly name: string;
}

// Slack's state for a file_input: `files`, each a file object. Anyone can send anything: take ids and names only.
function pickedFiles(values: StateValues | undefined): PickedFile[] {
  const raw = (values?.[LEAD_IMPORT.fileBlock]?.[LEAD_IMPORT.fileAction] as { files?: unknown } | undefined)?.files;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((f: { id?: unknown; name?: unknown }) => (typeof f?.id === 'string' && f.id ? [{ id: f.id, name: typeof f.name === 'string' ? f.name : f.id }] : []));
}

function pickedString(values: StateValues | undefined, block: string, action: string, key: 'selected_date' | 'selected_time'): string | null {
  const value = (values?.[block]?.[action] as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' && value ? value : null;
}

/** The rows' source: the file linked after the command, one uploaded file, or pasted text; both or neither is a form error. */
function sourceOf(values: StateValues | undefined, metadata: Partial<LeadImportModalMetadata>): ImportSource {
  if (typeof metadata.fileId === 'string' && metadata.fileId) return { kind: 'file', fileId: metadata.fileId, fileName: typeof metadata.fileName === 'string' ? metadata.fileName : metadata.fileId };
  const files = pickedFiles(values);
  const text = inputValue(values, LEAD_IMPORT.textBlock, LEAD_IMPORT.textAction);
  if (files.length > 0 && text.trim() !== '') throw new ValidationError({ text: 'Upload a file or paste rows, not both.' });
  if (files.length > 1) throw new ValidationError({ file: 'Upload one file per import.' });
  const [file] = files;
  if (file) return { kind: 'file', fileId: file.id, fileName: file.name };
  if (text.trim() === '') throw new ValidationError({ file: 'Upload a CSV file, or paste the rows below.' });
  return { kind: 'text', text };
}

/** After the modal said "started": the progress message, then the job (which posts the message itself if this could not). */
async function startJob(services: Services, logger: Logger, client: Parameters<typeof postImportMessage>[0], ref: WorkspaceRef, userId: string, leadImport: LeadImport): Promise<void> {
  try {
    const message = await postImportMessage(client, userId, await messageModelOf(services, ref, leadImport));
    await services.leadImports.attachMessage(ref, leadImport.id, message);
  } catch (error) {
    logFailure(logger, 'Posting the import message', error);
  }
  await services.jobs.now(JOBS.importLeads, { workspace: ref, importId: leadImport.id });
}

export function register(app: App, services: Services, logger: Logger): void {
  app.view({ callback_id: LEAD_IMPORT.callbackId, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const ref = workspaceOf(body);
    const values = view.state?.values as StateValues | undefined;
    const assistantId = selectedValue(values, LEAD_IMPORT.assistantBlock, LEAD_IMPORT.assistantAction) ?? '';
    const outcome: { started?: { import: LeadImport; created: boolean } } = {};
    await answerSubmission(ack, client, logger, view, 'Starting an import', async () => {
      try {
        const source = sourceOf(values, parseMetadata<LeadImportModalMetadata>(view.private_metadata));
        const actor = await actorOf(client, ref, body.user.id);
        const assistant = assistantId ? await services.assistants.get(ref, assistantId).catch(() => undefined) : undefined;
        // The start is read as the lead add modal reads it: a date and time in the assistant's zone, empty = now.
        const enroll = enrollOptionsOf(
          {
            assistantId,
            scheduleId: selectedValue(values, LEAD_IMPORT.scheduleBlock, LEAD_IMPORT.scheduleAction),
            emailCc: selectedValues(values, LEAD_IMPORT.emailCcBlock, LEAD_IMPORT.emailCcAction).includes(LEAD_IMPORT.emailCcValue),
            startDate: pickedString(values, LEAD_IMPORT.startDateBlock, LEAD_IMPORT.startDateAction, 'selected_date'),
            startTime: pickedString(values, LEAD_IMPORT.startTimeBlock, LEAD_IMPORT.startTimeAction, 'selected_time'),
          },
          assistant,
        );
        outcome.started = await services.leadImports.start(actor, { ...enroll, source, saveId: view.id });
        return { update: doneModal('Import leads', importStartedText()) };
      } catch (error) {
        return { errors: await modalErrors(client, logger, 'Starting an import', error, (field) => FIELD_BLOCKS[field], LEAD_IMPORT.assistantBlock) };
      }
    });
    const { started } = outcome;
    // A repeated submission found the import the first one started: that one has its message and job.
    if (!started?.created) return;
    await startJob(services, logger, client, ref, body.user.id, started.import).catch((error: unknown) => logFailure(logger, 'Starting an import job', error));
  });
}

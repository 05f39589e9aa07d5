// Lead imports: a CSV's rows enrolled with an assistant, in chunks, by whichever worker runs the
// import job (see src/jobs/leadImport.ts). Slack-free: reading a shared file and showing progress
// are the caller's (`ImportIo`).
//
// Safe to run twice, at once or after a crash: the file parses to the same rows every time, so
// chunk k is always the same rows; a worker claims a chunk by inserting `<import>:<k>` (unique
// `_id`; FerretDB v1 has no atomic findAndModify), enrolls its leads through the lead service
// (one enrollment document per lead, a unique slot per assistant and lead: a row is in or not,
// never half), then records the chunk's outcome. A claim left by a crashed worker is taken over
// once stale; rows it had enrolled come back as duplicates, as the issue asks.
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Clock } from '../../clock.js';
import { isDuplicateKeyError, parseObjectId, type Models } from '../../db/models.js';
import type { LeadImportChunkDoc, LeadImportDoc, LeadImportDuplicateDoc, LeadImportRefusalDoc, LeadImportState } from '../../db/leadImportModels.js';
import { assertMayActOnLeads, DomainError, ValidationError, workspaceKey, type Actor, type WorkspaceRef } from '../domain.js';
import { validateLead, type EnrollOptions, type LeadService } from '../leads/index.js';
import { parseLeadCsv as parseCsv, type CsvRow, type ParsedCsv } from './csv.js';

export { type CsvRow, type CsvLead, type ParsedCsv } from './csv.js';

/** A lead CSV read with the lead schema's rule for custom field names (checked once, on the header). */
export function parseLeadCsv(text: string): ParsedCsv {
  return parseCsv(text, {
    customFieldProblem: (name) => {
      const checked = validateLead({ email: 'header@example.com', custom: { [name]: 'x' } });
      return checked.ok ? null : (Object.values(checked.errors)[0] ?? null);
    },
  });
}

/** Rows enrolled per lead-service call, and per claim. */
export const CHUNK_ROWS = 500;
/** A claim this old without an outcome was left by a crashed worker (a chunk takes a few seconds). */
export const STALE_CHUNK_MS = 30_000;
/** Slack's text input holds at most 3,000 characters: a longer list comes as a file. */
export const MAX_PASTED_CHARS = 3000;
/** Slack's file_input takes files up to 10 MB; a larger CSV is refused before it is read. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** The lead service as imports use it: bulk enrollment with one result per lead, and the enrollment check. */
export type LeadEnroller = Pick<LeadService, 'addLeads' | 'preview'>;

export type ImportSource = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'file'; readonly fileId: string; readonly fileName: string };

export interface StartImport extends EnrollOptions {
  readonly source: ImportSource;
  /** The submitting modal: the same submission twice starts one import. */
  readonly saveId: string;
}

export interface LeadImport {
  readonly id: string;
  readonly workspace: WorkspaceRef;
  readonly createdBy: string;
  readonly assistantId: string;
  readonly scheduleId: string | null;
  readonly emailCc: boolean;
  readonly start: Date | null;
  readonly source: { readonly kind: 'text' | 'file'; readonly fileId?: string; readonly fileName?: string };
  readonly message: { readonly channel: string; readonly ts: string } | null;
  readonly total: number | null;
  readonly state: LeadImportState;
  readonly failure: string | null;
}

export interface ImportSummary {
  readonly total: number;
  readonly imported: number;
  /** Rows whose email already follows a schedule of the assistant, or came earlier in the file. */
  readonly duplicates: readonly LeadImportDuplicateDoc[];
  readonly refused: readonly LeadImportRefusalDoc[];
}

/** What the one progress message shows, in order: running (rows done of total), then done or failed. */
export type ImportReport =
  | { readonly state: 'running'; readonly done: number; readonly total: number }
  | { readonly state: 'done'; readonly summary: ImportSummary }
  | { readonly state: 'failed'; readonly reason: string };

/** What a run needs from outside: the shared file's text, and a place to show progress. */
export interface ImportIo {
  /** The file's text; throws ImportSourceError when it cannot be had (deleted, not shared with the app, too large). */
  readFile(fileId: string): Promise<string>;
  report(report: ImportReport): Promise<void>;
  /** Called between chunks: the job extends its lock. */
  heartbeat?(): Promise<void>;
}

/** The file cannot be read, and trying again will not help: the import fails with this sentence. */
export class ImportSourceError extends Error {
  override name = 'ImportSourceError';
}

export interface LeadImportService {
  /**
   * Checks the assistant, schedule and start (and pasted text's header), then records the import.
   * `created` is false for a repeated submission, which gets the import the first one started.
   */
  start(actor: Actor, input: StartImport): Promise<{ import: LeadImport; created: boolean }>;
  attachMessage(ref: WorkspaceRef, id: string, message: { channel: string; ts: string }): Promise<void>;
  get(ref: WorkspaceRef, id: string): Promise<LeadImport>;
  /** Imports every row not yet imported, reporting progress; safe to call again, and from two workers at once. */
  run(ref: WorkspaceRef, id: string, io: ImportIo): Promise<ImportReport>;
}

function toImport(doc: LeadImportDoc, ref: WorkspaceRef): LeadImport {
  return {
    id: String(doc._id),
    workspace: ref,
    createdBy: doc.createdBy,
    assistantId: doc.assistantId,
    scheduleId: doc.scheduleId,
    emailCc: doc.emailCc,
    start: doc.start,
    source: { kind: doc.source.kind, ...(doc.source.fileId ? { fileId: doc.source.fileId } : {}), ...(doc.source.fileName ? { fileName: doc.source.fileName } : {}) },
    message: doc.message?.channel && doc.message.ts ? { channel: doc.message.channel, ts: doc.message.ts } : null,
    total: doc.total,
    state: doc.state,
    failure: doc.failure,
  };
}

/** The reason a lead-service refusal gives for a row: its first field sentence. */
function refusalReason(errors: Readonly<Record<string, string>>): string {
  const [field, sentence] = Object.entries(errors)[0] ?? ['lead', 'refused'];
  return field === 'lead' || field === 'email' ? sentence : `${field}: ${sentence}`;
}

export function createLeadImportService(models: Models, clock: Clock, leads: LeadEnroller): LeadImportService {
  const { LeadImport, LeadImportChunk } = models;

  async function load(ref: WorkspaceRef, id: string): Promise<LeadImportDoc> {
    const oid = parseObjectId(id);
    const doc = oid ? await LeadImport.findOne({ _id: oid, workspace: workspaceKey(ref) }).lean<LeadImportDoc>() : null;
    if (!doc) throw new DomainError('not_found', 'This import no longer exists.');
    return doc;
  }

  function actorOf(doc: LeadImportDoc, ref: WorkspaceRef): Actor {
    return { workspace: ref, userId: doc.createdBy, name: doc.createdByName, isAdmin: false };
  }

  function enrollOf(doc: LeadImportDoc): EnrollOptions {
    return { assistantId: doc.assistantId, scheduleId: doc.scheduleId, emailCc: doc.emailCc, start: doc.start };
  }

  /** Claims chunk `index`: true when this worker is to do it, false when it is done or someone is on it. */
  async function claim(doc: LeadImportDoc, index: number, token: string): Promise<boolean> {
    const _id = `${String(doc._id)}:${index}`;
    for (;;) {
      try {
        await LeadImportChunk.create({ _id, importId: doc._id, workspace: doc.workspace, token, claimedAt: clock.now(), doneAt: null });
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const held = await LeadImportChunk.findById(_id, { token: 1, claimedAt: 1, doneAt: 1 }).lean<Pick<LeadImportChunkDoc, 'token' | 'claimedAt' | 'doneAt'>>();
      if (!held) continue; // released meanwhile: claim it
      if (held.doneAt || clock.now().getTime() - held.claimedAt.getTime() <= STALE_CHUNK_MS) return false;
      // Left by a crashed worker: remove that claim (only that one) and claim it anew.
      await LeadImportChunk.deleteOne({ _id, token: held.token, doneAt: null });
    }
  }

  async function processChunk(doc: LeadImportDoc, ref: WorkspaceRef, rows: readonly CsvRow[]): Promise<Omit<LeadImportChunkDoc, '_id' | 'importId' | 'workspace' | 'token' | 'claimedAt' | 'doneAt'>> {
    const duplicates: LeadImportDuplicateDoc[] = [];
    const refused: LeadImportRefusalDoc[] = [];
    const toAdd: { row: number; email: string; lead: unknown }[] = [];
    for (const row of rows) {
      if (row.kind === 'refused') refused.push({ row: row.row, reason: row.reason });
      else if (row.kind === 'duplicate') duplicates.push({ row: row.row, email: row.email });
      else toAdd.push({ row: row.row, email: row.lead.email, lead: row.lead });
    }
    let imported = 0;
    if (toAdd.length > 0) {
      const results = await leads.addLeads(actorOf(doc, ref), enrollOf(doc), toAdd.map((r) => r.lead));
      results.forEach((result, i) => {
        const { row, email } = toAdd[i]!;
        if (result.ok) imported += 1;
        else if (result.reason === 'duplicate') duplicates.push({ row, email });
        else refused.push({ row, reason: refusalReason(result.errors) });
      });
    }
    return { rows: rows.length, imported, duplicates: duplicates.sort((a, b) => a.row - b.row), refused: refused.sort((a, b) => a.row - b.row) };
  }

  async function summaryOf(doc: LeadImportDoc, total: number): Promise<ImportSummary> {
    const chunks = await LeadImportChunk.find({ importId: doc._id }).lean<LeadImportChunkDoc[]>();
    const done = chunks.filter((c) => c.doneAt);
    return {
      total,
      imported: done.reduce((sum, c) => sum + c.imported, 0),
      duplicates: done.flatMap((c) => c.duplicates).sort((a, b) => a.row - b.row),
      refused: done.flatMap((c) => c.refused).sort((a, b) => a.row - b.row),
    };
  }

  async function rowsDone(doc: LeadImportDoc): Promise<number> {
    const chunks = await LeadImportChunk.find({ importId: doc._id, doneAt: { $ne: null } }, { rows: 1 }).lean<Pick<LeadImportChunkDoc, 'rows'>[]>();
    return chunks.reduce((sum, c) => sum + c.rows, 0);
  }

  async function fail(doc: LeadImportDoc, reason: string): Promise<ImportReport> {
    await LeadImport.updateOne({ _id: doc._id }, { $set: { state: 'failed', failure: reason, finishedAt: clock.now() } });
    return { state: 'failed', reason };
  }

  async function readRows(doc: LeadImportDoc, io: ImportIo): Promise<{ rows: readonly CsvRow[] } | { failure: string }> {
    let text: string;
    try {
      text = doc.source.kind === 'text' ? (doc.source.text ?? '') : await io.readFile(doc.source.fileId ?? '');
    } catch (error) {
      if (error instanceof ImportSourceError) return { failure: error.message };
      throw error; // a network failure: the job tries again later
    }
    const parsed = parseLeadCsv(text);
    return parsed.ok ? { rows: parsed.rows } : { failure: parsed.error };
  }

  return {
    async start(actor, input) {
      assertMayActOnLeads(actor);
      const workspace = workspaceKey(actor.workspace);
      const existing = await LeadImport.findOne({ workspace, saveId: input.saveId }).lean<LeadImportDoc>();
      if (existing) return { import: toImport(existing, actor.workspace), created: false };
      const enroll: EnrollOptions = { assistantId: input.assistantId, scheduleId: input.scheduleId ?? null, emailCc: input.emailCc ?? false, start: input.start ?? null };
      // The assistant, schedule and start apply to every row: refuse them here, in the form, not row by row.
      await leads.preview(actor.workspace, enroll);
      if (input.source.kind === 'text') {
        if (input.source.text.trim() === '') throw new ValidationError({ source: 'Paste the CSV, or upload it as a file.' });
        if (input.source.text.length > MAX_PASTED_CHARS) throw new ValidationError({ text: `Paste at most ${MAX_PASTED_CHARS} characters; upload a longer list as a file.` });
        const parsed = parseLeadCsv(input.source.text);
        if (!parsed.ok) throw new ValidationError({ text: parsed.error });
        if (parsed.rows.length === 0) throw new ValidationError({ text: 'There are no leads under the header: one lead per row, after the row that names the columns.' });
      }
      const source = input.source.kind === 'text' ? { kind: 'text' as const, text: input.source.text } : { kind: 'file' as const, fileId: input.source.fileId, fileName: input.source.fileName };
      try {
        const doc = await LeadImport.create({
          _id: new Types.ObjectId(),
          workspace,
          createdBy: actor.userId,
          createdByName: actor.name,
          saveId: input.saveId,
          assistantId: enroll.assistantId,
          scheduleId: enroll.scheduleId ?? null,
          emailCc: enroll.emailCc ?? false,
          start: enroll.start ?? null,
          source,
          message: null,
          total: null,
          state: 'queued',
          failure: null,
          finishedAt: null,
        });
        return { import: toImport(doc.toObject(), actor.workspace), created: true };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // The same submission, a moment earlier, on another process.
        const first = await LeadImport.findOne({ workspace, saveId: input.saveId }).lean<LeadImportDoc>();
        if (!first) throw error;
        return { import: toImport(first, actor.workspace), created: false };
      }
    },

    async attachMessage(ref, id, message) {
      const doc = await load(ref, id);
      await LeadImport.updateOne({ _id: doc._id, message: null }, { $set: { message } });
    },

    async get(ref, id) {
      return toImport(await load(ref, id), ref);
    },

    async run(ref, id, io) {
      let doc = await load(ref, id);
      if (doc.state === 'failed') return { state: 'failed', reason: doc.failure ?? 'The import failed.' };
      const read = await readRows(doc, io);
      if ('failure' in read) return fail(doc, read.failure);
      const { rows } = read;
      if (doc.state !== 'done') {
        await LeadImport.updateOne({ _id: doc._id }, { $set: { state: 'running', total: rows.length } });
        doc = { ...doc, state: 'running', total: rows.length };
      }
      const chunkCount = Math.ceil(rows.length / CHUNK_ROWS);
      const token = randomUUID();
      // Until every chunk is done: do the ones no one holds, then wait for (or take over) the rest.
      for (;;) {
        let pending = 0;
        for (let index = 0; index < chunkCount; index++) {
          if (!(await claim(doc, index, token))) {
            const held = await LeadImportChunk.findById(`${id}:${index}`, { doneAt: 1 }).lean<Pick<LeadImportChunkDoc, 'doneAt'>>();
            if (!held?.doneAt) pending += 1;
            continue;
          }
          const _id = `${id}:${index}`;
          try {
            const outcome = await processChunk(doc, ref, rows.slice(index * CHUNK_ROWS, (index + 1) * CHUNK_ROWS));
            await LeadImportChunk.updateOne({ _id, token }, { $set: { ...outcome, doneAt: clock.now() } });
          } catch (error) {
            // Let the next try (this job's retry, or another worker) claim it at once.
            await LeadImportChunk.deleteOne({ _id, token, doneAt: null }).catch(() => {});
            throw error;
          }
          await io.heartbeat?.();
          await io.report({ state: 'running', done: await rowsDone(doc), total: rows.length });
        }
        if (pending === 0) break;
        // Another worker holds a chunk: wait for it to finish, or to go stale (then it is taken over above).
        await io.heartbeat?.();
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const summary = await summaryOf(doc, rows.length);
      if (doc.state !== 'done') await LeadImport.updateOne({ _id: doc._id }, { $set: { state: 'done', finishedAt: clock.now() } });
      return { state: 'done', summary };
    },
  };
}

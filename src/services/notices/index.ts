// Notices (issue #10): the dispatcher and the reply webhook record what happened to a followup;
// the posting job (src/jobs/notices.ts) shows it in the assistant's channel. Stored first, so a
// notice Slack could not take stays here and is tried again. The collection is also the delivery
// log App Home reads (today's sends, held followups, failures per assistant).
import type { Clock } from '../../clock.js';
import { bulkUpdate, isDuplicateKeyError, type Models } from '../../db/models.js';
import { runOnce } from '../migrations.js';
import { insertSkippingDuplicates } from '../leads/index.js';
import { noticeSlot, type NoticeDoc } from '../../db/noticeModels.js';
import { DomainError, workspaceKey, workspaceRefOf, type WorkspaceRef } from '../domain.js';
import type { JobQueue } from '../jobQueue.js';
import { NOTICE_KINDS, type NoticeInput, type NoticeSink } from './types.js';
import { KICK_EVERY_MS, createNoticePoster, noticeLeaseId, waitingKey, type NoticePoster } from './posting.js';

export * from './types.js';
export { OutletError, UNREACHABLE_ERRORS, type NoticeOutlet, type NoticeLine, type NoticeMessageModel, type DigestModel, type ChannelProblem, type PostRun } from './posting.js';

/** The Agenda job that posts an assistant's waiting notices (src/jobs/notices.ts). */
export const POST_NOTICES_JOB = 'notices.post';

export interface PostNoticesRequest extends Record<string, unknown> {
  readonly workspace: WorkspaceRef;
  readonly assistantId: string;
}

/** The key a notice is unique by: one per enrollment, step and kind (in its workspace). */
export function noticeKey(input: Pick<NoticeInput, 'workspace' | 'enrollmentId' | 'step' | 'kind'>): string {
  return `${workspaceKey(input.workspace)}|${input.enrollmentId}:${input.step}:${input.kind}`;
}

/** "Jamie Rivera (Acme)"; the email when the lead has no name. */
export function noticeLeadLabel(lead: NoticeInput['lead']): string {
  const name = lead.name.trim() || lead.email;
  return lead.company.trim() ? `${name} (${lead.company.trim()})` : name;
}

/** Gives notices recorded before `waitingFor` that still wait their key, so the posting job finds them (safe to run twice). */
export async function migrateNoticesWaiting(models: Models, clock: Clock): Promise<number> {
  return runOnce(
    models,
    clock,
    'noticeWaitingFor.v1',
    async () => {
      const docs = await models.Notice.find({ postedAt: null }, { workspace: 1, assistantId: 1 }).lean<Pick<NoticeDoc, '_id' | 'workspace' | 'assistantId'>[]>();
      return bulkUpdate(
        models.Notice,
        docs.map((d) => ({ updateOne: { filter: { _id: d._id, postedAt: null }, update: { $set: { waitingFor: waitingKey(d.workspace, d.assistantId) } } } })),
      );
    },
    0,
  );
}

export interface NoticeService extends NoticeSink, NoticePoster {
  /** Queues a run posting the assistant's waiting notices, unless one is running or queued already (the sweep). */
  startPosting(request: PostNoticesRequest): Promise<void>;
  /** The notice, or null when the workspace has none with that id. */
  get(ref: WorkspaceRef, id: string): Promise<NoticeDoc | null>;
  /**
   * A button changed a notice that is a line of a digest: the assistant's posting run redraws the
   * digest, so the line shows what was done as a notice of its own does. Nothing for a notice that is its own message.
   */
  redrawDigestOf(notice: Pick<NoticeDoc, 'workspace' | 'assistantId' | 'digestId'>): Promise<void>;
}

export function createNoticeService(models: Models, clock: Clock, jobs: JobQueue & { isBound(): boolean }): NoticeService {
  const { Notice, NoticeSlot, Lock } = models;

  /**
   * Queues the posting job for the assistant unless a run holds its lease (it looks again once it
   * drained) or a run is queued already (one job document per assistant, `JobQueue.once`). In a 100,000
   * burst, a run queued per kick piled up past a thousand job documents, and Agenda, which reads every
   * queued job to lock one (FerretDB v1 pushes none of that down), took the database's every cycle:
   * sending stopped. A lease left by a dead worker: the sweep starts a run within a minute.
   */
  async function startPosting(request: PostNoticesRequest): Promise<void> {
    const workspace = workspaceKey(request.workspace);
    if (await Lock.exists({ _id: noticeLeaseId(workspace, request.assistantId) })) return;
    await jobs.once(POST_NOTICES_JOB, request, `${POST_NOTICES_JOB}|${waitingKey(workspace, request.assistantId)}`);
  }

  /**
   * After a record: starts posting, at most once a second per assistant (a burst of records asks a
   * few times, not once each). Wall time: a test's fixed clock would make every later record look
   * like the same second.
   */
  async function kick(request: PostNoticesRequest): Promise<void> {
    if (!jobs.isBound()) return;
    try {
      await NoticeSlot.create(noticeSlot(`kick|${workspaceKey(request.workspace)}|${request.assistantId}|${Math.floor(Date.now() / KICK_EVERY_MS)}`));
    } catch (error) {
      if (isDuplicateKeyError(error)) return;
      throw error;
    }
    await startPosting(request);
  }

  /** The stored notice of a record, checked (a kind and step from a caller's bug are refused, not stored). */
  function noticeDoc(input: NoticeInput) {
    if (!(NOTICE_KINDS as readonly string[]).includes(input.kind)) throw new DomainError('invalid', `Unknown notice kind “${input.kind}”.`);
    if (!Number.isInteger(input.step) || input.step < 1) throw new DomainError('invalid', `A notice’s step is a whole number from 1 (got ${input.step}).`);
    return {
      key: noticeKey(input),
      workspace: workspaceKey(input.workspace),
      teamId: input.workspace.teamId,
      enterpriseId: input.workspace.enterpriseId ?? null,
      assistantId: input.assistantId,
      enrollmentId: input.enrollmentId,
      leadId: input.leadId,
      kind: input.kind,
      step: input.step,
      totalSteps: input.totalSteps,
      lead: { name: input.lead.name, company: input.lead.company, email: input.lead.email },
      leadLabel: noticeLeadLabel(input.lead),
      subject: input.subject,
      preview: input.preview,
      detail: input.detail,
      nextPlannedAt: input.nextPlannedAt,
      at: input.at,
      waitingFor: waitingKey(workspaceKey(input.workspace), input.assistantId),
    };
  }

  const poster = createNoticePoster(models, clock);
  return {
    ...poster,
    startPosting,
    async redrawDigestOf(notice) {
      if (!(await poster.requestDigestRedraw(notice))) return;
      await kick({ workspace: workspaceRefOf(notice.workspace), assistantId: notice.assistantId });
    },
    async record(input) {
      try {
        await Notice.create(noticeDoc(input));
      } catch (error) {
        // Recorded already (a send retried, a webhook delivered twice): one notice. It may still be waiting to be posted.
        if (!isDuplicateKeyError(error)) throw error;
      }
      // A failed start is not the notice's loss: the sweep (src/jobs/notices.ts) posts what is waiting.
      await kick({ workspace: input.workspace, assistantId: input.assistantId }).catch(() => {});
    },
    async recordAll(inputs) {
      if (!inputs.length) return;
      // One unordered insert; the ones recorded already are refused by the unique key, as in `record`.
      await insertSkippingDuplicates(Notice, inputs.map(noticeDoc));
      const assistants = new Map(inputs.map((input) => [`${workspaceKey(input.workspace)}|${input.assistantId}`, { workspace: input.workspace, assistantId: input.assistantId }]));
      for (const request of assistants.values()) await kick(request).catch(() => {});
    },
    async get(ref, id) {
      if (!/^[0-9a-f]{24}$/i.test(id)) return null;
      return Notice.findOne({ _id: id, workspace: workspaceKey(ref) }).lean<NoticeDoc>();
    },
  };
}

// Notices (issue #10): the dispatcher and the reply webhook record what happened to a followup;
// the posting job (src/jobs/notices.ts) shows it in the assistant's channel. Stored first, so a
// notice Slack could not take stays here and is tried again. The collection is also the delivery
// log App Home reads (today's sends, held followups, failures per assistant).
import type { Clock } from '../../clock.js';
import { isDuplicateKeyError, type Models } from '../../db/models.js';
import type { NoticeDoc } from '../../db/noticeModels.js';
import { DomainError, workspaceKey, type WorkspaceRef } from '../domain.js';
import type { JobQueue } from '../jobQueue.js';
import { NOTICE_KINDS, type NoticeInput, type NoticeSink } from './types.js';
import { KICK_EVERY_MS, createNoticePoster, noticeLeaseId, type NoticePoster } from './posting.js';

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

export interface NoticeService extends NoticeSink, NoticePoster {
  /** The notice, or null when the workspace has none with that id. */
  get(ref: WorkspaceRef, id: string): Promise<NoticeDoc | null>;
}

export function createNoticeService(models: Models, clock: Clock, jobs: JobQueue & { isBound(): boolean }): NoticeService {
  const { Notice, NoticeSlot, Lock } = models;

  /**
   * Starts the posting job for the assistant, at most once a second per assistant (a burst of records
   * starts a few jobs, not one each; a run looks again after its second is over, see postWaiting).
   * Wall time: a test's fixed clock would make every later record look like the same second.
   */
  async function kick(request: PostNoticesRequest): Promise<void> {
    if (!jobs.isBound()) return;
    try {
      await NoticeSlot.create({ _id: `kick|${workspaceKey(request.workspace)}|${request.assistantId}|${Math.floor(Date.now() / KICK_EVERY_MS)}`, at: new Date() });
    } catch (error) {
      if (isDuplicateKeyError(error)) return;
      throw error;
    }
    // A run posting this assistant's notices looks again once it drained, after this record: no second
    // run (in a burst, runs queued behind long ones piled up, and Agenda reads every queued job to pick one).
    // A lease left by a dead worker: the sweep starts a run within a minute.
    if (await Lock.exists({ _id: noticeLeaseId(workspaceKey(request.workspace), request.assistantId) })) return;
    await jobs.now(POST_NOTICES_JOB, request);
  }

  return {
    ...createNoticePoster(models, clock),
    async record(input) {
      if (!(NOTICE_KINDS as readonly string[]).includes(input.kind)) throw new DomainError('invalid', `Unknown notice kind “${input.kind}”.`);
      if (!Number.isInteger(input.step) || input.step < 1) throw new DomainError('invalid', `A notice’s step is a whole number from 1 (got ${input.step}).`);
      try {
        await Notice.create({
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
        });
      } catch (error) {
        // Recorded already (a send retried, a webhook delivered twice): one notice. It may still be waiting to be posted.
        if (!isDuplicateKeyError(error)) throw error;
      }
      // A failed start is not the notice's loss: the sweep (src/jobs/notices.ts) posts what is waiting.
      await kick({ workspace: input.workspace, assistantId: input.assistantId }).catch(() => {});
    },
    async get(ref, id) {
      if (!/^[0-9a-f]{24}$/i.test(id)) return null;
      return Notice.findOne({ _id: id, workspace: workspaceKey(ref) }).lean<NoticeDoc>();
    },
  };
}

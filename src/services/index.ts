// The services the listeners and jobs call. Plain TypeScript: no Slack in here.
import type { Connection } from 'mongoose';
import { systemClock, type Clock } from '../clock.js';
import { createModels, ensureIndexes, type Models } from '../db/models.js';
import { createApiTokenService, type ApiTokenService } from './apiTokens.js';
import { createAssistantService, type AssistantService } from './assistants.js';
import { createCustomMessageService, type CustomMessageService } from './customMessages.js';
import { createDraftService, type DraftService } from './drafts.js';
import { createScheduleService, type ScheduleService } from './schedules.js';
import { migrateNameKeys } from './names.js';
import { migrateToOwnEmailStep } from './emailCc.js';
import { runOnce } from './migrations.js';
import { migrateAfterHundredths } from './steps.js';
import { createLeadService, type LeadService } from './leads/index.js';
import { migrateToScheduleSummaries } from './scheduleSummaries.js';
import { createReplanService, type ReplanService } from './replans.js';
import { createRequestClaimService, type RequestClaimService } from './requestClaims.js';
import { createWorkspaceService, type WorkspaceService } from './workspaces.js';
import { createInstallationService, type InstallationService } from './installations.js';
import { createJobQueue, type BindableJobQueue } from './jobQueue.js';
import { createLeadImportService, type LeadImportService } from './leadImport/index.js';
import { createUnsubscribeService, migrateUnsubscribeTokens, type UnsubscribeService } from './unsubscribes.js';
import { createNoticeService, migrateNoticesWaiting, type NoticeService } from './notices/index.js';
import { createNoticeActionService, type NoticeActionService } from './notices/actions.js';
import { createReplyService, type ReplyService } from './replies.js';
import { createDeliveryOverviewService, type DeliveryOverviewService } from './deliveryOverview.js';
import type { Config } from '../config.js';
import { createMailer } from './delivery/mailer.js';
import { createDeliveryPurge, type DeliveryPurge } from './delivery/purge.js';
import { createDeliveryService, DEFAULT_CLAIM_TIMEOUT_MS, migrateDueHours, type DeliveryService, type Mailer, type RenderInput, type RenderResult } from './delivery/index.js';
import { renderFollowup } from './delivery/render.js';
import { createWorkspaceDataService, type WorkspaceDataService } from './workspaceDataRequests.js';

export interface Services {
  readonly clock: Clock;
  readonly models: Models;
  readonly workspaces: WorkspaceService;
  readonly schedules: ScheduleService;
  readonly customMessages: CustomMessageService;
  readonly assistants: AssistantService;
  readonly drafts: DraftService;
  readonly requestClaims: RequestClaimService;
  readonly leads: LeadService;
  readonly apiTokens: ApiTokenService;
  readonly installations: InstallationService;
  readonly leadImports: LeadImportService;
  /** Jobs a request starts (bound to Agenda once jobs run). */
  readonly jobs: BindableJobQueue;
  readonly replans: ReplanService;
  /** What delivery tells the team in Slack, and the delivery log (issue #10). */
  readonly notices: NoticeService;
  /** A notice's buttons: Stop, Mark replied, Pause, Resume. */
  readonly noticeActions: NoticeActionService;
  /** Sends followup emails: SMTP when SMTP_URL is set, else the outbox collection. Closed when the runtime stops. */
  readonly mailer: Mailer;
  /** The unsubscribe link's pages (a lead stops their own followups). */
  readonly unsubscribes: UnsubscribeService;
  /** A lead's email reply (POST /hooks/reply) stops their followups with that assistant. */
  readonly replies: ReplyService;
  /** App Home's delivery section: per assistant, today's sends, what is due next, held followups, failures. */
  readonly deliveryOverview: DeliveryOverviewService;
  /** Sends due followups (the dispatcher job), each exactly once. */
  readonly delivery: DeliveryService;
  /** Deletes send claims, daily send slots and notice posting slots once they can no longer matter (the purge job). */
  readonly deliveryPurge: DeliveryPurge;
  /** A workspace's data as a whole: export it, delete it (admins). */
  readonly workspaceData: WorkspaceDataService;
}

/** How this process sends email: what the config says (unset: no SMTP server, emails go to the outbox); tests may give their own mailer or renderer. */
export interface DeliveryOptions extends Partial<Pick<Config['delivery'], 'smtpUrl' | 'publicUrl' | 'claimTimeoutMs'>> {
  readonly mailer?: Mailer;
  readonly render?: (input: RenderInput) => RenderResult;
}

export interface ServiceOptions {
  readonly delivery?: DeliveryOptions;
}

export async function createServices(connection: Connection, clock: Clock, options: ServiceOptions = {}): Promise<Services> {
  const models = createModels(connection, clock);
  await ensureIndexes(models);
  await migrateNameKeys(models, clock);
  // Reads are put through the Email CC rule too, so data an older process writes mid-deploy stays right.
  await runOnce(models, clock, 'ownEmailStep.v1', () => migrateToOwnEmailStep(models), 0);
  // Float after days become integer hundredths; steps an older process writes mid-deploy are read through the same conversion.
  await runOnce(models, clock, 'afterHundredths.v1', () => migrateAfterHundredths(models), 0);
  // After the migrations above, which change schedules without writing their summaries.
  await migrateToScheduleSummaries(models, clock);
  await migrateUnsubscribeTokens(models, clock);
  await migrateDueHours(models, clock);
  await migrateNoticesWaiting(models, clock);
  const jobs = createJobQueue();
  const replans = createReplanService(models, clock, jobs);
  const schedules = createScheduleService(models, clock, replans);
  const customMessages = createCustomMessageService(models, clock);
  const assistants = createAssistantService(models, clock, replans);
  const leads = createLeadService(models, clock);
  const notices = createNoticeService(models, clock, jobs);
  const delivery = options.delivery ?? {};
  const mailer = delivery.mailer ?? createMailer({ delivery: delivery.smtpUrl ? { smtpUrl: delivery.smtpUrl } : {} }, models, clock);
  const workspaces = createWorkspaceService(models, clock);
  return {
    clock,
    models,
    workspaces,
    schedules,
    customMessages,
    assistants,
    drafts: createDraftService(models, clock, { schedules, customMessages, assistants }),
    requestClaims: createRequestClaimService(models),
    leads,
    apiTokens: createApiTokenService(models, clock),
    installations: createInstallationService(models, clock, leads),
    leadImports: createLeadImportService(models, clock, leads),
    jobs,
    replans,
    notices,
    noticeActions: createNoticeActionService(models, clock, leads, notices),
    mailer,
    unsubscribes: createUnsubscribeService({ models, clock, leads, notices }),
    replies: createReplyService({ models, clock, leads, notices }),
    delivery: createDeliveryService(models, clock, {
      leads,
      notices: () => notices,
      mailer: () => mailer,
      render: delivery.render ?? renderFollowup,
      publicUrl: delivery.publicUrl ?? 'http://localhost:3000',
      ...(delivery.claimTimeoutMs ? { claimTimeoutMs: delivery.claimTimeoutMs } : {}),
    }),
    workspaceData: createWorkspaceDataService(models, clock, workspaces, jobs),
    deliveryOverview: createDeliveryOverviewService(models, clock),
    deliveryPurge: createDeliveryPurge(models, clock, { claimTimeoutMs: delivery.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS, wallClock: systemClock }),
  };
}

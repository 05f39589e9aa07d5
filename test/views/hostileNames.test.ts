// Every message and view the app shows, rendered with hostile names, descriptions, subjects and typed
// words: none of them may bring a link, mention, formatting, code span or quote to life, and every
// one must stay within Slack's limits. Each render is compared with the same render for a harmless
// text of the same length: user text may add no markup of its own.
import { readdirSync } from 'node:fs';
import { previewSteps, type PreviewStepInput, type StepPreview } from '../../src/services/stepPreview.js';
import { OWN_EMAIL } from '../../src/services/domain.js';
import type { EditorModel } from '../../src/services/drafts.js';
import { LIMITS, validateMessageBlocks, validateView } from '../support/fakeSlack.js';
import { foreignSequences, liveMarkup, mrkdwnTexts } from '../support/mrkdwn.js';
import { deleteWorkspaceDataModal, deletionDoneMessage, deletionStartedModal, exportPreparingMessage, exportStartedMessage, exportUndeliverableMessage } from '../../views/workspaceData.js';
import { inline } from '../../views/text.js';
import { apiTokenCreatedMessage, apiTokenListMessage, apiTokenNotFoundMessage, apiTokenRevokedMessage } from '../../views/apiTokens.js';
import { assistantListMessage } from '../../views/assistantList.js';
import { assistantModal, assistantSavedMessage, regionOption, timeZoneOption } from '../../views/assistantModal.js';
import { assistantSelect } from '../../views/assistantSelect.js';
import { cloneModal, scheduleOptions } from '../../views/cloneModal.js';
import { customMessageListMessage } from '../../views/customMessageList.js';
import { customMessageModal, customMessageSavedMessage } from '../../views/customMessageModal.js';
import { defaultsModal, defaultsSavedMessage } from '../../views/defaultsModal.js';
import { deleteConfirmMessage, scheduleDeletedMessage, scheduleKeptMessage } from '../../views/deleteConfirm.js';
import { doneModal } from '../../views/doneModal.js';
import { followupBlocks } from '../../views/followupText.js';
import { helpMessage } from '../../views/help.js';
import { homeView } from '../../views/home.js';
import { homeDeliveryBlocks } from '../../views/homeDelivery.js';
import { notice, refusalText, type MessageView } from '../../views/message.js';
import { messagePreviewModal } from '../../views/messagePreviewModal.js';
import { assistantNotFoundMessage, customMessageNotFoundMessage, scheduleNotFoundMessage } from '../../views/notFound.js';
import { renameModal, scheduleRenamedModal } from '../../views/renameModal.js';
import { scheduleDetailsMessage } from '../../views/scheduleDetails.js';
import { customMessageOptions, previewForOptions, scheduleEditorModal, scheduleSavedModal, stepTypeOptions } from '../../views/scheduleEditor.js';
import { scheduleListMessage } from '../../views/scheduleList.js';
import { loadingModal, messageModal, savingModal } from '../../views/progressModals.js';
import { importFailedMessage, importProgressMessage, importQueuedMessage, importStoppedMessage, importSummaryMessage, leadImportModal } from '../../views/leadImport.js';
import { SUBCOMMANDS } from '../../src/listeners/commands/parseScheduleCommand.js';
import { leadAddModal, leadAddedText } from '../../views/leadAddModal.js';
import { leadChangedText, leadDetailsMessage, leadListMessage, leadNotFoundMessage, leadStopModal, type EnrollmentView } from '../../views/leadMessages.js';
import type { Enrollment, LeadDetails } from '../../src/services/leads/index.js';
import { channelProblemMessage, digestMessage, leadFieldsModal, noticeMessage } from '../../views/sendNotice.js';
import type { NoticeLine } from '../../src/services/notices/index.js';
import { NOTICE_KINDS } from '../../src/services/notices/types.js';

const LONG = 5000;

/** Names people (or attackers) have given things. */
export const HOSTILE: readonly string[] = [
  '<https://evil.example|Ava>',
  '<!here>',
  '<!channel> urgent',
  '<!everyone>',
  '<@U123> said so',
  '<#C123>',
  '<!subteam^S123|@sales>',
  '<!date^1392734382^{date}|Feb 18>',
  'Q4 `push` plan',
  'back`tick',
  '```block```',
  '*bold* name',
  '_italic_ name',
  '~struck~ name',
  '＊wide＊ and ＿wide＿',
  'a *b* c_d_ e~f~',
  '&lt;@U123&gt; &amp; &',
  'Recommended\u200b',
  '\u202eevil\u202c name',
  'zero\u200bwidth\u200d*joiner*',
  ':tada: :white_check_mark: party',
  '> quoted\n> again',
  'line one\nline two\n>three',
  'New_York {{first_name|there}}',
  '{owner} $& $1',
  'https://evil.example @here #general',
  'A'.repeat(LONG),
  '<!here>'.repeat(Math.ceil(LONG / 7)),
  '*_~`'.repeat(LONG / 4),
  '&'.repeat(LONG),
  '😀'.repeat(LONG / 2),
];

/** The same length and lines, with nothing Slack could read as markup. */
function harmless(text: string): string {
  return text.replace(/[^\n]/gu, (ch) => (/[\p{L}\p{N} ]/u.test(ch) ? ch : 'x'.repeat(ch.length)));
}

const OWNER = 'UOWNER1';
const CHANNEL = 'CSALES1';
const NOW = new Date('2026-04-06T09:00:00Z');

/** Steps as the service previews them: a custom message named `name`, a tone, one with no valid after days. */
function steps(name: string, emailCc = false): StepPreview[] {
  const rows: PreviewStepInput[] = [
    ...(emailCc ? [{ type: OWN_EMAIL, customMessageId: null, afterDays: 0 } as const] : []),
    { type: 'custom' as const, customMessageId: 'm1', afterDays: 0 },
    { type: 'Gentle' as const, customMessageId: null, afterDays: 5 },
    { type: 'custom' as const, customMessageId: null, afterDays: null },
  ];
  return previewSteps(rows, { messages: new Map([['m1', { name, subject: name }]]), start: NOW, rules: { timeZone: 'Europe/Berlin', offDays: [6, 0] } });
}

function editorModel(name: string, emailCc = false): EditorModel {
  const previewed = steps(name, emailCc);
  const draft = {
    id: '64b000000000000000000001',
    userId: OWNER,
    scheduleId: '64b000000000000000000002',
    baseVersion: 1,
    emailCc,
    name,
    description: name,
    rows: previewed.map((step, i) => ({
      key: `r${i + 1}`,
      rev: 0,
      type: step.type,
      customMessageId: step.message?.id ?? null,
      afterDays: step.afterDays === null ? name : String(step.afterDays),
    })),
    viewerTimeZone: 'America/New_York',
    previewAssistantId: 'a1',
    version: 3,
  };
  return {
    draft,
    steps: previewed,
    totalDays: null,
    previewAssistant: { id: 'a1', name },
    datesFor: {
      assistantName: name,
      start: NOW,
      timeZone: 'Europe/Berlin',
      offDays: [6, 0],
      rules: { timeZone: 'Europe/Berlin', offDays: [6, 0], businessHours: { open: '09:00', close: '17:00' }, holidays: { country: name, region: name }, extraOffDates: [name] },
    },
  };
}

/** A notice of `kind` whose every lead field, subject, first lines and detail are `name`. */
function noticeLine(name: string, kind: NoticeLine['kind'], i: number): NoticeLine {
  return {
    id: `65f00000000000000000${String(i).padStart(4, '0')}`,
    kind,
    step: 2,
    totalSteps: 7,
    lead: { name, company: name, email: name },
    leadLabel: name,
    leadId: 'l1',
    subject: name,
    preview: `${name}\n${name}`,
    detail: name,
    nextPlannedAt: i % 2 ? NOW : null,
    at: NOW,
    action: null,
  };
}

/** A lead whose every field (and history entry) is `name`, following a schedule with a sent, a planned and a stopped enrollment. */
function leadModel(name: string): { lead: LeadDetails; views: EnrollmentView[] } {
  const followups = [
    { step: 1, type: 'Candid' as const, customMessageId: null, plannedAt: NOW, sentAt: NOW, outcome: name },
    { step: 2, type: 'custom' as const, customMessageId: 'm1', plannedAt: NOW, sentAt: null, outcome: null },
  ];
  const history = Array.from({ length: 12 }, () => ({ at: NOW, by: OWNER, byName: name, action: 'stopped' as const, reason: name }));
  const enrollment = (state: Enrollment['state'], i: number): Enrollment => ({
    id: `e${i}`,
    leadId: 'l1',
    threadSubject: i === 0 ? name : null,
    email: name,
    assistantId: 'a1',
    scheduleId: 's1',
    emailCc: i % 2 === 0,
    start: NOW,
    state,
    stopReason: state === 'stopped' ? 'not_interested' : null,
    pausedAt: null,
    followups,
    nextDueAt: NOW,
    history,
    version: 2,
    createdAt: NOW,
  });
  const enrollments = (['active', 'paused', 'stopped', 'completed', 'stopped', 'stopped'] as const).map(enrollment);
  const lead: LeadDetails = {
    id: 'l1',
    email: name,
    firstName: name,
    lastName: name,
    company: name,
    title: name,
    phone: name,
    industry: name,
    tags: [name, name],
    custom: Array.from({ length: 30 }, () => ({ name, value: name })),
    createdAt: NOW,
    updatedAt: NOW,
    enrollment: enrollments[0]!,
    enrollments,
  };
  const views = enrollments.map((e, i) => ({ enrollment: e, assistantName: i === 1 ? null : name, scheduleName: i === 2 ? null : name, timeZone: 'Asia/Kolkata' }));
  return { lead, views };
}

type Option = { readonly text: { readonly text: string }; readonly value?: string };
type Rendered = { kind: 'modal' | 'home'; view: unknown } | { kind: 'message'; message: MessageView } | { kind: 'options'; options: readonly Option[] };

/** Every view builder with every user-written text set to `name`, keyed by the file it lives in. */
function renders(name: string): Record<string, Record<string, Rendered>> {
  const modal = (view: unknown): Rendered => ({ kind: 'modal', view });
  const message = (m: MessageView): Rendered => ({ kind: 'message', message: m });
  const schedule = { id: 's1', name, description: name, system: false, emailCc: true, stepCount: 3, totalDays: 4, createdBy: OWNER, defaultFor: [name, name, name, name, name, name] };
  const deliveryLine = { leadId: 'l1', lead: name, step: 2, totalSteps: 7, at: NOW, detail: name };
  const delivery = {
    assistants: Array.from({ length: 12 }, () => ({
      name,
      timeZone: 'America/Argentina/ComodRivadavia',
      overview: {
        assistantId: 'a1',
        sentToday: 1200,
        notDeliveredToday: 3,
        recentSends: Array(3).fill(deliveryLine),
        dueNext: Array(5).fill(deliveryLine),
        moreDue: true,
        held: Array(5).fill(deliveryLine),
        failures: Array.from({ length: 5 }, () => ({ ...deliveryLine, kind: 'bounced' as const })),
      },
    })),
    more: 2,
  };
  return {
    'apiTokens.ts': {
      created: message(apiTokenCreatedMessage({ label: name, token: `fut_${'A'.repeat(43)}` })),
      list: message(apiTokenListMessage(Array.from({ length: 12 }, (_, i) => ({ label: name, createdBy: OWNER, createdAt: NOW, lastUsedAt: i % 2 ? NOW : null })), 'America/Los_Angeles')),
      revoked: message(apiTokenRevokedMessage(name)),
      notFound: message(apiTokenNotFoundMessage(name)),
    },
    'assistantList.ts': {
      list: message(
        assistantListMessage([
          {
            id: 'a1',
            name,
            timeZone: name,
            offDays: [6, 0],
            businessHours: { open: '09:00', close: '17:00' },
            holidays: name,
            extraOffDates: [name, name],
            dailyLimit: 100,
            senderName: name,
            senderEmail: name,
            owner: OWNER,
            notificationChannel: CHANNEL,
            defaultSchedule: name,
            defaultEmailCcSchedule: null,
          },
          {
            id: 'a2',
            name,
            timeZone: 'UTC',
            offDays: [],
            businessHours: { open: '09:00', close: '17:00' },
            holidays: null,
            extraOffDates: [],
            dailyLimit: 10_000,
            senderName: name,
            senderEmail: null,
            owner: name,
            notificationChannel: name,
            defaultSchedule: null,
            defaultEmailCcSchedule: name,
          },
        ]),
      ),
    },
    'assistantModal.ts': {
      edit: modal(
        assistantModal({
          name,
          senderName: name,
          senderEmail: 'ava@example.com',
          signature: name,
          notificationChannel: CHANNEL,
          timeZone: { zone: 'Europe/Berlin', label: name },
          businessHours: { open: '09:00', close: '17:00' },
          offDays: [6, 0],
          countries: [
            { code: 'DE', name },
            { code: 'US', name: 'United States' },
          ],
          holidayCountry: { code: 'DE', name },
          holidayRegion: { code: 'BY', name },
          extraOffDates: name,
          dailyLimit: 100,
          owner: OWNER,
          metadata: { assistantId: 'a1' },
        }),
      ),
      regionOption: { kind: 'options', options: [regionOption('DE', { code: 'BY', name })] },
      timeZoneOption: { kind: 'options', options: [timeZoneOption({ zone: 'Europe/Berlin', label: name })] },
      added: message(assistantSavedMessage({ added: true, name, timeZone: name, offDays: [6, 0], notificationChannel: name, defaultScheduleName: name })),
      saved: message(assistantSavedMessage({ added: false, name, timeZone: 'UTC', offDays: [], notificationChannel: CHANNEL, defaultScheduleName: null })),
    },
    'assistantSelect.ts': {
      // 150 assistants, the picked one past the first 100: it stays among Slack's 100 options.
      select: modal({
        type: 'modal',
        title: { type: 'plain_text', text: 'Pick' },
        submit: { type: 'plain_text', text: 'Save' },
        blocks: [
          assistantSelect({ blockId: 'a', actionId: 'a.select', assistants: Array.from({ length: 150 }, (_, i) => ({ id: `a${i}`, name })), pickedId: 'a140', placeholder: 'Pick an assistant', dispatch: true }),
        ],
      }),
    },
    'cloneModal.ts': {
      source: modal(cloneModal({ source: { id: 's1', name, description: name } })),
      notFound: modal(cloneModal({ notFound: { typed: name, closeMatches: [name, name] } })),
      notFoundNoMatch: modal(cloneModal({ notFound: { typed: name, closeMatches: [] } })),
      options: { kind: 'options', options: scheduleOptions([{ id: 's1', name, system: true }]) },
    },
    'customMessageList.ts': {
      list: message(customMessageListMessage([{ id: 'm1', name, subject: name, body: name, createdBy: OWNER, usedBy: Array(12).fill(name) }])),
    },
    'customMessageModal.ts': {
      edit: modal(customMessageModal({ message: { name, subject: name, body: name }, metadata: { messageId: 'm1' } })),
      saved: message(customMessageSavedMessage(name, true)),
    },
    'defaultsModal.ts': {
      modal: modal(
        defaultsModal({
          assistants: [{ id: 'a1', name }],
          selected: { id: 'a1', schedule: { id: 's1', name, system: false }, emailCcSchedule: { id: 's2', name, system: true } },
          notFound: name,
          metadata: {},
        }),
      ),
      saved: message(defaultsSavedMessage({ userId: OWNER, assistantName: name, scheduleName: name, emailCcScheduleName: name })),
    },
    'deleteConfirm.ts': {
      confirm: message(deleteConfirmMessage({ id: 's1', name, stepCount: 3 })),
      deleted: message(scheduleDeletedMessage(name)),
      kept: message(scheduleKeptMessage(name)),
    },
    'doneModal.ts': { done: modal(doneModal(name, `Done: ${refusalText(name, {})}`)) },
    'followupText.ts': {
      written: message({ text: 'Followup', blocks: followupBlocks({ ok: true, followup: { subject: name, text: name, html: '' } }, inline(name), name) }),
      held: message({ text: 'Followup', blocks: followupBlocks({ ok: false, missing: [name, name, name, name] }, inline(name), null) }),
    },
    'help.ts': { unknownWord: message(helpMessage({ subcommands: SUBCOMMANDS, unknownWord: name })) },
    'home.ts': {
      home: { kind: 'home', view: homeView({ schedules: Array(40).fill(schedule), assistantCount: 2, commands: SUBCOMMANDS }) },
      // Everything at once: the resume offer, 40 schedules and the most delivery it shows.
      full: { kind: 'home', view: homeView({ schedules: Array(40).fill(schedule), assistantCount: 14, commands: SUBCOMMANDS, pausedByUninstall: 3, delivery }) },
    },
    'homeDelivery.ts': {
      delivery: { kind: 'home', view: { type: 'home', blocks: homeDeliveryBlocks(delivery) } },
    },
    'leadAddModal.ts': {
      preview: modal(
        leadAddModal({
          assistants: Array.from({ length: 120 }, (_, i) => ({ id: `a${i}`, name })),
          assistantId: 'a110',
          emailCc: true,
          schedule: { id: 's1', name, system: false },
          timeZone: 'Asia/Kolkata',
          preview: { timeZone: 'Asia/Kolkata', assistantName: name, start: NOW, startIsNow: false, emailCc: true, followups: leadModel(name).lead.enrollments[0]!.followups },
          metadata: { responseUrl: 'https://hooks.slack.com/commands/T1/1/x' },
        }),
      ),
      problem: modal(leadAddModal({ assistants: [{ id: 'a1', name }], assistantId: 'a1', emailCc: false, schedule: null, timeZone: null, preview: { problem: name }, metadata: {} })),
      added: message(notice(leadAddedText({ label: name, email: name, assistantName: name, scheduleName: name, timeZone: 'Asia/Kolkata', first: NOW }))),
    },
    'sendNotice.ts': {
      ...Object.fromEntries(NOTICE_KINDS.map((kind, i) => [kind, message(noticeMessage({ assistantName: name, notice: noticeLine(name, kind, i) }))])),
      acted: message(noticeMessage({ assistantName: name, notice: { ...noticeLine(name, 'sent', 9), action: { what: 'stopped', by: OWNER, byName: name, at: NOW } } })),
      digest: message(digestMessage({ assistantName: name, lines: Array.from({ length: 45 }, (_, i) => noticeLine(name, NOTICE_KINDS[i % NOTICE_KINDS.length]!, i)) })),
      channelProblem: message(channelProblemMessage({ assistantName: name, channel: CHANNEL, error: 'not_in_channel' })),
      fields: modal(leadFieldsModal({ noticeId: 'n1', leadLabel: name, missing: ['firstName', 'custom.deal_size'], values: { firstName: name, company: name }, custom: { deal_size: name, plan: name } })),
    },
    'leadMessages.ts': {
      details: message(leadDetailsMessage(leadModel(name).lead, leadModel(name).views)),
      detailsNext: message(leadDetailsMessage(leadModel(name).lead, leadModel(name).views, { step: 2, rendered: { ok: true, followup: { subject: name, text: name, html: '' } } })),
      detailsHeld: message(leadDetailsMessage(leadModel(name).lead, leadModel(name).views, { step: 20, rendered: { ok: false, missing: [name, name, name, name] } })),
      detailsDeleted: message(leadDetailsMessage(leadModel(name).lead, leadModel(name).views, { step: 3, rendered: null })),
      notFound: message(leadNotFoundMessage(name)),
      list: message(
        leadListMessage({
          page: { shown: leadModel(name).views.map((v) => ({ ...v, lead: { firstName: name, lastName: name, email: name, company: name } })), current: 3, hasNext: true, total: null },
          perPage: 10,
          filter: { assistantId: '64b000000000000000000001', assistantName: name, state: 'paused' },
        }),
      ),
      empty: message(leadListMessage({ page: { shown: [], current: 0, hasNext: false, total: 0 }, perPage: 10, filter: { assistantId: null, assistantName: name, state: null } })),
      stop: modal(leadStopModal({ firstName: name, lastName: name, email: name }, { leadId: 'l1', responseUrl: 'https://hooks.slack.com/commands/T1/1/x' })),
      resumed: message(notice(leadChangedText('Resumed', { firstName: name, lastName: name, email: name }, leadModel(name).views))),
    },
    'leadTimes.ts': {},
    'leadImport.ts': {
      modal: modal(leadImportModal({ assistants: Array.from({ length: 120 }, (_, i) => ({ id: `a${i}`, name })) })),
      sharedFile: modal(leadImportModal({ assistants: [{ id: 'a1', name }], sharedFile: { id: 'F0ABC123', name } })),
      queued: message(importQueuedMessage({ fileName: name, assistantName: name })),
      progress: message(importProgressMessage({ fileName: null, assistantName: name }, { done: 500, total: 10_000 })),
      failed: message(importFailedMessage({ fileName: name, assistantName: name }, `The file “${name}” is gone.`)),
      stopped: message(importStoppedMessage({ fileName: name, assistantName: name })),
      summary: message(
        importSummaryMessage(
          { fileName: name, assistantName: name },
          {
            total: 10_000,
            imported: 4_000,
            duplicates: Array.from({ length: 3_000 }, (_, i) => ({ row: i + 2, email: name })),
            refused: Array.from({ length: 3_000 }, (_, i) => ({ row: i + 3_002, reason: `malformed email “${name}”` })),
          },
        ),
      ),
    },
    'message.ts': {
      forbidden: message(notice(refusalText(`Only {owner}, who created “${name}”, or a workspace admin or owner can change it.`, { ownerId: OWNER }))),
      inUse: message(notice(refusalText(`“${name}” is the default schedule of ${name}.`, { defaultFor: [name] }))),
      forgedOwner: message(notice(refusalText('Only {owner} can change it.', { ownerId: name }))),
    },
    'messagePreviewModal.ts': {
      custom: modal(messagePreviewModal({ stepNumber: 1, threadSubject: null, message: { customMessageName: name }, followup: { ok: true, followup: { subject: name, text: name, html: '' } }, sampleLead: { fullName: name, company: name } })),
      tone: modal(messagePreviewModal({ stepNumber: 20, threadSubject: name, message: { tone: 'Gentle' }, followup: { ok: true, followup: { subject: '', text: '', html: '' } }, sampleLead: { fullName: name, company: name } })),
      held: modal(messagePreviewModal({ stepNumber: 3, threadSubject: null, message: { customMessageName: name }, followup: { ok: false, missing: [name, name, name, name, name, name] }, sampleLead: { fullName: name, company: name } })),
      none: modal(messagePreviewModal({ stepNumber: 2, threadSubject: null, message: null, followup: null, sampleLead: { fullName: name, company: name } })),
    },
    'notFound.ts': {
      schedule: message(scheduleNotFoundMessage(name, Array(25).fill(name))),
      customMessage: message(customMessageNotFoundMessage(name, [name])),
      assistant: message(assistantNotFoundMessage(name, [], Array(30).fill(name))),
      noAssistant: message(assistantNotFoundMessage(name, [], [])),
    },
    'progressModals.ts': {
      loading: modal(loadingModal(name)),
      saving: modal(savingModal(name)),
      notFound: modal(messageModal(name, scheduleNotFoundMessage(name, [name]))),
    },
    'renameModal.ts': { rename: modal(renameModal({ id: 's1', name })), renamed: modal(scheduleRenamedModal(name)) },
    'scheduleDetails.ts': {
      details: message(
        scheduleDetailsMessage({ name, description: name, system: false, emailCc: false, createdBy: OWNER, totalDays: 4, steps: steps(name), datesFor: { assistantName: null, start: NOW, timeZone: 'Asia/Kolkata', offDays: [6, 0] } }),
      ),
      emailCc: message(
        scheduleDetailsMessage({ name, description: name, system: true, emailCc: true, createdBy: OWNER, totalDays: 5, steps: steps(name, true), datesFor: { assistantName: null, start: NOW, timeZone: 'Europe/Berlin', offDays: [6, 0] } }),
      ),
    },
    'scheduleEditor.ts': {
      editor: modal(scheduleEditorModal(editorModel(name))),
      editorEmailCc: modal(scheduleEditorModal(editorModel(name, true))),
      saved: modal(scheduleSavedModal({ name, emailCc: false, stepCount: 3, totalDays: 4, replan: { activeLeads: 3, rulesChanged: true } })),
      messageOptions: { kind: 'options', options: customMessageOptions([{ id: 'm1', name, subject: name }]) },
      typeOptions: { kind: 'options', options: stepTypeOptions(name) },
      previewOptions: { kind: 'options', options: previewForOptions([{ id: 'a1', name }]) },
    },
    'scheduleList.ts': { list: message(scheduleListMessage({ shown: Array.from({ length: 15 }, (_, i) => ({ ...schedule, id: `s${i}` })), current: 0, hasNext: true, total: null })) },
    // Helpers every builder above goes through.
    'message.ts#notice': {},
    'paging.ts': {},
    // Plain text for a modal's field errors (response_action errors): never read as mrkdwn.
    'savedMeanwhile.ts': {},
    'stepLabels.ts': {},
    'text.ts': {},
    // No user text in these; rendered so Slack's limits are checked.
    'workspaceData.ts': {
      confirm: modal(deleteWorkspaceDataModal()),
      started: modal(deletionStartedModal()),
      done: message(deletionDoneMessage()),
      exportStarted: message(exportStartedMessage()),
      exportPreparing: message(exportPreparingMessage()),
      exportUndeliverable: message(exportUndeliverableMessage(name)),
    },
  };
}

function problems(rendered: Rendered): string[] {
  switch (rendered.kind) {
    case 'modal':
    case 'home':
      return validateView(rendered.view, { expectedType: rendered.kind });
    case 'message':
      return [
        ...validateMessageBlocks(rendered.message.blocks),
        ...(rendered.message.text.length > LIMITS.messageText ? [`the message's text has ${rendered.message.text.length} characters`] : []),
      ];
    case 'options':
      // What an options load (block_suggestion) may answer.
      return rendered.options.flatMap((o, i) =>
        o.text.text.length > LIMITS.optionText || !o.text.text ? [`option ${i} has ${o.text.text.length} characters`] : (o.value ?? '').length > LIMITS.optionValue ? [`option ${i}'s value is too long`] : [],
      );
  }
}

function body(rendered: Rendered): unknown {
  switch (rendered.kind) {
    case 'modal':
    case 'home':
      return rendered.view;
    case 'message':
      return rendered.message;
    case 'options':
      return rendered.options;
  }
}

test('every file in views/ is rendered here', () => {
  const covered = new Set(Object.keys(renders('x')).map((key) => key.split('#')[0]));
  expect(readdirSync(new URL('../../views/', import.meta.url)).filter((f) => f.endsWith('.ts')).sort()).toEqual([...covered].sort());
});

describe.each(HOSTILE.map((name) => [JSON.stringify(name.length > 60 ? `${name.slice(0, 40)}… (${name.length})` : name), name]))('a name like %s', (_label, name) => {
  const hostile = renders(name);
  const plain = renders(harmless(name));

  test('brings no link, mention, formatting, code span or quote to life anywhere', () => {
    const failures: string[] = [];
    for (const [file, cases] of Object.entries(hostile)) {
      for (const [label, rendered] of Object.entries(cases)) {
        const texts = mrkdwnTexts(body(rendered));
        const reference = new Map(mrkdwnTexts(body(plain[file]![label]!)).map((t) => [t.path, t.text]));
        for (const { path, text, verbatim } of texts) {
          const where = `${file} ${label} ${path}`;
          if (!verbatim) failures.push(`${where}: mrkdwn without verbatim, so Slack links bare URLs, @here and #channels`);
          const expected = reference.get(path);
          if (expected === undefined) failures.push(`${where}: not there for a harmless name`);
          else if (JSON.stringify(liveMarkup(text)) !== JSON.stringify(liveMarkup(expected))) {
            failures.push(`${where}: markup ${JSON.stringify(liveMarkup(text))} instead of ${JSON.stringify(liveMarkup(expected))} in ${JSON.stringify(text.slice(0, 300))}`);
          }
          for (const sequence of foreignSequences(text)) failures.push(`${where}: live ${sequence}`);
          if (/[\u202a-\u202e\u2066-\u2069]/.test(text)) failures.push(`${where}: a bidi control reorders the text around it`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  test('stays within Slack’s limits', () => {
    const failures = Object.entries(hostile).flatMap(([file, cases]) =>
      Object.entries(cases).flatMap(([label, rendered]) => problems(rendered).map((p) => `${file} ${label}: ${p}`)),
    );
    expect(failures).toEqual([]);
  });
});

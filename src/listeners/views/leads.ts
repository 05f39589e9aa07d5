// Add a lead and Stop a lead submissions.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { ValidationError } from '../../services/domain.js';
import { STOP_REASONS, leadLabel, type StopReason } from '../../services/leads/index.js';
import { LEAD_ADD, leadAddedText, type LeadAddMetadata } from '../../../views/leadAddModal.js';
import { LEAD_STOP, leadChangedText, type LeadStopMetadata } from '../../../views/leadMessages.js';
import { notice } from '../../../views/message.js';
import { actorOf, logFailure, modalErrors, postToResponseUrl, workspaceOf } from '../context.js';
import { answerSubmission } from '../flows/answers.js';
import { currentFirst, enrollOptionsOf, enrollmentViews, leadAddBlockFor, leadAddPicks, leadFromForm } from '../flows/leads.js';
import { blockIdWithPrefix, inputValue, parseMetadata, selectedValue, type StateValues } from '../viewState.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.view({ callback_id: LEAD_ADD.callbackId, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const ref = workspaceOf(body);
    const metadata = parseMetadata<LeadAddMetadata>(view.private_metadata);
    const values = view.state?.values as StateValues | undefined;
    const scheduleBlock = blockIdWithPrefix(view.blocks, LEAD_ADD.scheduleBlockPrefix) ?? LEAD_ADD.assistantBlock;
    const blockFor = (field: string) => leadAddBlockFor(field, scheduleBlock);
    const outcome: { confirmation?: string } = {};
    await answerSubmission(ack, client, logger, view, 'Adding a lead', async () => {
      try {
        const form = leadFromForm(values);
        if ('errors' in form) throw new ValidationError(form.errors);
        const picks = leadAddPicks(values, view.blocks);
        // A schedule picked in a block drawn for another assistant or box (submitted before the update came) reads as
        // none: the assistant's default for what the form says now.
        const assistant = picks.assistantId ? await services.assistants.get(ref, picks.assistantId).catch(() => undefined) : undefined;
        const enroll = enrollOptionsOf(picks, assistant);
        const actor = await actorOf(client, ref, body.user.id);
        const [result] = await services.leads.addLeads(actor, enroll, [form.lead]);
        if (!result) throw new Error('addLeads returned no result');
        if (!result.ok) throw new ValidationError(result.errors);
        const lead = await services.leads.get(ref, result.leadId);
        const enrollment = lead.enrollments.find((e) => e.id === result.enrollmentId)!;
        const [shown] = await enrollmentViews(services, ref, [enrollment]);
        outcome.confirmation = leadAddedText({
          label: leadLabel(lead),
          email: lead.email,
          assistantName: shown?.assistantName ?? '',
          scheduleName: shown?.scheduleName ?? '',
          timeZone: shown?.timeZone ?? 'UTC',
          first: enrollment.nextDueAt,
        });
        return { done: outcome.confirmation };
      } catch (error) {
        return { errors: await modalErrors(client, logger, 'Adding a lead', error, blockFor, LEAD_ADD.emailBlock) };
      }
    });
    if (!outcome.confirmation || !metadata.responseUrl) return;
    await postToResponseUrl(metadata.responseUrl, notice(outcome.confirmation)).catch((error: unknown) => logFailure(logger, 'After adding a lead', error));
  });

  app.view({ callback_id: LEAD_STOP.callbackId, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const ref = workspaceOf(body);
    const metadata = parseMetadata<LeadStopMetadata>(view.private_metadata);
    const values = view.state?.values as StateValues | undefined;
    const reason = selectedValue(values, LEAD_STOP.reasonBlock, LEAD_STOP.reasonAction);
    const note = inputValue(values, LEAD_STOP.noteBlock, LEAD_STOP.noteAction);
    const outcome: { confirmation?: string } = {};
    await answerSubmission(ack, client, logger, view, 'Stopping a lead', async () => {
      try {
        if (!reason || !(STOP_REASONS as readonly string[]).includes(reason)) throw new ValidationError({ reason: 'Pick why the followups stop.' });
        const actor = await actorOf(client, ref, body.user.id);
        const stopped = await services.leads.stop(actor, typeof metadata.leadId === 'string' ? metadata.leadId : '', reason as StopReason, { note });
        outcome.confirmation = leadChangedText('Stopped', stopped, await enrollmentViews(services, ref, currentFirst(stopped)));
        return { done: outcome.confirmation };
      } catch (error) {
        return { errors: await modalErrors(client, logger, 'Stopping a lead', error, (field) => (field === 'note' ? LEAD_STOP.noteBlock : LEAD_STOP.reasonBlock), LEAD_STOP.reasonBlock) };
      }
    });
    if (!outcome.confirmation || !metadata.responseUrl) return;
    await postToResponseUrl(metadata.responseUrl, notice(outcome.confirmation)).catch((error: unknown) => logFailure(logger, 'After stopping a lead', error));
  });
}

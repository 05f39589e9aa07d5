// Add / edit assistant and Make default submissions.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import type { Assistant } from '../../services/assistants.js';
import type { ReplanNotice } from '../../services/replans.js';
import { ASSISTANT, assistantBlockFor, assistantReplanSentence, assistantSavedMessage, type AssistantModalMetadata } from '../../../views/assistantModal.js';
import { DEFAULTS, defaultsSavedMessage, type DefaultsModalMetadata } from '../../../views/defaultsModal.js';
import { actorOf, logFailure, modalErrors, postToResponseUrl, workspaceOf } from '../context.js';
import { answerSubmission } from '../flows/answers.js';
import { channelMembershipVia, settingsFromModal } from '../flows/assistants.js';
import { bold } from '../../../views/text.js';
import { blockIdWithPrefix, parseMetadata, versionedSave, selectedValue, type StateValues } from '../viewState.js';


export function register(app: App, services: Services, logger: Logger): void {
  app.view({ callback_id: ASSISTANT.callbackId, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const ref = workspaceOf(body);
    const metadata = parseMetadata<AssistantModalMetadata>(view.private_metadata);
    const values = view.state?.values as StateValues | undefined;
    const regionBlock = blockIdWithPrefix(view.blocks, ASSISTANT.regionBlockPrefix) ?? ASSISTANT.countryBlock;
    const settings = settingsFromModal(values, regionBlock, metadata);
    const outcome: { saved?: Assistant; replan?: ReplanNotice } = {};
    await answerSubmission(ack, client, logger, view, 'Saving an assistant', async () => {
      let timeZone: string | undefined;
      try {
        const actor = await actorOf(client, ref, body.user.id);
        timeZone = actor.timeZone;
        const channels = channelMembershipVia(client);
        const updated = metadata.assistantId ? await services.assistants.updateSettings(actor, metadata.assistantId, settings, { channels, ...versionedSave(metadata.version, view.id) }) : null;
        const saved = updated ? updated.assistant : await services.assistants.createSettings(actor, settings, { channels, saveId: view.id });
        outcome.saved = await services.assistants.get(ref, saved.id);
        if (updated) outcome.replan = updated.replan;
        const replan = updated ? assistantReplanSentence(updated.replan) : '';
        return { done: `:white_check_mark: Assistant ${bold(outcome.saved.name)} is saved.${replan ? `\n${replan}` : ''}` };
      } catch (error) {
        return { errors: await modalErrors(client, logger, 'Saving an assistant', error, (field) => assistantBlockFor(field, regionBlock), ASSISTANT.nameBlock, timeZone) };
      }
    });
    const { saved } = outcome;
    if (!saved || !metadata.responseUrl) return;
    try {
      const startsOn = saved.defaultScheduleId ? await services.schedules.get(ref, saved.defaultScheduleId).catch(() => null) : null;
      await postToResponseUrl(metadata.responseUrl, assistantSavedMessage({ ...saved, added: !metadata.assistantId, defaultScheduleName: startsOn?.name ?? null, ...(outcome.replan ? { replan: outcome.replan } : {}) }));
    } catch (error) {
      logFailure(logger, 'After saving an assistant', error);
    }
  });

  app.view({ callback_id: DEFAULTS.callbackId, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const ref = workspaceOf(body);
    const metadata = parseMetadata<DefaultsModalMetadata>(view.private_metadata);
    const values = view.state?.values as StateValues | undefined;
    // The schedule inputs' block ids carry the assistant they were rendered for: read whichever the view has.
    const scheduleBlock = blockIdWithPrefix(view.blocks, DEFAULTS.scheduleBlockPrefix) ?? DEFAULTS.assistantBlock;
    const emailCcBlock = blockIdWithPrefix(view.blocks, DEFAULTS.emailCcBlockPrefix) ?? DEFAULTS.assistantBlock;
    const assistantId = selectedValue(values, DEFAULTS.assistantBlock, DEFAULTS.assistantAction);
    if (!assistantId) {
      await ack({ response_action: 'errors', errors: { [DEFAULTS.assistantBlock]: 'Pick the assistant.' } });
      return;
    }
    const defaults = {
      scheduleId: selectedValue(values, scheduleBlock, DEFAULTS.scheduleAction) ?? '',
      emailCcScheduleId: selectedValue(values, emailCcBlock, DEFAULTS.emailCcAction) ?? '',
    };
    const outcome: { saved?: Assistant } = {};
    await answerSubmission(ack, client, logger, view, 'Saving defaults', async () => {
      try {
        const actor = await actorOf(client, ref, body.user.id);
        outcome.saved = await services.assistants.setDefaults(actor, assistantId, defaults);
        return { done: `:white_check_mark: The default schedules of ${bold(outcome.saved.name)} are saved.` };
      } catch (error) {
        const blockFor = (field: string) => (field === 'schedule' ? scheduleBlock : field === 'emailCcSchedule' ? emailCcBlock : undefined);
        return { errors: await modalErrors(client, logger, 'Saving defaults', error, blockFor, DEFAULTS.assistantBlock) };
      }
    });
    const { saved } = outcome;
    if (!saved || !metadata.responseUrl) return;
    try {
      const [schedule, emailCc] = await Promise.all([services.schedules.get(ref, defaults.scheduleId), services.schedules.get(ref, defaults.emailCcScheduleId)]);
      // In the conversation, for everyone.
      await postToResponseUrl(
        metadata.responseUrl,
        defaultsSavedMessage({ userId: body.user.id, assistantName: saved.name, scheduleName: schedule.name, emailCcScheduleName: emailCc.name }),
        false,
        'in_channel',
      );
    } catch (error) {
      logFailure(logger, 'After saving defaults', error);
    }
  });
}

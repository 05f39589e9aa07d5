// Clone (then straight into the editor for the copy) and Rename submissions.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { CLONE } from '../../../views/cloneModal.js';
import { RENAME, scheduleRenamedModal } from '../../../views/renameModal.js';
import { scheduleEditorModal } from '../../../views/scheduleEditor.js';
import { actorOf, modalErrors, workspaceOf } from '../context.js';
import { answerSubmission } from '../flows/answers.js';
import { inputValue, parseMetadata, selectedValue, type StateValues } from '../viewState.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.view({ callback_id: CLONE.callbackId, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const values = view.state?.values as StateValues | undefined;
    const sourceId = selectedValue(values, CLONE.sourceBlock, CLONE.sourceAction);
    if (!sourceId) {
      await ack({ response_action: 'errors', errors: { [CLONE.sourceBlock]: 'Pick the schedule to clone.' } });
      return;
    }
    await answerSubmission(ack, client, logger, view, 'Cloning', async () => {
      try {
        const actor = await actorOf(client, workspaceOf(body), body.user.id);
        const copy = await services.schedules.clone(actor, sourceId, {
          name: inputValue(values, CLONE.nameBlock, CLONE.nameAction),
          description: inputValue(values, CLONE.descriptionBlock, CLONE.descriptionAction),
        });
        const draft = await services.drafts.start(actor, copy, actor.timeZone);
        return { update: scheduleEditorModal(await services.drafts.model(actor.workspace, draft)) };
      } catch (error) {
        const blockFor = (field: string) => (field === 'description' ? CLONE.descriptionBlock : field === 'name' ? CLONE.nameBlock : undefined);
        return { errors: await modalErrors(client, logger, 'Cloning', error, blockFor, CLONE.sourceBlock) };
      }
    });
  });

  app.view({ callback_id: RENAME.callbackId, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const { scheduleId = '' } = parseMetadata<{ scheduleId: string }>(view.private_metadata);
    await answerSubmission(ack, client, logger, view, 'Renaming', async () => {
      try {
        const actor = await actorOf(client, workspaceOf(body), body.user.id);
        const renamed = await services.schedules.rename(actor, scheduleId, inputValue(view.state?.values as StateValues | undefined, RENAME.nameBlock, RENAME.nameAction));
        return { update: scheduleRenamedModal(renamed.name) };
      } catch (error) {
        return { errors: await modalErrors(client, logger, 'Renaming', error, () => RENAME.nameBlock, RENAME.nameBlock) };
      }
    });
  });
}

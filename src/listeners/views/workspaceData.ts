// The typed confirmation of `/schedule delete-workspace-data`: a wrong phrase is a field error;
// the right one starts the deletion job and says so.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { DELETE_WORKSPACE_DATA, deletionStartedModal } from '../../../views/workspaceData.js';
import { actorOf, modalErrors, workspaceOf } from '../context.js';
import { answerSubmission } from '../flows/answers.js';
import { inputValue, type StateValues } from '../viewState.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.view({ callback_id: DELETE_WORKSPACE_DATA.callbackId, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const typed = inputValue(view.state?.values as StateValues | undefined, DELETE_WORKSPACE_DATA.confirmationBlock, DELETE_WORKSPACE_DATA.confirmationAction);
    await answerSubmission(ack, client, logger, view, 'Deleting workspace data', async () => {
      try {
        const actor = await actorOf(client, workspaceOf(body), body.user.id);
        await services.workspaceData.requestDeletion(actor, typed);
        return { update: deletionStartedModal() };
      } catch (error) {
        return { errors: await modalErrors(client, logger, 'Deleting workspace data', error, () => DELETE_WORKSPACE_DATA.confirmationBlock, DELETE_WORKSPACE_DATA.confirmationBlock) };
      }
    });
  });
}

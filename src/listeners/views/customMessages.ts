// New / edit custom message. Pushed from the editor, saving brings the user back to the
// editor with the new message picked in the row they came from.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { CUSTOM_MESSAGE, customMessageSavedMessage, type CustomMessageMetadata } from '../../../views/customMessageModal.js';
import { actorOf, logFailure, modalErrors, postToResponseUrl, workspaceOf } from '../context.js';
import { answerSubmission } from '../flows/answers.js';
import type { CustomMessage } from '../../services/customMessages.js';
import { bold } from '../../../views/text.js';
import { inputValue, parseMetadata, versionedSave, type StateValues } from '../viewState.js';
import { refreshEditor } from '../flows/editor.js';

const BLOCKS: Record<string, string> = { name: CUSTOM_MESSAGE.nameBlock, subject: CUSTOM_MESSAGE.subjectBlock, body: CUSTOM_MESSAGE.bodyBlock };

export function register(app: App, services: Services, logger: Logger): void {
  app.view({ callback_id: CUSTOM_MESSAGE.callbackId, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const ref = workspaceOf(body);
    const metadata = parseMetadata<CustomMessageMetadata>(view.private_metadata);
    const values = view.state?.values as StateValues | undefined;
    const input = {
      name: inputValue(values, CUSTOM_MESSAGE.nameBlock, CUSTOM_MESSAGE.nameAction),
      subject: inputValue(values, CUSTOM_MESSAGE.subjectBlock, CUSTOM_MESSAGE.subjectAction),
      body: inputValue(values, CUSTOM_MESSAGE.bodyBlock, CUSTOM_MESSAGE.bodyAction),
    };
    const outcome: { saved?: CustomMessage } = {};
    // Closes this modal when done (back to the editor when it was pushed from there).
    await answerSubmission(ack, client, logger, view, 'Saving a custom message', async () => {
      let timeZone: string | undefined;
      try {
        const actor = await actorOf(client, ref, body.user.id);
        timeZone = actor.timeZone;
        outcome.saved = metadata.messageId
          ? await services.customMessages.update(actor, metadata.messageId, { ...input, ...versionedSave(metadata.version, view.id) })
          : await services.customMessages.create(actor, { ...input, saveId: view.id });
        return { done: `:white_check_mark: Custom message ${bold(outcome.saved.name)} is saved.${metadata.returnTo ? ' Close this to go back to the editor.' : ''}` };
      } catch (error) {
        return { errors: await modalErrors(client, logger, 'Saving a custom message', error, (field) => BLOCKS[field], CUSTOM_MESSAGE.nameBlock, timeZone) };
      }
    });
    const { saved } = outcome;
    if (!saved) return;
    try {
      if (metadata.returnTo) {
        const { draftId, rowKey, editorViewId } = metadata.returnTo;
        const draft = await services.drafts.apply(ref, draftId, {}, { kind: 'setMessage', key: rowKey, customMessageId: saved.id });
        await refreshEditor(client, services, ref, draft, editorViewId);
      } else if (metadata.responseUrl) {
        await postToResponseUrl(metadata.responseUrl, customMessageSavedMessage(saved.name, Boolean(metadata.messageId)));
      }
    } catch (error) {
      logFailure(logger, 'After saving a custom message', error);
    }
  });

  app.view({ callback_id: CUSTOM_MESSAGE.callbackId, type: 'view_closed' }, async ({ ack, body, view, client }) => {
    await ack();
    const { returnTo } = parseMetadata<CustomMessageMetadata>(view.private_metadata);
    if (!returnTo) return;
    // Back in the editor, the row's select would still say "Create new…": show its real pick again.
    const ref = workspaceOf(body);
    const draft = await services.drafts.apply(ref, returnTo.draftId, {}, { kind: 'resetMessage', key: returnTo.rowKey });
    await refreshEditor(client, services, ref, draft, returnTo.editorViewId);
  });
}

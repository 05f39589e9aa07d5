// Step editor Save and Cancel.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { ConflictError } from '../../services/domain.js';
import { totalDays } from '../../services/calendar.js';
import { EDITOR, conflictText, rowBlockId, scheduleSavedModal } from '../../../views/scheduleEditor.js';
import { actorOf, modalErrors, workspaceOf } from '../context.js';
import { typedValues } from '../editorState.js';
import { answerSubmission } from '../flows/answers.js';
import { isDatabaseUnavailable } from '../../db/connection.js';
import { parseMetadata, type StateValues } from '../viewState.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.view({ callback_id: EDITOR.callbackId, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const ref = workspaceOf(body);
    const { draftId = '', rev } = parseMetadata<{ draftId: string; rev: unknown }>(view.private_metadata);
    const typed = typedValues(view.state?.values as StateValues | undefined);
    await answerSubmission(ack, client, logger, view, 'Saving schedule', async () => {
      let actor;
      try {
        actor = await actorOf(client, ref, body.user.id);
      } catch (error) {
        // users.info failed: nothing was tried yet.
        return { errors: await modalErrors(client, logger, 'Saving schedule', error, () => undefined, EDITOR.nameBlock) };
      }
      try {
        const saved = await services.drafts.save(actor, draftId, typed, typeof rev === 'number' ? rev : undefined);
        return { update: scheduleSavedModal({ name: saved.name, emailCc: saved.emailCc, stepCount: saved.steps.length, totalDays: totalDays(saved.steps.map((s) => s.afterDays)), replan: saved.replan }) };
      } catch (error) {
        if (error instanceof ConflictError) return { errors: { [EDITOR.nameBlock]: conflictText(error, actor.timeZone) } };
        // Reading the draft again is no use when the database just failed to answer.
        const draft = isDatabaseUnavailable(error) ? null : await services.drafts.get(ref, draftId).catch(() => null);
        const blockFor = (field: string): string | undefined => {
          if (field === 'description') return EDITOR.descriptionBlock;
          const step = /^step\.(\d+)$/.exec(field);
          const row = step ? draft?.rows[Number(step[1])] : undefined;
          return row ? rowBlockId(row.key, row.rev, 'after') : EDITOR.nameBlock;
        };
        return { errors: await modalErrors(client, logger, 'Saving schedule', error, blockFor, EDITOR.nameBlock) };
      }
    });
  });

  app.view({ callback_id: EDITOR.callbackId, type: 'view_closed' }, async ({ ack, body, view }) => {
    await ack();
    const { draftId } = parseMetadata<{ draftId: string }>(view.private_metadata);
    if (draftId) await services.drafts.discard(workspaceOf(body), draftId);
  });
}

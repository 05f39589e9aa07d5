// Fill in and resume: the held followup's lead fields, saved and the lead resumed through the notice
// service; the notice then shows who filled what.
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import type { NoticeDoc } from '../../db/noticeModels.js';
import { LEAD_FIELDS, leadFieldsFilledText } from '../../../views/sendNotice.js';
import { actorOf, logFailure, modalErrors, workspaceOf } from '../context.js';
import { answerSubmission } from '../flows/answers.js';
import { leadFieldsBlockFor, leadFieldsFromForm, showOnNotice } from '../flows/notices.js';
import { parseMetadata, type StateValues } from '../viewState.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.view({ callback_id: LEAD_FIELDS.callbackId, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const ref = workspaceOf(body);
    const { noticeId } = parseMetadata<{ noticeId: string }>(view.private_metadata);
    const fields = leadFieldsFromForm(view.state?.values as StateValues | undefined);
    // Errors go on the field they name, else on the modal's first field (every Fill in modal has one).
    const fallbackBlock = view.blocks.find((b) => b.type === 'input')?.block_id ?? LEAD_FIELDS.block('firstName');
    const saved: { notice?: NoticeDoc } = {};
    await answerSubmission(ack, client, logger, view, 'Filling in a lead', async () => {
      try {
        const actor = await actorOf(client, ref, body.user.id);
        const result = await services.noticeActions.fill(actor, typeof noticeId === 'string' ? noticeId : '', fields);
        saved.notice = result.notice;
        return { done: leadFieldsFilledText(result.notice.leadLabel) };
      } catch (error) {
        return { errors: await modalErrors(client, logger, 'Filling in a lead', error, (field) => leadFieldsBlockFor(field, view.blocks), fallbackBlock) };
      }
    });
    if (saved.notice) await showOnNotice(services, client, ref, saved.notice).catch((error: unknown) => logFailure(logger, 'Showing a fill on its notice', error));
  });
}

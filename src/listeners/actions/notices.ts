// A notice's buttons in the assistant's channel (and a digest line's menu): Stop, Mark replied, Pause
// and Resume act at once through the service and show who did it on the notice itself; View lead
// answers with the lead's details, as `/schedule lead show` does, to the one who clicked.
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, OverflowAction, RespondFn, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { NOTICE_CHANGES, type NoticeChange } from '../../services/notices/actions.js';
import { leadFieldsModal, NOTICE, noticeAnswerText } from '../../../views/sendNotice.js';
import { showOnNotice } from '../flows/notices.js';
import { leadDetailsMessage } from '../../../views/leadMessages.js';
import { notice as noticeText } from '../../../views/message.js';
import { actionIdPrefix, actorOf, answeringFailures, workspaceOf } from '../context.js';
import { currentFirst, enrollmentViews } from '../flows/leads.js';
import { nextFollowup } from '../flows/nextFollowup.js';

type Verb = NoticeChange | 'view' | 'fill';

interface Click {
  readonly body: BlockAction;
  readonly client: WebClient;
  readonly respond: RespondFn;
  /** A notice's own button, not a digest line's menu. */
  readonly onNotice: boolean;
}

export function register(app: App, services: Services, logger: Logger): void {
  async function change(verb: NoticeChange, noticeId: string, click: Click): Promise<void> {
    const { body, client, respond } = click;
    const ref = workspaceOf(body);
    const actor = await actorOf(client, ref, body.user.id);
    const result = await services.noticeActions.act(actor, noticeId, verb);
    const ts = body.message?.ts;
    const channel = body.channel?.id;
    // The notice's own message shows the change in place; a digest line (or a stale copy) is answered to the clicker.
    if (result.changed && ts && channel && (await showOnNotice(services, client, ref, result.notice, { channel, ts, onNotice: click.onNotice }))) return;
    await respond({ response_type: 'ephemeral', replace_original: false, text: noticeAnswerText(result.sentence) });
  }

  async function view(noticeId: string, { body, client, respond }: Click): Promise<void> {
    const ref = workspaceOf(body);
    const { lead } = await services.noticeActions.lead(await actorOf(client, ref, body.user.id), noticeId);
    const enrollments = currentFirst(lead);
    const [views, next] = await Promise.all([enrollmentViews(services, ref, enrollments), nextFollowup(services, ref, lead, enrollments[0])]);
    await respond({ response_type: 'ephemeral', replace_original: false, ...leadDetailsMessage(lead, views, next) });
  }

  /** Fill in and resume: the lead's fields in a modal, the missing ones marked (views/notices.ts saves it). */
  async function fill(noticeId: string, { body, client }: Click): Promise<void> {
    const ref = workspaceOf(body);
    const form = await services.noticeActions.fillForm(await actorOf(client, ref, body.user.id), noticeId);
    await client.views.open({ trigger_id: body.trigger_id, view: leadFieldsModal(form) });
  }

  async function act(verb: Verb, noticeId: string, click: Click): Promise<void> {
    await answeringFailures(click.respond, logger, `Notice: ${verb}`, async () => {
      if (verb === 'view') return view(noticeId, click);
      if (verb === 'fill') return fill(noticeId, click);
      return change(verb, noticeId, click);
    });
  }

  for (const verb of [...NOTICE_CHANGES, 'view', 'fill'] as const) {
    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: NOTICE[verb] }, async ({ ack, body, action, client, respond }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs) => {
      await ack();
      await act(verb, action.value ?? '', { body, client, respond, onNotice: true });
    });
  }

  app.action<BlockAction<OverflowAction>>({ type: 'block_actions', action_id: actionIdPrefix(NOTICE.digestMenu) }, async ({ ack, body, action, client, respond }) => {
    await ack();
    const [verb, noticeId] = (action.selected_option?.value ?? '').split(':');
    const known = [...NOTICE_CHANGES, 'view', 'fill'] as readonly string[];
    if (!verb || !noticeId || !known.includes(verb)) {
      await respond({ response_type: 'ephemeral', replace_original: false, ...noticeText('That choice is not one I know.') });
      return;
    }
    await act(verb as Verb, noticeId, { body, client, respond, onNotice: false });
  });
}

// Interactions of the lead flows: the add modal's assistant, Email CC box, schedule and start
// (each re-renders the modal with a new preview), and the lead list's page buttons.
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { LEAD_ADD, type LeadAddMetadata } from '../../../views/leadAddModal.js';
import { LEAD_LIST, filterOfPager } from '../../../views/leadMessages.js';
import { actionIdPrefix, actorOf, answeringFailures, workspaceOf } from '../context.js';
import { parseMetadata, type StateValues } from '../viewState.js';
import { leadAddModalFor, leadAddPicks } from '../flows/leads.js';
import { leadListFor } from '../flows/leadList.js';
import { showFailureOver } from '../flows/answers.js';

type PickArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export function register(app: App, services: Services, logger: Logger): void {
  /** Shows the preview for what the modal now says (the state Slack sent with the click). */
  async function refreshLeadAddPreview({ ack, body, client }: PickArgs): Promise<void> {
    await ack();
    const current = body.view;
    if (!current) return;
    try {
      const picks = leadAddPicks(current.state?.values as StateValues | undefined, current.blocks as { block_id?: string }[]);
      const view = await leadAddModalFor(services, workspaceOf(body), picks, parseMetadata<LeadAddMetadata>(current.private_metadata));
      // No hash: when the user changes picks quickly, the last one's update should win.
      if (view) await client.views.update({ view_id: current.id, view });
    } catch (error) {
      await showFailureOver(client, body.trigger_id, logger, 'Add a lead, updating the preview', error);
    }
  }
  app.action<BlockAction>({ type: 'block_actions', action_id: LEAD_ADD.assistantAction }, refreshLeadAddPreview);
  app.action<BlockAction>({ type: 'block_actions', action_id: LEAD_ADD.emailCcAction }, refreshLeadAddPreview);
  app.action<BlockAction>({ type: 'block_actions', action_id: LEAD_ADD.scheduleAction }, refreshLeadAddPreview);
  app.action<BlockAction>({ type: 'block_actions', action_id: LEAD_ADD.startDateAction }, refreshLeadAddPreview);
  app.action<BlockAction>({ type: 'block_actions', action_id: LEAD_ADD.startTimeAction }, refreshLeadAddPreview);

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionIdPrefix(LEAD_LIST.page) }, async ({ ack, body, action, respond, client }) => {
    await ack();
    await answeringFailures(respond, logger, 'Lead list page', async () => {
      const filter = filterOfPager(action.block_id);
      const actor = await actorOf(client, workspaceOf(body), body.user.id);
      const message = await leadListFor(services, actor, { ...filter, page: Math.max(0, Number(action.value) || 0) });
      await respond({ response_type: 'ephemeral', replace_original: true, ...message });
    });
  });
}

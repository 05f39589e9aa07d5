// Interactions of the assistant flows: the list's page buttons, picking a holiday country in the
// assistant modal (which offers that country's regions), and picking another assistant in Make
// default (which shows that assistant's defaults).
import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { ASSISTANT_LIST, assistantListMessage } from '../../../views/assistantList.js';
import { DEFAULTS, type DefaultsModalMetadata } from '../../../views/defaultsModal.js';
import { ASSISTANT, NO_HOLIDAYS, withRegionsOf } from '../../../views/assistantModal.js';
import { actionIdPrefix, answeringFailures, workspaceOf } from '../context.js';
import { parseMetadata } from '../viewState.js';
import { assistantListItems, defaultsModalFor } from '../flows/assistants.js';
import { showFailureOver } from '../flows/answers.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionIdPrefix(ASSISTANT_LIST.page) }, async ({ ack, body, action, respond }) => {
    await ack();
    await answeringFailures(respond, logger, 'Assistant list page', async () => {
      const items = await assistantListItems(services, workspaceOf(body));
      await respond({ response_type: 'ephemeral', replace_original: true, ...assistantListMessage(items, Number(action.value) || 0) });
    });
  });

  // Picking a holiday country in the assistant modal: the region input starts over with that country's regions.
  app.action<BlockAction<StaticSelectAction>>({ type: 'block_actions', action_id: ASSISTANT.countryAction }, async ({ ack, body, action, client }) => {
    await ack();
    const current = body.view;
    if (!current) return;
    try {
      const country = action.selected_option?.value;
      // No hash: when the user switches countries quickly, the last pick's update should win.
      await client.views.update({ view_id: current.id, view: withRegionsOf(current as unknown as ModalView, country && country !== NO_HOLIDAYS ? country : null) });
    } catch (error) {
      await showFailureOver(client, body.trigger_id, logger, 'Assistant modal, picking a holiday country', error);
    }
  });

  app.action<BlockAction<StaticSelectAction>>({ type: 'block_actions', action_id: DEFAULTS.assistantAction }, async ({ ack, body, action, client }) => {
    await ack();
    const current = body.view;
    if (!current) return;
    try {
      const metadata = parseMetadata<DefaultsModalMetadata>(current.private_metadata);
      const view = await defaultsModalFor(services, workspaceOf(body), { assistantId: action.selected_option.value }, metadata);
      // No hash: when the user switches assistants quickly, the last pick's update should win, not the first.
      if (view) await client.views.update({ view_id: current.id, view });
    } catch (error) {
      await showFailureOver(client, body.trigger_id, logger, 'Make default, picking an assistant', error);
    }
  });
}

// Buttons on `/schedule list` and on the delete confirmation.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { SCHEDULE_LIST } from '../../../views/scheduleList.js';
import { DELETE, scheduleDeletedMessage, scheduleKeptMessage } from '../../../views/deleteConfirm.js';
import { actionIdPrefix, actorOf, answeringFailures, workspaceOf } from '../context.js';
import { cloneView, editorView, scheduleDetails, scheduleListPage } from '../flows/schedules.js';
import { openWhenReady } from '../flows/answers.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionIdPrefix(SCHEDULE_LIST.edit) }, async ({ ack, body, action, client, respond }) => {
    await ack();
    await answeringFailures(respond, logger, 'Edit from list', () =>
      openWhenReady({ client, triggerId: body.trigger_id, respond, logger }, 'Edit schedule', 'Edit from list', async () => {
        const actor = await actorOf(client, workspaceOf(body), body.user.id);
        return { modal: await editorView(services, actor, String(action.value ?? '')) };
      }),
    );
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionIdPrefix(SCHEDULE_LIST.clone) }, async ({ ack, body, action, client, respond }) => {
    await ack();
    await answeringFailures(respond, logger, 'Clone from list', () =>
      openWhenReady({ client, triggerId: body.trigger_id, respond, logger }, 'Clone a schedule', 'Clone from list', async () => {
        const ref = workspaceOf(body);
        const source = await services.schedules.get(ref, String(action.value ?? ''));
        return { modal: await cloneView(services, ref, source.name) };
      }),
    );
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionIdPrefix(SCHEDULE_LIST.view) }, async ({ ack, body, action, client, respond }) => {
    await ack();
    await answeringFailures(respond, logger, 'View from list', async () => {
      const ref = workspaceOf(body);
      const schedule = await services.schedules.get(ref, action.value ?? '');
      const actor = await actorOf(client, ref, body.user.id);
      await respond({ response_type: 'ephemeral', replace_original: false, ...(await scheduleDetails(services, ref, schedule, actor.timeZone)) });
    });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionIdPrefix(SCHEDULE_LIST.page) }, async ({ ack, body, action, respond }) => {
    await ack();
    await answeringFailures(respond, logger, 'List page', async () => {
      await respond({ response_type: 'ephemeral', replace_original: true, ...(await scheduleListPage(services, workspaceOf(body), Number(action.value) || 0)) });
    });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: DELETE.confirm }, async ({ ack, body, action, client, respond }) => {
    await ack();
    await answeringFailures(respond, logger, 'Delete', async () => {
      const ref = workspaceOf(body);
      const actor = await actorOf(client, ref, body.user.id);
      const schedule = await services.schedules.get(ref, action.value ?? '');
      await services.schedules.remove(actor, schedule.id);
      await respond({ response_type: 'ephemeral', replace_original: true, ...scheduleDeletedMessage(schedule.name) });
    });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: DELETE.cancel }, async ({ ack, body, action, respond }) => {
    await ack();
    await answeringFailures(respond, logger, 'Keep', async () => {
      const schedule = await services.schedules.get(workspaceOf(body), action.value ?? '');
      await respond({ response_type: 'ephemeral', replace_original: true, ...scheduleKeptMessage(schedule.name) });
    });
  });
}

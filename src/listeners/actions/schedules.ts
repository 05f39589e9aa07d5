// Buttons on `/schedule list` and on the delete confirmation.
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { SCHEDULE_LIST, scheduleListMessage } from '../../../views/scheduleList.js';
import { DELETE } from '../../../views/deleteConfirm.js';
import { notice } from '../../../views/message.js';
import { actorOf, userMessage, workspaceOf } from '../context.js';
import { openClone, openEditor, scheduleDetails } from '../scheduleFlows.js';

const prefixed = (id: string) => new RegExp(`^${id.replace(/\./g, '\\.')}\\.`);

export function register(app: App, services: Services, logger: Logger): void {
  const guarded = async (respond: RespondFn, what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof Error && 'code' in error)) logger.error(`${what}: ${(error as Error).stack ?? String(error)}`);
      await respond({ response_type: 'ephemeral', replace_original: false, ...notice(userMessage(error)) });
    }
  };

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: prefixed(SCHEDULE_LIST.edit) }, async ({ ack, body, action, client, respond }) => {
    await ack();
    await guarded(respond, 'Edit from list', async () => {
      const actor = await actorOf(client, workspaceOf(body), body.user.id);
      await openEditor(client, body.trigger_id, services, actor, action.value ?? '');
    });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: prefixed(SCHEDULE_LIST.clone) }, async ({ ack, body, action, client, respond }) => {
    await ack();
    await guarded(respond, 'Clone from list', async () => {
      const ref = workspaceOf(body);
      const source = await services.schedules.get(ref, action.value ?? '');
      await openClone(client, body.trigger_id, services, ref, source.name);
    });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: prefixed(SCHEDULE_LIST.view) }, async ({ ack, body, action, client, respond }) => {
    await ack();
    await guarded(respond, 'View from list', async () => {
      const ref = workspaceOf(body);
      const schedule = await services.schedules.get(ref, action.value ?? '');
      const actor = await actorOf(client, ref, body.user.id);
      await respond({ response_type: 'ephemeral', replace_original: false, ...(await scheduleDetails(services, ref, schedule, actor.timeZone)) });
    });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: prefixed(SCHEDULE_LIST.page) }, async ({ ack, body, action, respond }) => {
    await ack();
    await guarded(respond, 'List page', async () => {
      const schedules = await services.schedules.list(workspaceOf(body));
      const items = schedules.map((s) => ({ ...s, stepCount: s.steps.length }));
      await respond({ response_type: 'ephemeral', replace_original: true, ...scheduleListMessage(items, Number(action.value) || 0) });
    });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: DELETE.confirm }, async ({ ack, body, action, client, respond }) => {
    await ack();
    await guarded(respond, 'Delete', async () => {
      const ref = workspaceOf(body);
      const actor = await actorOf(client, ref, body.user.id);
      const schedule = await services.schedules.get(ref, action.value ?? '');
      await services.schedules.remove(actor, schedule.id);
      await respond({ response_type: 'ephemeral', replace_original: true, ...notice(`:wastebasket: Deleted *${schedule.name}*.`) });
    });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: DELETE.cancel }, async ({ ack, body, action, respond }) => {
    await ack();
    await guarded(respond, 'Keep', async () => {
      const schedule = await services.schedules.get(workspaceOf(body), action.value ?? '');
      await respond({ response_type: 'ephemeral', replace_original: true, ...notice(`Kept *${schedule.name}*; nothing was deleted.`) });
    });
  });
}

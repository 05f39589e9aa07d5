// Step editor clicks, one named callback per thing the user does, each on its own action id.
// Every click acks, records what was typed (Slack sends the whole modal state with any click),
// applies its change to the draft and re-renders the editor.
import type { App, BlockAction, BlockElementAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import type { DraftChange, TypedValues } from '../../services/drafts.js';
import { DomainError, isPickableStepType, type WorkspaceRef } from '../../services/domain.js';
import { doneModal } from '../../../views/doneModal.js';
import { EDITOR, NEW_MESSAGE_OPTION, PREVIEW_MYSELF, parseRowActionId } from '../../../views/scheduleEditor.js';
import { typedValues } from '../editorState.js';
import { parseMetadata, type StateValues } from '../viewState.js';
import { actionIdPrefix, userMessage, workspaceOf } from '../context.js';
import { pushMessagePreview, pushNewMessage, refreshEditor } from '../flows/editor.js';
import { showFailureOver } from '../flows/answers.js';

/** One editor click, as its callback needs it. */
interface EditorClick {
  readonly ref: WorkspaceRef;
  readonly draftId: string;
  /** The draft revision the clicked view showed. */
  readonly seen: number | undefined;
  readonly typed: TypedValues;
  /** The row clicked (its stable key), for row actions. */
  readonly rowKey: string;
  /** The picked option's value (selects and overflow menus). */
  readonly selected: string | undefined;
  readonly viewId: string;
  readonly viewHash: string | undefined;
  readonly triggerId: string;
  readonly client: WebClient;
}

type ClickHandler = (services: Services, click: EditorClick) => Promise<void>;

/** Records what was typed, applies `change`, and shows the result. */
async function applyAndRefresh(services: Services, click: EditorClick, change?: DraftChange): Promise<void> {
  const draft = await services.drafts.apply(click.ref, click.draftId, click.typed, change, click.seen);
  await refreshEditor(click.client, services, click.ref, draft, click.viewId, click.viewHash);
}

/** "＋ Add a step" under the last row. */
export const addAtEnd: ClickHandler = (services, click) => applyAndRefresh(services, click, { kind: 'add', belowKey: null });

/** "＋ Add below" on a row. */
export const addBelow: ClickHandler = (services, click) => applyAndRefresh(services, click, { kind: 'add', belowKey: click.rowKey });

/** "Delete" on a row. */
export const deleteStep: ClickHandler = (services, click) => applyAndRefresh(services, click, { kind: 'delete', key: click.rowKey });

/** "Move up" / "Move down" in a row's menu. */
export const moveStep: ClickHandler = (services, click) =>
  applyAndRefresh(services, click, { kind: 'move', key: click.rowKey, by: click.selected === 'up' ? -1 : 1 });

/** A new message type picked for a row (a tone, or a custom message). */
export const setStepType: ClickHandler = async (services, click) => {
  const type = click.selected;
  if (!type || !isPickableStepType(type)) return;
  await applyAndRefresh(services, click, { kind: 'setType', key: click.rowKey, type });
};

/** A custom message picked for a row, or "Create new…", which pushes the new-message modal. */
export const pickMessage: ClickHandler = async (services, click) => {
  if (click.selected !== NEW_MESSAGE_OPTION) {
    await applyAndRefresh(services, click); // the pick itself arrives in the typed values
    return;
  }
  await services.drafts.apply(click.ref, click.draftId, click.typed);
  await pushNewMessage(click.client, click.triggerId, { draftId: click.draftId, rowKey: click.rowKey, editorViewId: click.viewId });
};

/** "View" on a row: the step's message as the sample lead would get it. */
export const viewMessage: ClickHandler = async (services, click) => {
  const draft = await services.drafts.apply(click.ref, click.draftId, click.typed);
  await pushMessagePreview(click.client, click.triggerId, services, click.ref, draft, click.rowKey);
};

/** A character typed into a row's after days: the example dates follow. */
export const typeAfterDays: ClickHandler = (services, click) => applyAndRefresh(services, click);

/** "Preview dates for": the viewer's own calendar, or an assistant's. */
export const previewDatesFor: ClickHandler = (services, click) =>
  applyAndRefresh(services, click, { kind: 'preview', assistantId: click.selected && click.selected !== PREVIEW_MYSELF ? click.selected : null });

export function register(app: App, services: Services, logger: Logger): void {
  const on = (actionId: string | RegExp, name: string, handler: ClickHandler) =>
    app.action<BlockAction<BlockElementAction>>({ type: 'block_actions', action_id: actionId }, async ({ ack, body, action, client }) => {
      await ack();
      const view = body.view;
      const { draftId, rev } = parseMetadata<{ draftId: string; rev: unknown }>(view?.private_metadata);
      if (!view || !draftId) return;
      const selected = 'selected_option' in action ? (action.selected_option?.value ?? undefined) : undefined;
      const click: EditorClick = {
        ref: workspaceOf(body),
        draftId,
        seen: typeof rev === 'number' ? rev : undefined,
        typed: typedValues(view.state?.values as StateValues | undefined),
        rowKey: parseRowActionId(action.action_id)?.key ?? '',
        selected,
        viewId: view.id,
        viewHash: view.hash,
        triggerId: body.trigger_id,
        client,
      };
      try {
        await handler(services, click);
      } catch (error) {
        if (error instanceof DomainError) {
          // The schedule was deleted, the editor expired, or the change is not allowed: say so where the user is looking.
          await client.views.update({ view_id: view.id, view: doneModal("Can't edit this", userMessage(error)) }).catch(() => {});
          return;
        }
        await showFailureOver(client, body.trigger_id, logger, `Step editor, ${name}`, error);
      }
    });

  on(EDITOR.addEndAction, 'add at end', addAtEnd);
  on(EDITOR.previewAction, 'preview dates for', previewDatesFor);
  on(actionIdPrefix(EDITOR.add), 'add below', addBelow);
  on(actionIdPrefix(EDITOR.delete), 'delete step', deleteStep);
  on(actionIdPrefix(EDITOR.move), 'move step', moveStep);
  on(actionIdPrefix(EDITOR.type), 'set step type', setStepType);
  on(actionIdPrefix(EDITOR.message), 'pick message', pickMessage);
  on(actionIdPrefix(EDITOR.view), 'view message', viewMessage);
  on(actionIdPrefix(EDITOR.after), 'type after days', typeAfterDays);
}

// Step editor clicks: each acks, records what was typed plus the change, and re-renders.
import type { App, BlockAction } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import type { DraftChange } from '../../services/drafts.js';
import { DomainError, isTone, type StepType } from '../../services/domain.js';
import { doneModal } from '../../../views/doneModal.js';
import { EDITOR, NEW_MESSAGE_OPTION, PREVIEW_MYSELF, parseRowActionId } from '../../../views/scheduleEditor.js';
import { typedValues } from '../editorState.js';
import { parseMetadata, type StateValues } from '../viewState.js';
import { userMessage, workspaceOf } from '../context.js';
import { pushMessagePreview, pushNewMessage, refreshEditor } from '../editorFlow.js';

interface ActionLike {
  action_id: string;
  value?: string;
  selected_option?: { value?: string } | null;
}

export function register(app: App, services: Services, logger: Logger): void {
  app.action<BlockAction>({ type: 'block_actions', action_id: /^editor\./ }, async ({ ack, body, action, client }) => {
    await ack();
    const view = body.view;
    if (!view) return;
    const ref = workspaceOf(body);
    const { draftId } = parseMetadata<{ draftId: string }>(view.private_metadata);
    if (!draftId) return;
    const a = action as unknown as ActionLike;
    const typed = typedValues(view.state?.values as StateValues | undefined);
    try {
      let change: DraftChange | undefined;
      if (a.action_id === EDITOR.previewAction) {
        const id = a.selected_option?.value;
        change = { kind: 'preview', assistantId: id && id !== PREVIEW_MYSELF ? id : null };
      } else if (a.action_id === EDITOR.addEndAction) {
        change = { kind: 'add', belowKey: null };
      } else {
        const row = parseRowActionId(a.action_id);
        if (!row) return;
        if (row.kind === 'message' && a.selected_option?.value === NEW_MESSAGE_OPTION) {
          await services.drafts.apply(ref, draftId, typed);
          await pushNewMessage(client, body.trigger_id, { draftId, rowKey: row.key, editorViewId: view.id });
          return;
        }
        if (row.kind === 'view') {
          const draft = await services.drafts.apply(ref, draftId, typed);
          await pushMessagePreview(client, body.trigger_id, services, ref, draft, row.key);
          return;
        }
        change = rowChange(row.kind, row.key, a);
      }
      const draft = await services.drafts.apply(ref, draftId, typed, change);
      await refreshEditor(client, services, ref, draft, view.id, view.hash);
    } catch (error) {
      if (error instanceof DomainError) {
        // The schedule was deleted, or the editor expired: say so where the user is looking.
        await client.views.update({ view_id: view.id, view: doneModal("Can't edit this", userMessage(error)) }).catch(() => {});
        return;
      }
      logger.error(`Step editor ${a.action_id}: ${(error as Error).stack ?? String(error)}`);
    }
  });
}

function rowChange(kind: string, key: string, action: ActionLike): DraftChange | undefined {
  switch (kind) {
    case 'add':
      return { kind: 'add', belowKey: key };
    case 'delete':
      return { kind: 'delete', key };
    case 'move':
      return { kind: 'move', key, by: action.selected_option?.value === 'up' ? -1 : 1 };
    case 'type': {
      const type = action.selected_option?.value;
      return type && (type === 'custom' || isTone(type)) ? { kind: 'setType', key, type: type as StepType } : undefined;
    }
    default:
      // after days and message picks arrive in the typed values.
      return undefined;
  }
}

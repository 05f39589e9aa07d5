// Reads what the user typed into the step editor from the modal's state (Slack's shape) into
// the draft service's TypedValues.
import type { TypedValues } from '../services/drafts.js';
import { isPickableStepType, type PickableStepType } from '../services/domain.js';
import { EDITOR, NEW_MESSAGE_OPTION, parseRowBlockId } from '../../views/scheduleEditor.js';
import type { StateValues } from './viewState.js';

export function typedValues(values: StateValues | undefined): TypedValues {
  const rows: Record<string, { afterDays?: string; type?: PickableStepType; customMessageId?: string }> = {};
  let name: string | undefined;
  let description: string | undefined;
  for (const [blockId, actions] of Object.entries(values ?? {})) {
    if (blockId === EDITOR.nameBlock) name = actions[EDITOR.nameAction]?.value ?? '';
    else if (blockId === EDITOR.descriptionBlock) description = actions[EDITOR.descriptionAction]?.value ?? '';
    const row = parseRowBlockId(blockId);
    if (!row) continue;
    const typed = (rows[row.key] ??= {});
    for (const [actionId, state] of Object.entries(actions)) {
      if (actionId.startsWith(`${EDITOR.after}.`)) typed.afterDays = state.value ?? '';
      else if (actionId.startsWith(`${EDITOR.type}.`)) {
        const type = state.selected_option?.value;
        if (type && isPickableStepType(type)) typed.type = type;
      } else if (actionId.startsWith(`${EDITOR.message}.`)) {
        const id = state.selected_option?.value;
        // "Create new…" is not a message; the row keeps what it had.
        if (id && id !== NEW_MESSAGE_OPTION) typed.customMessageId = id;
      }
    }
  }
  return { ...(name !== undefined ? { name } : {}), ...(description !== undefined ? { description } : {}), rows };
}

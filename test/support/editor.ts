// Reading the step editor as the user sees it, and opening it on a fresh copy (end-to-end tests).
import type { FakeSlack } from './fakeSlack.js';
import type { SlackDriver } from './slackDriver.js';
import { openedViewId } from './flows.js';

export interface EditorBlock {
  type: string;
  block_id?: string;
  text?: { text: string };
  label?: { text: string };
  accessory?: { options?: { value: string }[] };
  elements?: { action_id?: string }[];
}

function blocks(fake: FakeSlack, viewId: string): EditorBlock[] {
  return (fake.view(viewId).blocks ?? []) as EditorBlock[];
}

/** The editor's row keys, in order. */
export function rowKeys(fake: FakeSlack, viewId: string): string[] {
  return blocks(fake, viewId).flatMap((b) => {
    const m = /^row\.([a-z0-9]+)\.\d+\.head$/.exec(b.block_id ?? '');
    return m ? [m[1]!] : [];
  });
}

/** A row's block (`head`, `actions` or `after`), or undefined when the row has none. */
export function rowBlock(fake: FakeSlack, viewId: string, key: string, part: 'head' | 'actions' | 'after'): EditorBlock | undefined {
  return blocks(fake, viewId).find((b) => new RegExp(`^row\\.${key}\\.\\d+\\.${part}$`).test(b.block_id ?? ''));
}

/** Each step's heading: "*Step 1* · Candid · Generated\nDay 1 · Tue 7 Apr". */
export function stepHeads(fake: FakeSlack, viewId: string): string[] {
  return blocks(fake, viewId)
    .filter((b) => /\.head$/.test(b.block_id ?? ''))
    .map((b) => b.text?.text ?? '');
}

/** `/schedule clone <source>`, named `name`: the modal becomes the editor on the copy. Returns its view id. */
export async function openCopyInEditor(fake: FakeSlack, slack: SlackDriver, source: string, name: string): Promise<string> {
  const calls = fake.calls.length;
  await slack.command(`clone ${source}`);
  const viewId = await openedViewId(fake, 'views.open', calls);
  fake.typeInto(viewId, 'clone.name', 'clone.name_input', name);
  const submitted = await slack.viewSubmission(viewId);
  // A slow clone answers "Saving…" first and then updates the modal to the editor.
  const deadline = Date.now() + 3000;
  while (fake.view(viewId).callback_id !== 'schedule_edit') {
    if (submitted.outcome?.action !== 'update' || Date.now() > deadline) throw new Error(`cloning ${source} did not open the editor: ${JSON.stringify(submitted.outcome)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return viewId;
}

// The shape of Slack's interactive payloads, checked once at the edge (zod) before any listener
// reads them. Slack always sends these fields with these types; a signed request can carry
// anything, so one that does not match is answered here (see guardRequests) and no listener runs.
// Only what the app reads is checked, and unknown fields pass: Slack adds fields over time.
import { z } from 'zod';

const text = z.string();
const option = z.looseObject({ value: text });

/** One input's state: the keys Slack uses for each element type the app's modals have. */
const stateValue = z.looseObject({
  type: text.optional(),
  value: text.nullish(),
  selected_option: option.nullish(),
  selected_options: z.array(option).nullish(),
  selected_date: text.nullish(),
  selected_time: text.nullish(),
  selected_conversation: text.nullish(),
  selected_channel: text.nullish(),
  selected_user: text.nullish(),
  files: z.array(z.looseObject({ id: text, name: text.optional() })).nullish(),
});
const state = z.looseObject({ values: z.record(text, z.record(text, stateValue)) });

/** One input's state, as the edge let it through. */
export type StateValue = z.output<typeof stateValue>;
/** A view's state values by block id, then action id. */
export type StateValues = z.output<typeof state>['values'];

const view = z.looseObject({
  id: text,
  callback_id: text,
  type: text.optional(),
  hash: text.optional(),
  private_metadata: text.optional(),
  title: z.looseObject({ text: text }).nullish(),
  blocks: z.array(z.looseObject({ type: text.optional(), block_id: text.optional() })).optional(),
  state: state.optional(),
});

const user = z.looseObject({ id: text, team_id: text.optional() });
const team = z.looseObject({ id: text, enterprise_id: text.optional() }).nullish();

const action = z.looseObject({
  action_id: text,
  block_id: text.optional(),
  type: text.optional(),
  value: text.optional(),
  selected_option: option.nullish(),
  selected_options: z.array(option).nullish(),
  selected_date: text.nullish(),
  selected_time: text.nullish(),
  selected_conversation: text.nullish(),
  selected_user: text.nullish(),
});

const interaction = { user, team, trigger_id: text.optional(), response_url: text.optional() };

const PAYLOADS = {
  block_actions: z.looseObject({ ...interaction, actions: z.array(action).min(1), view: view.optional() }),
  // A submission always carries the state of the view's inputs (empty when it has none).
  view_submission: z.looseObject({ ...interaction, view: view.extend({ state }) }),
  view_closed: z.looseObject({ ...interaction, view }),
  block_suggestion: z.looseObject({ user, team, action_id: text, block_id: text.optional(), value: text, view: view.optional() }),
} as const;

export type InteractionKind = keyof typeof PAYLOADS;

/** An interactive payload that does not have the shape Slack sends: its kind and what is wrong, for the log. */
export interface MalformedPayload {
  readonly kind: InteractionKind | 'unknown';
  readonly problem: string;
}

/**
 * What is wrong with an interactive payload's shape (its first problem, as `view.blocks: expected
 * array`), or null when it has the shape Slack sends. Commands, events and other kinds are not
 * checked here.
 */
export function malformedPayload(body: unknown): MalformedPayload | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { kind: 'unknown', problem: 'the body is not an object' };
  const type = (body as { type?: unknown }).type;
  if (typeof type !== 'string' || !(type in PAYLOADS)) return null;
  const kind = type as InteractionKind;
  const parsed = PAYLOADS[kind].safeParse(body);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  return { kind, problem: `${issue.path.map(String).join('.') || 'the payload'}: ${issue.message}` };
}

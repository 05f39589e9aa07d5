// The product's words as types, shared by services, views and listeners. No Slack here.

export const TONES = ['Candid', 'Gentle', 'Appreciative', 'Hopeful', 'Assertive', 'Cautionary', 'Curious'] as const;
export type Tone = (typeof TONES)[number];
/**
 * Email CC schedules start with the user's own email: sent by the user with the assistant in
 * CC, never by the app. It is the start (date 0): the followups count from it.
 */
export const OWN_EMAIL = 'own_email';
/** What a user can pick in a step's type select. */
export type PickableStepType = 'custom' | Tone;
export type StepType = PickableStepType | typeof OWN_EMAIL;
export const STEP_TYPES: readonly StepType[] = ['custom', ...TONES, OWN_EMAIL];

export function isPickableStepType(type: string): type is PickableStepType {
  return type === 'custom' || isTone(type);
}

export function isTone(type: string): type is Tone {
  return (TONES as readonly string[]).includes(type);
}

export const MAX_STEPS = 20;
export const MAX_SCHEDULE_NAME = 80;
export const MAX_SCHEDULE_DESCRIPTION = 500;
export const MAX_MESSAGE_NAME = 80;
export const MAX_MESSAGE_SUBJECT = 200;
export const MAX_MESSAGE_BODY = 4000;
export const MAX_ASSISTANT_NAME = 80;
export const MAX_API_TOKEN_LABEL = 80;

/** A Slack workspace: a team, inside an Enterprise Grid org when there is one. */
export interface WorkspaceRef {
  readonly teamId: string;
  readonly enterpriseId?: string;
}

export function workspaceKey(ref: WorkspaceRef): string {
  return ref.enterpriseId ? `${ref.enterpriseId}:${ref.teamId}` : ref.teamId;
}

/** The workspace a stored `workspace` key names (workspaceKey's inverse): `E…:T…` in an Enterprise Grid org, else the team id. */
export function workspaceRefOf(key: string): WorkspaceRef {
  const [first = '', second] = key.split(':');
  return second ? { enterpriseId: first, teamId: second } : { teamId: first };
}

/** Who is acting, as the edge learned it (users.info for the role). */
export interface Actor {
  readonly workspace: WorkspaceRef;
  readonly userId: string;
  readonly name: string;
  readonly isAdmin: boolean;
  /** A guest of the workspace (Slack's multi- or single-channel guest: users.info `is_restricted` / `is_ultra_restricted`). */
  readonly isGuest?: boolean;
  /**
   * The workspace the person belongs to, when the edge learned it (users.info `team_id`, and the
   * Enterprise Grid org): another than `workspace` for someone of another organisation in a shared channel.
   */
  readonly home?: WorkspaceRef;
}

/** The things that have a name unique in their workspace, with the words their messages use. */
export const NAMED = {
  schedule: { noun: 'schedule', full: 'A schedule', max: MAX_SCHEDULE_NAME },
  customMessage: { noun: 'message', full: 'A custom message', max: MAX_MESSAGE_NAME },
  assistant: { noun: 'assistant', full: 'An assistant', max: MAX_ASSISTANT_NAME },
  apiToken: { noun: 'token', full: 'An API token', max: MAX_API_TOKEN_LABEL },
} as const;
export type NamedKind = keyof typeof NAMED;

// Characters that show nothing or reorder what follows (zero-width spaces, bidi overrides,
// Hangul fillers, control characters): a name with one could look exactly like another.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
// ...except inside emoji, where a variation selector or a zero-width joiner is part of the picture.
const EMOJI_SEQUENCE = /\p{Extended_Pictographic}\p{Emoji_Modifier}?(?:\uFE0F|\uFE0E)?(?:\u200D\p{Extended_Pictographic}\p{Emoji_Modifier}?(?:\uFE0F|\uFE0E)?)*|[0-9#*]\uFE0F\u20E3/gu;

/** A name as stored and shown: Unicode NFKC (full-width and ligature forms become plain), spaces collapsed, trimmed. */
export function normalizeName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/**
 * The key a name is unique by in its workspace (a unique index: FerretDB has no collations):
 * the normalised name without invisible characters, case-folded. Two names that look the same
 * get the same key.
 */
export function nameKey(name: string): string {
  return normalizeName(normalizeName(name).replace(INVISIBLE, ''))
    .toUpperCase()
    .toLowerCase();
}

/** The first invisible or text-direction character of a name outside emoji, as `U+200B`; null when none. */
function invisibleCharacter(name: string): string | null {
  const found = name.replace(EMOJI_SEQUENCE, '').match(INVISIBLE)?.[0];
  return found === undefined ? null : `U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why a name can't be used as typed (empty, too long, or with an invisible character), or null.
 * Invisible and bidi control characters are refused rather than silently removed: the user
 * learns why, and what is stored is what they see.
 */
export function nameProblem(kind: NamedKind, name: string): string | null {
  const { noun, max } = NAMED[kind];
  const normalized = normalizeName(name);
  if (!normalized) return `Give the ${noun} a name.`;
  if (normalized.length > max) return `Keep the name to ${max} characters (this one has ${normalized.length}).`;
  const invisible = invisibleCharacter(normalized);
  if (invisible) return `The name has an invisible or text-direction character (${invisible}) that would make it look like another name. Remove it.`;
  return null;
}

/** The refusal of a name another schedule, message or assistant of the workspace already has. */
export function duplicateName(kind: NamedKind, name: string): DomainError {
  return new DomainError('duplicate_name', `${NAMED[kind].full} named “${normalizeName(name)}” already exists. Pick another name.`, 'name');
}

/** Throws unless `actor` created the thing (`ownerId`) or is a workspace admin or owner. `refusal` may name `{owner}`. */
export function assertOwnerOrAdmin(actor: Actor, ownerId: string, refusal: string): void {
  if (ownerId !== actor.userId && !actor.isAdmin) throw new DomainError('forbidden', refusal, undefined, { ownerId });
}

/**
 * Why `actor` is not a full member of the workspace, or null when they are: a guest (multi- or
 * single-channel), or someone of another organisation (a channel shared with it shows them the
 * app's messages too). Another workspace of the same Enterprise Grid org counts as the same organisation.
 */
function outsiderOf(actor: Actor): 'guest' | 'other_organisation' | null {
  if (actor.isGuest) return 'guest';
  const home = actor.home;
  if (!home || home.teamId === actor.workspace.teamId) return null;
  if (actor.workspace.enterpriseId && home.enterpriseId === actor.workspace.enterpriseId) return null;
  return 'other_organisation';
}

/**
 * Throws unless `actor` may act on the workspace's leads (add, import, stop, pause, resume, mark
 * replied, fill in fields, see a lead's details or the list): full members do, guests and people
 * of another organisation do not (leads are people's emails and histories).
 */
export function assertMayActOnLeads(actor: Actor): void {
  const outsider = outsiderOf(actor);
  if (outsider === 'guest') throw new DomainError('forbidden', 'Guests of the workspace can’t act on its leads: ask a full member to do it.');
  if (outsider) throw new DomainError('forbidden', 'Only members of the workspace these leads belong to can act on them.');
}

/**
 * Throws `refusal` unless `actor` is an admin or owner of this workspace: an admin of another
 * organisation (in a shared channel) is not one. Slack never makes a guest an admin; a payload
 * that says both is refused too.
 */
export function assertWorkspaceAdmin(actor: Actor, refusal: string): void {
  if (!actor.isAdmin || outsiderOf(actor)) throw new DomainError('forbidden', refusal);
}

/** Facts the edge may add to a failure's message, in its own words. */
export interface DomainErrorDetails {
  /** Who may do what was refused; the message names them where it says `{owner}`. */
  readonly ownerId?: string;
  /** The assistants that use a schedule as a default. */
  readonly defaultFor?: readonly string[];
  /** How many leads (active or paused) follow a schedule. */
  readonly following?: number;
}

/**
 * A domain failure a user can fix. `field` names the form field it belongs to (the edge maps
 * it to a modal block); `code` lets the edge and tests tell failures apart. Messages are plain
 * sentences: no Slack markup (the edge turns `{owner}` into a mention or a name).
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export type DomainErrorCode =
  | 'not_found'
  | 'duplicate_name'
  | 'invalid'
  | 'forbidden'
  | 'system_schedule'
  | 'in_use'
  | 'conflict';

/** Someone else saved the schedule after the editor opened: nothing was written. */
export class ConflictError extends DomainError {
  constructor(
    readonly scheduleName: string,
    readonly savedByName: string,
    readonly savedAt: Date,
  ) {
    super('conflict', `${savedByName || 'Someone'} saved “${scheduleName}” after you opened it; your changes were not saved.`, 'name');
    this.name = 'ConflictError';
  }
}

/** Several field errors at once (a form with more than one mistake). */
export class ValidationError extends Error {
  constructor(readonly errors: Readonly<Record<string, string>>) {
    super(Object.values(errors).join(' '));
    this.name = 'ValidationError';
  }
}

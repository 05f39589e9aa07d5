// The product's words as types, shared by services, views and listeners. No Slack here.

export const TONES = ['Candid', 'Gentle', 'Appreciative', 'Hopeful', 'Assertive', 'Cautionary', 'Curious'] as const;
export type Tone = (typeof TONES)[number];
export type StepType = 'custom' | Tone;

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

/** A Slack workspace: a team, inside an Enterprise Grid org when there is one. */
export interface WorkspaceRef {
  readonly teamId: string;
  readonly enterpriseId?: string;
}

export function workspaceKey(ref: WorkspaceRef): string {
  return ref.enterpriseId ? `${ref.enterpriseId}:${ref.teamId}` : ref.teamId;
}

/** Who is acting, as the edge learned it (users.info for the role). */
export interface Actor {
  readonly workspace: WorkspaceRef;
  readonly userId: string;
  readonly name: string;
  readonly isAdmin: boolean;
}

/** Normalises a name for case-insensitive uniqueness. */
export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Facts the edge may add to a failure's message, in its own words. */
export interface DomainErrorDetails {
  /** Who may do what was refused; the message names them where it says `{owner}`. */
  readonly ownerId?: string;
  /** The assistants that use a schedule as a default. */
  readonly defaultFor?: readonly string[];
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

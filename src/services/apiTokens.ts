// API tokens: a workspace admin creates, lists and revokes them; the HTTP API authenticates each
// request by one. A token is shown once and only its SHA-256 is stored: a token is 32 random
// bytes, so a plain hash is as good as a slow one (there is nothing to guess), and a request
// finds its token by an indexed lookup of that hash. Every request looks its token up again,
// so a revoked token stops working at once, in every process. No Slack here.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { isDuplicateKeyError, type ApiTokenDoc, type Models } from '../db/models.js';
import { assertWorkspaceAdmin, DomainError, ValidationError, duplicateName, nameKey, nameProblem, normalizeName, workspaceKey, type Actor, type WorkspaceRef } from './domain.js';
import { nameTaken } from './names.js';

/** What a token looks like: a prefix that says what it is (secret scanners key on such prefixes), then 256 random bits. */
const TOKEN_PREFIX = 'fut_';
/** Last use is written at most this often per token: a request answers without a write most of the time. */
export const LAST_USED_PRECISION_MS = 60_000;

export interface ApiToken {
  readonly id: string;
  readonly label: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

/** Who a request acts as once its token is known. */
export interface ApiCaller {
  readonly workspace: WorkspaceRef;
  readonly tokenId: string;
  readonly label: string;
  /** The admin who created the token: what the API creates is theirs. */
  readonly createdBy: string;
}

export interface ApiTokenService {
  /** A new token for the actor's workspace; `token` is the only time the secret exists outside the caller. */
  create(actor: Actor, label?: string): Promise<{ token: string; apiToken: ApiToken }>;
  /** The workspace's tokens, by label. */
  list(actor: Actor): Promise<ApiToken[]>;
  /** Deletes the token with this label; requests with it are refused from now on. */
  revoke(actor: Actor, label: string): Promise<ApiToken>;
  /** The caller a bearer token stands for, or null when it is unknown or revoked. Records the last use. */
  authenticate(token: string): Promise<ApiCaller | null>;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const ADMINS_ONLY = 'Only a workspace admin or owner can create, list or revoke API tokens.';

/** A token acts on the workspace's leads as an admin: only an admin of this workspace makes, sees or revokes one. */
function assertAdmin(actor: Actor): void {
  assertWorkspaceAdmin(actor, ADMINS_ONLY);
}

function toApiToken(doc: ApiTokenDoc): ApiToken {
  return { id: String(doc._id), label: doc.name, createdBy: doc.createdBy, createdAt: doc.createdAt, lastUsedAt: doc.lastUsedAt ?? null };
}

export function createApiTokenService(models: Models, clock: Clock): ApiTokenService {
  const { ApiToken } = models;

  /** "token 1", "token 2", …: the first free one (a label is what revoke takes, so every token has one). */
  async function defaultLabel(ref: WorkspaceRef): Promise<string> {
    const taken = new Set((await ApiToken.find({ workspace: workspaceKey(ref) }, { nameKey: 1 }).lean<{ nameKey: string }[]>()).map((t) => t.nameKey));
    let n = 1;
    while (taken.has(nameKey(`token ${n}`))) n += 1;
    return `token ${n}`;
  }

  async function insert(actor: Actor, label: string): Promise<{ token: string; doc: ApiTokenDoc }> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const created = await ApiToken.create({
      workspace: workspaceKey(actor.workspace),
      teamId: actor.workspace.teamId,
      enterpriseId: actor.workspace.enterpriseId ?? null,
      name: normalizeName(label),
      nameKey: nameKey(label),
      hash: hashToken(token),
      createdBy: actor.userId,
      lastUsedAt: null,
    });
    return { token, doc: created.toObject() };
  }

  return {
    async create(actor, label) {
      assertAdmin(actor);
      if (label !== undefined && label.trim() !== '') {
        const problem = nameProblem('apiToken', label);
        if (problem) throw new ValidationError({ label: problem });
        const taken = await nameTaken(models, 'apiToken', actor.workspace, label);
        if (taken) throw taken;
        try {
          const { token, doc } = await insert(actor, label);
          return { token, apiToken: toApiToken(doc) };
        } catch (error) {
          if (isDuplicateKeyError(error)) throw duplicateName('apiToken', label);
          throw error;
        }
      }
      // No label: the next free "token N"; two admins racing for the same one both get a token.
      for (let attempt = 0; ; attempt += 1) {
        const chosen = await defaultLabel(actor.workspace);
        try {
          const { token, doc } = await insert(actor, chosen);
          return { token, apiToken: toApiToken(doc) };
        } catch (error) {
          if (!isDuplicateKeyError(error) || attempt >= 5) throw error;
        }
      }
    },

    async list(actor) {
      assertAdmin(actor);
      const docs = await ApiToken.find({ workspace: workspaceKey(actor.workspace) }).sort({ nameKey: 1 }).lean<ApiTokenDoc[]>();
      return docs.map(toApiToken);
    },

    async revoke(actor, label) {
      assertAdmin(actor);
      const doc = await ApiToken.findOneAndDelete({ workspace: workspaceKey(actor.workspace), nameKey: nameKey(label) }).lean<ApiTokenDoc>();
      if (!doc) throw new DomainError('not_found', `No API token is labelled “${normalizeName(label)}”.`, 'label');
      return toApiToken(doc);
    },

    async authenticate(token) {
      if (!token.startsWith(TOKEN_PREFIX)) return null;
      const doc = await ApiToken.findOne({ hash: hashToken(token) }).lean<ApiTokenDoc>();
      if (!doc) return null;
      const now = clock.now();
      if (!doc.lastUsedAt || now.getTime() - doc.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
        // Filtered on the value read, so of many requests at once few write (FerretDB: query then write; any of them is right).
        await ApiToken.updateOne({ _id: doc._id, lastUsedAt: doc.lastUsedAt ?? null }, { $set: { lastUsedAt: now } });
      }
      return {
        workspace: doc.enterpriseId ? { teamId: doc.teamId, enterpriseId: doc.enterpriseId } : { teamId: doc.teamId },
        tokenId: String(doc._id),
        label: doc.name,
        createdBy: doc.createdBy,
      };
    },
  };
}

// `/schedule api-token create [label] | list | revoke <label>`: workspace admins only (the service checks).
import { apiTokenCreatedMessage, apiTokenListMessage, apiTokenNotFoundMessage, apiTokenRevokedMessage } from '../../../views/apiTokens.js';
import { DomainError } from '../../services/domain.js';
import { actorOf } from '../context.js';
import type { CommandContext } from './types.js';

export async function create(ctx: CommandContext, label?: string): Promise<void> {
  const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
  const { token, apiToken } = await ctx.services.apiTokens.create(actor, label);
  // Ephemeral, through the response_url: only the admin who asked sees it, and nothing keeps it in a channel's history.
  await ctx.respond({ response_type: 'ephemeral', ...apiTokenCreatedMessage({ label: apiToken.label, token }) });
}

export async function list(ctx: CommandContext): Promise<void> {
  const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
  const tokens = await ctx.services.apiTokens.list(actor);
  await ctx.respond({ response_type: 'ephemeral', ...apiTokenListMessage(tokens, actor.timeZone) });
}

export async function revoke(ctx: CommandContext, label: string): Promise<void> {
  const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
  try {
    const revoked = await ctx.services.apiTokens.revoke(actor, label);
    await ctx.respond({ response_type: 'ephemeral', ...apiTokenRevokedMessage(revoked.label) });
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'not_found')) throw error;
    await ctx.respond({ response_type: 'ephemeral', ...apiTokenNotFoundMessage(label) });
  }
}

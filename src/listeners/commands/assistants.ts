// `/schedule assistant add | edit <name> | list` and `/schedule default [assistant]`.
import { notice } from '../../../views/message.js';
import type { CommandContext } from './types.js';

const NOT_YET = 'This part of `/schedule` is not ready yet.';

export async function add(ctx: CommandContext): Promise<void> {
  await ctx.respond({ response_type: 'ephemeral', ...notice(NOT_YET) });
}

export async function edit(ctx: CommandContext, _name: string): Promise<void> {
  await ctx.respond({ response_type: 'ephemeral', ...notice(NOT_YET) });
}

export async function list(ctx: CommandContext): Promise<void> {
  await ctx.respond({ response_type: 'ephemeral', ...notice(NOT_YET) });
}

export async function makeDefault(ctx: CommandContext, _assistant?: string): Promise<void> {
  await ctx.respond({ response_type: 'ephemeral', ...notice(NOT_YET) });
}

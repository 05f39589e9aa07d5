// `/schedule list | clone | edit | view | rename | delete`.
import { actorOf } from '../context.js';
import { cloneView, confirmDelete, editorView, renameView, scheduleNotFound, scheduleDetails, scheduleListPage } from '../flows/schedules.js';
import type { Opening } from '../flows/answers.js';
import type { Schedule } from '../../services/schedules.js';
import { openFromCommand, type CommandContext } from './types.js';

async function find(ctx: CommandContext, name: string): Promise<Schedule | null> {
  const schedule = await ctx.services.schedules.findByName(ctx.workspace, name);
  if (!schedule) await ctx.respond({ response_type: 'ephemeral', ...(await scheduleNotFound(ctx.services, ctx.workspace, name)) });
  return schedule;
}

/** Opens `open(schedule)` for the schedule named `name`, or says there is none. */
function openNamed(ctx: CommandContext, title: string, name: string, open: (schedule: Schedule) => Promise<Opening>): Promise<void> {
  return openFromCommand(ctx, title, async () => {
    const schedule = await ctx.services.schedules.findByName(ctx.workspace, name);
    if (!schedule) return { message: await scheduleNotFound(ctx.services, ctx.workspace, name) };
    return open(schedule);
  });
}

export async function list(ctx: CommandContext): Promise<void> {
  await ctx.respond({ response_type: 'ephemeral', ...(await scheduleListPage(ctx.services, ctx.workspace, 0)) });
}

export async function clone(ctx: CommandContext, name?: string): Promise<void> {
  await openFromCommand(ctx, 'Clone a schedule', async () => ({ modal: await cloneView(ctx.services, ctx.workspace, name) }));
}

export async function edit(ctx: CommandContext, name: string): Promise<void> {
  await openNamed(ctx, 'Edit schedule', name, async (schedule) => {
    const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
    return { modal: await editorView(ctx.services, actor, schedule) };
  });
}

export async function view(ctx: CommandContext, name: string): Promise<void> {
  const schedule = await find(ctx, name);
  if (!schedule) return;
  const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
  await ctx.respond({ response_type: 'ephemeral', ...(await scheduleDetails(ctx.services, ctx.workspace, schedule, actor.timeZone)) });
}

export async function rename(ctx: CommandContext, name: string): Promise<void> {
  await openNamed(ctx, 'Rename schedule', name, async (schedule) => {
    const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
    return { modal: renameView(ctx.services, actor, schedule) };
  });
}

export async function remove(ctx: CommandContext, name: string): Promise<void> {
  const schedule = await find(ctx, name);
  if (!schedule) return;
  const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
  await ctx.respond({ response_type: 'ephemeral', ...confirmDelete(ctx.services, actor, schedule) });
}

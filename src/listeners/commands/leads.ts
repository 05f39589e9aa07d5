// `/schedule lead add | show <email> | list [assistant] [state] | pause | resume | stop <email>`.
import type { EnrollmentState } from '../../services/leads/index.js';
import { leadLabel } from '../../services/leads/index.js';
import { assistantNotFoundMessage } from '../../../views/notFound.js';
import { notice } from '../../../views/message.js';
import { leadChangedText, leadDetailsMessage, leadNotFoundMessage, leadStateUnknownMessage, leadStopModal } from '../../../views/leadMessages.js';
import { assertMayActOnLeads } from '../../services/domain.js';
import { actorOf, type SlackActor } from '../context.js';
import { currentFirst, enrollmentViews, leadAddModalFor } from '../flows/leads.js';
import { leadListFor } from '../flows/leadList.js';
import { nextFollowup } from '../flows/nextFollowup.js';
import { openFromCommand, type CommandContext } from './types.js';

/** The one who typed the command; refused (a DomainError) unless they may act on the workspace's leads. */
export async function leadActor(ctx: CommandContext): Promise<SlackActor> {
  const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
  assertMayActOnLeads(actor);
  return actor;
}

export async function add(ctx: CommandContext): Promise<void> {
  await openFromCommand(ctx, 'Add a lead', async () => {
    // A guest is told before filling in a form the service would refuse.
    await leadActor(ctx);
    const modal = await leadAddModalFor(ctx.services, ctx.workspace, {}, { responseUrl: ctx.command.response_url });
    return modal ? { modal } : { message: notice('Add an assistant first with `/schedule assistant add`: leads follow an assistant’s schedule.') };
  });
}

export async function show(ctx: CommandContext, email: string): Promise<void> {
  const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
  const lead = await ctx.services.leads.findByEmail(actor, email);
  if (!lead) {
    await ctx.respond({ response_type: 'ephemeral', ...leadNotFoundMessage(email) });
    return;
  }
  const enrollments = currentFirst(lead);
  const [views, next] = await Promise.all([enrollmentViews(ctx.services, ctx.workspace, enrollments), nextFollowup(ctx.services, ctx.workspace, lead, enrollments[0])]);
  await ctx.respond({ response_type: 'ephemeral', ...leadDetailsMessage(lead, views, next) });
}

export async function list(ctx: CommandContext, assistantName: string | undefined, state: EnrollmentState | undefined): Promise<void> {
  const actor = await leadActor(ctx);
  let assistantId: string | null = null;
  if (assistantName) {
    const assistant = await ctx.services.assistants.findByName(ctx.workspace, assistantName);
    // `lead list Ava stoped`: the words before the last name an assistant, so the last was meant as a state.
    const words = assistantName.split(/\s+/);
    if (!assistant && !state && words.length > 1) {
      const named = await ctx.services.assistants.findByName(ctx.workspace, words.slice(0, -1).join(' '));
      if (named) {
        await ctx.respond({ response_type: 'ephemeral', ...leadStateUnknownMessage(words.at(-1)!, named.name) });
        return;
      }
    }
    if (!assistant) {
      const [all, closeMatches] = await Promise.all([ctx.services.assistants.list(ctx.workspace), ctx.services.assistants.closeMatches(ctx.workspace, assistantName)]);
      await ctx.respond({ response_type: 'ephemeral', ...assistantNotFoundMessage(assistantName, closeMatches, all.map((a) => a.name)) });
      return;
    }
    assistantId = assistant.id;
  }
  await ctx.respond({ response_type: 'ephemeral', ...(await leadListFor(ctx.services, actor, { assistantId, state: state ?? null, page: 0 })) });
}

/** Pause or resume: at once, answered to the one who asked. */
export async function change(ctx: CommandContext, verb: 'pause' | 'resume', email: string): Promise<void> {
  const actor = await actorOf(ctx.client, ctx.workspace, ctx.command.user_id);
  const lead = await ctx.services.leads.findByEmail(actor, email);
  if (!lead) {
    await ctx.respond({ response_type: 'ephemeral', ...leadNotFoundMessage(email) });
    return;
  }
  const changed = verb === 'pause' ? await ctx.services.leads.pause(actor, lead.id) : await ctx.services.leads.resume(actor, lead.id);
  const views = await enrollmentViews(ctx.services, ctx.workspace, currentFirst(changed));
  await ctx.respond({ response_type: 'ephemeral', ...notice(leadChangedText(verb === 'pause' ? 'Paused' : 'Resumed', changed, views)) });
}

/** Stop asks why first, in a modal. */
export async function stop(ctx: CommandContext, email: string): Promise<void> {
  await openFromCommand(ctx, 'Stop a lead', async () => {
    const lead = await ctx.services.leads.findByEmail(await actorOf(ctx.client, ctx.workspace, ctx.command.user_id), email);
    if (!lead) return { message: leadNotFoundMessage(email) };
    if (!lead.enrollments.some((e) => e.state === 'active' || e.state === 'paused')) {
      return { message: notice(`${leadLabel(lead)} is not following a schedule right now: there is nothing to stop.`) };
    }
    return { modal: leadStopModal(lead, { leadId: lead.id, responseUrl: ctx.command.response_url }) };
  });
}

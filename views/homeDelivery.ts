// App Home's delivery section: per assistant, today's sends, what is due next, held followups and
// failures. Times are Slack's `<!date^…>`, so each viewer reads them in their own time zone.
// At most HOME_DELIVERY_ASSISTANTS assistants, two blocks each: with the rest of the Home tab it
// stays well under Slack's 100 blocks; each section's text stays under its 3,000 characters.
import type { KnownBlock } from '@slack/types';
import type { AssistantDeliveryOverview, OverviewLine } from '../src/services/deliveryOverview.js';
import { bold, code, escapeMrkdwn, inline, mrkdwn, plural } from './text.js';

export const HOME_DELIVERY_ASSISTANTS = 10;

export interface HomeDeliveryModel {
  /** The assistants shown (the viewer's own first), each with its overview. */
  readonly assistants: readonly { readonly name: string; readonly timeZone: string; readonly overview: AssistantDeliveryOverview }[];
  /** Assistants left out to stay within the limits. */
  readonly more: number;
}

/** `<!date^…>`: the time in the reader's own zone, with a UTC fallback for clients that can't. */
export function slackDate(at: Date): string {
  const fallback = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

function line(l: OverviewLine, what?: string): string {
  const detail = what ?? (l.detail ? inline(l.detail, 60) : '');
  return `• ${escapeMrkdwn(l.lead, 60)} · followup ${l.step} of ${l.totalSteps}${detail ? ` · ${detail}` : ''} · ${slackDate(l.at)}`;
}

function assistantBlocks(name: string, timeZone: string, o: AssistantDeliveryOverview): KnownBlock[] {
  const sent = o.sentToday
    ? `${plural(o.sentToday, 'followup')} sent today${o.notDeliveredToday ? ` (${o.notDeliveredToday} not delivered: no SMTP server is configured, they are in the outbox)` : ''}`
    : 'nothing sent today';
  const lines = [`${bold(name, 80)} · ${sent} · ${escapeMrkdwn(timeZone, 40)}`];
  lines.push(...o.recentSends.map((l) => line(l)));
  lines.push('*Due next*');
  lines.push(...(o.dueNext.length ? o.dueNext.map((l) => line(l)) : ['Nothing is due.']));
  if (o.moreDue) lines.push(`…and more: ${code('/schedule lead list')} shows every lead.`);
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(lines.join('\n')) }];
  if (o.held.length || o.failures.length) {
    const attention: string[] = [];
    if (o.held.length) attention.push(`*Held* (paused: a field the message needs is empty)`, ...o.held.map((l) => line(l, l.detail ? `missing ${inline(l.detail, 60)}` : '')));
    if (o.failures.length) attention.push('*Failures* (last 7 days)', ...o.failures.map((l) => line(l, `${l.kind}${l.detail ? `: ${inline(l.detail, 60)}` : ''}`)));
    blocks.push({ type: 'section', text: mrkdwn(attention.join('\n')) });
  }
  return blocks;
}

export function homeDeliveryBlocks(model: HomeDeliveryModel): KnownBlock[] {
  if (!model.assistants.length) return [];
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn('*Delivery*') }];
  for (const a of model.assistants.slice(0, HOME_DELIVERY_ASSISTANTS)) blocks.push(...assistantBlocks(a.name, a.timeZone, a.overview));
  const more = model.more + Math.max(0, model.assistants.length - HOME_DELIVERY_ASSISTANTS);
  if (more) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${plural(more, 'more assistant')}: ${code('/schedule lead list <assistant>')} shows their leads.`)] });
  blocks.push({ type: 'divider' });
  return blocks;
}

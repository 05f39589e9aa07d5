// `/schedule lead list` and its page buttons: one page from the database, with names and zones.
import type { Services } from '../../services/index.js';
import type { Actor } from '../../services/domain.js';
import type { EnrollmentState } from '../../services/leads/index.js';
import { leadListMessage } from '../../../views/leadMessages.js';
import type { MessageView } from '../../../views/message.js';
import { enrollmentViews } from './leads.js';

export const LEADS_PER_PAGE = 10;

export async function leadListFor(
  services: Services,
  actor: Actor,
  filter: { assistantId: string | null; state: EnrollmentState | null; page: number },
): Promise<MessageView> {
  const ref = actor.workspace;
  const [page, assistant] = await Promise.all([
    services.leads.list(actor, { assistantId: filter.assistantId, state: filter.state, page: filter.page, perPage: LEADS_PER_PAGE }),
    filter.assistantId ? services.assistants.get(ref, filter.assistantId).catch(() => null) : null,
  ]);
  const views = await enrollmentViews(services, ref, page.items.map((i) => i.enrollment));
  return leadListMessage({
    page: { shown: views.map((v, i) => ({ ...v, lead: page.items[i]!.lead })), current: page.page, hasNext: page.hasNext, total: page.total },
    perPage: LEADS_PER_PAGE,
    filter: { assistantId: filter.assistantId, assistantName: assistant?.name ?? null, state: filter.state },
  });
}

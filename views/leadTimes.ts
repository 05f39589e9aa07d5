// Times of a lead's followups as the team reads them: in the assistant's time zone, to the minute.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { OWN_EMAIL } from '../src/services/domain.js';
import type { Followup } from '../src/services/leads/index.js';
import { inline } from './text.js';

/** "Mon 8 Mar 2027, 09:00" in `timeZone`. */
function time(at: Date, timeZone: string): string {
  return format(new TZDate(at.getTime(), timeZone), 'EEE d MMM yyyy, HH:mm');
}

/** "Candid", "Custom message", "Your own email". */
function typeLabel(type: Followup['type']): string {
  if (type === 'custom') return 'Custom message';
  if (type === OWN_EMAIL) return 'Your own email';
  return type;
}

/**
 * One line per followup: "2. Gentle · Tue 9 Mar 2027, 09:00", "· sent …" once sent, and "· not sent"
 * for those left when the enrollment `ended` (stopped or completed).
 */
function planned(followups: readonly Followup[], timeZone: string, ended = false): string {
  if (!followups.length) return '_No followups._';
  return followups
    .map((f) => {
      const when = f.sentAt
        ? `sent ${time(f.sentAt, timeZone)}${f.outcome ? ` (${inline(f.outcome, 60)})` : ''}`
        : ended
          ? `not sent (was planned for ${time(f.plannedAt, timeZone)})`
          : time(f.plannedAt, timeZone);
      return `${f.step}. ${typeLabel(f.type)} · ${when}`;
    })
    .join('\n');
}

export const followupLines = { time, planned, typeLabel };

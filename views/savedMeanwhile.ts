// A save refused because someone else saved the same thing after the form opened.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** Who saved, and when in the viewer's time zone; plain text (modal field errors are not mrkdwn). */
export function savedMeanwhileText(conflict: { savedByName: string; savedAt: Date; scheduleName: string }, timeZone: string): string {
  const when = format(new TZDate(conflict.savedAt, timeZone), "HH:mm 'on' EEE d MMM");
  return `${conflict.savedByName || 'Someone'} saved “${conflict.scheduleName}” at ${when} (${timeZone}), after you opened this form. Your changes were not saved: close it and open it again to see theirs.`;
}

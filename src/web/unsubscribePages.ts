// The pages a lead sees behind the unsubscribe link of a followup email. Pure: (model) => HTML.
// They name who sends the followups and nothing else of the lead (whoever holds the email may open
// the link); no script and no external resource; every value is escaped.
import { escapeHtml, page } from '../installs/pages.js';
import type { Sender } from '../services/unsubscribes.js';

/** "Ava Stone (ava@acme.com)" for each sender, "and" before the last. */
function whoSends(senders: readonly Sender[]): string {
  const names = senders.map((s) => (s.email ? `<strong>${escapeHtml(s.name)}</strong> (${escapeHtml(s.email)})` : `<strong>${escapeHtml(s.name)}</strong>`));
  if (!names.length) return 'this team';
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

/** GET: asks to confirm with one button (a POST to the same address, as RFC 8058's one-click POST). */
export function confirmUnsubscribePage(senders: readonly Sender[]): string {
  return page(
    'Unsubscribe from these emails?',
    `<p>You will get no more followup emails from ${whoSends(senders)}.</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" style="font:inherit;padding:.6rem 1.2rem;border-radius:.4rem;border:1px solid #333;background:#1d1c1d;color:#fff;cursor:pointer">Unsubscribe</button></form>`,
  );
}

/** After a POST: done, or it had been done before. */
export function unsubscribedPage(senders: readonly Sender[], already: boolean): string {
  return already
    ? page('You are already unsubscribed', `<p>You get no more followup emails from ${whoSends(senders)}. There is nothing else to do.</p>`)
    : page('You are unsubscribed', `<p>You will get no more followup emails from ${whoSends(senders)}. You can close this page.</p>`);
}

/** An unknown or malformed token: says nothing of whether the lead exists. */
export function invalidUnsubscribeLinkPage(): string {
  return page('This unsubscribe link is not valid', '<p>Check that the whole link from the email was opened (some mail programs break long links over two lines), or reply to the email to ask the sender to stop.</p>');
}

/** The database did not answer, or the request could not finish: nothing to do but try again. */
export function unsubscribeFailedPage(): string {
  return page('Please try again in a moment', '<p>Your request could not be completed just now, so you are not unsubscribed yet. Reload this page in a moment to try again.</p>');
}

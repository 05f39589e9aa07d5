// Sends a followup's email: over SMTP with nodemailer when SMTP_URL is set, else into the outbox
// collection (the app runs without a mail server; the notice says the email was not delivered).
// Both paths build the same message: the unsubscribe footer in both bodies, the thread's headers
// and RFC 8058's one-click unsubscribe headers.
import nodemailer, { type NodemailerError, type SendMailOptions, type Transporter } from 'nodemailer';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { isDuplicateKeyError, type Models } from '../../db/models.js';
import type { Mailer, OutgoingEmail, SendOutcome } from './types.js';

/**
 * Where the URL sets nothing else: a pool of reused connections (a burst of due followups does
 * not pay a TCP and TLS handshake per email), and timeouts far below nodemailer's defaults (2 and
 * 10 minutes), so a dead server fails a send quickly and the dispatcher retries it later. Every
 * one of these can be overridden in SMTP_URL's query (`?pool=false&socketTimeout=120000`), and
 * TLS options are read from it too (`smtps://` for implicit TLS, `?tls.rejectUnauthorized=false`).
 */
const TRANSPORT_DEFAULTS = {
  pool: true,
  maxConnections: 5,
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 60_000,
  // Bodies are our own strings: never let a message option read a file or fetch a URL.
  disableFileAccess: true,
  disableUrlAccess: true,
} as const;

const ONE_CLICK = 'List-Unsubscribe=One-Click';

export function createMailer(config: { readonly delivery: Pick<Config['delivery'], 'smtpUrl'> }, models: Models, clock: Clock): Mailer {
  const { smtpUrl } = config.delivery;
  return smtpUrl ? smtpMailer(smtpUrl, clock) : outboxMailer(models, clock);
}

/** The text body with the unsubscribe line the lead reads under it. */
export function textWithFooter(text: string, unsubscribeUrl: string): string {
  return `${text.trimEnd()}\n\n--\nTo stop receiving these emails, unsubscribe: ${unsubscribeUrl}\n`;
}

/** The HTML body with the unsubscribe link under it (inside `<body>` when the HTML has one). */
export function htmlWithFooter(html: string, unsubscribeUrl: string): string {
  const footer = `<p style="margin-top:24px;font-size:12px;color:#777777">To stop receiving these emails, <a href="${escapeHtml(unsubscribeUrl)}">unsubscribe</a>.</p>`;
  const bodyEnd = html.search(/<\/body>/i);
  return bodyEnd >= 0 ? `${html.slice(0, bodyEnd)}${footer}${html.slice(bodyEnd)}` : `${html}\n${footer}`;
}

/** The headers the lead's mail program threads and unsubscribes by, as they go out. */
export function emailHeaders(email: OutgoingEmail): Record<string, string> {
  return {
    'Message-ID': email.messageId,
    ...(email.inReplyTo ? { 'In-Reply-To': email.inReplyTo } : {}),
    ...(email.references.length ? { References: email.references.join(' ') } : {}),
    'List-Unsubscribe': `<${email.unsubscribeUrl}>`,
    'List-Unsubscribe-Post': ONE_CLICK,
  };
}

function messageOptions(email: OutgoingEmail, clock: Clock): SendMailOptions {
  return {
    from: { name: email.from.name, address: email.from.email },
    to: email.to.name ? { name: email.to.name, address: email.to.email } : email.to.email,
    subject: email.subject,
    messageId: email.messageId,
    ...(email.inReplyTo ? { inReplyTo: email.inReplyTo } : {}),
    ...(email.references.length ? { references: [...email.references] } : {}),
    date: clock.now(),
    text: textWithFooter(email.text, email.unsubscribeUrl),
    html: htmlWithFooter(email.html, email.unsubscribeUrl),
    list: { unsubscribe: email.unsubscribeUrl },
    headers: { 'List-Unsubscribe-Post': ONE_CLICK },
  };
}

function smtpMailer(smtpUrl: string, clock: Clock): Mailer {
  // Options the URL sets win over these (nodemailer merges them that way).
  const transport: Transporter = nodemailer.createTransport({ url: smtpUrl, ...TRANSPORT_DEFAULTS });
  const secrets = urlSecrets(smtpUrl);
  return {
    async send(email) {
      try {
        await transport.sendMail(messageOptions(email, clock));
        return { ok: true, delivered: true };
      } catch (error) {
        return smtpFailure(error as NodemailerError, secrets);
      }
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * Only a 5xx answer to the recipient (RCPT TO) or to the message itself (DATA) is the lead's
 * bounce. A 5xx to the login or the sender is this app's SMTP set-up, not the lead: temporary,
 * so fixing SMTP_URL delivers what waited. 503 is "bad sequence", a session problem (RFC 5321).
 */
function smtpFailure(error: NodemailerError, secrets: readonly string[]): SendOutcome {
  const code = error.responseCode;
  const answer = error.response ?? error.message;
  const rejected = code !== undefined && code >= 500 && code < 600 && code !== 503;
  const permanent = rejected && (error.command === 'RCPT TO' || error.command === 'DATA');
  let text: string;
  if (permanent) text = `The SMTP server refused the email for this recipient: ${answer}`;
  else if (error.code === 'EAUTH' || error.code === 'ENOAUTH') text = `The SMTP server refused the login (check SMTP_URL): ${answer}`;
  else if (code !== undefined && error.command === 'MAIL FROM') text = `The SMTP server refused the sender address: ${answer}`;
  else if (code !== undefined) text = `The SMTP server did not take the email for now: ${answer}`;
  else text = `Could not reach the SMTP server: ${error.message}`;
  return { ok: false, permanent, error: withoutSecrets(text, secrets) };
}

function outboxMailer(models: Models, clock: Clock): Mailer {
  // The same message the SMTP path would send, built but not sent, so the outbox keeps its source.
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, disableFileAccess: true, disableUrlAccess: true });
  return {
    async send(email) {
      try {
        const info = await composer.sendMail(messageOptions(email, clock));
        await models.OutboxEmail.create({
          workspace: email.workspace,
          messageId: email.messageId,
          from: { name: email.from.name, email: email.from.email },
          to: { name: email.to.name, email: email.to.email },
          subject: email.subject,
          headers: emailHeaders(email),
          text: textWithFooter(email.text, email.unsubscribeUrl),
          html: htmlWithFooter(email.html, email.unsubscribeUrl),
          raw: info.message.toString('utf8'),
        });
      } catch (error) {
        // The same followup again (a retry after a crash): it is in the outbox already, once.
        if (!isDuplicateKeyError(error)) return { ok: false, permanent: false, error: `Could not keep the email in the outbox: ${(error as Error).message}` };
      }
      return { ok: true, delivered: false };
    },
    async close() {},
  };
}

/** The URL's user name and password, as written and decoded: no error text may show them. */
function urlSecrets(smtpUrl: string): string[] {
  const url = URL.canParse(smtpUrl) ? new URL(smtpUrl) : null;
  if (!url) return [];
  // A user name of one or two characters would blank out unrelated words: it is no secret anyway.
  const parts = [url.username.length >= 3 ? url.username : '', url.password].filter((part) => part.length > 0);
  return [...new Set(parts.flatMap((part) => [part, safeDecode(part)]))].sort((a, b) => b.length - a.length);
}

function withoutSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join('***'), text);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

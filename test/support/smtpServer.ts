// A real SMTP server on loopback (the `smtp-server` package) for delivery tests and benchmarks:
// it records every message it accepts, parsed as a mail program would read it, and can be told
// to misbehave the ways a real one does: down (connections refused), answering 4xx for a while,
// or rejecting one recipient with 5xx.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';

export interface ReceivedMailbox {
  readonly name: string;
  readonly address: string;
}

/** One message as the server took it, in the order it arrived. */
export interface ReceivedEmail {
  /** The SMTP envelope (MAIL FROM / RCPT TO), which decides delivery. */
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  readonly from: ReceivedMailbox | null;
  readonly to: readonly ReceivedMailbox[];
  readonly subject: string;
  readonly messageId: string | null;
  readonly inReplyTo: string | null;
  /** Message-IDs of the References header, in order. */
  readonly references: readonly string[];
  readonly text: string;
  readonly html: string;
  /** A header as written in the message (unfolded), or null when absent. `header('List-Unsubscribe')`. */
  header(name: string): string | null;
  /** Which login sent it (null without AUTH). */
  readonly user: string | null;
  /** When the server took it (Date.now()). */
  readonly receivedAt: number;
}

export interface TestSmtpServerOptions {
  /** Require this login (AUTH PLAIN/LOGIN over plain TCP, as on loopback only). */
  readonly login?: { readonly user: string; readonly pass: string };
  /**
   * Read only the headers, not the bodies (benchmarks: a hundred thousand messages, parsed by
   * mailparser, would cost more than sending them): `text`, `html`, `from`, `to` stay empty.
   */
  readonly headersOnly?: boolean;
}

export interface TestSmtpServer {
  readonly port: number;
  /** `smtp://[user:pass@]127.0.0.1:<port>`, ready for SMTP_URL. */
  readonly url: string;
  /** Every message accepted so far, oldest first. */
  readonly received: readonly ReceivedEmail[];
  /** Answers every RCPT TO with this 4xx (e.g. 451) until called with null. */
  deferAll(code: number | null): void;
  /** Rejects this recipient with a 5xx (550 unless given) from now on. */
  rejectRecipient(address: string, code?: number): void;
  /** Stops listening: new connections are refused and open ones are closed (421). */
  down(): Promise<void>;
  /** Listens again, on the same port. */
  up(): Promise<void>;
  /** Waits until `count` messages were accepted (fails after `timeoutMs`). */
  waitForCount(count: number, timeoutMs?: number): Promise<readonly ReceivedEmail[]>;
  close(): Promise<void>;
}

class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedEmail[] = [];
  const rejected = new Map<string, number>();
  const waiters = new Set<() => void>();
  let deferCode: number | null = null;
  let port = 0;
  let server: SMTPServer | null = null;

  const create = () =>
    new SMTPServer({
      secure: false,
      // No TLS on loopback: nodemailer would try STARTTLS with a self-signed certificate otherwise.
      disabledCommands: options.login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !options.login,
      allowInsecureAuth: true,
      logger: false,
      // Going down closes idle pooled connections at once instead of after 30 s.
      closeTimeout: 50,
      onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback) {
        const login = options.login;
        if (login && auth.username === login.user && auth.password === login.pass) return callback(null, { user: auth.username });
        callback(new SmtpReply(535, '5.7.8 Authentication credentials invalid'));
      },
      onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback) {
        if (deferCode !== null) return callback(new SmtpReply(deferCode, '4.3.2 Try again later'));
        const code = rejected.get(address.address.toLowerCase());
        if (code !== undefined) return callback(new SmtpReply(code, `5.1.1 <${address.address}>: Recipient address rejected: User unknown`));
        callback();
      },
      onData(stream, session, callback) {
        (options.headersOnly ? headersOf(stream, session) : simpleParser(stream).then((mail) => receivedEmail(mail, session)))
          .then((email) => {
            received.push(email);
            for (const wake of waiters) wake();
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });

  const listen = async () => {
    const next = create();
    next.on('error', () => {});
    next.listen(port, '127.0.0.1');
    await once(next.server, 'listening');
    port = (next.server.address() as AddressInfo).port;
    server = next;
  };
  const stop = async () => {
    const current = server;
    server = null;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await listen();
  const login = options.login ? `${encodeURIComponent(options.login.user)}:${encodeURIComponent(options.login.pass)}@` : '';
  return {
    port,
    url: `smtp://${login}127.0.0.1:${port}`,
    received,
    deferAll(code) {
      deferCode = code;
    },
    rejectRecipient(address, code = 550) {
      rejected.set(address.toLowerCase(), code);
    },
    down: stop,
    up: async () => {
      if (!server) await listen();
    },
    async waitForCount(count, timeoutMs = 15_000) {
      if (received.length >= count) return received;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the SMTP server received ${received.length} messages, not ${count}, within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
      return received;
    },
    close: stop,
  };
}

type Parts = Pick<ReceivedEmail, 'from' | 'to' | 'subject' | 'text' | 'html'>;

function receivedEmail(mail: Awaited<ReturnType<typeof simpleParser>>, session: SMTPServerSession): ReceivedEmail {
  const parts: Parts = { from: mailboxes(mail.from)[0] ?? null, to: mailboxes(mail.to), subject: mail.subject ?? '', text: mail.text ?? '', html: typeof mail.html === 'string' ? mail.html : '' };
  return emailWith(headerMap(mail.headerLines.map(({ line }) => line)), session, parts);
}

/** Reads the header block only and lets the rest of the message stream by. */
async function headersOf(stream: NodeJS.ReadableStream, session: SMTPServerSession): Promise<ReceivedEmail> {
  let head = '';
  for await (const chunk of stream) {
    if (head.length < 65_536 && !/\r?\n\r?\n/.test(head)) head += chunk.toString();
  }
  const headers = headerMap(head.split(/\r?\n\r?\n/)[0]!.split(/\r?\n(?![ \t])/));
  return emailWith(headers, session, { from: null, to: [], subject: headers.get('subject') ?? '', text: '', html: '' });
}

/** Header lines (`Name: value`, maybe folded) by lower-cased name: the first of each, folding undone (RFC 5322 2.2.3). */
function headerMap(lines: readonly string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(key)) headers.set(key, line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  }
  return headers;
}

function emailWith(headers: Map<string, string>, session: SMTPServerSession, parts: Parts): ReceivedEmail {
  const references = headers.get('references');
  const mailFrom = session.envelope.mailFrom;
  return {
    ...parts,
    envelope: { from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((rcpt) => rcpt.address) },
    messageId: headers.get('message-id') ?? null,
    inReplyTo: headers.get('in-reply-to') ?? null,
    references: references ? references.split(/\s+/).filter(Boolean) : [],
    header: (name) => headers.get(name.toLowerCase()) ?? null,
    user: typeof session.user === 'string' ? session.user : null,
    receivedAt: Date.now(),
  };
}

function mailboxes(field: AddressObject | AddressObject[] | undefined): ReceivedMailbox[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value).map((box: EmailAddress) => ({ name: box.name, address: box.address ?? '' }));
}

// The SMTP server of `npm run bench:dispatch`, in a process of its own (forked), so receiving a hundred
// thousand emails neither slows the app under measure nor counts in its memory. It reports its port,
// then every received message's Message-ID and arrival time (Date.now()), in batches.
import { startSmtpServer } from '../test/support/smtpServer.js';

export type SinkMessage = { kind: 'ready'; url: string } | { kind: 'received'; arrivals: [messageId: string, at: number][] };

async function main(): Promise<void> {
  const server = await startSmtpServer({ headersOnly: true });
  let reported = 0;
  const flush = () => {
    const fresh = server.received.slice(reported);
    if (!fresh.length) return;
    reported += fresh.length;
    process.send!({ kind: 'received', arrivals: fresh.map((email) => [email.messageId ?? '', email.receivedAt]) } satisfies SinkMessage);
  };
  const timer = setInterval(flush, 200);
  process.on('message', (message: { kind: 'stop' }) => {
    if (message.kind !== 'stop') return;
    clearInterval(timer);
    flush();
    void server.close().then(() => process.exit(0));
  });
  process.send!({ kind: 'ready', url: server.url } satisfies SinkMessage);
}

void main();

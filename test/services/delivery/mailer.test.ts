// The mailer against a real SMTP server on loopback: what the lead's mail program receives (sender,
// thread, unsubscribe footer and RFC 8058 headers), how failures are told apart (a bounce stops
// the lead; a server down or deferring is retried later), and the outbox when SMTP_URL is unset.
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../../src/clock.js';
import { createMailer } from '../../../src/services/delivery/mailer.js';
import type { Mailer, OutgoingEmail } from '../../../src/services/delivery/types.js';
import { newWorkspace, openTestDatabase, type TestDatabase } from '../../support/db.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtpServer.js';

let db: TestDatabase;
let smtp: TestSmtpServer;
let mailer: Mailer;
beforeAll(async () => {
  db = await openTestDatabase();
  smtp = await startSmtpServer();
  mailer = createMailer({ delivery: { smtpUrl: smtp.url } }, db.services.models, systemClock);
});
afterAll(async () => {
  await mailer.close();
  await smtp.close();
  await db.close();
});

function messageId(): string {
  return `<${randomBytes(6).toString('hex')}@followups.test>`;
}

/** Dana's first followup from Ava; `overrides` for the later ones of the thread. */
function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    workspace: newWorkspace().teamId,
    messageId: messageId(),
    from: { name: 'Ava Jones', email: 'ava@seller.test' },
    to: { name: 'Dana Lee', email: `dana.${randomBytes(3).toString('hex')}@buyer.test` },
    subject: 'Quick question, Dana',
    text: 'Hi Dana,\n\nDid you get a chance to look?\n\nAva',
    html: '<p>Hi Dana,</p><p>Did you get a chance to look?</p><p>Ava</p>',
    inReplyTo: null,
    references: [],
    unsubscribeUrl: 'https://followups.example.com/unsubscribe/AbCdEfGhIjKlMnOpQrStUvWx',
    ...overrides,
  };
}

function receivedWith(id: string) {
  return smtp.received.filter((message) => message.messageId === id);
}

test('the lead gets the email from the assistant, with the unsubscribe link in both bodies and the one-click unsubscribe headers', async () => {
  const sent = email();
  expect(await mailer.send(sent)).toEqual({ ok: true, delivered: true });

  const [got] = receivedWith(sent.messageId);
  expect(got).toBeDefined();
  expect(got!.envelope.to).toEqual([sent.to.email]);
  expect(got!.from).toEqual({ name: 'Ava Jones', address: 'ava@seller.test' });
  expect(got!.to).toEqual([{ name: 'Dana Lee', address: sent.to.email }]);
  expect(got!.subject).toBe('Quick question, Dana');
  expect(got!.text).toContain('Did you get a chance to look?');
  expect(got!.text).toContain(`unsubscribe: ${sent.unsubscribeUrl}`);
  expect(got!.html).toContain('<p>Did you get a chance to look?</p>');
  expect(got!.html).toContain(`<a href="${sent.unsubscribeUrl}">unsubscribe</a>`);
  expect(got!.header('List-Unsubscribe')).toBe(`<${sent.unsubscribeUrl}>`);
  expect(got!.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  // The first email of a thread answers nothing.
  expect(got!.inReplyTo).toBeNull();
  expect(got!.references).toEqual([]);
});

test('a later followup stays in the lead’s thread: In-Reply-To the previous email, References to every earlier one', async () => {
  const first = email();
  const second = email({ to: first.to, subject: `Re: ${first.subject}`, inReplyTo: first.messageId, references: [first.messageId] });
  const third = email({ to: first.to, subject: `Re: ${first.subject}`, inReplyTo: second.messageId, references: [first.messageId, second.messageId] });
  for (const followup of [first, second, third]) expect(await mailer.send(followup)).toEqual({ ok: true, delivered: true });

  const got = receivedWith(third.messageId)[0]!;
  expect(got.messageId).toBe(third.messageId);
  expect(got.subject).toBe('Re: Quick question, Dana');
  expect(got.inReplyTo).toBe(second.messageId);
  expect(got.references).toEqual([first.messageId, second.messageId]);
  expect(receivedWith(second.messageId)[0]!.inReplyTo).toBe(first.messageId);
});

test('a 5xx rejection of the recipient is permanent (a bounce), and says what the server answered', async () => {
  const bouncing = email();
  smtp.rejectRecipient(bouncing.to.email, 550);
  const outcome = await mailer.send(bouncing);
  expect(outcome).toEqual({ ok: false, permanent: true, error: expect.stringContaining('550') });
  expect(receivedWith(bouncing.messageId)).toHaveLength(0);

  // Another lead's email goes through on the same pool.
  const fine = email();
  expect(await mailer.send(fine)).toEqual({ ok: true, delivered: true });
});

test('a 4xx answer is temporary: the same email goes through once the server takes it again', async () => {
  const deferred = email();
  smtp.deferAll(451);
  try {
    expect(await mailer.send(deferred)).toEqual({ ok: false, permanent: false, error: expect.stringContaining('451') });
  } finally {
    smtp.deferAll(null);
  }
  expect(await mailer.send(deferred)).toEqual({ ok: true, delivered: true });
  expect(receivedWith(deferred.messageId)).toHaveLength(1);
});

describe('with a login in SMTP_URL', () => {
  const login = { user: 'followups-app', pass: 'p@ss w0rd/s3cret' };
  let guarded: TestSmtpServer;
  beforeAll(async () => {
    guarded = await startSmtpServer({ login });
  });
  afterAll(() => guarded.close());

  function expectNoCredentials(error: string) {
    for (const secret of [login.pass, encodeURIComponent(login.pass), 'w0rd', login.user]) expect(error).not.toContain(secret);
  }

  test('the server down is temporary, the error names no credentials, and the same email goes through once it is up', async () => {
    const loggedIn = createMailer({ delivery: { smtpUrl: guarded.url } }, db.services.models, systemClock);
    try {
      const warmUp = email();
      expect(await loggedIn.send(warmUp)).toEqual({ ok: true, delivered: true });
      expect(guarded.received.find((message) => message.messageId === warmUp.messageId)?.user).toBe(login.user);

      await guarded.down();
      const waiting = email();
      const outcome = await loggedIn.send(waiting);
      expect(outcome).toEqual({ ok: false, permanent: false, error: expect.stringMatching(/SMTP server/) });
      if (!outcome.ok) expectNoCredentials(outcome.error);

      await guarded.up();
      expect(await loggedIn.send(waiting)).toEqual({ ok: true, delivered: true });
      expect(guarded.received.filter((message) => message.messageId === waiting.messageId)).toHaveLength(1);
    } finally {
      await loggedIn.close();
      await guarded.up();
    }
  });

  test('a refused login is temporary (the app’s SMTP set-up, not the lead) and the error names no credentials', async () => {
    const wrong = `smtp://${encodeURIComponent(login.user)}:${encodeURIComponent(`${login.pass}x`)}@127.0.0.1:${guarded.port}`;
    const badLogin = createMailer({ delivery: { smtpUrl: wrong } }, db.services.models, systemClock);
    try {
      const outcome = await badLogin.send(email());
      expect(outcome).toEqual({ ok: false, permanent: false, error: expect.stringContaining('login') });
      if (!outcome.ok) expectNoCredentials(outcome.error);
    } finally {
      await badLogin.close();
    }
  });
});

test('without SMTP_URL the email goes to the outbox with its headers and footer, once for the same Message-ID', async () => {
  const outbox = createMailer({ delivery: {} }, db.services.models, systemClock);
  const first = email();
  const kept = email({ workspace: first.workspace, to: first.to, subject: 'Re: Quick question, Dana', inReplyTo: first.messageId, references: [first.messageId] });
  expect(await outbox.send(kept)).toEqual({ ok: true, delivered: false });
  // A retry after a crash: the same followup, the same Message-ID.
  expect(await outbox.send(kept)).toEqual({ ok: true, delivered: false });

  const stored = await db.services.models.OutboxEmail.find({ workspace: first.workspace }).lean();
  expect(stored).toHaveLength(1);
  const [doc] = stored;
  expect(doc).toMatchObject({ messageId: kept.messageId, from: kept.from, to: kept.to, subject: 'Re: Quick question, Dana' });
  expect(doc!.headers).toEqual({
    'Message-ID': kept.messageId,
    'In-Reply-To': first.messageId,
    References: first.messageId,
    'List-Unsubscribe': `<${kept.unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  });
  expect(doc!.text).toContain(`unsubscribe: ${kept.unsubscribeUrl}`);
  expect(doc!.html).toContain(`href="${kept.unsubscribeUrl}"`);
  // The whole message, as an SMTP server would have got it.
  expect(doc!.raw).toMatch(new RegExp(`^Message-ID: ${kept.messageId}\\r?$`, 'm'));
  expect(doc!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
  expect(smtp.received.filter((message) => message.messageId === kept.messageId)).toHaveLength(0);
});

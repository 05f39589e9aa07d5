// Agenda on the app's own MongoDB connection. Job definitions stay thin: load, then call a service.
import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Connection } from 'mongoose';
import type { Db } from 'mongodb';

export async function startJobs(connection: Connection, options: { readyTimeoutMs?: number } = {}): Promise<Agenda> {
  const agenda = new Agenda({
    // Reuses mongoose's connection; Agenda then leaves closing it to us.
    backend: new MongoBackend({ mongo: connection.db as unknown as Db, collection: 'agendaJobs' }),
    processEvery: '10 seconds',
  });
  // Agenda 6 connects in its constructor and never catches that promise: wait on it with a deadline.
  const timeoutMs = options.readyTimeoutMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    agenda.ready,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Agenda was not ready within ${timeoutMs / 1000}s`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  await agenda.start();
  return agenda;
}

/** Lets running jobs finish (up to the deadline), then stops taking new ones. */
export async function stopJobs(agenda: Agenda, timeoutMs: number): Promise<void> {
  const result = (await agenda.drain({ timeout: timeoutMs })) as unknown as { timedOut?: boolean };
  // Jobs still running at the deadline are unlocked so another worker picks them up (they are idempotent).
  if (result?.timedOut) await agenda.stop(false);
}

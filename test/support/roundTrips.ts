// Counts what one interaction costs: database commands on the app's connection (the driver's
// command monitoring) and Web API calls reaching the local Slack. Agenda's polling is left out.
import type { Connection } from 'mongoose';
import type { CommandStartedEvent, Document } from 'mongodb';
import type { FakeSlack } from './fakeSlack.js';

/** Commands that read or write documents; handshakes, pings and cursor kills are not round trips we make. */
const DATA_COMMANDS = new Set(['find', 'insert', 'update', 'delete', 'aggregate', 'count', 'findAndModify', 'getMore', 'distinct']);

export interface Cost {
  /** Database commands, e.g. "find drafts". */
  readonly db: readonly string[];
  /** Web API methods called, e.g. "views.update" (response_url posts are not counted). */
  readonly slack: readonly string[];
  /** The reads (find, aggregate, count) as sent, to explain them. */
  readonly reads: readonly Document[];
}

export interface RoundTripCounter {
  /** Runs `interaction` (which must wait for its visible result) and returns what it cost. */
  measure(interaction: () => Promise<void>): Promise<Cost>;
  stop(): void;
}

export function countRoundTrips(connection: Connection, fake: FakeSlack): RoundTripCounter {
  const client = connection.getClient();
  let seen: string[] | null = null;
  let reads: Document[] = [];
  const onCommand = (event: CommandStartedEvent) => {
    if (!seen || event.databaseName !== connection.name || !DATA_COMMANDS.has(event.commandName)) return;
    const collection = String(event.command[event.commandName]);
    if (collection === 'agendaJobs') return;
    seen.push(`${event.commandName} ${collection}`);
    if (['find', 'aggregate', 'count'].includes(event.commandName)) reads.push(event.command);
  };
  client.on('commandStarted', onCommand);
  return {
    async measure(interaction) {
      const calls = fake.calls.length;
      seen = [];
      reads = [];
      try {
        await interaction();
        return { db: seen, slack: fake.calls.slice(calls).map((c) => c.method), reads };
      } finally {
        seen = null;
      }
    },
    stop() {
      client.off('commandStarted', onCommand);
    },
  };
}

// Counts what one interaction costs: database commands on the app's connection (the driver's
// command monitoring) and Web API calls reaching the local Slack. Agenda's polling is left out.
import type { Connection } from 'mongoose';
import type { CommandStartedEvent, Document } from 'mongodb';
import type { FakeSlack } from './fakeSlack.js';
import { startTestApp, type TestApp } from './testApp.js';
import { DATA_COMMANDS } from './dataCommands.js';
import { insideRecordedWork } from '../../src/db/connection.js';


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

/**
 * `requestsOnly`: count only commands sent on behalf of a Slack request or API call (and the jobs it
 * starts), not background work such as the dispatcher's polls, which may fall inside any measure.
 */
export function countRoundTrips(connection: Connection, fake: FakeSlack, options: { requestsOnly?: boolean } = {}): RoundTripCounter {
  const client = connection.getClient();
  let seen: string[] | null = null;
  let reads: Document[] = [];
  const onCommand = (event: CommandStartedEvent) => {
    if (!seen || event.databaseName !== connection.name || !DATA_COMMANDS.has(event.commandName)) return;
    const collection = String(event.command[event.commandName]);
    if (collection === 'agendaJobs') return;
    if (options.requestsOnly && !insideRecordedWork()) return;
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

/** The app for a test file, started before its tests with a round-trip counter on it, stopped after. */
export function countedTestApp(options: { requestsOnly?: boolean } = {}): { readonly app: TestApp; readonly trips: RoundTripCounter } {
  const state: { app?: TestApp; trips?: RoundTripCounter } = {};
  beforeAll(async () => {
    state.app = await startTestApp();
    state.trips = countRoundTrips(state.app.runtime.connection, state.app.fake, options);
  });
  afterAll(async () => {
    state.trips?.stop();
    await state.app?.stop();
  });
  return {
    get app() {
      return state.app!;
    },
    get trips() {
      return state.trips!;
    },
  };
}

/** Waits (with a deadline) until `condition` holds: what the user sees has arrived. */
export async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// A database of its own for each test file, on the run's local server (see globalSetup.js).
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectDatabase } from '../../src/db/connection.js';
import { createServices, type DeliveryOptions, type Services } from '../../src/services/index.js';
import { systemClock, type Clock } from '../../src/clock.js';
import type { Actor, WorkspaceRef } from '../../src/services/domain.js';

export function testDatabaseUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests with `npm test` (its global setup starts the database).');
  return uri;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export interface TestDatabase {
  readonly connection: Connection;
  readonly services: Services;
  close(): Promise<void>;
}

/** `databaseUri`: another way to the run's database (a proxy that a test can stop). */
export async function openTestDatabase(clock: Clock = systemClock, options: { delivery?: DeliveryOptions; dbName?: string; databaseUri?: string } = {}): Promise<TestDatabase> {
  const connection = await connectDatabase(options.databaseUri ?? testDatabaseUri(), { dbName: options.dbName ?? uniqueName('test') });
  const services = await createServices(connection, clock, options.delivery ? { delivery: options.delivery } : {});
  return {
    connection,
    services,
    close: async () => {
      await connection.dropDatabase().catch(() => {});
      await connection.close();
    },
  };
}

/** A workspace no other test uses. */
export function newWorkspace(): WorkspaceRef {
  return { teamId: `T${randomBytes(4).toString('hex').toUpperCase()}` };
}

export function actorIn(workspace: WorkspaceRef, userId = 'UALEX', options: { isAdmin?: boolean; name?: string; isGuest?: boolean; home?: WorkspaceRef } = {}): Actor {
  const { isGuest, home } = options;
  return { workspace, userId, name: options.name ?? userId, isAdmin: options.isAdmin ?? false, ...(isGuest ? { isGuest } : {}), ...(home ? { home } : {}) };
}

/** The error `promise` fails with (the test fails if it succeeds). */
export async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** How many times a race test runs its race (issue 6: at least 50), and the time it may take on a busy machine. */
export const RACE_ROUNDS = 50;
export const RACE_TIMEOUT_MS = 180_000;

/** An assistant as stored before its settings beyond zone and off days existed: Old Ava, Tokyo, Sundays off, added by UALEX. */
export async function insertAssistantBeforeSettings(services: Services, workspace: WorkspaceRef): Promise<string> {
  const { insertedId } = await services.models.Assistant.collection.insertOne({
    workspace: workspace.teamId,
    name: 'Old Ava',
    nameKey: 'old ava',
    notificationChannel: '',
    timeZone: 'Asia/Tokyo',
    offDays: [0],
    defaultScheduleId: null,
    defaultEmailCcScheduleId: null,
    createdBy: 'UALEX',
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  return String(insertedId);
}

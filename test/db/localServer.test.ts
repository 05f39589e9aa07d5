// The local database of `npm start` and the tests: FerretDB on PostgreSQL, as child processes
// that live exactly as long as the app wants them.
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { FERRETDB_VERSION, startLocalMongo, tempDataDir } from '../../src/db/localServer.js';

/** Command lines of the processes that run on files in `dir`. */
async function processesUsing(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
    if (cmdline.includes(dir)) found.push(cmdline);
  }
  return found;
}

describe('the local database', () => {
  const dirs: string[] = [];
  const dataDir = async () => {
    const dir = await tempDataDir('followups-local-test-');
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test('keeps its data across a stop and a start on the same folder, and leaves nothing running once stopped', async () => {
    const dir = await dataDir();
    const first = await startLocalMongo({ dataDir: dir, useMongod: false });
    expect(first.kind).toBe('ferretdb');
    const writer = await mongoose.createConnection(first.uri, { dbName: 'keep' }).asPromise();
    await writer.db!.collection('schedules').insertOne({ name: 'Kept', workspace: 'T1' });
    await writer.close();
    await first.stop();
    expect(await processesUsing(dir)).toEqual([]);

    const second = await startLocalMongo({ dataDir: dir, useMongod: false });
    try {
      const reader = await mongoose.createConnection(second.uri, { dbName: 'keep' }).asPromise();
      const kept = await reader.db!.collection('schedules').findOne({ workspace: 'T1' });
      await reader.close();
      expect(kept?.name).toBe('Kept');
    } finally {
      await second.stop();
    }
    expect(await processesUsing(dir)).toEqual([]);
  });

  test('a FerretDB that fails to start takes PostgreSQL down with it', async () => {
    // A cache whose "FerretDB" exits at once, after PostgreSQL has started.
    const dir = await dataDir();
    const cacheDir = join(dir, 'cache');
    await mkdir(join(cacheDir, `ferretdb-${FERRETDB_VERSION}`), { recursive: true });
    const broken = join(cacheDir, `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
    await writeFile(broken, '#!/bin/sh\necho "broken on purpose" >&2\nexit 3\n');
    await chmod(broken, 0o755);

    await expect(startLocalMongo({ dataDir: dir, cacheDir, useMongod: false })).rejects.toThrow(/FerretDB v1\.24\.2 exited \(code 3\): broken on purpose/);
    expect(await processesUsing(dir)).toEqual([]);
  });

  test("PostgreSQL answers FerretDB's pushed-down equality filters from an index, not by reading every document", async () => {
    const database = await startLocalMongo({ dataDir: await dataDir(), useMongod: false, throwaway: true });
    const connection = await mongoose.createConnection(database.uri, { dbName: 'indexed' }).asPromise();
    try {
      const db = connection.db!;
      const docs = db.collection('docs');
      // As the app's models do: a compound index led by the workspace, made after the collection exists.
      await docs.createIndex({ workspace: 1, nameKey: 1 }, { unique: true });
      // 60 workspaces' documents: one workspace is a small part of the collection, as in production.
      await docs.insertMany(Array.from({ length: 3000 }, (_, i) => ({ workspace: `T${i % 60}`, nameKey: `name ${i}`, notes: 'x'.repeat(300) })));
      const one = (await docs.findOne({ workspace: 'T7' }))!;
      const planOf = async (filter: Record<string, unknown>) => {
        const explained = await db.command({ explain: { find: 'docs', filter }, verbosity: 'queryPlanner' });
        return JSON.stringify(explained.queryPlanner);
      };
      for (const filter of [{ workspace: 'T7' }, { _id: one._id }, { workspace: 'T7', nameKey: one.nameKey }]) {
        const plan = await planOf(filter);
        expect({ filter, seqScan: plan.includes('Seq Scan') }).toEqual({ filter, seqScan: false });
        expect(plan).toContain('Index Scan');
      }
    } finally {
      await connection.close();
      await database.stop();
    }
  });

  test('a burst of bulk updates and find-and-modifies from one app never freezes the local database', async () => {
    // FerretDB v1 holds a PostgreSQL connection per update statement until the command returns and
    // needs one more for each write: with its default pool and the driver's default of 100 commands in
    // flight, a burst like this one left every command waiting for ever (src/db/local/ferretdb.ts).
    const database = await startLocalMongo({ dataDir: await dataDir(), useMongod: false, throwaway: true });
    // As the app connects: the local database's URI as it is, one client for the whole burst.
    const connection = await mongoose.createConnection(database.uri, { dbName: 'burst' }).asPromise();
    try {
      const docs = connection.db!.collection<{ _id: number; n: number }>('docs');
      await docs.insertMany(Array.from({ length: 600 }, (_, i) => ({ _id: i, n: 0 })));
      const commands = Array.from({ length: 60 }, (_, c) =>
        c % 3 === 2
          ? docs.findOneAndUpdate({ _id: c * 10 }, { $inc: { n: 1 } })
          : docs.bulkWrite(Array.from({ length: 10 }, (_, k) => ({ updateOne: { filter: { _id: c * 10 + k }, update: { $inc: { n: 1 } } } })), { ordered: false }),
      );
      let timer: NodeJS.Timeout | undefined;
      const frozen = new Promise((resolve) => (timer = setTimeout(resolve, 30_000, 'frozen')));
      const finished = await Promise.race([Promise.all(commands).then(() => 'all answered'), frozen]);
      clearTimeout(timer);
      expect(finished).toBe('all answered');
      expect(await docs.countDocuments({ n: 1 })).toBe(40 * 10 + 20);
    } finally {
      await connection.close(true).catch(() => {});
      await database.stop();
    }
  }, 60_000);
});

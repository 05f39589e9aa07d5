// `npm run bench:db`: what the local database (FerretDB on PostgreSQL, or mongod) costs.
// Prints figures; asserts nothing. Start times are those of `npm start` (durable data):
// the first in an empty data folder, then a warm one on the same folder. Memory is the
// proportional set size of the database processes (Linux), so shared pages count once.
import { performance } from 'node:perf_hooks';
import { readFile, readdir, lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { startLocalMongo, tempDataDir, type LocalMongo } from '../src/db/localServer.js';

const WORKSPACES = 50;
const PER_WORKSPACE = 200;

async function timedStart(dataDir: string): Promise<[LocalMongo, number]> {
  const t = performance.now();
  const database = await startLocalMongo({ dataDir });
  return [database, performance.now() - t];
}

/** Proportional set size of every process below this one, in MiB. */
async function childrenMemoryMiB(): Promise<number> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) parents.set(Number(entry), ppid);
  }
  const below = (pid: number): boolean => {
    for (let p = parents.get(pid); p; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  let kib = 0;
  for (const pid of parents.keys()) {
    if (!below(pid)) continue;
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    kib += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  }
  return kib / 1024;
}

async function diskMiB(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.size / 2 ** 20;
  let total = 0;
  for (const entry of await readdir(path)) total += await diskMiB(join(path, entry));
  return total;
}

function line(name: string, value: string): void {
  console.log(`${name.padEnd(52)} ${value}`);
}

async function main(): Promise<void> {
  const dataDir = await tempDataDir('followups-bench-db-');
  try {
    const [first, firstMs] = await timedStart(dataDir);
    line(`first start (${first.kind}, empty data folder)`, `${firstMs.toFixed(0)} ms`);
    await first.stop();
    const [database, warmMs] = await timedStart(dataDir);
    line('warm start (same data folder)', `${warmMs.toFixed(0)} ms`);
    line('memory of the database processes, idle', `${(await childrenMemoryMiB()).toFixed(0)} MiB`);

    const connection = await mongoose.createConnection(database.uri, { dbName: 'bench' }).asPromise();
    try {
      const schedules = connection.db!.collection('schedules');
      await schedules.createIndex({ workspace: 1, nameKey: 1 }, { unique: true });
      let t = performance.now();
      for (let w = 0; w < WORKSPACES; w++) {
        await schedules.insertMany(
          Array.from({ length: PER_WORKSPACE }, (_, i) => ({
            workspace: `T${w}`,
            name: `Schedule ${i}`,
            nameKey: `schedule ${String(i).padStart(3, '0')}`,
            steps: Array.from({ length: 7 }, (_, s) => ({ type: 'Gentle', customMessageId: null, afterHundredths: (s + 1) * 100 })),
          })),
        );
      }
      line(`insert ${WORKSPACES * PER_WORKSPACE} schedules (${WORKSPACES} workspaces)`, `${(performance.now() - t).toFixed(0)} ms`);
      const rounds = 20;
      t = performance.now();
      for (let i = 0; i < rounds; i++) await schedules.find({ workspace: `T${i}` }).sort({ nameKey: 1 }).limit(20).toArray();
      line("a workspace's sorted page of 20", `${((performance.now() - t) / rounds).toFixed(1)} ms`);
      t = performance.now();
      for (let i = 0; i < rounds; i++) await schedules.findOne({ workspace: `T${i}`, nameKey: `schedule ${String(i).padStart(3, '0')}` });
      line('a (workspace, nameKey) lookup', `${((performance.now() - t) / rounds).toFixed(1)} ms`);
      line('memory of the database processes, after', `${(await childrenMemoryMiB()).toFixed(0)} MiB`);
    } finally {
      await connection.close();
      await database.stop();
    }
    line('data folder on disk after', `${(await diskMiB(dataDir)).toFixed(0)} MiB`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

// CPU time of processes, read from /proc (Linux only; elsewhere every figure is null).
import { readFile, readdir } from 'node:fs/promises';

const TICK_MS = 1000 / 100; // /proc times are in clock ticks (USER_HZ, 100 on Linux)

/** A process's own CPU time (user + system) in ms, that of the children it has reaped, and its parent's pid. */
async function statOf(pid: number): Promise<{ ppid: number; ownMs: number; childrenMs: number } | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!text) return null;
  // Fields after the command name (which may hold spaces, inside parentheses).
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i]);
  return { ppid: n(1), ownMs: (n(11) + n(12)) * TICK_MS, childrenMs: (n(13) + n(14)) * TICK_MS };
}

async function cmdlineOf(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
}

/**
 * The CPU time (ms) of every live process whose command line passes `test`, with all their
 * descendants (PostgreSQL's backends are children of its postmaster); null without /proc.
 */
export async function cpuMsOf(test: (cmdline: string) => boolean): Promise<number | null> {
  const names = await readdir('/proc').catch(() => null);
  if (!names) return null;
  const pids = names.filter((name) => /^\d+$/.test(name)).map(Number);
  const stats = new Map<number, { ppid: number; ownMs: number; cmdline: string }>();
  await Promise.all(
    pids.map(async (pid) => {
      const s = await statOf(pid);
      if (s) stats.set(pid, { ...s, cmdline: await cmdlineOf(pid) });
    }),
  );
  const counted = new Set<number>();
  const visit = (pid: number) => {
    if (counted.has(pid)) return;
    counted.add(pid);
    for (const [child, c] of stats) if (c.ppid === pid) visit(child);
  };
  for (const [pid, s] of stats) if (test(s.cmdline)) visit(pid);
  let total = 0;
  for (const pid of counted) total += stats.get(pid)?.ownMs ?? 0;
  return total;
}

/**
 * A process's CPU time (ms), its children's included (live ones, and those it has reaped). Walks the tree
 * through each thread's `children` file, not all of /proc: reading a few files between measurements
 * leaves little garbage to be collected (CPU counted as the benchmark's own) during the next one.
 */
export async function treeCpuMs(root: number): Promise<number> {
  const s = await statOf(root);
  if (!s) return 0;
  const tasks = await readdir(`/proc/${root}/task`).catch(() => [] as string[]);
  const children = await Promise.all(tasks.map((task) => readFile(`/proc/${root}/task/${task}/children`, 'utf8').catch(() => '')));
  const pids = children.flatMap((text) => text.split(' ').filter(Boolean).map(Number));
  const below = await Promise.all(pids.map(treeCpuMs));
  return below.reduce((sum, ms) => sum + ms, s.ownMs + s.childrenMs);
}

/** The first live process whose command line passes `test`; null if none (or without /proc). */
export async function pidWhose(test: (cmdline: string) => boolean): Promise<number | null> {
  const names = await readdir('/proc').catch(() => [] as string[]);
  for (const pid of names.filter((name) => /^\d+$/.test(name)).map(Number)) if (test(await cmdlineOf(pid))) return pid;
  return null;
}

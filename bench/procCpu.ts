// CPU time of processes, read from /proc (Linux only; elsewhere every figure is null).
import { readFile, readdir } from 'node:fs/promises';

const TICK_MS = 1000 / 100; // /proc times are in clock ticks (USER_HZ, 100 on Linux)

/** A process's own CPU time (user + system) in ms, and its parent's pid. */
async function statOf(pid: number): Promise<{ ppid: number; ownMs: number } | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!text) return null;
  // Fields after the command name (which may hold spaces, inside parentheses).
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), ownMs: (Number(f[11]) + Number(f[12])) * TICK_MS };
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

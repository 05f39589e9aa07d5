// Waiting in tests for work another part of the system does (a job, a worker, the local Slack): a
// condition polled until a deadline, never a bare sleep.

/** Polls `probe` until it gives a value (anything but undefined or false) and returns it; fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs / 1000} s)`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// Work handed to a job worker (Agenda) from a request. Services are built before Agenda starts, so
// the queue is bound once jobs run (src/jobs/index.ts); before that, enqueueing says so.
export interface JobQueue {
  /** Runs the named job once, as soon as a worker is free (any process's). */
  now(name: string, data: Record<string, unknown>): Promise<void>;
}

export interface BindableJobQueue extends JobQueue {
  bind(run: JobQueue['now']): void;
  /** False where no job worker runs (service tests, scripts): work that must happen then runs in line. */
  isBound(): boolean;
}

export function createJobQueue(): BindableJobQueue {
  let run: JobQueue['now'] | undefined;
  return {
    async now(name, data) {
      if (!run) throw new Error(`Jobs are not running in this process: cannot start ${name}`);
      await run(name, data);
    },
    bind(next) {
      run = next;
    },
    isBound() {
      return run !== undefined;
    },
  };
}

// Work handed to a job worker (Agenda) from a request. Services are built before Agenda starts, so
// the queue is bound once jobs run (src/jobs/index.ts); before that, enqueueing says so.
export interface JobQueue {
  /** Runs the named job once, as soon as a worker is free (any process's). */
  now(name: string, data: Record<string, unknown>): Promise<void>;
  /**
   * Like `now`, unless a job of this name with this key is queued or running already: then nothing.
   * For work that one run does for everyone who asked (a burst must not queue a run per ask).
   */
  once(name: string, data: Record<string, unknown>, key: string): Promise<void>;
}

export interface BindableJobQueue extends JobQueue {
  /** Hands the queue to what runs jobs here (Agenda, src/jobs/index.ts). */
  bind(runner: JobQueue): void;
  /** False where no job worker runs (service tests, scripts): work that must happen then runs in line. */
  isBound(): boolean;
}

export function createJobQueue(): BindableJobQueue {
  let run: JobQueue | undefined;
  const runner = (name: string): JobQueue => {
    if (!run) throw new Error(`Jobs are not running in this process: cannot start ${name}`);
    return run;
  };
  return {
    async now(name, data) {
      await runner(name).now(name, data);
    },
    async once(name, data, key) {
      await runner(name).once(name, data, key);
    },
    bind(next) {
      run = next;
    },
    isBound() {
      return run !== undefined;
    },
  };
}

// What the benchmarks that play Slack share (bench:load, bench:cost): when each Web API call and
// response_url post reached the local Slack, and the data a workspace needs before users arrive.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { ApiCall, FakeSlack, JsonObject, ResponseUrlPost } from '../test/support/fakeSlack.js';
import type { Services } from '../src/services/index.js';
import { TONES, nameKey, type Actor, type WorkspaceRef } from '../src/services/domain.js';
import { RECOMMENDED } from '../src/services/workspaces.js';
import { syncScheduleSummaries } from '../src/services/scheduleSummaries.js';
import { stepDoc } from '../src/services/steps.js';

/** The machine's load average (1, 5 and 15 minutes), to print beside wall-time figures; Linux only. */
export async function loadAverage(): Promise<string> {
  const text = await readFile('/proc/loadavg', 'utf8').catch(() => '');
  return text ? text.split(' ').slice(0, 3).join(' ') : 'unknown (no /proc/loadavg)';
}

export const SIGNING_SECRET = 'bench-signing-secret';
export const VISIBLE_TIMEOUT_MS = 10_000;

// ── what reached the local Slack, and when ──

export type Seen = { at: number } & ({ kind: 'api'; call: ApiCall } | { kind: 'response'; post: ResponseUrlPost });

/**
 * Timestamps every Web API call and response_url post as the local Slack records it. Only this record
 * is kept, and `forget` empties it between runs: the local Slack's own lists would hold every view the
 * apps ever sent, and collecting a heap that grows with the run costs the CPU the apps share.
 */
export class Arrivals {
  private kept: Seen[] = [];
  private forgotten = 0;
  private waiters: { test: (seen: Seen) => boolean; done: (at: number) => void }[] = [];

  constructor(fake: FakeSlack) {
    const watch = <T>(list: T[], wrap: (item: T) => Seen['kind'] extends never ? never : Omit<Seen, 'at'>) => {
      list.push = (...items: T[]) => {
        const at = performance.now();
        for (const item of items) this.arrived({ at, ...wrap(item) } as Seen);
        return list.length;
      };
    };
    watch(fake.calls, (call) => ({ kind: 'api', call }) as Omit<Seen, 'at'>);
    watch(fake.responses, (post) => ({ kind: 'response', post }) as Omit<Seen, 'at'>);
  }

  /** How many have arrived so far: the index the next one gets. */
  get count(): number {
    return this.forgotten + this.kept.length;
  }

  /** Those that arrived from index `from` (up to `to`), of those not forgotten. */
  since(from: number, to = this.count): Seen[] {
    return this.kept.slice(Math.max(0, from - this.forgotten), Math.max(0, to - this.forgotten));
  }

  /** Forgets every arrival so far (call it when nothing waits on them); indices go on counting. */
  forget(): void {
    this.forgotten += this.kept.length;
    this.kept = [];
  }

  private arrived(seen: Seen): void {
    this.kept.push(seen);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(seen)) return true;
      w.done(seen.at);
      return false;
    });
  }

  /** When the first arrival at or after index `since` passes `test`; null after the deadline. */
  until(since: number, test: (seen: Seen) => boolean, timeoutMs = VISIBLE_TIMEOUT_MS): Promise<number | null> {
    const found = this.since(since).find(test);
    if (found) return Promise.resolve(found.at);
    return new Promise((resolve) => {
      const waiter = { test, done: (at: number) => (clearTimeout(timer), resolve(at)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

export const isCall = (seen: Seen, method: string, test: (args: JsonObject, response: JsonObject) => boolean): boolean =>
  seen.kind === 'api' && seen.call.method === method && test(seen.call.args, seen.call.response);
export const viewHas = (args: JsonObject, marker: string) => JSON.stringify(args.view ?? '').includes(marker);

/** The modal a command opened (views.open with its trigger), once it shows `marker`: its id, or why not. */
export async function openedModal(arrivals: Arrivals, since: number, triggerId: string, marker: string): Promise<{ at: number; viewId: string } | string> {
  let viewId = '';
  let loaded = false;
  const opened = await arrivals.until(since, (s) => {
    if (!isCall(s, 'views.open', (args) => args.trigger_id === triggerId)) return false;
    const call = (s as { call: ApiCall }).call;
    viewId = String((call.response.view as { id?: string } | undefined)?.id ?? '');
    loaded = call.response.ok === true && viewHas(call.args, marker);
    if (call.response.ok !== true) viewId = `!${String(call.response.error)}`;
    return true;
  });
  if (opened === null) return 'no views.open';
  if (viewId.startsWith('!')) return viewId === '!expired_trigger_id' ? 'expired trigger' : `views.open ${viewId.slice(1)}`;
  if (loaded) return { at: opened, viewId };
  // A loading view first: the content comes with a views.update.
  const at = await arrivals.until(since, (s) => isCall(s, 'views.update', (args, res) => args.view_id === viewId && res.ok === true && viewHas(args, marker)));
  return at === null ? 'no visible result' : { at, viewId };
}

/** The next successful views.update of `viewId`; a hash_conflict never followed by one counts as given up. */
export async function updatedView(arrivals: Arrivals, since: number, viewId: string, marker = ''): Promise<number | string | null> {
  const at = await arrivals.until(since, (s) => isCall(s, 'views.update', (args, res) => args.view_id === viewId && res.ok === true && viewHas(args, marker)));
  if (at !== null) return at;
  const conflicted = arrivals.since(since).some((s) => isCall(s, 'views.update', (args, res) => args.view_id === viewId && res.error === 'hash_conflict'));
  return conflicted ? 'hash_conflict given up' : null;
}

/** The action id of the first row's after-days input in an open editor (a row's block ids carry its stable key). */
export function editorAfterActionId(fake: FakeSlack, viewId: string): string {
  const block = ((fake.view(viewId).blocks ?? []) as { block_id?: string }[]).find((b) => /^row\..+\.after$/.test(b.block_id ?? ''));
  return `editor.after.${/^row\.([^.]+)\./.exec(block?.block_id ?? '')?.[1] ?? ''}`;
}

// ── data ──

export const stepsOf = (count: number) => Array.from({ length: count }, (_, i) => ({ type: TONES[i % TONES.length]!, customMessageId: null, afterDays: 1 + (i % 3) }));

/** `count` schedules in `ref`, written in bulk (what users would have built over time). */
export async function fillSchedules(services: Services, ref: WorkspaceRef, prefix: string, count: number): Promise<void> {
  const workspace = ref.enterpriseId ? `${ref.enterpriseId}:${ref.teamId}` : ref.teamId;
  const docs = Array.from({ length: count }, (_, i) => {
    const name = `${prefix} ${String(i).padStart(3, '0')}`;
    return { workspace, name, nameKey: nameKey(name), steps: stepsOf(7).map((s) => stepDoc(s.type, null, s.afterDays)), createdBy: 'UFILL', updatedBy: 'UFILL' };
  });
  for (let i = 0; i < docs.length; i += 500) await services.models.Schedule.insertMany(docs.slice(i, i + 500));
  await syncScheduleSummaries(services.models, { workspace, createdBy: 'UFILL' });
}

/** A schedule `actor` owns, with `steps` steps, made through the service as a user would. */
export async function ownedSchedule(services: Services, actor: Actor, name: string, steps: number): Promise<string> {
  const recommended = (await services.schedules.findByName(actor.workspace, RECOMMENDED))!;
  const copy = await services.schedules.clone(actor, recommended.id, { name, description: '' });
  await services.schedules.save(actor, copy.id, { name, description: '', steps: stepsOf(steps), baseVersion: copy.version });
  return name;
}


// `npm run bench`: how long the step editor's work takes. Prints figures; asserts nothing.
//  - example dates for a 20-step schedule (pure calendar code)
//  - building the 20-step editor view (pure view code) and its JSON size against Slack's 250 kB
//  - one editor click: draft update + re-render model, on the local database (what a user waits for)
import { performance } from 'node:perf_hooks';
import { exampleDates } from '../src/services/calendar.js';
import { RECOMMENDED } from '../src/services/workspaces.js';
import { scheduleEditorModal } from '../views/scheduleEditor.js';
import { withBenchServices } from './services.js';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function report(name: string, samplesMs: number[]): void {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  console.log(`${name.padEnd(46)} n=${String(sorted.length).padStart(5)}  mean ${mean.toFixed(3)} ms  p50 ${percentile(sorted, 50).toFixed(3)} ms  p95 ${percentile(sorted, 95).toFixed(3)} ms`);
}

function time(fn: () => void, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function main(): Promise<void> {
  const afterDays = Array.from({ length: 20 }, (_, i) => [1, 1.5, 2, 3.25, 7][i % 5]!);
  const start = new Date('2026-03-13T15:00:00Z');
  const rules = { timeZone: 'America/New_York', offDays: [6, 0] as const };
  time(() => exampleDates(start, afterDays, rules), 200);
  report('exampleDates, 20 steps', time(() => exampleDates(start, afterDays, rules), 2000));

  await withBenchServices(46, async ({ services, ws, actor }) => {
    const recommended = (await services.schedules.findByName(ws, RECOMMENDED))!;
    const copy = await services.schedules.clone(actor, recommended.id, { name: `Bench ${Date.now()}`, description: '' });
    let draft = await services.drafts.start(actor, copy.id, 'America/New_York');
    for (let i = draft.rows.length; i < 20; i++) draft = await services.drafts.apply(ws, draft.id, {}, { kind: 'add', belowKey: null });
    const model = await services.drafts.model(ws, draft);

    report('editor view build, 20 steps', time(() => scheduleEditorModal(model), 2000));
    const json = JSON.stringify(scheduleEditorModal(model));
    console.log(`${'editor view, 20 steps'.padEnd(46)} ${(json.length / 1024).toFixed(1)} kB of Slack's 250 kB, ${scheduleEditorModal(model).blocks.length} of 100 blocks`);

    const clicks: number[] = [];
    for (let i = 0; i < 200; i++) {
      const key = draft.rows[i % draft.rows.length]!.key;
      const t = performance.now();
      const next = await services.drafts.apply(ws, draft.id, { rows: { [key]: { afterDays: String((i % 9) + 1) } } });
      await services.drafts.model(ws, next);
      clicks.push(performance.now() - t);
    }
    report('editor click: draft update + model (local db)', clicks);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

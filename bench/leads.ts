// `npm run bench:leads`: what adding leads costs on the local database. Prints figures; asserts nothing.
//  - 1,000 new leads in one addLeads call (the API's largest request), then the same 1,000 again (all duplicates)
//  - 10,000 leads as ten calls of 1,000 (a CSV import's rows), into a workspace that already has leads
//  - a lead's lookup by email and a list page among them
import { performance } from 'node:perf_hooks';
import { withBenchServices } from './services.js';

function line(name: string, ms: number, extra = ''): void {
  console.log(`${name.padEnd(58)} ${ms.toFixed(0).padStart(7)} ms${extra}`);
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await work();
  return { ms: performance.now() - t, value };
}

async function main(): Promise<void> {
  await withBenchServices(58, async ({ services, ws, actor }) => {
    const ava = await services.assistants.create(actor, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0], holidays: { country: 'DE', region: null } });
    const leads = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ email: `lead${from + i}@acme.example`, firstName: `Lead ${from + i}`, company: 'Acme', custom: { plan: 'pro' } }));

    const fresh = await timed(() => services.leads.addLeads(actor, { assistantId: ava.id }, leads(0, 1000)));
    line('addLeads: 1,000 new leads, one call', fresh.ms, `  (${fresh.value.filter((r) => r.ok).length} enrolled)`);
    const again = await timed(() => services.leads.addLeads(actor, { assistantId: ava.id }, leads(0, 1000)));
    line('addLeads: the same 1,000 again (all refused as duplicates)', again.ms, `  (${again.value.filter((r) => !r.ok).length} refused)`);

    const started = performance.now();
    for (let batch = 0; batch < 10; batch++) await services.leads.addLeads(actor, { assistantId: ava.id }, leads(1000 + batch * 1000, 1000));
    line('addLeads: 10,000 more as ten calls of 1,000', performance.now() - started);

    const lookups: number[] = [];
    for (let i = 0; i < 50; i++) lookups.push((await timed(() => services.leads.findByEmail(ws, `lead${i * 200}@acme.example`))).ms);
    line('findByEmail among 11,000 leads (mean of 50)', lookups.reduce((a, b) => a + b, 0) / lookups.length);
    const pages: number[] = [];
    for (let i = 0; i < 10; i++) pages.push((await timed(() => services.leads.list(ws, { assistantId: ava.id, state: 'active', page: i }))).ms);
    line('list: a page of 10 among 11,000 enrollments (mean of 10)', pages.reduce((a, b) => a + b, 0) / pages.length);
    // The same sort over the small lead documents: FerretDB v1 decodes every match in Go to sort, so size matters.
    const leadPages: number[] = [];
    for (let i = 0; i < 10; i++) leadPages.push((await timed(() => services.models.Lead.find({ workspace: 'TBENCH' }).sort({ createdAt: -1, _id: -1 }).skip(i * 10).limit(11).lean())).ms);
    line('for comparison: a sorted page of 10 of the 11,000 small lead documents', leadPages.reduce((a, b) => a + b, 0) / leadPages.length);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

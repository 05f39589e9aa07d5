// npm run bench:import: a 10,000-row CSV imported through the whole app (the job reads the file from
// the local Slack with files.info and its private URL, enrolls the rows in chunks, updates the one
// message), on the local database. Prints rows per second, the time to the summary, and the peak
// memory (RSS) of this process, which holds the app and the local Slack (the database servers are
// child processes of their own). BENCH_ROWS changes the row count; MONGODB_URI runs it against
// another server.
import { rm } from 'node:fs/promises';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startRuntime } from '../src/runtime.js';
import { startLocalMongo, tempDataDir } from '../src/db/localServer.js';
import { JOBS } from '../src/jobs/index.js';
import { startFakeSlack } from '../test/support/fakeSlack.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);

function csv(rows: number): string {
  const lines = ['email,first name,last name,company,title,tags,Region'];
  for (let i = 0; i < rows; i++) lines.push(`lead${i}@example.com,Lead,Number ${i},"Acme ${i % 50}, Inc.",Buyer,"q4, bench",EMEA`);
  return `${lines.join('\r\n')}\r\n`;
}

async function main(): Promise<void> {
  const dataDir = await tempDataDir('followups-bench-import-');
  const database = process.env.MONGODB_URI
    ? { kind: 'MONGODB_URI', uri: process.env.MONGODB_URI, stop: async () => {} }
    : await startLocalMongo({ dataDir, log: (line) => console.log(line) });
  const fake = await startFakeSlack();
  const team = fake.addTeam({ id: 'TBENCH' });
  fake.addUser({ id: 'UALEX', teamId: team.id });
  const runtime = await startRuntime(
    parseConfig({ SLACK_BOT_TOKEN: 'xoxb-unused', SLACK_SIGNING_SECRET: 'bench', SLACK_API_URL: fake.apiUrl, PORT: '0', MONGODB_URI: database.uri, LOG_LEVEL: 'error' }),
    {
      logger: createLogger('error'),
      dbName: `bench_import_${Date.now()}`,
      webApiRetries: 0,
      authorize: async () => ({ botToken: team.botToken, botId: fake.botId, botUserId: fake.botUserId, teamId: team.id }),
    },
  );
  try {
    const { services } = runtime;
    const ws = { teamId: team.id };
    await services.workspaces.ensureSeeded(ws);
    const alex = { workspace: ws, userId: 'UALEX', name: 'Alex', isAdmin: false };
    const ava = await services.assistants.create(alex, { name: 'Ava', notificationChannel: '', timeZone: 'Europe/Berlin', offDays: [6, 0] });
    const text = csv(ROWS);
    const file = fake.addFile({ teamId: team.id, user: 'UALEX', name: 'bench.csv', content: text });
    console.log(`Importing ${ROWS.toLocaleString('en')} rows (${(Buffer.byteLength(text) / 1024 / 1024).toFixed(1)} MB) on ${database.kind}…`);

    const startedAt = performance.now();
    const { import: started } = await services.leadImports.start(alex, { assistantId: ava.id, source: { kind: 'file', fileId: file.id, fileName: file.name }, saveId: 'bench' });
    await services.jobs.now(JOBS.importLeads, { workspace: ws, importId: started.id });
    for (;;) {
      const message = fake.messages.find((m) => m.channel.startsWith('D') && /: done\.|nothing was imported/.test(m.text ?? ''));
      if (message) {
        const seconds = (performance.now() - startedAt) / 1000;
        const updates = message.history.length;
        console.log(message.text);
        console.log(`\n  ${Math.round(ROWS / seconds).toLocaleString('en')} rows/s: ${ROWS.toLocaleString('en')} rows in ${seconds.toFixed(1)} s, ${updates} progress updates`);
        break;
      }
      if (performance.now() - startedAt > 10 * 60_000) throw new Error('the import did not finish within 10 minutes');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const enrolled = await services.models.Enrollment.countDocuments({ workspace: ws.teamId });
    console.log(`  ${enrolled.toLocaleString('en')} enrollments in the database`);
    console.log(`  peak RSS of the app process (with the local Slack): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    await runtime.connection.dropDatabase().catch(() => {});
    await runtime.stop();
    await fake.close();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

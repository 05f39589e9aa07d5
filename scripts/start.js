// `npm start`. Where TypeScript is installed (a development checkout) it builds first, so a
// start always runs the code as it stands. A production install has no dev dependencies:
// there it runs the build made before they were left out (README, "In production").
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// `npm run worker` passes `worker`: the jobs only (src/worker.ts).
const main = new URL(process.argv[2] === 'worker' ? '../dist/src/worker.js' : '../dist/src/main.js', import.meta.url);

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}
if (tsc) {
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
} else if (!existsSync(main)) {
  console.error('Cannot start: there is no build (dist/) and no TypeScript to make one: run `npm run build` before leaving out dev dependencies.');
  process.exit(1);
}
await import(main.href);

/**
 * Time and peak memory of a desktop's first sync, measured in a separate desktop process (the
 * real sync engine and SQLite store) against the real server (in-process PGlite) over HTTP.
 *
 *   npx tsx test/bench/first-sync.ts --demo                 # the demo data set
 *   npx tsx test/bench/first-sync.ts --observations 100000  # one indicator with N observations
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDesktop } from '../helpers/desktop';
import { startTestServer } from '../helpers/server';

const args = process.argv.slice(2);
const demo = args.includes('--demo');
const n = Number(args[args.indexOf('--observations') + 1] || 100_000);
const batch = args.includes('--batch') ? ['--batch', args[args.indexOf('--batch') + 1]!] : [];
const CHILD = fileURLToPath(new URL('../fixtures/sync-child.ts', import.meta.url));

const srv = await startTestServer();
let user = 'writer';
let t = performance.now();
if (demo) {
  await srv.seedDemo();
  user = 'demo';
} else {
  await srv.seed.basic();
  const rows = function* () {
    for (let i = 0; i < n; i++) {
      yield {
        timestamp: new Date(Date.UTC(2015, 0, 1) + i * 600_000).toISOString().slice(0, 19).replace('T', ' '),
        x: -5 + (i % 1000) / 100,
        y: 42 + (i % 700) / 100,
        values: {
          rain: (i % 400) / 10,
          gauge: i % 12,
          checked: i % 3 === 0,
          note: i % 10 === 0 ? `station ${i % 97}` : '',
        },
      };
    }
  };
  await srv.seed.observations({ indicator: 'pluviometry', author: 'admin', observations: rows() });
}
console.log(
  `server seeded (${demo ? 'demo data' : `${n} observations`}) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

const desktop = await createTestDesktop();
await desktop.gobs.auth.login({ serverUrl: srv.baseUrl, username: user, password: user });
await desktop.close();

t = performance.now();
const result = await new Promise<{
  syncMs: number;
  maxRssMiB: number;
  rssBeforeMiB: number;
  done: { state: string; lastError: unknown };
}>((resolve, reject) => {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, desktop.dataDir, ...batch], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.on('exit', (code) => {
    const last = out.trim().split('\n').at(-1) ?? '';
    if (code !== 0) reject(new Error(`desktop process exited with ${code}`));
    else resolve(JSON.parse(last) as never);
  });
});
const wall = performance.now() - t;
const check = await createTestDesktop({ dataDir: desktop.dataDir });
const projects = await check.gobs.projects.list();
let stored = 0;
for (const p of projects)
  for (const i of await check.gobs.indicators.list({ projectKey: p.key })) stored += i.observationCount;
await check.close(true);
await srv.close();
console.log(
  JSON.stringify(
    {
      data: demo ? 'demo' : `${n} observations`,
      state: result.done.state,
      error: result.done.lastError,
      observationsStored: stored,
      firstSyncSeconds: +(result.syncMs / 1000).toFixed(2),
      desktopProcessWallSeconds: +(wall / 1000).toFixed(2),
      desktopPeakRssMiB: result.maxRssMiB,
      desktopRssBeforeSyncMiB: result.rssBeforeMiB,
    },
    null,
    2,
  ),
);

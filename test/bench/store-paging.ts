/**
 * Keyset paging of the observation table over a large store: p50/p95 of a 200-row page,
 * through the real handler table. Run: npx tsx test/bench/store-paging.ts [rows=1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDesktop } from '../helpers/desktop';
import { openAccountStore } from '../../src/main/store/account';
import { seedAccount, seedObservations } from '../helpers/seedStore';

const rows = Number(process.argv[2] ?? 1_000_000);
const dataDir = mkdtempSync(join(tmpdir(), 'gobs-bench-paging-'));
const ref = seedAccount(dataDir);
let t = performance.now();
seedObservations(dataDir, ref, rows);
console.log(`seeded ${rows} observations in ${((performance.now() - t) / 1000).toFixed(1)} s`);
{
  // As the end of a sync does: planner statistics for the store (bounded by analysis_limit).
  const store = openAccountStore(dataDir, ref);
  store.db.pragma('optimize');
  store.db.close();
}
const desktop = await createTestDesktop({ dataDir });

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

type ListArgs = Parameters<typeof desktop.gobs.observations.list>[0];
async function measure(name: string, args: ListArgs, pages = 50): Promise<void> {
  const times: number[] = [];
  let cursor: string | null = null;
  let seen = 0;
  for (let i = 0; i < pages; i++) {
    t = performance.now();
    const page: { rows: unknown[]; nextCursor: string | null } = await desktop.gobs.observations.list({
      ...args,
      cursor,
      limit: 200,
    });
    times.push(performance.now() - t);
    seen += page.rows.length;
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  console.log(
    `${name.padEnd(44)} pages=${times.length} rows=${seen} p50=${pct(times, 50).toFixed(2)} ms p95=${pct(times, 95).toFixed(2)} ms`,
  );
}

async function measureFirst(name: string, args: ListArgs, runs = 20): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    await desktop.gobs.observations.list({ ...args, limit: 200 });
    times.push(performance.now() - t);
  }
  console.log(
    `${name.padEnd(44)} runs=${runs} p50=${pct(times, 50).toFixed(2)} ms p95=${pct(times, 95).toFixed(2)} ms`,
  );
}

const ind = 'pluviometry';
await measure('timestamp desc, no filter', { indicatorCode: ind });
await measure('timestamp asc, time range', {
  indicatorCode: ind,
  sort: { column: 'timestamp', direction: 'asc' },
  filter: { from: '2021-01', to: '2021-06' },
});
await measure('timestamp desc, time range + text "alice"', {
  indicatorCode: ind,
  filter: { from: '2020-06', to: '2022-06', text: 'alice' },
});
await measureFirst('first page, 2 years + text matching nothing', {
  indicatorCode: ind,
  filter: { from: '2020-06', to: '2022-06', text: 'zzz' },
});
await measureFirst('first page, all time + text matching nothing', { indicatorCode: ind, filter: { text: 'zzz' } }, 5);
await measure('value:rain asc', { indicatorCode: ind, sort: { column: 'value:rain', direction: 'asc' } });
await measure('value:rain desc + time range', {
  indicatorCode: ind,
  sort: { column: 'value:rain', direction: 'desc' },
  filter: { from: '2020-06', to: '2022-06' },
});
await measure('author asc', { indicatorCode: ind, sort: { column: 'author', direction: 'asc' } });
await measure('state asc', { indicatorCode: ind, sort: { column: 'state', direction: 'asc' } });
t = performance.now();
const n = await desktop.gobs.observations.count({
  indicatorCode: ind,
  filter: { from: '2020-06', to: '2022-06', text: 'alice' },
});
console.log(`count with time + text filter: ${n} in ${(performance.now() - t).toFixed(1)} ms`);
await desktop.close();
rmSync(dataDir, { recursive: true, force: true });

/**
 * The device's side of a first sync, in one process, without the server: N pulled observations (the
 * benchmark's documents) applied in pages of 2000 with the engine's own store functions, into a fresh
 * store carrying the real indexes and the text index —
 *   rows:  row by row into every index (what a pull below the bulk threshold does), and
 *   bulk:  the bulk load (store/bulk.ts): plain indexes dropped, rebuilt at the end, text index filled at the end,
 * then the share of the text index: its fill over the same rows (the cost per pulled row it adds to a
 * first sync) and, row by row, the same apply with its triggers removed.
 * Run: npx tsx test/bench/bulk-pull.ts [rows=100000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Observation as WireObservation } from '../../src/shared/api';
import { openStore, type Db } from '../../src/main/store/db';
import { ensureDimensionIndexes } from '../../src/main/store/indicators';
import { beginBulkLoad, endBulkLoads } from '../../src/main/store/bulk';
import { insertOrApplyPulled } from '../../src/main/store/sync';
import { BENCH_INDICATOR, INDICATOR, seededObservation } from './lib/seed';

const n = Number(process.argv[2] ?? 100_000);
const PAGE = 2000;
const docs: WireObservation[] = Array.from({ length: n }, (_, i) => ({
  ...seededObservation(i + 1),
  uuid: randomUUID(),
  id: i + 1,
  import: 1 + Math.floor(i / 1000),
  created_at: null,
  updated_at: null,
  media_url: null,
})) as unknown as WireObservation[];

function fresh(): { db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gobs-bulk-pull-'));
  const db = openStore(join(dir, 'store.sqlite'));
  ensureDimensionIndexes(db, INDICATOR.values);
  return { db, dir };
}

function apply(db: Db, bulk: boolean): { applyMs: number; endMs: number } {
  const t0 = performance.now();
  for (let i = 0; i < n; i += PAGE) {
    db.transaction(() => {
      if (bulk && i === 0) beginBulkLoad(db, BENCH_INDICATOR);
      for (const o of docs.slice(i, i + PAGE)) insertOrApplyPulled(db, o);
    })();
  }
  const t1 = performance.now();
  if (bulk) endBulkLoads(db);
  return { applyMs: t1 - t0, endMs: performance.now() - t1 };
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const perRow = (ms: number) => `${((ms * 1000) / n).toFixed(1)} µs/row`;

for (const run of ['rows', 'bulk', 'rows-no-text'] as const) {
  const { db, dir } = fresh();
  if (run === 'rows-no-text')
    for (const t of ['insert', 'update', 'delete']) db.exec(`DROP TRIGGER observation_text_${t}`);
  const r = apply(db, run === 'bulk');
  let text = '';
  if (run === 'bulk') {
    const t = performance.now();
    db.exec("INSERT INTO observation_text (observation_text) VALUES ('rebuild')");
    const ms = performance.now() - t;
    text = `; text index fill over the same rows: ${fmt(ms)} (${perRow(ms)})`;
  }
  console.log(
    `${run.padEnd(13)} ${n} rows: ${fmt(r.applyMs + r.endMs)} (apply ${fmt(r.applyMs)}, end ${fmt(r.endMs)}; ${perRow(r.applyMs + r.endMs)})${text}`,
  );
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

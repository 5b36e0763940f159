/**
 * The device's side of item 3 (100 observations changed among N), in one process, without the
 * server: a store of N pulled observations (bulk-loaded as a first sync does), reopened, then rounds
 * of 100 changed rows applied in one transaction with the engine's store functions — timed, with
 * the WAL's growth and the checkpoints it triggered. Tells where a small change's device time goes.
 * Run: npx tsx test/bench/small-change.ts [rows=1000000] [rounds=5]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Observation as WireObservation } from '../../src/shared/api';
import { openStore, type Db } from '../../src/main/store/db';
import { ensureDimensionIndexes } from '../../src/main/store/indicators';
import { beginBulkLoad, endBulkLoads } from '../../src/main/store/bulk';
import { insertOrApplyPulled } from '../../src/main/store/sync';
import { BENCH_INDICATOR, INDICATOR, seededObservation } from './lib/seed';

const n = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 5);
const PAGE = 5000;

const uuidOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
function doc(i: number, imp: number, rain?: number): WireObservation {
  const o = seededObservation(i + 1) as unknown as WireObservation & { values: { name: string; value: unknown }[] };
  const values = rain === undefined ? o.values : o.values.map((v) => (v.name === 'rain' ? { ...v, value: rain } : v));
  return { ...o, values, uuid: uuidOf(i), id: i + 1, import: imp, media_url: null } as WireObservation;
}

const dir = mkdtempSync(join(tmpdir(), 'gobs-small-change-'));
const file = join(dir, 'store.sqlite');
const wal = () => {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
};

let db: Db = openStore(file);
ensureDimensionIndexes(db, INDICATOR.values);
const t0 = performance.now();
for (let i = 0; i < n; i += PAGE) {
  db.transaction(() => {
    if (i === 0) beginBulkLoad(db, BENCH_INDICATOR);
    for (let k = i; k < Math.min(n, i + PAGE); k++) insertOrApplyPulled(db, doc(k, 1));
  })();
}
endBulkLoads(db);
console.log(`store of ${n} rows built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
db.close();

db = openStore(file);
// SMALL_CHANGE_WITHOUT=text|summaries: the same rounds without those triggers, to tell what costs.
const without = (process.env.SMALL_CHANGE_WITHOUT ?? '').split(',');
for (const { name } of db
  .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'observation'")
  .all() as { name: string }[]) {
  if (
    (without.includes('text') && name.startsWith('observation_text_')) ||
    (without.includes('summaries') && name.startsWith('summary_'))
  )
    db.exec(`DROP TRIGGER ${name}`);
}
console.log(
  `triggers on observation: ${db.prepare("SELECT group_concat(name, ', ') FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'observation'").pluck().get() as string}`,
);
const checkpoints: number[] = [];
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n;
for (let r = 1; r <= rounds; r++) {
  const picks = Array.from({ length: 100 }, () => Math.floor(rnd()));
  const before = wal();
  const t = performance.now();
  db.transaction(() => {
    for (const i of picks) insertOrApplyPulled(db, doc(i, 1 + r, 1000 + r));
  })();
  const ms = performance.now() - t;
  const after = wal();
  checkpoints.push(after < before ? 1 : 0);
  console.log(
    `round ${r}: 100 changed rows applied in ${ms.toFixed(1)} ms; WAL ${(before / 1024).toFixed(0)} → ${(after / 1024).toFixed(0)} KiB${after < before ? ' (checkpointed)' : ''}`,
  );
}
db.close();
rmSync(dir, { recursive: true, force: true });

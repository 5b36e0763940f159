/**
 * The server's pull batch query under the two situations that matter, with and without the fix
 * of finding F1 (docs/PERFORMANCE.md): a first sync half done (the device holds the first
 * half) and a small change (the device holds everything, 100 rows changed). Prints plan and time.
 * Run: npx tsx test/bench/pull-plans.ts (starts its own PostgreSQL unless DATABASE_URL is set).
 */
import { openCluster } from './lib/postgres';
import { createStorage } from './lib/storage';
import { seedBase, seedObservations, analyse, changeOnServer } from './lib/seed';
import { OBSERVATION_FROM, OBSERVATION_SELECT } from '../../src/server/observations/read';
const pg = await openCluster();
if (!('cluster' in pg)) throw new Error('no pg');
const st = await createStorage('postgres', 'probe', pg.cluster);
const db = await st.open();
const s = await seedBase(db);
await seedObservations(db, s, 200_000);
await analyse(db);
const [a] = await db.query<{ id: number }>('INSERT INTO device (uuid) VALUES (gen_random_uuid()) RETURNING id');
const [b] = await db.query<{ id: number }>('INSERT INTO device (uuid) VALUES (gen_random_uuid()) RETURNING id');
await db.query(
  `INSERT INTO device_observation SELECT $1, id, indicator_id, import_id FROM observation WHERE id <= 100000`,
  [a!.id],
);
await db.query(`INSERT INTO device_observation SELECT $1, id, indicator_id, import_id FROM observation`, [b!.id]);
const [base] = await db.query<{ s: string }>('SELECT pg_current_snapshot()::text AS s');
await changeOnServer(db, s, 100, 0);
const [snap] = await db.query<{ s: string }>('SELECT pg_current_snapshot()::text AS s');
const held = (subplan: boolean) =>
  `NOT EXISTS (SELECT 1 FROM device_observation h WHERE h.device_id = $3 AND h.observation_id = o.id AND h.import_id = o.import_id${subplan ? ' OFFSET 0' : ''})`;
async function run(label: string, subplan: boolean) {
  const A = `SELECT ${OBSERVATION_SELECT} FROM ${OBSERVATION_FROM}
    WHERE o.indicator_id = $1 AND pg_visible_in_snapshot(o.change_xid, $2::pg_snapshot) AND ${held(subplan)} AND o.id > $4 ORDER BY o.id LIMIT 500`;
  const B = `SELECT ${OBSERVATION_SELECT} FROM ${OBSERVATION_FROM}
    WHERE o.indicator_id = $1 AND pg_visible_in_snapshot(o.change_xid, $2::pg_snapshot) AND ${held(subplan)}
      AND o.change_xid >= $5::xid8 AND NOT pg_visible_in_snapshot(o.change_xid, $6::pg_snapshot) AND o.id > $4 ORDER BY o.id LIMIT 500`;
  for (const [name, sql, params] of [
    ['A first sync, device holds ids <= 100000, after=100000', A, [s.indicatorId, snap!.s, a!.id, 100000]],
    ['B holds all, 100 changed, after=0', B, [s.indicatorId, snap!.s, b!.id, 0, base!.s.split(':')[0], base!.s]],
  ] as const) {
    const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE) ${sql}`, [...params]);
    const plan = rows.map((r) => r['QUERY PLAN']);
    console.log(
      `${label} | ${name} | ${plan.at(-1)} | ${plan
        .filter((l) => /Join|Index Scan|Seq Scan|Sort {2}|Filter/.test(l))
        .map((l) => (l.trim().split('  (')[0] ?? '').replace(/\(cost.*\)/, ''))
        .join(' / ')}`,
    );
  }
}
await run('V1 current', false);
await run('V2 OFFSET 0 subplan, index kept', true);
await db.query('DROP INDEX IF EXISTS device_observation_indicator_idx');
await run('V3 no indicator idx', false);
await run('V4 no indicator idx + OFFSET 0 subplan', true);
await db.close();
await st.remove();
await pg.cluster.stop();

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the server's own pull batch query (batchQuery() of
 * src/server/protocol/pull.ts) on the large data set: for the device that holds everything (its
 * stored cursor, a fresh round = what a no-change pull runs) and for a device that never synced.
 */
import { type Db } from '../../../src/server/db/types';
import { batchQuery, type Cursor } from '../../../src/server/protocol/pull';
import { type Seeded } from './seed';

async function plan(db: Db, q: { sql: string; params: unknown[] }): Promise<string> {
  const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

export async function explainPulls(db: Db, s: Seeded, deviceId: number): Promise<Record<string, string>> {
  const [stored] = await db.query<{ base: string | null }>(
    'SELECT base_snapshot::text AS base FROM sync_cursor WHERE device_id = $1 AND indicator_id = $2',
    [deviceId, s.indicatorId],
  );
  const [snap] = await db.query<{ s: string }>('SELECT pg_current_snapshot()::text AS s');
  const round = (base: string | null): Cursor => ({
    base_snapshot: base,
    round_snapshot: snap!.s,
    round_after_id: 0,
    round_total: null,
    round_served: 0,
  });
  const [never] = await db.query<{ id: number }>('SELECT min(id) - 1 AS id FROM device');
  return {
    noChange: await plan(db, batchQuery(round(stored?.base ?? null), deviceId, s.indicatorId, 500)),
    firstBatch: await plan(db, batchQuery(round(null), never!.id, s.indicatorId, 500)),
  };
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the server's pull query for a device that holds everything and for
 * a first sync, on the large data set. The SQL mirrors deltaWhere()/pullObservationBatch() in
 * src/server/protocol/pull.ts (not exported); if that changes, change this with it.
 */
import { type Db } from '../../../src/server/db/types';
import { OBSERVATION_FROM, OBSERVATION_SELECT } from '../../../src/server/observations/read';
import { type Seeded } from './seed';

async function plan(db: Db, sql: string, params: unknown[]): Promise<string> {
  const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

export async function explainPulls(db: Db, s: Seeded, deviceId: number): Promise<Record<string, string>> {
  const [cur] = await db.query<{ base: string | null }>(
    'SELECT base_snapshot::text AS base FROM sync_cursor WHERE device_id = $1 AND indicator_id = $2',
    [deviceId, s.indicatorId],
  );
  const [snap] = await db.query<{ s: string }>('SELECT pg_current_snapshot()::text AS s');
  const held = `NOT EXISTS (SELECT 1 FROM device_observation h WHERE h.device_id = $3 AND h.observation_id = o.id AND h.import_id = o.import_id)`;
  const out: Record<string, string> = {};
  if (cur?.base) {
    out.noChange = await plan(
      db,
      `SELECT ${OBSERVATION_SELECT} FROM ${OBSERVATION_FROM}
        WHERE o.indicator_id = $1 AND pg_visible_in_snapshot(o.change_xid, $2::pg_snapshot) AND ${held}
          AND o.change_xid >= $4::xid8 AND NOT pg_visible_in_snapshot(o.change_xid, $5::pg_snapshot)
          AND o.id > 0 ORDER BY o.id LIMIT 500`,
      [s.indicatorId, snap!.s, deviceId, cur.base.split(':')[0], cur.base],
    );
  }
  // A device that has never synced (held by nobody): the first batch and the round's count.
  const [fresh] = await db.query<{ id: number }>('SELECT min(id) - 1 AS id FROM device');
  out.firstBatch = await plan(
    db,
    `SELECT ${OBSERVATION_SELECT} FROM ${OBSERVATION_FROM}
      WHERE o.indicator_id = $1 AND pg_visible_in_snapshot(o.change_xid, $2::pg_snapshot) AND ${held}
        AND o.id > 0 ORDER BY o.id LIMIT 500`,
    [s.indicatorId, snap!.s, fresh!.id],
  );
  out.firstCount = await plan(
    db,
    `SELECT count(*) FROM observation o WHERE o.indicator_id = $1 AND pg_visible_in_snapshot(o.change_xid, $2::pg_snapshot) AND ${held} AND o.id > 0`,
    [s.indicatorId, snap!.s, fresh!.id],
  );
  return out;
}

/**
 * Device pulls (docs/PROTOCOL.md). A device receives the observations it does not hold at their
 * current import, in batches it acknowledges with the next request. Cost stays proportional to what
 * changed since the device's cursor, never to the size of the indicator. The HTTP side is
 * routes/sync.ts; clients without a device get the full dump of dump.ts instead.
 */
import { type Observation } from '../../shared/api.js';
import { type Queryable } from '../db/types.js';
import { type ServerContext } from '../context.js';
import { OBSERVATION_FROM, OBSERVATION_SELECT, type ObservationRow, rowsToObservations } from '../observations/read.js';
import { makeToken, type TokenPayload } from './tokens.js';

export interface Cursor {
  base_snapshot: string | null;
  round_snapshot: string | null;
  round_after_id: number;
  round_total: number | null;
  round_served: number;
}

/**
 * What a pg_snapshot text "xmin:xmax:xip,..." does not see: transactions from xmax on, and those
 * in progress when it was taken (xip). An exact and index-friendly description of "changed since":
 * xmin alone would be dragged back by any long transaction running at the time, anywhere in the
 * cluster, and widen the range to everything written since.
 */
function snapshotUnseen(snap: string): { xmax: string; xip: string[] } {
  const [, xmax, xip] = snap.split(':') as [string, string, string | undefined];
  return { xmax, xip: xip ? xip.split(',') : [] };
}

function deltaWhere(
  cur: Cursor,
  p: unknown[],
  deviceRowId: number,
  indicatorId: number,
  probe: 'per-row' | 'join',
): string {
  p.push(indicatorId, cur.round_snapshot, deviceRowId);
  // Per row, OFFSET 0 keeps the "held?" test a primary-key probe per candidate: flattened into an
  // anti join, the planner would read all of the device's holdings for every batch. A whole-round
  // count is the opposite case, where one hash anti join is right.
  let sql = `o.indicator_id = $${p.length - 2} AND pg_visible_in_snapshot(o.change_xid, $${p.length - 1}::pg_snapshot)
    AND NOT EXISTS (SELECT 1 FROM device_observation h
                     WHERE h.device_id = $${p.length} AND h.observation_id = o.id AND h.import_id = o.import_id${probe === 'per-row' ? ' OFFSET 0' : ''})`;
  if (cur.base_snapshot) {
    const unseen = snapshotUnseen(cur.base_snapshot);
    p.push(unseen.xmax, unseen.xip);
    sql += ` AND (o.change_xid >= $${p.length - 1}::xid8 OR o.change_xid = ANY($${p.length}::xid8[]))`;
  }
  return sql;
}

/** The batch query of a pull (exported so a test can EXPLAIN exactly what the server runs). */
export function batchQuery(
  cur: Cursor,
  deviceRowId: number,
  indicatorId: number,
  limit: number,
): { sql: string; params: unknown[] } {
  const p: unknown[] = [];
  const where = deltaWhere(cur, p, deviceRowId, indicatorId, 'per-row');
  p.push(cur.round_after_id, limit);
  return {
    sql: `SELECT ${OBSERVATION_SELECT} FROM ${OBSERVATION_FROM}
           WHERE ${where} AND o.id > $${p.length - 1} ORDER BY o.id LIMIT $${p.length}`,
    params: p,
  };
}

async function lockCursor(q: Queryable, deviceRowId: number, indicatorId: number): Promise<Cursor> {
  // Batches never acknowledged (lost answers, abandoned syncs) are garbage after a day; a token
  // naming a removed batch is then acknowledged as a harmless no-op.
  await q.query(
    `DELETE FROM sync_batch WHERE device_id = $1 AND indicator_id = $2 AND created_at < now() - interval '1 day'`,
    [deviceRowId, indicatorId],
  );
  await q.query('INSERT INTO sync_cursor (device_id, indicator_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    deviceRowId,
    indicatorId,
  ]);
  const rows = await q.query<Cursor>(
    `SELECT base_snapshot::text AS base_snapshot, round_snapshot::text AS round_snapshot, round_after_id, round_total, round_served
       FROM sync_cursor WHERE device_id = $1 AND indicator_id = $2 FOR UPDATE`,
    [deviceRowId, indicatorId],
  );
  return rows[0]!;
}

/**
 * Records an acknowledged observation batch as held (at the imports it was sent with). A batch of the
 * current round only moves the round's progress: the cursor then implies its rows (protocol note in
 * the migration 010). Rows the cursor cannot imply — changed since they were sent, or sent in an
 * earlier round — are written as exceptions.
 */
async function ackObservations(q: Queryable, deviceRowId: number, indicatorId: number, batchId: number, cur: Cursor) {
  const rows = await q.query<{ items: [number, number][]; round_snapshot: string | null; last_id: number }>(
    `SELECT items, round_snapshot::text AS round_snapshot, last_id FROM sync_batch
      WHERE id = $1 AND device_id = $2 AND indicator_id = $3 AND kind = 'observations'`,
    [batchId, deviceRowId, indicatorId],
  );
  const batch = rows[0];
  if (!batch) return; // already acknowledged (or superseded): acknowledging twice is harmless
  const ids = batch.items.map(([id]) => id);
  const imports = batch.items.map(([, imp]) => imp);
  // FOR SHARE orders us against a concurrent change or delete of these rows: a writer that got
  // there first has committed before we read them (and its trigger saw the cursor before this
  // acknowledgement); one that comes after sees the cursor this acknowledgement leaves.
  const present = new Set(
    (await q.query<{ id: number }>('SELECT id FROM observation WHERE id = ANY($1::bigint[]) FOR SHARE', [ids])).map(
      (r) => r.id,
    ),
  );
  if (
    batch.round_snapshot !== null &&
    batch.round_snapshot === cur.round_snapshot &&
    batch.last_id > cur.round_after_id
  ) {
    cur.round_after_id = batch.last_id;
    cur.round_served += batch.items.length;
  }
  await q.query(
    `INSERT INTO device_observation (device_id, observation_id, indicator_id, import_id)
       SELECT $1, s.id, $2, s.imp FROM unnest($3::bigint[], $4::bigint[]) AS s(id, imp) JOIN observation o ON o.id = s.id
        WHERE NOT (o.import_id = s.imp AND holding_implied($5::pg_snapshot, $6::pg_snapshot, $7, o.id, o.change_xid))
     ON CONFLICT (device_id, observation_id) DO UPDATE SET import_id = EXCLUDED.import_id
       WHERE device_observation.import_id < EXCLUDED.import_id`,
    [deviceRowId, indicatorId, ids, imports, cur.base_snapshot, cur.round_snapshot, cur.round_after_id],
  );
  const gone = ids.filter((id) => !present.has(id));
  if (gone.length > 0) {
    // Deleted after it was sent: the device now holds it, so it must hear of the deletion.
    await q.query(
      `INSERT INTO device_deletion (device_id, deletion_id, indicator_id)
         SELECT $1, d.id, d.indicator_id FROM observation_deletion d WHERE d.observation_id = ANY($2::bigint[])
       ON CONFLICT DO NOTHING`,
      [deviceRowId, gone],
    );
  }
  await q.query(
    `DELETE FROM sync_batch WHERE device_id = $1 AND indicator_id = $2 AND kind = 'observations' AND id <= $3`,
    [deviceRowId, indicatorId, batchId],
  );
}

/**
 * Once a round completes, its snapshot is the base and implies every row it sees: the exceptions
 * of those rows are dropped. FOR SHARE waits for a writer changing one of them; the row is then
 * re-checked at its new version (no longer seen by the base), and its exception stays.
 */
async function compactHoldings(q: Queryable, deviceRowId: number, indicatorId: number, base: string) {
  await q.query(
    `WITH covered AS (
       SELECT o.id FROM device_observation h JOIN observation o ON o.id = h.observation_id
        WHERE h.device_id = $1 AND h.indicator_id = $2 AND pg_visible_in_snapshot(o.change_xid, $3::pg_snapshot)
        FOR SHARE OF o)
     DELETE FROM device_observation h USING covered c WHERE h.device_id = $1 AND h.observation_id = c.id`,
    [deviceRowId, indicatorId, base],
  );
}

/** One pull request of a device, checked by the HTTP side (the ack token is already verified). */
export interface PullArgs {
  deviceUuid: string;
  deviceRowId: number;
  indicatorId: number;
  limit: number;
  ack: TokenPayload | null;
}

export interface PullResult<T> {
  items: T[];
  token: string;
  remaining: number;
}

/**
 * The read-only answer to a pull that acknowledges nothing when nothing at all changed in the
 * indicator since the device's base: [] without taking a lock or writing (no commit to flush).
 * False when the full, locked path is needed.
 */
async function idlePull(
  ctx: ServerContext,
  a: { deviceRowId: number; indicatorId: number; ack: TokenPayload | null },
): Promise<boolean> {
  if (a.ack && a.ack.b > 0) return false;
  const [cur] = await ctx.db.query<{ base_snapshot: string | null; round_snapshot: string | null }>(
    'SELECT base_snapshot::text AS base_snapshot, round_snapshot::text AS round_snapshot FROM sync_cursor WHERE device_id = $1 AND indicator_id = $2',
    [a.deviceRowId, a.indicatorId],
  );
  if (!cur?.base_snapshot || cur.round_snapshot) return false;
  const unseen = snapshotUnseen(cur.base_snapshot);
  // Anything written since the base (committed now) — held or not — goes the full way, which also
  // moves the base forward; rows of transactions still running stay unseen by the base either way.
  const changed = await ctx.db.query(
    `SELECT 1 FROM observation o WHERE o.indicator_id = $1 AND (o.change_xid >= $2::xid8 OR o.change_xid = ANY($3::xid8[])) LIMIT 1`,
    [a.indicatorId, unseen.xmax, unseen.xip],
  );
  return changed.length === 0;
}

export async function pullObservationBatch(ctx: ServerContext, a: PullArgs): Promise<PullResult<Observation>> {
  if (await idlePull(ctx, a)) {
    return {
      items: [],
      token: makeToken(ctx.secret, { b: 0, d: a.deviceUuid, i: a.indicatorId, k: 'observations' }),
      remaining: 0,
    };
  }
  return ctx.db.tx(async (q) => {
    const cur = await lockCursor(q, a.deviceRowId, a.indicatorId);
    const baseBefore = cur.base_snapshot;
    if (a.ack && a.ack.b > 0) await ackObservations(q, a.deviceRowId, a.indicatorId, a.ack.b, cur);

    let rows: ObservationRow[] = [];
    for (let pass = 0; pass < 2; pass++) {
      const fresh = cur.round_snapshot === null;
      if (fresh) {
        const snap = await q.query<{ s: string }>('SELECT pg_current_snapshot()::text AS s');
        Object.assign(cur, { round_snapshot: snap[0]!.s, round_after_id: 0, round_total: null, round_served: 0 });
      }
      const batch = batchQuery(cur, a.deviceRowId, a.indicatorId, a.limit);
      rows = await q.query<ObservationRow>(batch.sql, batch.params);
      if (rows.length > 0) break;
      // The round is complete: everything visible in its snapshot is held. It becomes the base;
      // a round that began in an earlier request is followed at once by a fresh one, so an empty
      // answer always means "up to date as of now".
      Object.assign(cur, {
        base_snapshot: cur.round_snapshot,
        round_snapshot: null,
        round_after_id: 0,
        round_total: null,
        round_served: 0,
      });
      if (fresh) break;
    }

    let remaining = 0;
    if (rows.length === a.limit) {
      if (cur.round_total === null) {
        const p: unknown[] = [];
        const where = deltaWhere(cur, p, a.deviceRowId, a.indicatorId, 'join');
        p.push(cur.round_after_id);
        const c = await q.query<{ n: number }>(
          `SELECT count(*)::int8 AS n FROM observation o WHERE ${where} AND o.id > $${p.length}`,
          p,
        );
        cur.round_total = c[0]!.n + cur.round_served;
      }
      // Upper bound: rows changed again during the round leave it and come in the next one.
      remaining = Math.max(0, cur.round_total - cur.round_served - rows.length);
    }

    let batchId = 0;
    if (rows.length > 0) {
      const ins = await q.query<{ id: number }>(
        `INSERT INTO sync_batch (device_id, indicator_id, kind, round_snapshot, last_id, items)
         VALUES ($1, $2, 'observations', $3::pg_snapshot, $4, $5::jsonb) RETURNING id`,
        [
          a.deviceRowId,
          a.indicatorId,
          cur.round_snapshot,
          rows[rows.length - 1]!.id,
          JSON.stringify(rows.map((r) => [r.id, r.import])),
        ],
      );
      batchId = ins[0]!.id;
    }
    await q.query(
      `UPDATE sync_cursor SET base_snapshot = $3::pg_snapshot, round_snapshot = $4::pg_snapshot, round_after_id = $5,
              round_total = $6, round_served = $7, synced_at = now()
        WHERE device_id = $1 AND indicator_id = $2`,
      [
        a.deviceRowId,
        a.indicatorId,
        cur.base_snapshot,
        cur.round_snapshot,
        cur.round_after_id,
        cur.round_total,
        cur.round_served,
      ],
    );
    if (cur.base_snapshot !== null && cur.base_snapshot !== baseBefore) {
      await compactHoldings(q, a.deviceRowId, a.indicatorId, cur.base_snapshot);
    }
    const items = await rowsToObservations(q, ctx.apiBase(), rows);
    const token = makeToken(ctx.secret, { b: batchId, d: a.deviceUuid, i: a.indicatorId, k: 'observations' });
    return { items, token, remaining };
  });
}

export async function pullDeletionBatch(ctx: ServerContext, a: PullArgs): Promise<PullResult<string>> {
  const emptyToken = () => makeToken(ctx.secret, { b: 0, d: a.deviceUuid, i: a.indicatorId, k: 'deletions' });
  if (!a.ack || a.ack.b === 0) {
    // Nothing to acknowledge: when nothing is pending either, answer without a transaction or a write.
    const pending = await ctx.db.query(
      'SELECT 1 FROM device_deletion WHERE device_id = $1 AND indicator_id = $2 LIMIT 1',
      [a.deviceRowId, a.indicatorId],
    );
    if (pending.length === 0) return { items: [], token: emptyToken(), remaining: 0 };
  }
  return ctx.db.tx(async (q) => {
    // Serialise pulls of one device on one indicator, as for observations.
    await lockCursor(q, a.deviceRowId, a.indicatorId);
    if (a.ack && a.ack.b > 0) {
      const batch = await q.query<{ items: number[] }>(
        `DELETE FROM sync_batch WHERE id = $1 AND device_id = $2 AND indicator_id = $3 AND kind = 'deletions' RETURNING items`,
        [a.ack.b, a.deviceRowId, a.indicatorId],
      );
      if (batch[0]) {
        await q.query('DELETE FROM device_deletion WHERE device_id = $1 AND deletion_id = ANY($2::bigint[])', [
          a.deviceRowId,
          batch[0].items,
        ]);
      }
    }
    const rows = await q.query<{ deletion_id: number; uuid: string }>(
      `SELECT dd.deletion_id, d.uuid::text AS uuid FROM device_deletion dd JOIN observation_deletion d ON d.id = dd.deletion_id
        WHERE dd.device_id = $1 AND dd.indicator_id = $2 ORDER BY dd.deletion_id LIMIT $3`,
      [a.deviceRowId, a.indicatorId, a.limit],
    );
    let remaining = 0;
    if (rows.length === a.limit) {
      const c = await q.query<{ n: number }>(
        'SELECT count(*)::int8 AS n FROM device_deletion WHERE device_id = $1 AND indicator_id = $2 AND deletion_id > $3',
        [a.deviceRowId, a.indicatorId, rows[rows.length - 1]!.deletion_id],
      );
      remaining = c[0]!.n;
    }
    let batchId = 0;
    if (rows.length > 0) {
      const ins = await q.query<{ id: number }>(
        `INSERT INTO sync_batch (device_id, indicator_id, kind, items) VALUES ($1, $2, 'deletions', $3::jsonb) RETURNING id`,
        [a.deviceRowId, a.indicatorId, JSON.stringify(rows.map((r) => r.deletion_id))],
      );
      batchId = ins[0]!.id;
    }
    const token = makeToken(ctx.secret, { b: batchId, d: a.deviceUuid, i: a.indicatorId, k: 'deletions' });
    return { items: rows.map((r) => r.uuid), token, remaining };
  });
}

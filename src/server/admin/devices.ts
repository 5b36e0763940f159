import { type Db } from '../db/types.js';
import { SeedError } from './seed.js';

/**
 * What each device holds per indicator, and how stale it is: observations held at their current
 * import, held at an older import (an update waits for them), not held at all, pending deletions.
 * This is the admin's view of the design's "devices" map, computed from each device's cursor and
 * its exceptions: it reads what changed since each device's base, not every observation.
 */
export async function deviceReport(db: Db, indicator: string | null): Promise<string[]> {
  if (indicator && !(await db.query('SELECT 1 FROM indicator WHERE code = $1', [indicator]))[0])
    throw new SeedError(`unknown indicator ${indicator}`);
  // Per pair, only the rows the base snapshot does not see are read (through the change index):
  // the rest are held at their current import by the cursor's implication.
  const rows = await db.query<{
    uuid: string;
    login: string | null;
    last_seen: string;
    code: string;
    total: number;
    current: number;
    stale: number;
    deletions: number;
    synced_at: string | null;
  }>(
    `WITH pairs AS (
       SELECT device_id, indicator_id FROM device_observation GROUP BY 1, 2
       UNION SELECT device_id, indicator_id FROM sync_cursor
       UNION SELECT device_id, indicator_id FROM device_deletion GROUP BY 1, 2),
     totals AS (
       SELECT o.indicator_id, count(*)::int8 AS total FROM observation o
        WHERE o.indicator_id IN (SELECT indicator_id FROM pairs) GROUP BY 1),
     counted AS (
       SELECT p.device_id, p.indicator_id, coalesce(t.total, 0)::int8 AS total, u.*
         FROM pairs p LEFT JOIN totals t ON t.indicator_id = p.indicator_id LEFT JOIN sync_cursor c ON c.device_id = p.device_id AND c.indicator_id = p.indicator_id
         CROSS JOIN LATERAL (
           SELECT count(*) FILTER (WHERE s.implied OR s.held = s.import_id)::int8 AS unseen_current,
                  count(*) FILTER (WHERE NOT s.implied AND s.held <> s.import_id)::int8 AS stale,
                  count(*)::int8 AS unseen
             FROM (SELECT o.import_id, h.import_id AS held,
                          holding_implied(NULL, c.round_snapshot, c.round_after_id, o.id, o.change_xid) AS implied
                     FROM observation o
                     LEFT JOIN device_observation h ON h.device_id = p.device_id AND h.observation_id = o.id
                    WHERE o.indicator_id = p.indicator_id
                      AND o.change_xid >= coalesce(pg_snapshot_xmin(c.base_snapshot), '0'::xid8)
                      AND NOT coalesce(pg_visible_in_snapshot(o.change_xid, c.base_snapshot), false)) s) u)
     SELECT d.uuid::text AS uuid, us.login, to_char(d.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS last_seen, i.code,
            k.total, (k.total - k.unseen + k.unseen_current)::int8 AS current, k.stale,
            (SELECT count(*) FROM device_deletion dd WHERE dd.device_id = d.id AND dd.indicator_id = i.id)::int8 AS deletions,
            to_char(c.synced_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS synced_at
       FROM counted k JOIN device d ON d.id = k.device_id JOIN indicator i ON i.id = k.indicator_id
       LEFT JOIN app_user us ON us.id = d.user_id
       LEFT JOIN sync_cursor c ON c.device_id = k.device_id AND c.indicator_id = k.indicator_id
      WHERE $1::text IS NULL OR i.code = $1
      ORDER BY d.uuid, i.code`,
    [indicator],
  );
  if (rows.length === 0) return ['no device has synchronised yet'];
  const out = [
    'device                               user        last seen (UTC)   indicator         current  outdated  missing  deletions  last pull',
  ];
  for (const r of rows) {
    const missing = r.total - r.current - r.stale;
    out.push(
      [
        r.uuid.padEnd(36),
        (r.login ?? '-').padEnd(11),
        r.last_seen.padEnd(17),
        r.code.padEnd(17),
        String(r.current).padStart(7),
        String(r.stale).padStart(9),
        String(missing).padStart(8),
        String(r.deletions).padStart(10),
        ' ' + (r.synced_at ?? 'never'),
      ].join(' '),
    );
  }
  return out;
}

/** The design's view of one observation: its import and, per device, the import the device holds. */
export async function observationDevices(db: Db, id: string): Promise<string[]> {
  const cond = /^\d{1,15}$/.test(id) ? 'o.id = $1::bigint' : 'o.uuid = $1::uuid';
  const obs = (
    await db
      .query<{ id: number; uuid: string; code: string; import: number }>(
        `SELECT o.id, o.uuid::text AS uuid, i.code, o.import_id AS import FROM observation o JOIN indicator i ON i.id = o.indicator_id WHERE ${cond}`,
        [id],
      )
      .catch(() => [])
  )[0];
  if (!obs) throw new SeedError(`unknown observation ${id}`);
  // A device is a UUID per user (protocol/devices.ts): the user is named beside each entry.
  // The greater of its exception (if any) and what its cursor implies (the current import).
  const holders = await db.query<{ uuid: string; import: number; login: string | null }>(
    `WITH held AS (
       SELECT h.device_id, h.import_id FROM device_observation h WHERE h.observation_id = $1
       UNION ALL
       SELECT c.device_id, o.import_id FROM sync_cursor c JOIN observation o ON o.id = $1
        WHERE c.indicator_id = o.indicator_id
          AND holding_implied(c.base_snapshot, c.round_snapshot, c.round_after_id, o.id, o.change_xid))
     SELECT d.uuid::text AS uuid, max(held.import_id) AS import, u.login
       FROM held JOIN device d ON d.id = held.device_id LEFT JOIN app_user u ON u.id = d.user_id
      GROUP BY d.id, d.uuid, u.login ORDER BY d.uuid, u.login`,
    [obs.id],
  );
  return [
    `[observation ${obs.id}]`,
    `uuid = ${obs.uuid}`,
    `indicator = ${obs.code}`,
    `import = ${obs.import}`,
    'devices = {',
    ...holders.map((h, k) => `    '${h.uuid}': ${h.import}${k < holders.length - 1 ? ',' : ''}  # ${h.login ?? '-'}`),
    '}',
  ];
}

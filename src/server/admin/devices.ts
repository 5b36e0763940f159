import { type Db } from '../db/types.js';
import { SeedError } from './seed.js';

/**
 * What each device holds per indicator, and how stale it is: observations held at their current
 * import, held at an older import (an update waits for them), not held at all, pending deletions.
 * This is the admin's view of the design's "devices" map; it counts, so it reads the whole table.
 */
export async function deviceReport(db: Db, indicator: string | null): Promise<string[]> {
  if (indicator && !(await db.query('SELECT 1 FROM indicator WHERE code = $1', [indicator]))[0])
    throw new SeedError(`unknown indicator ${indicator}`);
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
       UNION SELECT device_id, indicator_id FROM device_deletion GROUP BY 1, 2)
     SELECT d.uuid::text AS uuid, u.login, to_char(d.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS last_seen, i.code,
            (SELECT count(*) FROM observation o WHERE o.indicator_id = i.id)::int8 AS total,
            (SELECT count(*) FROM device_observation h JOIN observation o ON o.id = h.observation_id
              WHERE h.device_id = d.id AND h.indicator_id = i.id AND h.import_id = o.import_id)::int8 AS current,
            (SELECT count(*) FROM device_observation h JOIN observation o ON o.id = h.observation_id
              WHERE h.device_id = d.id AND h.indicator_id = i.id AND h.import_id <> o.import_id)::int8 AS stale,
            (SELECT count(*) FROM device_deletion dd WHERE dd.device_id = d.id AND dd.indicator_id = i.id)::int8 AS deletions,
            to_char(c.synced_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS synced_at
       FROM pairs p JOIN device d ON d.id = p.device_id JOIN indicator i ON i.id = p.indicator_id
       LEFT JOIN app_user u ON u.id = d.user_id
       LEFT JOIN sync_cursor c ON c.device_id = p.device_id AND c.indicator_id = p.indicator_id
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
  const holders = await db.query<{ uuid: string; import: number; login: string | null }>(
    `SELECT d.uuid::text AS uuid, h.import_id AS import, u.login
       FROM device_observation h JOIN device d ON d.id = h.device_id LEFT JOIN app_user u ON u.id = d.user_id
      WHERE h.observation_id = $1 ORDER BY d.uuid, u.login`,
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

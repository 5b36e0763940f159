/**
 * Devices as the server knows them. On the wire and on the desktop a device is its UUID
 * (`deviceUuid`); here each (device UUID, user) pair is one `device` row (`deviceRowId`), and all
 * sync state (what it holds, cursors, batches) hangs off that row. One installation used by two
 * accounts thus has two independent sync states, as the desktop keeps one store per account, and
 * nobody who merely knows a device's UUID can read or change another account's sync state.
 */
import { UUID_PATTERN } from '../../shared/api.js';
import { type Queryable } from '../db/types.js';
import { badRequest } from '../errors.js';

/** A `deviceId` header value, normalised to lower case; null when absent; 400 when not a UUID. */
export function parseDeviceUuid(raw: string | string[] | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  const value = (Array.isArray(raw) ? raw[0]! : raw).trim();
  if (!UUID_PATTERN.test(value)) {
    throw badRequest('Invalid deviceId header: expected a UUID (8-4-4-4-12 hexadecimal digits)');
  }
  return value.toLowerCase();
}

/**
 * The row of the user's device, registered on first use; notes its last use. Called only once a
 * request is known to be valid (inside the write's transaction, or after a pull's checks), so a
 * refused request leaves no device behind. Reads first and writes only when last_seen is over a
 * minute old: most requests of a sync then commit no write at all.
 */
export async function touchDevice(q: Queryable, deviceUuid: string, userId: number): Promise<number> {
  const seen = await q.query<{ id: number; fresh: boolean }>(
    `SELECT id, last_seen > now() - interval '1 minute' AS fresh FROM device WHERE uuid = $1 AND user_id = $2`,
    [deviceUuid, userId],
  );
  if (seen[0]?.fresh) return seen[0].id;
  const rows = await q.query<{ id: number }>(
    `INSERT INTO device (uuid, user_id) VALUES ($1, $2)
     ON CONFLICT (uuid, user_id) DO UPDATE SET last_seen = now()
     RETURNING id`,
    [deviceUuid, userId],
  );
  return rows[0]!.id;
}

import { type FastifyRequest } from 'fastify';
import { UUID_PATTERN } from '../../shared/api.js';
import { type Queryable } from '../db/types.js';
import { badRequest } from '../errors.js';

/** The `deviceId` header, normalised to lower case; null when absent; 400 when not a UUID. */
export function deviceUuid(request: FastifyRequest): string | null {
  const raw = request.headers['deviceid'];
  if (raw === undefined || raw === '') return null;
  const value = Array.isArray(raw) ? raw[0]! : raw;
  if (!UUID_PATTERN.test(value.trim())) {
    throw badRequest('Invalid deviceId header: expected a UUID (8-4-4-4-12 hexadecimal digits)');
  }
  return value.trim().toLowerCase();
}

/**
 * Registers the device on first sight and notes who used it last; returns its id. Reads first and
 * writes only when something changed or last_seen is over a minute old: most requests of a sync
 * then commit no write at all (perf finding F8).
 */
export async function touchDevice(db: Queryable, uuid: string, userId: number): Promise<number> {
  const seen = await db.query<{ id: number; fresh: boolean; last_user_id: number | null }>(
    `SELECT id, last_seen > now() - interval '1 minute' AS fresh, last_user_id FROM device WHERE uuid = $1`,
    [uuid],
  );
  const d = seen[0];
  if (d && d.fresh && d.last_user_id === userId) return d.id;
  const rows = await db.query<{ id: number }>(
    `INSERT INTO device (uuid, last_user_id) VALUES ($1, $2)
     ON CONFLICT (uuid) DO UPDATE SET last_seen = now(), last_user_id = EXCLUDED.last_user_id
     RETURNING id`,
    [uuid, userId],
  );
  return rows[0]!.id;
}

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

/** Registers the device on first sight and notes who used it last; returns its id. */
export async function touchDevice(db: Queryable, uuid: string, userId: number): Promise<number> {
  const rows = await db.query<{ id: number }>(
    `INSERT INTO device (uuid, last_user_id) VALUES ($1, $2)
     ON CONFLICT (uuid) DO UPDATE SET last_seen = now(), last_user_id = EXCLUDED.last_user_id
     RETURNING id`,
    [uuid, userId],
  );
  return rows[0]!.id;
}

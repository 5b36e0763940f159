import { createHash, randomBytes } from 'node:crypto';
import { type Queryable } from '../db/types.js';

export const DEFAULT_SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

export interface SessionUser {
  id: number;
  login: string;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(db: Queryable, userId: number, ttlMs = DEFAULT_SESSION_TTL_MS): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query(
    `INSERT INTO session (token_hash, user_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')`,
    [hashToken(token), userId, ttlMs],
  );
  return token;
}

export async function findSession(db: Queryable, token: string): Promise<SessionUser | null> {
  if (token.length < 16 || token.length > 200) return null;
  const rows = await db.query<SessionUser>(
    `SELECT u.id, u.login FROM session s JOIN app_user u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
    [hashToken(token)],
  );
  return rows[0] ?? null;
}

export async function revokeSession(db: Queryable, token: string): Promise<void> {
  await db.query('UPDATE session SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [
    hashToken(token),
  ]);
}

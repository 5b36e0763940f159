/**
 * Rows nobody needs any more: expired or revoked sessions, sync batches never acknowledged (a lost
 * answer, an abandoned sync), and stored files no observation or document names (a crash between
 * storing an upload and recording it). Forgetting a batch is harmless: its token then acknowledges
 * nothing, and since nothing of it was recorded as held, the device is sent those rows again.
 * Run on a schedule by `serve` and on demand by `purge`; idempotent, safe on several instances.
 */
import { type Queryable } from '../db/types.js';
import { DEFAULT_THROTTLE } from '../auth/throttle.js';

/** Unacknowledged batches older than this are forgotten (a sync takes minutes, not hours). */
export const STALE_BATCH_AGE = '1 day';
export const DEFAULT_PURGE_EVERY_MS = 60 * 60_000;

/** A stored file no observation or document names after this long was orphaned by a crash or a failed write. */
export const ORPHAN_FILE_AGE = '1 hour';

export interface PurgeResult {
  sessions: number;
  batches: number;
  files: number;
}

export async function purge(db: Queryable): Promise<PurgeResult> {
  const count = async (sql: string) =>
    (await db.query<{ n: number }>(`WITH d AS (${sql} RETURNING 1) SELECT count(*)::int8 AS n FROM d`))[0]!.n;
  // Failed-login counters nobody failed on for an hour are forgotten anyway (auth/throttle.ts).
  await db.query('DELETE FROM login_failure WHERE last_at_ms < $1', [Date.now() - DEFAULT_THROTTLE.forgetAfterMs]);
  return {
    sessions: await count('DELETE FROM session WHERE expires_at < now() OR revoked_at IS NOT NULL'),
    batches: await count(`DELETE FROM sync_batch WHERE created_at < now() - interval '${STALE_BATCH_AGE}'`),
    files: await count(
      `DELETE FROM stored_file f WHERE f.created_at < now() - interval '${ORPHAN_FILE_AGE}'
          AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.media_file = f.name)
          AND NOT EXISTS (SELECT 1 FROM document d WHERE d.file_name = f.name)
          AND NOT EXISTS (SELECT 1 FROM project p WHERE p.geopackage_file = f.name)`,
    ),
  };
}

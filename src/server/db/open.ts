import path from 'node:path';
import { type Db } from './types.js';
import { openPglite } from './pglite.js';
import { openPostgres, redact } from './postgres.js';
import { migrate } from './migrate.js';

export interface StorageOptions {
  /** Embedded PGlite data folder (the default). */
  dataDir?: string;
  /** PostgreSQL connection URL; wins over dataDir. */
  databaseUrl?: string;
  /** Media and document files; defaults to <dataDir>/media, or ./.gobs-data/media with PostgreSQL. */
  mediaDir?: string;
}

export const DEFAULT_DATA_DIR = '.gobs-data/server';

export async function openStorage(
  opts: StorageOptions,
  { migrateNow = true, serving = false } = {},
): Promise<{ db: Db; mediaDir: string; where: string }> {
  // The server bounds every statement; an operator's command may run as long as it needs.
  const db = opts.databaseUrl
    ? await openPostgres(opts.databaseUrl, serving ? {} : { statementTimeoutMs: 0 })
    : await openPglite(path.resolve(opts.dataDir ?? DEFAULT_DATA_DIR));
  try {
    if (migrateNow) await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  const mediaDir = path.resolve(
    opts.mediaDir ??
      (opts.databaseUrl ? path.join('.gobs-data', 'media') : path.join(opts.dataDir ?? DEFAULT_DATA_DIR, 'media')),
  );
  const where = opts.databaseUrl
    ? `PostgreSQL database ${redact(opts.databaseUrl)}`
    : `embedded database in ${path.resolve(opts.dataDir ?? DEFAULT_DATA_DIR)}`;
  return { db, mediaDir, where };
}

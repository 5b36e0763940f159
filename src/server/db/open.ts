import path from 'node:path';
import { type Db } from './types.js';
import { openPglite } from './pglite.js';
import { openPostgres, redact } from './postgres.js';
import { migrate } from './migrate.js';
import { importFolderFiles } from './files.js';

export interface StorageOptions {
  /** Embedded PGlite data folder (the default). */
  dataDir?: string;
  /** PostgreSQL connection URL; wins over dataDir. */
  databaseUrl?: string;
  /**
   * The media folder of versions that kept files on disk; what it holds is copied into the database
   * at open. Defaults to <dataDir>/media, or ./.gobs-data/media with PostgreSQL.
   */
  mediaDir?: string;
}

export const DEFAULT_DATA_DIR = '.gobs-data/server';

export async function openStorage(
  opts: StorageOptions,
  { migrateNow = true, serving = false } = {},
): Promise<{ db: Db; where: string; files: FolderImport }> {
  // The server bounds every statement; an operator's command may run as long as it needs.
  const db = opts.databaseUrl
    ? await openPostgres(opts.databaseUrl, serving ? {} : { statementTimeoutMs: 0 })
    : await openPglite(path.resolve(opts.dataDir ?? DEFAULT_DATA_DIR));
  const mediaDir = path.resolve(
    opts.mediaDir ??
      (opts.databaseUrl ? path.join('.gobs-data', 'media') : path.join(opts.dataDir ?? DEFAULT_DATA_DIR, 'media')),
  );
  let files: FolderImport = { folder: mediaDir, imported: 0, missing: [] };
  try {
    if (migrateNow) {
      await migrate(db);
      files = await copyFolderFiles(db, mediaDir);
    }
  } catch (err) {
    await db.close();
    throw err;
  }
  const where = opts.databaseUrl
    ? `PostgreSQL database ${redact(opts.databaseUrl)}`
    : `embedded database in ${path.resolve(opts.dataDir ?? DEFAULT_DATA_DIR)}`;
  return { db, where, files };
}

export interface FolderImport {
  folder: string;
  imported: number;
  /** Files the database references but neither it nor the folder holds. */
  missing: string[];
}

export async function copyFolderFiles(db: Db, mediaDir: string): Promise<FolderImport> {
  return { folder: mediaDir, ...(await importFolderFiles(db, mediaDir)) };
}

/** Lines telling an operator what the copy did (nothing when there was nothing to do). */
export function describeFolderImport(r: FolderImport): string[] {
  const out: string[] = [];
  if (r.imported > 0)
    out.push(
      `copied ${r.imported} media/document file(s) from ${r.folder} into the database; that folder is no longer used`,
    );
  if (r.missing.length > 0)
    out.push(
      `warning: ${r.missing.length} media/document file(s) are referenced but stored nowhere (e.g. ${r.missing[0]}); ` +
        'if another machine has them, run `migrate --media-dir DIR` there',
    );
  return out;
}

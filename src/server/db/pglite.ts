import { PGlite } from '@electric-sql/pglite';
import fs from 'node:fs';
import path from 'node:path';
import { type Db, type Queryable, INT8_OID, TIMESTAMP_OID, TIMESTAMPTZ_OID } from './types.js';

const parsers = {
  [INT8_OID]: (v: string) => Number(v),
  [TIMESTAMP_OID]: (v: string) => v,
  [TIMESTAMPTZ_OID]: (v: string) => v,
};
// PGlite's WAL grows to ~600 MB otherwise.
const postgresqlconf = ['max_wal_size = 64MB', 'min_wal_size = 32MB'];

export class DataDirLockedError extends Error {}

/**
 * PGlite has no lock of its own: two processes on one folder corrupt it silently. We hold an
 * exclusive lock file (created with O_EXCL) holding our pid; a lock left by a dead pid is taken over.
 */
function acquireLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'gobs-server.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new DataDirLockedError(
          `data folder ${dataDir} is in use by process ${owner}; stop it first (two servers on one embedded database corrupt it)`,
        );
      }
      fs.unlinkSync(lockPath); // stale: its process is gone
    }
  }
  throw new DataDirLockedError(`could not lock data folder ${dataDir}`);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function wrap(pg: PGlite, release: () => void): Db {
  return {
    engine: 'pglite',
    async query<T>(sql: string, params?: unknown[]) {
      return (await pg.query<T>(sql, params)).rows;
    },
    tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      return pg.transaction(async (t) =>
        fn({
          async query<R>(sql: string, params?: unknown[]) {
            return (await t.query<R>(sql, params)).rows;
          },
        }),
      );
    },
    async close() {
      try {
        if (!pg.closed) await pg.close();
      } finally {
        release();
      }
    },
  };
}

/** Opens (creating if needed) the embedded database in dataDir/pgdata, locked to this process. */
export async function openPglite(dataDir: string): Promise<Db> {
  fs.mkdirSync(dataDir, { recursive: true });
  const release = acquireLock(dataDir);
  try {
    const pg = new PGlite({ dataDir: path.join(dataDir, 'pgdata'), parsers, postgresqlconf });
    await pg.waitReady;
    return wrap(pg, release);
  } catch (err) {
    release();
    throw err;
  }
}

/** An in-memory database, optionally started from a dumped data directory (tests use a migrated template). */
export async function openMemoryPglite(loadDataDir?: Blob): Promise<MemoryDb> {
  const pg = new PGlite({ parsers, postgresqlconf, ...(loadDataDir ? { loadDataDir } : {}) });
  await pg.waitReady;
  return Object.assign(
    wrap(pg, () => undefined),
    {
      dump: () => pg.dumpDataDir('none'),
    },
  );
}

export type MemoryDb = Db & { dump(): Promise<Blob | File> };

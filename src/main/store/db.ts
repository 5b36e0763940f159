/**
 * Opens one account's SQLite store and brings its schema up to date. Each migration runs in
 * its own transaction together with the version bump, so a crash leaves the store at a
 * whole version, never between two.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export function openStore(file: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Bounds the work of PRAGMA optimize (run after syncs and at close) on large tables.
    db.pragma('analysis_limit = 1000');
    migrate(db, migrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null } | undefined;
  return row?.v ?? 0;
}

export function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(`This data store was written by a newer G-Obs (schema ${current}, this version knows ${latest}).`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(
        m.version,
        new Date().toISOString(),
      );
    })();
  }
}

/** SQLite's advice for long-lived connections: refresh planner statistics where they matter (bounded by analysis_limit). */
export function optimize(db: Db): void {
  db.pragma('optimize');
}

/**
 * A second, read-only connection to a store holding one read transaction: in WAL mode it sees the
 * store as it was when its first read ran, whatever the main connection commits meanwhile. For long
 * reads (an export of a million rows while a sync writes) that must be one consistent set.
 */
export function openReadSnapshot(db: Db): { db: Db; close(): void } {
  const snapshot = new Database(db.name, { readonly: true, fileMustExist: true });
  try {
    snapshot.pragma('busy_timeout = 5000');
    snapshot.exec('BEGIN');
  } catch (err) {
    snapshot.close();
    throw err;
  }
  return {
    db: snapshot,
    close: () => {
      if (!snapshot.open) return;
      try {
        if (snapshot.inTransaction) snapshot.exec('COMMIT');
      } finally {
        snapshot.close();
      }
    },
  };
}

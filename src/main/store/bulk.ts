/**
 * Bulk pulls: a first sync inserts into a table that carries a dozen indexes (time, state, author,
 * x, y, one per dimension) and a text index; maintaining them row by row costs several times the
 * insert itself. While an indicator is bulk-loaded, the table's plain indexes are dropped and its
 * rows stay out of the text index; both are built in one pass when the load ends.
 *
 * Nothing here changes what a query returns, only how fast: every guarantee of the pull (a page is
 * applied with its cursor in one transaction; local work is never overwritten) holds as before.
 * Each step is one transaction and leaves a record (deferred_index, bulk_load), so a crash at any
 * point leaves a store that `repairBulkLoads` (run at open) brings back to its full set of indexes.
 */
import type { Db } from './db';
import { stmt } from './statements';

/** Whether the store has the bulk tables (stores opened with an older migration list in tests do not). */
function hasBulkTables(db: Db): boolean {
  return (
    stmt(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('bulk_load', 'deferred_index')")
      .pluck()
      .get() === 2
  );
}

/**
 * Whether pulling `incoming` more rows is worth a bulk load: rebuilding the indexes costs about one
 * pass over the whole table, so the rows to come must outnumber those already there.
 */
export function worthBulkLoad(db: Db, incoming: number, minRows: number): boolean {
  if (incoming < minRows || !hasBulkTables(db)) return false;
  const held = stmt(db, 'SELECT coalesce(sum(n), 0) FROM observation_count').pluck().get() as number;
  return incoming >= held;
}

/** Starts (or continues) a bulk load of an indicator. Runs inside the caller's transaction. */
export function beginBulkLoad(db: Db, indicatorCode: string): void {
  // Rows already there keep their text index entries; the ones to come are indexed at the end.
  stmt(
    db,
    `INSERT INTO bulk_load (indicator_code, after_local_id)
       SELECT ?, coalesce(max(local_id), 0) FROM observation WHERE true
     ON CONFLICT (indicator_code) DO NOTHING`,
  ).run(indicatorCode);
  // Plain indexes only: the unique ones enforce identity (uuid, server id) and the partial ones
  // (pending rows, pending media) are not written for synced rows anyway.
  const plain = db
    .prepare(
      `SELECT il.name, m.sql FROM pragma_index_list('observation') il JOIN sqlite_master m ON m.name = il.name
        WHERE il.origin = 'c' AND il."unique" = 0 AND il.partial = 0 AND m.sql IS NOT NULL`,
    )
    .all() as { name: string; sql: string }[];
  const save = stmt(db, 'INSERT INTO deferred_index (name, sql) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
  for (const ix of plain) {
    save.run(ix.name, ix.sql);
    db.exec(`DROP INDEX "${ix.name.replace(/"/g, '""')}"`);
  }
}

/** Ends every bulk load: builds the dropped indexes and the text index entries, in one transaction. */
export function endBulkLoads(db: Db): void {
  if (!hasBulkTables(db)) return;
  db.transaction(() => {
    const deferred = db.prepare('SELECT name, sql FROM deferred_index').all() as { name: string; sql: string }[];
    for (const ix of deferred) {
      // Another step (new dimension indexes) may have created it again meanwhile.
      db.exec(ix.sql.replace(/^\s*CREATE\s+INDEX\s+(?!IF\s+NOT\s+EXISTS)/i, 'CREATE INDEX IF NOT EXISTS '));
    }
    db.prepare('DELETE FROM deferred_index').run();
    const loads = db.prepare('SELECT indicator_code, after_local_id FROM bulk_load').all() as {
      indicator_code: string;
      after_local_id: number;
    }[];
    for (const l of loads) {
      db.prepare('DELETE FROM bulk_load WHERE indicator_code = ?').run(l.indicator_code);
      db.prepare(
        `INSERT INTO observation_text (rowid, search)
           SELECT local_id, search FROM observation WHERE indicator_code = ? AND local_id > ?`,
      ).run(l.indicator_code, l.after_local_id);
    }
  })();
}

/** Run at open: a bulk load cut short by a crash is completed, so the store is whole before anyone reads it. */
export function repairBulkLoads(db: Db): void {
  if (!hasBulkTables(db)) return;
  const pending = db
    .prepare('SELECT (SELECT count(*) FROM bulk_load) + (SELECT count(*) FROM deferred_index)')
    .pluck()
    .get() as number;
  if (pending > 0) endBulkLoads(db);
}

/** Whether an indicator is being bulk-loaded (its newest rows are not in the text index yet). */
export function inBulkLoad(db: Db, indicatorCode: string): boolean {
  if (!hasBulkTables(db)) return true;
  return stmt(db, 'SELECT count(*) FROM bulk_load WHERE indicator_code = ?').pluck().get(indicatorCode) === 1;
}

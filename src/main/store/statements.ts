/**
 * Prepared statements cached per database: better-sqlite3 compiles on every prepare(), which on
 * the pull path (several statements per pulled row) was the largest cost of the device.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

const MAX_PER_DB = 500;
const caches = new WeakMap<Db, Map<string, Statement>>();

export function stmt(db: Db, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let s = cache.get(sql);
  if (!s) {
    // Dynamic SQL (filters) could grow the cache without bound: start over past a generous size.
    if (cache.size >= MAX_PER_DB) cache.clear();
    s = db.prepare(sql);
    cache.set(sql, s);
  }
  return s;
}

/** Changes waiting for the server, from the maintained counts (O(1), not a scan). */
export function pendingCount(db: Db): number {
  return stmt(db, "SELECT coalesce(sum(n), 0) FROM observation_count WHERE state <> 'synced'").pluck().get() as number;
}

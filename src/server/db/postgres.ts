import pg from 'pg';
import { type Db, type Queryable, INT8_OID, TIMESTAMP_OID, TIMESTAMPTZ_OID } from './types.js';
import { isDatabaseUnavailable } from './errors.js';

// Ids fit in a double (2^53); timestamps are formatted by SQL, so keep their text form.
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID) return (v: string) => Number(v);
    if (oid === TIMESTAMP_OID || oid === TIMESTAMPTZ_OID) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export interface PostgresOptions {
  max?: number;
  /** Longest wait for a connection (new, or free in the pool); an unreachable server fails after it. */
  connectTimeoutMs?: number;
  /** Longest statement, enforced by PostgreSQL (statement_timeout); 0 = none (admin commands). */
  statementTimeoutMs?: number;
  /** A transaction left idle this long is ended by PostgreSQL, releasing its locks. */
  idleInTransactionTimeoutMs?: number;
  /** Connect once at open to fail fast on a wrong URL (default); off to start while the database is down. */
  probe?: boolean;
}

/** What `serve` uses: an unreachable or stuck database costs a request seconds, not forever. */
export const SERVER_TIMEOUTS = {
  connectTimeoutMs: 10_000,
  statementTimeoutMs: 60_000,
  idleInTransactionTimeoutMs: 60_000,
} as const;

export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<Db> {
  const t = { ...SERVER_TIMEOUTS, ...opts };
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    types,
    connectionTimeoutMillis: t.connectTimeoutMs,
    statement_timeout: t.statementTimeoutMs,
    idle_in_transaction_session_timeout: t.idleInTransactionTimeoutMs,
    // The client-side guard for a server that vanished without closing the connection, which no
    // server-side timeout can end; a statement PostgreSQL cancels itself ends well before it.
    ...(t.statementTimeoutMs > 0 ? { query_timeout: t.statementTimeoutMs + 15_000 } : {}),
    keepAlive: true,
  });
  pool.on('error', () => undefined); // idle-client errors are reported on the next query
  if (opts.probe !== false) {
    // Fail fast with a clear error when the server is unreachable or the URL is wrong.
    const probe = await pool.connect().catch(async (err: Error) => {
      await pool.end().catch(() => undefined);
      throw new Error(`cannot connect to PostgreSQL (${redact(url)}): ${err.message}`);
    });
    probe.release();
  }
  return {
    engine: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      return (await pool.query(sql, params as unknown[])).rows as T[];
    },
    async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      // The pool does not listen to a client it has lent out: a connection lost meanwhile would emit
      // an unhandled 'error' and end the process. The query in flight fails with it anyway.
      const onError = (err: Error) => {
        broken ??= err;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const q: Queryable = {
          async query<R>(sql: string, params?: unknown[]) {
            return (await client.query(sql, params as unknown[])).rows as R[];
          },
        };
        const result = await fn(q);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        // A connection lost or timed out mid-transaction must not go back to the pool.
        if (isDatabaseUnavailable(err)) broken = err as Error;
        await client.query('ROLLBACK').catch((e: Error) => {
          broken ??= e;
        });
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

import pg from 'pg';
import { type Db, type Queryable, INT8_OID, TIMESTAMP_OID, TIMESTAMPTZ_OID } from './types.js';

// Ids fit in a double (2^53); timestamps are formatted by SQL, so keep their text form.
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID) return (v: string) => Number(v);
    if (oid === TIMESTAMP_OID || oid === TIMESTAMPTZ_OID) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, types });
  // Fail fast with a clear error when the server is unreachable or the URL is wrong.
  const probe = await pool.connect().catch(async (err: Error) => {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot connect to PostgreSQL (${redact(url)}): ${err.message}`);
  });
  probe.release();
  pool.on('error', () => undefined); // idle-client errors are reported on the next query
  return {
    engine: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      return (await pool.query(sql, params as unknown[])).rows as T[];
    },
    async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
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
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
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

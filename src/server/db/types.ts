/** The storage seam: one SQL dialect (PostgreSQL 15) over two engines, PGlite and node-postgres. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export type Engine = 'pglite' | 'postgres';

export interface Db extends Queryable {
  readonly engine: Engine;
  /** Runs fn in one transaction (READ COMMITTED); commits when it resolves, rolls back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Result rows come back with int8 as number and timestamps as text on both engines (see the parsers). */
export const INT8_OID = 20;
export const TIMESTAMP_OID = 1114;
export const TIMESTAMPTZ_OID = 1184;

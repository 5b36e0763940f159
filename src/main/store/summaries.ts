/**
 * The chart's and the map's summaries of an indicator (migration 8): counts, sums, minima and
 * maxima per hour and state (series_hour) and per Web Mercator cell and state (place_cell), one
 * row per value code plus one ('') for the observations themselves. Built on first use in time
 * chunks (so main keeps answering between them), then kept by the triggers of migration 8; the
 * few groups they mark stale are recomputed by `refreshStale` before a read.
 */
import type { SyncState } from '../../shared/ipc';
import type { Db } from './db';
import { hourSql, PLACE_VALUE, placeCellSql, SUMMARY_NUMBER, SUMMARY_PRESENT } from './migrations';
import { stmt } from './statements';

export type SummaryKind = 'series' | 'place';

const TABLES = {
  series: { table: 'series_hour', stale: 'series_stale', key: 'hour' },
  place: { table: 'place_cell', stale: 'place_stale', key: 'cell' },
} as const;

/** The JSON path of a dimension, as the sort indexes write it. */
export function dimensionPath(code: string): string {
  return `'$."${code.replace(/["'\\]/g, '')}"'`;
}

/** Whether the summary is complete, being built (or cut short by a crash), or absent. */
export function summaryState(db: Db, indicatorCode: string, kind: SummaryKind): 'complete' | 'partial' | 'absent' {
  const row = stmt(db, 'SELECT built_at FROM summary_built WHERE indicator_code = ? AND kind = ?').get(
    indicatorCode,
    kind,
  ) as { built_at: string | null } | undefined;
  return !row ? 'absent' : row.built_at ? 'complete' : 'partial';
}

/**
 * Starts a (re)build: drops what was there and records the summary as being built, so the
 * triggers account for every change made while the chunks are computed.
 */
export function beginSummary(db: Db, indicatorCode: string, kind: SummaryKind): void {
  db.transaction(() => {
    clearSummary(db, indicatorCode, kind);
    stmt(
      db,
      `INSERT INTO summary_built (indicator_code, kind, built_at) VALUES (?, ?, NULL)
       ON CONFLICT (indicator_code, kind) DO UPDATE SET built_at = NULL`,
    ).run(indicatorCode, kind);
  })();
}

export function completeSummary(
  db: Db,
  indicatorCode: string,
  kind: SummaryKind,
  now = new Date().toISOString(),
): void {
  stmt(db, 'UPDATE summary_built SET built_at = ? WHERE indicator_code = ? AND kind = ?').run(now, indicatorCode, kind);
}

/** Forgets an indicator's summary: the next read builds it again. */
export function dropSummary(db: Db, indicatorCode: string, kind: SummaryKind): void {
  db.transaction(() => {
    stmt(db, 'DELETE FROM summary_built WHERE indicator_code = ? AND kind = ?').run(indicatorCode, kind);
    clearSummary(db, indicatorCode, kind);
  })();
}

function clearSummary(db: Db, indicatorCode: string, kind: SummaryKind): void {
  const t = TABLES[kind];
  stmt(db, `DELETE FROM ${t.table} WHERE indicator_code = ?`).run(indicatorCode);
  stmt(db, `DELETE FROM ${t.stale} WHERE indicator_code = ?`).run(indicatorCode);
  if (kind === 'series') stmt(db, 'DELETE FROM series_day WHERE indicator_code = ?').run(indicatorCode);
}

/** The day (epoch seconds of its start) of an hour column, also before 1970. */
const DAY_OF_HOUR = '(hour - ((hour % 86400) + 86400) % 86400)';

/**
 * Adds the hours [from, to) (epoch seconds; null: open) of series_hour to series_day, merging with
 * what the days already hold (a chunk may end mid-day).
 */
function addDays(db: Db, indicatorCode: string, from: number | null, to: number | null): void {
  stmt(
    db,
    `INSERT INTO series_day (indicator_code, day, dim, state, n, vmin, vmax, vsum, first_id)
     SELECT indicator_code, ${DAY_OF_HOUR}, dim, state, sum(n), min(vmin), max(vmax), sum(vsum), min(first_id)
       FROM series_hour
      WHERE indicator_code = @ind AND hour >= @from AND hour < @to
      GROUP BY ${DAY_OF_HOUR}, dim, state
     ON CONFLICT (indicator_code, day, dim, state) DO UPDATE SET
       n = n + excluded.n,
       vmin = coalesce(min(vmin, excluded.vmin), vmin, excluded.vmin),
       vmax = coalesce(max(vmax, excluded.vmax), vmax, excluded.vmax),
       vsum = coalesce(vsum + excluded.vsum, vsum, excluded.vsum),
       first_id = coalesce(min(first_id, excluded.first_id), first_id, excluded.first_id)`,
  ).run({ ind: indicatorCode, from: from ?? Number.MIN_SAFE_INTEGER, to: to ?? Number.MAX_SAFE_INTEGER });
}

function hourEpoch(text: string | null): number | null {
  return text === null ? null : Date.parse(`${text.replace(' ', 'T')}:00:00Z`) / 1000;
}

/**
 * Time chunks of about `rows` observations, as [from, to) bounds on whole hours ('YYYY-MM-DD HH'),
 * the first and last open (null). Walks the time index only.
 */
export function hourChunks(db: Db, indicatorCode: string, rows: number): { from: string | null; to: string | null }[] {
  const next = stmt(
    db,
    `SELECT substr(timestamp, 1, 13) FROM observation INDEXED BY observation_by_time
      WHERE indicator_code = ? AND timestamp >= ? ORDER BY timestamp LIMIT 1 OFFSET ?`,
  ).pluck();
  const chunks: { from: string | null; to: string | null }[] = [];
  let from: string | null = null;
  for (;;) {
    let to: string | null = (next.get(indicatorCode, from ?? '', rows) as string | undefined) ?? null;
    // An hour holding more than a chunk's rows stays whole.
    if (to !== null && from !== null && to <= from) to = nextHour(from);
    chunks.push({ from, to });
    if (to === null) return chunks;
    from = to;
  }
}

function nextHour(hour: string): string {
  const d = new Date(`${hour.replace(' ', 'T')}:00:00Z`);
  d.setUTCHours(d.getUTCHours() + 1);
  return d.toISOString().slice(0, 13).replace('T', ' ');
}

/**
 * INSERT of the summary rows of the observations `source` yields (columns k, state, local_id, x,
 * y, vals): the '' rows (count, first id, and for places the sums of x and y), then one row per
 * value code, with the same value semantics as the triggers (SUMMARY_PRESENT / SUMMARY_NUMBER).
 */
function groupInsert(kind: SummaryKind, source: string, merge: boolean): string {
  const t = TABLES[kind];
  const place = kind === 'place';
  const rows = `
    SELECT @ind, '', k, state, count(*), ${place ? 'sum(x), sum(y), ' : ''}NULL, NULL, NULL, min(local_id)
      FROM o GROUP BY k, state
    UNION ALL
    SELECT @ind, dim, k, state, count(*), ${place ? 'NULL, NULL, ' : ''}min(num), max(num), sum(num), NULL
      FROM (SELECT o.k, o.state, j.key AS dim, ${SUMMARY_NUMBER} AS num FROM o, json_each(o.vals) j
             WHERE ${place ? PLACE_VALUE : SUMMARY_PRESENT})
     GROUP BY k, state, dim`;
  const columns = `indicator_code, dim, ${t.key}, state, n, ${place ? 'sx, sy, ' : ''}vmin, vmax, vsum, first_id`;
  const upsert = merge
    ? `ON CONFLICT (indicator_code, dim, ${t.key}, state) DO UPDATE SET
        n = n + excluded.n, sx = sx + excluded.sx, sy = sy + excluded.sy,
        vmin = coalesce(min(vmin, excluded.vmin), vmin, excluded.vmin),
        vmax = coalesce(max(vmax, excluded.vmax), vmax, excluded.vmax),
        vsum = coalesce(vsum + excluded.vsum, vsum, excluded.vsum),
        first_id = coalesce(min(first_id, excluded.first_id), first_id, excluded.first_id)`
    : '';
  // The CTE is read twice, so SQLite computes it once.
  return `WITH o AS (${source}), r AS (${rows})
    INSERT INTO ${t.table} (${columns}) SELECT * FROM r WHERE true ${upsert}`;
}

// Plain bounds (open ends as sentinels that sort before and after every timestamp): an
// "@from IS NULL OR ..." test would keep SQLite from seeking the time index.
const CHUNK_RANGE = 'o.timestamp >= @from AND o.timestamp < @to';

/**
 * Adds the observations of one time chunk to a summary being built. Hours never straddle chunks;
 * cells do, so place sums are merged.
 */
export function buildSummaryChunk(
  db: Db,
  indicatorCode: string,
  kind: SummaryKind,
  chunk: { from: string | null; to: string | null },
): void {
  const k = kind === 'series' ? hourSql('o.timestamp') : placeCellSql('o.');
  const source = `SELECT * FROM (SELECT ${k} AS k, o.state, o.local_id, o.x, o.y, o.vals
                    FROM observation o INDEXED BY observation_by_time
                   WHERE o.indicator_code = @ind AND ${CHUNK_RANGE}) WHERE k IS NOT NULL`;
  db.transaction(() => {
    stmt(db, groupInsert(kind, source, kind === 'place')).run({
      ind: indicatorCode,
      from: chunk.from ?? '',
      to: chunk.to ?? '~',
    });
    if (kind === 'series') addDays(db, indicatorCode, hourEpoch(chunk.from), hourEpoch(chunk.to));
  })();
}

/** Stale hours or cells waiting. */
export function staleCount(db: Db, indicatorCode: string, kind: SummaryKind): number {
  return stmt(db, `SELECT count(*) FROM ${TABLES[kind].stale} WHERE indicator_code = ?`)
    .pluck()
    .get(indicatorCode) as number;
}

/**
 * Recomputes up to `limit` stale hours or cells in one transaction; returns how many (0: fresh).
 * CROSS JOIN keeps the stale list outside: one index seek per hour or cell.
 */
export function refreshStale(db: Db, indicatorCode: string, kind: SummaryKind, limit: number): number {
  const t = TABLES[kind];
  return db.transaction(() => {
    const keys = stmt(db, `SELECT ${t.key} FROM ${t.stale} WHERE indicator_code = ? ORDER BY ${t.key} LIMIT ?`)
      .pluck()
      .all(indicatorCode, limit) as (string | number)[];
    if (keys.length === 0) return 0;
    const list = JSON.stringify(keys);
    stmt(db, `DELETE FROM ${t.table} WHERE indicator_code = ? AND ${t.key} IN (SELECT value FROM json_each(?))`).run(
      indicatorCode,
      list,
    );
    const source =
      kind === 'series'
        ? `SELECT s.value AS k, o.state, o.local_id, o.x, o.y, o.vals
             FROM json_each(@keys) s CROSS JOIN observation o INDEXED BY observation_by_time
               ON o.indicator_code = @ind AND o.timestamp >= datetime(s.value, 'unixepoch')
                  AND o.timestamp < datetime(s.value + 3600, 'unixepoch')`
        : `SELECT s.value AS k, o.state, o.local_id, o.x, o.y, o.vals
             FROM json_each(@keys) s CROSS JOIN observation o INDEXED BY observation_by_cell
               ON o.indicator_code = @ind AND ${placeCellSql('o.')} = s.value`;
    stmt(db, groupInsert(kind, source, false)).run({ ind: indicatorCode, keys: list });
    stmt(db, `DELETE FROM ${t.stale} WHERE indicator_code = ? AND ${t.key} IN (SELECT value FROM json_each(?))`).run(
      indicatorCode,
      list,
    );
    if (kind === 'series') {
      // The days of those hours are summed again from their hours.
      const days = [...new Set((keys as number[]).map((h) => h - (((h % 86_400) + 86_400) % 86_400)))];
      stmt(db, 'DELETE FROM series_day WHERE indicator_code = ? AND day IN (SELECT value FROM json_each(?))').run(
        indicatorCode,
        JSON.stringify(days),
      );
      for (const day of days) addDays(db, indicatorCode, day, day + 86_400);
    }
    return keys.length;
  })();
}

// ---- reads -------------------------------------------------------------------------------

/** One aggregated group: the observations' count ('') or a dimension's values. */
export interface SumRow {
  /** Bucket (chart) or cluster key (map), as the caller's key expression computed it. */
  k: number;
  k2?: number;
  n: number;
  vmin: number | null;
  vmax: number | null;
  vsum: number | null;
  first_id: number | null;
  sx?: number | null;
  sy?: number | null;
}

function statesSql(states: readonly SyncState[] | undefined, params: unknown[]): string {
  if (!states || states.length === 0) return '';
  params.push(...states);
  return ` AND state IN (${states.map(() => '?').join(', ')})`;
}

/**
 * Sums over whole hours or days [from, to) (epoch seconds) of the observations ('') and of some
 * value codes, grouped by the bucket expression (over the integer column `hour` or `day`).
 */
export function seriesSums(
  db: Db,
  q: {
    indicatorCode: string;
    /** 'hour': series_hour over whole hours; 'day': series_day over whole days. */
    grain: 'hour' | 'day';
    dims: readonly string[];
    from: number;
    to: number;
    states?: readonly SyncState[];
  },
  bucketSql: string,
): (SumRow & { dim: string })[] {
  const params: unknown[] = [q.indicatorCode, q.from, q.to, JSON.stringify(['', ...q.dims])];
  const [table, column] = q.grain === 'hour' ? ['series_hour', 'hour'] : ['series_day', 'day'];
  const sql = `SELECT dim, ${bucketSql} AS k, sum(n) AS n, min(vmin) AS vmin, max(vmax) AS vmax, sum(vsum) AS vsum,
                      min(first_id) AS first_id
                 FROM ${table}
                WHERE indicator_code = ? AND ${column} >= ? AND ${column} < ?
                  AND dim IN (SELECT value FROM json_each(?))${statesSql(q.states, params)}
                GROUP BY dim, k`;
  return stmt(db, sql).all(...params) as (SumRow & { dim: string })[];
}

/**
 * Cell sums of one dimension ('' for the observations, with the sums of x and y) in a block of
 * summary cells, grouped into clusters of 2^shift × 2^shift cells (keys k = x, k2 = y at that level).
 */
export function placeSums(
  db: Db,
  q: {
    indicatorCode: string;
    dim: string;
    x0: number;
    x1: number;
    y0: number;
    y1: number;
    shift: number;
    states?: readonly SyncState[];
  },
): SumRow[] {
  const params: unknown[] = [
    q.shift,
    q.shift,
    q.indicatorCode,
    q.dim,
    q.y0 * 4096 + q.x0,
    q.y1 * 4096 + q.x1,
    q.x0,
    q.x1,
  ];
  const sql = `SELECT (cell % 4096) >> ? AS k, (cell / 4096) >> ? AS k2, sum(n) AS n, sum(sx) AS sx, sum(sy) AS sy,
                      min(vmin) AS vmin, max(vmax) AS vmax, sum(vsum) AS vsum, min(first_id) AS first_id
                 FROM place_cell
                WHERE indicator_code = ? AND dim = ? AND cell BETWEEN ? AND ? AND cell % 4096 BETWEEN ? AND ?${statesSql(q.states, params)}
                GROUP BY k, k2`;
  return stmt(db, sql).all(...params) as SumRow[];
}

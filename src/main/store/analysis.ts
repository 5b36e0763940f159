/**
 * Reads of the analyst's views straight from the observation table: the chart's buckets and the
 * map's features and clusters when the summaries cannot answer (text filter, sub-hour buckets,
 * time-filtered or deep map views), extents, and the keyset batches of exports. Every read applies
 * `filterSql`, the table's own definition of the filtered set.
 */
import type { ObservationFilter, SyncState } from '../../shared/ipc';
import type { Db } from './db';
import { placeCellSql, SUMMARY_NUMBER, SUMMARY_PRESENT } from './migrations';
import { filterSql, type ObsRecord } from './observations';
import { stmt } from './statements';
import { dimensionPath, type SumRow } from './summaries';

/** First and last timestamp of an indicator (two index probes). */
export function timeBounds(db: Db, indicatorCode: string): { first: string; last: string } | null {
  const row = stmt(
    db,
    `SELECT (SELECT min(timestamp) FROM observation WHERE indicator_code = ?) AS first,
            (SELECT max(timestamp) FROM observation WHERE indicator_code = ?) AS last`,
  ).get(indicatorCode, indicatorCode) as { first: string | null; last: string | null };
  return row.first && row.last ? { first: row.first, last: row.last } : null;
}

/** Only the states and text parts of a filter: the time bounds are given explicitly. */
function restFilter(filter: ObservationFilter): ObservationFilter {
  return { ...(filter.states ? { states: filter.states } : {}), ...(filter.text ? { text: filter.text } : {}) };
}

/**
 * Buckets of the observations with from ≤ timestamp ≤ to (text bounds 'YYYY-MM-DD HH:MM:SS')
 * matching the filter's states and text: the '' rows (count, smallest local_id) and one row per
 * requested value code, with the summaries' value semantics. `bucketSql` computes the bucket
 * over the column `o.timestamp`.
 */
export function rawBuckets(
  db: Db,
  q: { indicatorCode: string; filter: ObservationFilter; from: string; to: string; dims: readonly string[] },
  bucketSql: string,
): (SumRow & { dim: string })[] {
  const params: unknown[] = [q.indicatorCode, q.from, q.to];
  const where = filterSql(restFilter(q.filter), params);
  params.push(JSON.stringify(q.dims));
  const sql = `
    WITH o AS (SELECT ${bucketSql} AS k, o.local_id, o.vals FROM observation o INDEXED BY observation_by_time
                WHERE o.indicator_code = ? AND o.timestamp >= ? AND o.timestamp <= ?${where})
    SELECT '' AS dim, k, count(*) AS n, NULL AS vmin, NULL AS vmax, NULL AS vsum, min(local_id) AS first_id
      FROM o WHERE k IS NOT NULL GROUP BY k
    UNION ALL
    SELECT dim, k, count(*), min(num), max(num), sum(num), NULL
      FROM (SELECT o.k, j.key AS dim, ${SUMMARY_NUMBER} AS num FROM o, json_each(o.vals) j
             WHERE o.k IS NOT NULL AND ${SUMMARY_PRESENT} AND j.key IN (SELECT value FROM json_each(?)))
     GROUP BY dim, k`;
  return stmt(db, sql).all(...params) as (SumRow & { dim: string })[];
}

/** uuids of observations by local_id. */
export function uuidsOf(db: Db, localIds: readonly number[]): Map<number, string> {
  if (localIds.length === 0) return new Map();
  const rows = stmt(
    db,
    'SELECT local_id, uuid FROM observation WHERE local_id IN (SELECT value FROM json_each(?))',
  ).all(JSON.stringify(localIds)) as { local_id: number; uuid: string }[];
  return new Map(rows.map((r) => [r.local_id, r.uuid]));
}

// ---- map -----------------------------------------------------------------------------------

/** The bbox and where to look for the observations in it. */
export interface PlaceQuery {
  indicatorCode: string;
  filter: ObservationFilter;
  bbox: [number, number, number, number];
  /**
   * Rows of level-12 cells [from, to] (placeCellSql values) covering the bbox, walked through
   * observation_by_cell; null: walk the time index (a time filter over a large view).
   */
  cellRanges: [number, number][] | null;
}

function placeSource(q: PlaceQuery, params: unknown[]): string {
  const [w, s, e, n] = q.bbox;
  let sql: string;
  if (q.cellRanges) {
    // One index range per row of cells; CROSS JOIN keeps the ranges outside.
    sql = `FROM json_each(?) r CROSS JOIN observation o INDEXED BY observation_by_cell
            WHERE o.indicator_code = ? AND ${placeCellSql('o.')} BETWEEN r.value ->> 0 AND r.value ->> 1`;
    params.push(JSON.stringify(q.cellRanges), q.indicatorCode);
  } else {
    sql = 'FROM observation o INDEXED BY observation_by_time WHERE o.indicator_code = ?';
    params.push(q.indicatorCode);
  }
  params.push(w, e, s, n);
  return `${sql} AND o.x BETWEEN ? AND ? AND o.y BETWEEN ? AND ?${filterSql(q.filter, params)}`;
}

export interface PlaceFeatureRow {
  local_id: number;
  uuid: string;
  x: number;
  y: number;
  wkt: string | null;
  state: SyncState;
  value: number | string | null;
}

/** Up to `limit` observations in the bbox, with the raw value of one dimension (or none). */
export function placeFeatures(db: Db, q: PlaceQuery, dim: string | null, limit: number): PlaceFeatureRow[] {
  const params: unknown[] = [];
  const value = dim ? `json_extract(o.vals, ${dimensionPath(dim)})` : 'NULL';
  const sql = `SELECT o.local_id, o.uuid, o.x, o.y, o.wkt, o.state, ${value} AS value ${placeSource(q, params)} LIMIT ?`;
  params.push(limit);
  return stmt(db, sql).all(...params) as PlaceFeatureRow[];
}

/**
 * Observations in the bbox grouped into Web Mercator cells of `level` (k = x, k2 = y of the cell),
 * with the values of one dimension (summaries' semantics: booleans 1/0, texts no number).
 */
export function placeClusters(db: Db, q: PlaceQuery, dim: string | null, level: number): (SumRow & { vn: number })[] {
  const params: unknown[] = [];
  const n = 2 ** level;
  const lat = 'min(85.0511287798066, max(-85.0511287798066, o.y))';
  const cx = `min(${n - 1}, max(0, CAST((o.x + 180.0) / 360.0 * ${n} AS INTEGER)))`;
  const cy = `min(${n - 1}, max(0, CAST((1.0 - ln(tan(radians(${lat})) + 1.0 / cos(radians(${lat}))) / pi()) / 2.0 * ${n} AS INTEGER)))`;
  const num = dim ? `(SELECT ${SUMMARY_NUMBER} FROM json_each(o.vals) j WHERE j.key = ${sqlText(dim)})` : 'NULL';
  const sql = `SELECT k, k2, count(*) AS n, sum(x) AS sx, sum(y) AS sy, min(local_id) AS first_id,
                      count(num) AS vn, min(num) AS vmin, max(num) AS vmax, sum(num) AS vsum
                 FROM (SELECT ${cx} AS k, ${cy} AS k2, o.x, o.y, o.local_id, ${num} AS num ${placeSource(q, params)})
                GROUP BY k, k2`;
  return stmt(db, sql).all(...params) as (SumRow & { vn: number })[];
}

function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Extent of an indicator's positions (x/y), from the x and y indexes: four probes. */
export function positionExtent(db: Db, indicatorCode: string): [number, number, number, number] | null {
  const r = stmt(
    db,
    `SELECT (SELECT min(x) FROM observation WHERE indicator_code = @c) AS w,
            (SELECT min(y) FROM observation WHERE indicator_code = @c) AS s,
            (SELECT max(x) FROM observation WHERE indicator_code = @c) AS e,
            (SELECT max(y) FROM observation WHERE indicator_code = @c) AS n`,
  ).get({ c: indicatorCode }) as { w: number | null; s: number | null; e: number | null; n: number | null };
  return r.w === null || r.s === null || r.e === null || r.n === null ? null : [r.w, r.s, r.e, r.n];
}

// ---- exports -------------------------------------------------------------------------------

export type ExportRecord = Pick<
  ObsRecord,
  'local_id' | 'uuid' | 'timestamp' | 'x' | 'y' | 'wkt' | 'vals' | 'author' | 'state'
>;

const EXPORT_COLUMNS = 'o.local_id, o.uuid, o.timestamp, o.x, o.y, o.wkt, o.vals, o.author, o.state';

const KIND = `CASE WHEN o.wkt IS NULL THEN '' ELSE upper(trim(substr(o.wkt, 1, instr(o.wkt, '(') - 1))) END`;

/** How many observations of the filtered set, and how many per geometry keyword ('' when no WKT). */
export function filteredPlan(
  db: Db,
  indicatorCode: string,
  filter: ObservationFilter,
): { total: number; kinds: Map<string, number> } {
  const params: unknown[] = [indicatorCode];
  const rows = stmt(
    db,
    `SELECT ${KIND} AS kind, count(*) AS n FROM observation o WHERE o.indicator_code = ?${filterSql(filter, params)} GROUP BY kind`,
  ).all(...params) as { kind: string; n: number }[];
  return { total: rows.reduce((s, r) => s + r.n, 0), kinds: new Map(rows.map((r) => [r.kind, r.n])) };
}

/**
 * The next `limit` observations of the filtered set after the keyset (timestamp, local_id), in time
 * order through the time index: a batch costs the same at row 900,000 as at row 0.
 */
export function filteredBatch(
  db: Db,
  indicatorCode: string,
  filter: ObservationFilter,
  after: { timestamp: string; localId: number } | null,
  limit: number,
): ExportRecord[] {
  const params: unknown[] = [indicatorCode];
  let sql = `SELECT ${EXPORT_COLUMNS} FROM observation o INDEXED BY observation_by_time
              WHERE o.indicator_code = ?${filterSql(filter, params)}`;
  if (after) {
    // The first bound lets SQLite seek; the row value decides ties on the timestamp.
    sql += ' AND o.timestamp >= ? AND (o.timestamp, o.local_id) > (?, ?)';
    params.push(after.timestamp, after.timestamp, after.localId);
  }
  sql += ' ORDER BY o.timestamp, o.local_id LIMIT ?';
  params.push(limit);
  return stmt(db, sql).all(...params) as ExportRecord[];
}

/** A selection's observations of this indicator (unknown uuids are left out), in time order, with their geometry keywords. */
export function selectionPlan(
  db: Db,
  indicatorCode: string,
  uuids: readonly string[],
): { ids: number[]; kinds: Map<string, number> } {
  const rows = stmt(
    db,
    `SELECT o.local_id, ${KIND} AS kind FROM observation o
      WHERE o.indicator_code = ? AND o.uuid IN (SELECT value FROM json_each(?))
      ORDER BY o.timestamp, o.local_id`,
  ).all(indicatorCode, JSON.stringify(uuids)) as { local_id: number; kind: string }[];
  const kinds = new Map<string, number>();
  for (const r of rows) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
  return { ids: rows.map((r) => r.local_id), kinds };
}

/** Observations by local_id, in time order. */
export function rowsById(db: Db, ids: readonly number[]): ExportRecord[] {
  return stmt(
    db,
    `SELECT ${EXPORT_COLUMNS} FROM observation o WHERE o.local_id IN (SELECT value FROM json_each(?))
      ORDER BY o.timestamp, o.local_id`,
  ).all(JSON.stringify(ids)) as ExportRecord[];
}

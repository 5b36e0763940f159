/**
 * The observation table: local edits and their sync state, and the UI's paged queries.
 * Paging is keyset (the last row's sort value + local_id), so page 500 costs what page 1 does.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  TEXT_DIMENSION_TYPES,
  type DimensionType,
  type DimensionValue,
  type NotEditableReason,
  type ObservationDetail,
  type ObservationFilter,
  type ObservationPage,
  type ObservationRow,
  type ServerVersion,
  type SortColumn,
  type SyncState,
} from '../../shared/ipc';
import type { ServerObservation as WireObservation } from '../../shared/model';
import { AppError } from '../errors';
import type { Db } from './db';
import { stmt } from './statements';
import { inBulkLoad } from './bulk';

export interface ObsRecord {
  local_id: number;
  uuid: string;
  id: number | null;
  indicator_code: string;
  import: number | null;
  timestamp: string;
  end_timestamp: string | null;
  x: number;
  y: number;
  wkt: string | null;
  object_id: string | null;
  vals: string;
  media_url: string | null;
  author: string | null;
  created_at: string | null;
  updated_at: string | null;
  state: SyncState;
  prev_state: SyncState | null;
  local_rev: number;
  push_attempted: number;
  server_version: string | null;
  error: string | null;
  error_field: string | null;
  media_file: string | null;
  media_pending: 'upload' | 'delete' | null;
  media_cache: string | null;
  editable: number | null;
  not_editable: NotEditableReason | null;
}

export function searchText(
  timestamp: string,
  values: Record<string, unknown>,
  author: string | null,
  uuid: string,
): string {
  return [timestamp, ...Object.values(values).map((v) => String(v)), author ?? '', uuid].join(' ').toLowerCase();
}

export function valuesFromWire(values: WireObservation['values']): Record<string, DimensionValue> {
  const out: Record<string, DimensionValue> = {};
  for (const v of values) out[v.name] = v.value;
  return out;
}

export function toRow(r: ObsRecord): ObservationRow {
  return {
    uuid: r.uuid,
    id: r.id,
    indicatorCode: r.indicator_code,
    import: r.import,
    timestamp: r.timestamp,
    endTimestamp: r.end_timestamp,
    x: r.x,
    y: r.y,
    wkt: r.wkt,
    objectId: r.object_id,
    values: JSON.parse(r.vals) as Record<string, DimensionValue>,
    author: r.author,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    editable: r.editable === null ? null : r.editable === 1,
    notEditable: r.not_editable,
    state: r.state,
    hasMedia: r.media_pending === 'delete' ? false : r.media_file !== null || r.media_url !== null,
    error: r.error,
    errorField: r.error_field,
  };
}

export function toDetail(r: ObsRecord): ObservationDetail {
  let serverVersion: ServerVersion | null = null;
  const serverDeleted = r.server_version === 'deleted';
  if (r.server_version && !serverDeleted) {
    const s = JSON.parse(r.server_version) as WireObservation;
    serverVersion = {
      import: s.import,
      timestamp: s.timestamp,
      endTimestamp: s.end_timestamp ?? null,
      x: s.x,
      y: s.y,
      wkt: s.wkt ?? null,
      values: valuesFromWire(s.values),
      author: s.author ?? null,
      updatedAt: s.updated_at ?? null,
      hasMedia: !!s.media_url,
    };
  }
  return { ...toRow(r), serverVersion, serverDeleted, mediaPending: r.media_pending };
}

export function findObservation(db: Db, uuid: string): ObsRecord | null {
  return (stmt(db, 'SELECT * FROM observation WHERE uuid = ?').get(uuid) as ObsRecord | undefined) ?? null;
}

export function requireObservation(db: Db, uuid: string): ObsRecord {
  const r = findObservation(db, uuid);
  if (!r) throw new AppError('not_found', 'This observation does not exist (any more).', 'uuid');
  return r;
}

/** An observation's content, validated against its indicator (observations/validate.ts). */
export interface ObservationContent {
  timestamp: string;
  endTimestamp: string | null;
  x: number;
  y: number;
  wkt: string | null;
  objectId: string | null;
  values: Record<string, number | boolean | string>;
}

export function insertLocal(db: Db, indicatorCode: string, v: ObservationContent, author: string | null): ObsRecord {
  const uuid = randomUUID();
  const now = new Date().toISOString();
  stmt(
    db,
    `INSERT INTO observation (uuid, indicator_code, timestamp, end_timestamp, x, y, wkt, object_id, vals, author,
                              created_at, updated_at, state, search)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'local', ?)`,
  ).run(
    uuid,
    indicatorCode,
    v.timestamp,
    v.endTimestamp,
    v.x,
    v.y,
    v.wkt,
    v.objectId,
    JSON.stringify(v.values),
    author,
    now,
    now,
    searchText(v.timestamp, v.values, author, uuid),
  );
  return requireObservation(db, uuid);
}

/** A local edit: keeps the server version it is based on (`import`), so the push can detect conflicts. */
export function updateLocal(db: Db, uuid: string, v: ObservationContent): ObsRecord {
  return db.transaction(() => {
    const r = requireObservation(db, uuid);
    if (r.state === 'deleted')
      throw new AppError('conflict', 'This observation is deleted: undo the deletion before editing it.');
    const state: SyncState =
      r.state === 'conflict'
        ? 'conflict'
        : r.state === 'local' || (r.state === 'rejected' && r.id === null)
          ? 'local'
          : 'modified';
    stmt(
      db,
      `UPDATE observation SET timestamp = ?, end_timestamp = ?, x = ?, y = ?, wkt = ?, object_id = ?, vals = ?, state = ?,
         error = NULL, error_field = NULL, local_rev = local_rev + 1, updated_at = ?, search = ? WHERE uuid = ?`,
    ).run(
      v.timestamp,
      v.endTimestamp,
      v.x,
      v.y,
      v.wkt,
      v.objectId,
      JSON.stringify(v.values),
      state,
      new Date().toISOString(),
      searchText(v.timestamp, v.values, r.author, uuid),
      uuid,
    );
    return requireObservation(db, uuid);
  })();
}

export function markDeleted(db: Db, uuid: string): ObsRecord {
  return db.transaction(() => {
    const r = requireObservation(db, uuid);
    if (r.state !== 'deleted') {
      stmt(
        db,
        "UPDATE observation SET prev_state = state, state = 'deleted', local_rev = local_rev + 1 WHERE uuid = ?",
      ).run(uuid);
    }
    return requireObservation(db, uuid);
  })();
}

export function restoreDeleted(db: Db, uuid: string): ObsRecord {
  return db.transaction(() => {
    const r = requireObservation(db, uuid);
    // A deletion the server refused can be taken back too.
    const refusedDeletion = r.state === 'rejected' && r.prev_state !== null;
    if (r.state !== 'deleted' && !refusedDeletion) return r;
    stmt(
      db,
      'UPDATE observation SET state = coalesce(prev_state, ?), prev_state = NULL, error = NULL, error_field = NULL, local_rev = local_rev + 1 WHERE uuid = ?',
    ).run(r.id === null ? 'local' : 'modified', uuid);
    return requireObservation(db, uuid);
  })();
}

// ---- the UI's list -----------------------------------------------------------------------

interface SortSpec {
  expr: string;
  numeric: boolean;
  /** The index that yields this order, if any. */
  index?: string;
}

function sortSpec(column: SortColumn, dims: ReadonlyMap<string, string>): SortSpec {
  switch (column) {
    case 'timestamp':
      return { expr: 'o.timestamp', numeric: false };
    case 'x':
      return { expr: 'o.x', numeric: true, index: 'observation_by_x' };
    case 'y':
      return { expr: 'o.y', numeric: true, index: 'observation_by_y' };
    case 'author':
      return { expr: "coalesce(o.author, '')", numeric: false, index: 'observation_by_author' };
    case 'state':
      return { expr: 'o.state', numeric: false, index: 'observation_by_state' };
    case 'createdAt':
      return { expr: "coalesce(o.created_at, '')", numeric: false };
    case 'updatedAt':
      return { expr: "coalesce(o.updated_at, '')", numeric: false };
    default: {
      const code = column.slice('value:'.length);
      const type = dims.get(code);
      if (!type) throw new AppError('invalid_argument', `This indicator has no dimension "${code}".`, 'sort.column');
      return {
        expr: dimensionSortExpr(code, type, 'o.'),
        numeric: !isTextType(type),
        ...(type === 'boolean' ? {} : { index: dimensionIndexName(code, type) }),
      };
    }
  }
}

/**
 * The sort expression of a dimension; its index (created per indicator) uses the very same text,
 * which is what lets SQLite walk the index instead of sorting the table.
 */
function isTextType(type: string): boolean {
  return TEXT_DIMENSION_TYPES.includes(type as DimensionType);
}

export function dimensionSortExpr(code: string, type: string, prefix = ''): string {
  // The code is checked against the indicator's dimensions and quoted for the JSON path.
  const path = `'$."${code.replace(/["'\\]/g, '')}"'`;
  return isTextType(type)
    ? `coalesce(json_extract(${prefix}vals, ${path}), '')`
    : `coalesce(json_extract(${prefix}vals, ${path}), -1e308)`;
}

/** Names carry the layout version: a new layout gets new names and the old indexes are dropped. */
export const DIMENSION_INDEX_PREFIX = 'observation_dim2_';

export function dimensionIndexName(code: string, type: string): string {
  return `${DIMENSION_INDEX_PREFIX}${createHash('sha1').update(`${type}:${code}`).digest('hex').slice(0, 16)}`;
}

/** Above this many rows in the time range, walking the sort's index beats sorting the range. */
const WIDE_RANGE = 5000;

/**
 * The WHERE terms (each starting with ' AND ', over the alias `o`) of the UI's filter: the one
 * definition of "the filtered set" that the table, the chart, the map and the exports share.
 */
export function filterSql(filter: ObservationFilter, params: unknown[]): string {
  const where: string[] = [];
  if (filter.from) {
    where.push('o.timestamp >= ?');
    params.push(filter.from.replace('T', ' '));
  }
  if (filter.to) {
    // A prefix bound covers the whole period it names: '2024-05' includes every day of May.
    where.push('o.timestamp <= ?');
    params.push(`${filter.to.replace('T', ' ')}~`);
  }
  if (filter.states && filter.states.length > 0) {
    where.push(`o.state IN (${filter.states.map(() => '?').join(',')})`);
    params.push(...filter.states);
  }
  if (filter.text) {
    where.push("o.search LIKE ? ESCAPE '\\'");
    params.push(`%${filter.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  return where.map((w) => ` AND ${w}`).join('');
}

interface Cursor {
  c: string;
  d: 'asc' | 'desc';
  v: string | number;
  id: number;
}

function decodeCursor(raw: string, column: string, direction: 'asc' | 'desc'): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (
      c.c === column &&
      c.d === direction &&
      (typeof c.v === 'string' || typeof c.v === 'number') &&
      Number.isInteger(c.id)
    ) {
      return c;
    }
  } catch {
    // fall through
  }
  throw new AppError(
    'invalid_argument',
    'This page cursor belongs to another sort or is damaged: start from the first page.',
    'cursor',
  );
}

export interface ListQuery {
  indicatorCode: string;
  sort: { column: SortColumn; direction: 'asc' | 'desc' };
  filter: ObservationFilter;
  cursor?: string | null | undefined;
  offset?: number | undefined;
  limit: number;
}

export function listObservations(db: Db, q: ListQuery, dims: ReadonlyMap<string, string>): ObservationPage {
  const { expr, index } = sortSpec(q.sort.column, dims);
  const params: unknown[] = [];
  let from = 'observation o';
  let where = '';
  if (q.filter.text && rareText(db, q.indicatorCode, q.filter.text)) {
    // Few rows contain the text: start from those (the text index), then filter and sort them. The
    // LIKE below still decides; the index only has to find every row that may match.
    from = 'observation_text t CROSS JOIN observation o';
    where = 't.search LIKE ? AND o.local_id = t.rowid AND ';
    params.push(`%${q.filter.text.toLowerCase()}%`);
  } else if (index && (q.filter.from || q.filter.to) && timeRangeAtLeast(db, q.indicatorCode, q.filter, WIDE_RANGE)) {
    // Sorting by another column within a time range: without range statistics SQLite walks the
    // time index and sorts the whole range for every page. When the range is wide, walk the sort's
    // own index instead (a few index entries per row shown); a narrow range is cheap to sort.
    from = `observation o INDEXED BY ${index}`;
  }
  params.push(q.indicatorCode);
  let sql = `SELECT o.*, ${expr} AS sort_value FROM ${from} WHERE ${where}o.indicator_code = ?${filterSql(q.filter, params)}`;
  const dir = q.sort.direction === 'asc' ? 'ASC' : 'DESC';
  if (q.cursor) {
    const c = decodeCursor(q.cursor, q.sort.column, q.sort.direction);
    // The first bound is redundant with the row value but lets SQLite seek in expression indexes.
    const op = q.sort.direction === 'asc' ? '>' : '<';
    sql += ` AND ${expr} ${op}= ? AND (${expr}, o.local_id) ${op} (?, ?)`;
    params.push(c.v, c.v, c.id);
  }
  sql += ` ORDER BY ${expr} ${dir}, o.local_id ${dir} LIMIT ?`;
  params.push(q.limit + 1);
  if (!q.cursor && q.offset) {
    sql += ' OFFSET ?';
    params.push(q.offset);
  }
  let prepared;
  try {
    prepared = stmt(db, sql);
  } catch (err) {
    // An index the store lacks (e.g. a dimension added since the last sync): let SQLite choose.
    if (!(err instanceof Error && /no such index/.test(err.message))) throw err;
    prepared = stmt(db, sql.replace(/ INDEXED BY \w+/, ''));
  }
  const rows = prepared.all(...params) as (ObsRecord & { sort_value: string | number })[];
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const last = page.at(-1);
  const nextCursor =
    more && last
      ? Buffer.from(
          JSON.stringify({
            c: q.sort.column,
            d: q.sort.direction,
            v: last.sort_value,
            id: last.local_id,
          } satisfies Cursor),
        ).toString('base64url')
      : null;
  return { rows: page.map(toRow), nextCursor };
}

/**
 * Up to this many rows containing the text, the text index is the faster start: reading them costs
 * less than walking the range until a page is full. Above it the text is common, and walking the
 * sort order fills a page after a few rows per match.
 */
const RARE_TEXT_ROWS = 2000;
const rareTextCache = new WeakMap<Db, Map<string, boolean>>();

/**
 * Whether the text index should drive the query. The trigram index answers only texts of three
 * characters or more, without LIKE wildcards, and not for an indicator whose newest rows are still
 * being bulk-loaded (not in the index yet). The decision is a plan choice, never a result: it is
 * kept per text (pages by cursor ask again), and a stale one only costs time.
 */
function rareText(db: Db, indicatorCode: string, text: string): boolean {
  const t = text.toLowerCase();
  if ([...t].length < 3 || /[%_]/.test(t) || inBulkLoad(db, indicatorCode)) return false;
  let cache = rareTextCache.get(db);
  if (!cache) {
    cache = new Map();
    rareTextCache.set(db, cache);
  }
  // Keyed by the store's size too: a text rare in a small store may be common once a sync brought more.
  const held = stmt(db, 'SELECT coalesce(sum(n), 0) FROM observation_count').pluck().get() as number;
  const key = `${indicatorCode}\u0000${held}\u0000${t}`;
  let rare = cache.get(key);
  if (rare === undefined) {
    const n = stmt(db, 'SELECT count(*) FROM (SELECT 1 FROM observation_text WHERE search LIKE ? LIMIT ?)')
      .pluck()
      .get(`%${t}%`, RARE_TEXT_ROWS) as number;
    rare = n < RARE_TEXT_ROWS;
    if (cache.size >= 200) cache.clear();
    cache.set(key, rare);
  }
  return rare;
}

function timeRangeAtLeast(db: Db, indicatorCode: string, filter: ObservationFilter, n: number): boolean {
  const params: unknown[] = [indicatorCode];
  const range = filterSql(
    { ...(filter.from ? { from: filter.from } : {}), ...(filter.to ? { to: filter.to } : {}) },
    params,
  );
  const sql = `SELECT count(*) FROM (SELECT 1 FROM observation o WHERE o.indicator_code = ?${range} LIMIT ${n})`;
  return (
    (stmt(db, sql)
      .pluck()
      .get(...params) as number) >= n
  );
}

export function countObservations(db: Db, indicatorCode: string, filter: ObservationFilter): number {
  const params: unknown[] = [indicatorCode];
  const sql = `SELECT count(*) FROM observation o WHERE o.indicator_code = ?${filterSql(filter, params)}`;
  return stmt(db, sql)
    .pluck()
    .get(...params) as number;
}

// ---- what the sync engine reads ------------------------------------------------------------

export function countInState(db: Db, indicatorCode: string, state: SyncState): number {
  return stmt(db, 'SELECT count(*) FROM observation WHERE indicator_code = ? AND state = ?')
    .pluck()
    .get(indicatorCode, state) as number;
}

/** Rows of an indicator in a state, in creation order, a page at a time. */
export function rowsInState(
  db: Db,
  indicatorCode: string,
  state: SyncState,
  afterLocalId = 0,
  limit = -1,
): ObsRecord[] {
  return stmt(
    db,
    'SELECT * FROM observation WHERE indicator_code = ? AND state = ? AND local_id > ? ORDER BY local_id LIMIT ?',
  ).all(indicatorCode, state, afterLocalId, limit) as ObsRecord[];
}

/** The series of an observation the server has (sent from here or received), or null. */
export function heldSeriesOf(db: Db, uuid: string): string | null {
  return (
    (stmt(db, 'SELECT indicator_code FROM observation WHERE uuid = ? AND (id IS NOT NULL OR push_attempted = 1)')
      .pluck()
      .get(uuid) as string | undefined) ?? null
  );
}

/** These rows again, as they are now, keeping only those still waiting to be created. */
export function stillLocal(db: Db, uuids: readonly string[]): ObsRecord[] {
  const get = stmt(db, "SELECT * FROM observation WHERE uuid = ? AND state = 'local'");
  return uuids.map((u) => get.get(u) as ObsRecord | undefined).filter((r): r is ObsRecord => !!r);
}

/** Rows whose photo change waits for the server, among those the server knows. */
export function pendingMediaRows(db: Db, indicatorCode: string): ObsRecord[] {
  return stmt(
    db,
    `SELECT * FROM observation INDEXED BY observation_media_pending
      WHERE indicator_code = ? AND media_pending IS NOT NULL AND id IS NOT NULL
        AND state IN ('synced', 'modified') ORDER BY local_id`,
  ).all(indicatorCode) as ObsRecord[];
}

export interface ConflictQuery {
  indicatorCode?: string | undefined;
  projectKey?: string | undefined;
}

export function listConflicts(db: Db, q: ConflictQuery, limit = 10_000): ObsRecord[] {
  const params: (string | number)[] = [];
  let sql = "SELECT o.* FROM observation o WHERE o.state = 'conflict'";
  if (q.indicatorCode) {
    sql += ' AND o.indicator_code = ?';
    params.push(q.indicatorCode);
  }
  if (q.projectKey) {
    sql += ' AND o.indicator_code IN (SELECT indicator_code FROM project_indicator WHERE project_key = ?)';
    params.push(q.projectKey);
  }
  sql += ' ORDER BY o.indicator_code, o.timestamp, o.local_id LIMIT ?';
  params.push(limit);
  return stmt(db, sql).all(...params) as ObsRecord[];
}

// ---- photos --------------------------------------------------------------------------------

/** Attaches a photo file (already in the media folder) for upload; returns the file it replaces. */
export function setMediaFile(db: Db, uuid: string, file: string): string | null {
  return db.transaction(() => {
    const cur = requireObservation(db, uuid);
    stmt(db, "UPDATE observation SET media_file = ?, media_pending = 'upload' WHERE uuid = ?").run(file, uuid);
    return cur.media_file;
  })();
}

/** Removes the photo: the server's copy goes too if there is one. Returns the row as it was (its files to delete). */
export function clearMediaFile(db: Db, uuid: string): ObsRecord {
  return db.transaction(() => {
    const r = requireObservation(db, uuid);
    const pending = r.media_url ? 'delete' : null;
    stmt(db, 'UPDATE observation SET media_file = NULL, media_cache = NULL, media_pending = ? WHERE uuid = ?').run(
      pending,
      uuid,
    );
    return r;
  })();
}

/** Records a downloaded copy of the server's photo, if the row still points at that photo. */
export function setMediaCache(db: Db, uuid: string, file: string, mediaUrl: string): void {
  stmt(db, 'UPDATE observation SET media_cache = ? WHERE uuid = ? AND media_url IS ?').run(file, uuid, mediaUrl);
}

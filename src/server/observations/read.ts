import { type Dimension, type Observation } from '../../shared/api.js';
import { type Queryable } from '../db/types.js';
import { iso, wallClock } from '../db/sql.js';
import { dimensionsOf } from './indicators.js';
import { type Value, valuesJson } from './values.js';
import { isUuid } from '../../shared/uuid.js';

export interface ObservationRow {
  id: number;
  uuid: string;
  indicator_id: number;
  indicator: string;
  import: number;
  timestamp: string;
  x: number;
  y: number;
  wkt: string;
  vals: Record<string, Value>;
  media_file: string | null;
  author: string | null;
  author_id: number | null;
  created_at: string;
  updated_at: string;
  /** Only on single-observation reads (findObservation): the write id of the current version. */
  write_id?: string | null;
}

/** Select list and joins producing ObservationRow from alias o. */
export const OBSERVATION_SELECT = `o.id, o.uuid::text AS uuid, o.indicator_id, i.code AS indicator, o.import_id AS import,
  ${wallClock('o.ts')} AS timestamp, o.x, o.y, o.wkt, o.vals, o.media_file, u.login AS author, o.author_id,
  ${iso('o.created_at')} AS created_at, ${iso('o.updated_at')} AS updated_at`;
export const OBSERVATION_FROM = `observation o JOIN indicator i ON i.id = o.indicator_id LEFT JOIN app_user u ON u.id = o.author_id`;

export function toObservation(r: ObservationRow, dims: Dimension[], base: string): Observation {
  return {
    id: r.id,
    uuid: r.uuid,
    indicator: r.indicator,
    import: r.import,
    timestamp: r.timestamp,
    x: r.x,
    y: r.y,
    wkt: r.wkt,
    values: valuesJson(dims, r.vals),
    media_url: r.media_file ? `${base}/observation/${r.id}/media` : null,
    author: r.author,
    created_at: r.created_at,
    updated_at: r.updated_at,
    ...(r.write_id !== undefined ? { write_id: r.write_id } : {}),
  };
}

/** Turns rows into wire observations, loading each indicator's dimensions once; `base` is the API's absolute URL. */
export async function rowsToObservations(db: Queryable, base: string, rows: ObservationRow[]): Promise<Observation[]> {
  const dims = await dimensionsOf(db, [...new Set(rows.map((r) => r.indicator_id))]);
  return rows.map((r) => toObservation(r, dims.get(r.indicator_id) ?? [], base));
}

/** `id` may be the integer id or the uuid. */
export function idCondition(id: string): { sql: string; param: string | number } | null {
  if (/^\d{1,15}$/.test(id)) return { sql: 'o.id = $1', param: Number(id) };
  if (isUuid(id)) return { sql: 'o.uuid = $1::uuid', param: id };
  return null;
}

export async function findObservation(q: Queryable, id: string, forUpdate = false): Promise<ObservationRow | null> {
  const cond = idCondition(id);
  if (!cond) return null;
  const rows = await q.query<ObservationRow>(
    `SELECT ${OBSERVATION_SELECT}, imp.write_id::text AS write_id
       FROM ${OBSERVATION_FROM} JOIN import imp ON imp.id = o.import_id
      WHERE ${cond.sql}${forUpdate ? ' FOR UPDATE OF o' : ''}`,
    [cond.param],
  );
  return rows[0] ?? null;
}

/** The tombstone of a deleted observation (by id or uuid), for a 404 that says what happened. */
export async function findTombstone(
  q: Queryable,
  id: string,
): Promise<{ uuid: string; indicator: string; write_id: string | null; deleted_at: string } | null> {
  const cond = idCondition(id);
  if (!cond) return null;
  const rows = await q.query<{ uuid: string; indicator: string; write_id: string | null; deleted_at: string }>(
    `SELECT d.uuid::text AS uuid, i.code AS indicator, d.write_id::text AS write_id, ${iso('d.deleted_at')} AS deleted_at
       FROM observation_deletion d JOIN indicator i ON i.id = d.indicator_id
      WHERE ${typeof cond.param === 'number' ? 'd.observation_id = $1' : 'd.uuid = $1::uuid'}
      ORDER BY d.id DESC LIMIT 1`,
    [cond.param],
  );
  return rows[0] ?? null;
}

/**
 * The module's SQL, rewritten from its classes (Project, Series, Observation, User, Token): the
 * same tables, joins and JSON shapes (row_to_json / json_build_object do the formatting, as in the
 * module), with the series id taken from the URL as in release 0.9.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from './database.js';
import { verifyPassword } from './database.js';

export interface LizmapUser {
  login: string;
  email: string;
  firstname: string;
  lastname: string;
  /** jAcl2 groups, the private one included. */
  groups: string[];
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------- users, groups, tokens

export async function getUser(sql: Sql, login: string): Promise<LizmapUser | null> {
  const r = await sql.query<{
    usr_login: string;
    usr_email: string;
    firstname: string;
    lastname: string;
    groups: string[];
  }>(
    `SELECT u.usr_login, u.usr_email, u.firstname, u.lastname,
            coalesce(array_agg(g.id_aclgrp ORDER BY g.id_aclgrp) FILTER (WHERE g.id_aclgrp IS NOT NULL), '{}') AS groups
     FROM lizmap.jlx_user AS u LEFT JOIN lizmap.jacl2_user_group AS g ON g.login = u.usr_login
     WHERE u.usr_login = $1 GROUP BY u.usr_login`,
    [login],
  );
  const row = r.rows[0];
  return row
    ? {
        login: row.usr_login,
        email: row.usr_email,
        firstname: row.firstname,
        lastname: row.lastname,
        groups: row.groups,
      }
    : null;
}

export async function checkPassword(sql: Sql, login: string, password: string): Promise<boolean> {
  const r = await sql.query<{ usr_password: string }>(`SELECT usr_password FROM lizmap.jlx_user WHERE usr_login = $1`, [
    login,
  ]);
  const stored = r.rows[0]?.usr_password;
  return stored ? verifyPassword(password, stored) : false;
}

/** md5(login + random), kept `lifetimeSeconds` from now and never renewed (Token::generateToken). */
export async function createToken(sql: Sql, login: string, lifetimeSeconds: number): Promise<string> {
  const token = createHash('md5')
    .update(login + randomBytes(8).toString('hex'))
    .digest('hex');
  await sql.query(
    `INSERT INTO lizmap.gobs_token (token, login, created_at, expires_at)
     VALUES ($1, $2, gobs.standin_now(), gobs.standin_now() + make_interval(secs => $3))`,
    [token, login, lifetimeSeconds],
  );
  return token;
}

export async function loginForToken(sql: Sql, token: string): Promise<string | null> {
  const r = await sql.query<{ login: string }>(
    `SELECT login FROM lizmap.gobs_token WHERE token = $1 AND expires_at > gobs.standin_now()`,
    [token],
  );
  return r.rows[0]?.login ?? null;
}

export async function deleteToken(sql: Sql, token: string): Promise<void> {
  await sql.query(`DELETE FROM lizmap.gobs_token WHERE token = $1`, [token]);
}

/** User::createOrGetGobsActor: the actor whose a_login is the Lizmap login, created on first use. */
export async function getOrCreateActor(sql: Sql, user: LizmapUser): Promise<number> {
  const found = await sql.query<{ id: number }>(`SELECT id FROM gobs.actor WHERE a_login = $1`, [user.login]);
  if (found.rows[0]) return found.rows[0].id;
  let category = (
    await sql.query<{ id: number }>(`SELECT id FROM gobs.actor_category WHERE ac_label = 'platform_user'`)
  ).rows[0]?.id;
  category ??= (
    await sql.query<{ id: number }>(
      `INSERT INTO gobs.actor_category (ac_label, ac_description) VALUES ('platform_user', 'Platform users') RETURNING id`,
    )
  ).rows[0]!.id;
  const label = `${user.firstname} ${user.lastname}`.trim() || user.login;
  const created = await sql.query<{ id: number }>(
    `INSERT INTO gobs.actor (a_login, a_label, a_description, a_email, id_category)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [user.login, label, `Automatically created platform user actor ${label}`, user.email, category],
  );
  return created.rows[0]!.id;
}

// ---------------------------------------------------------------- projects

export interface ProjectProperties {
  id: number;
  code: string;
  label: string;
  description: string | null;
  seriesIds: string[];
  allowedPolygonWkt: string;
  xmin: string;
  ymin: string;
  xmax: string;
  ymax: string;
}

/**
 * Project::getProjectPropertiesFromDatabase: the project, if one of its views lists a group of the
 * user; the allowed polygon is the union of those views, the extent that of the global view (extent
 * values come back as text, as PDO gives them to PHP).
 */
export async function projectProperties(sql: Sql, key: string, groups: string[]): Promise<ProjectProperties | null> {
  const r = await sql.query<{
    id: number;
    pt_code: string;
    pt_label: string;
    pt_description: string | null;
    series_ids: string | null;
    allowed_polygon_wkt: string;
    xmin: string;
    ymin: string;
    xmax: string;
    ymax: string;
  }>(
    `WITH
     proj AS (SELECT id FROM gobs.project WHERE pt_code = $1 LIMIT 1),
     global_view AS (
         SELECT fk_id_project, geom FROM gobs.project_view AS pv, proj
         WHERE fk_id_project = proj.id AND pv_type = 'global' LIMIT 1
     ),
     merged_views AS (
         SELECT fk_id_project, CAST(ST_Multi(ST_Union(geom)) AS geometry(MULTIPOLYGON, 4326)) AS geom
         FROM proj, gobs.project_view AS pv
         WHERE fk_id_project = proj.id
         AND regexp_split_to_array(pv_groups, '[\\s,;]+') && $2::text[]
         GROUP BY fk_id_project
     )
     SELECT p.id, p.pt_code, p.pt_label, p.pt_description,
            string_agg(s.id::text, ',') AS series_ids,
            ST_AsText(mv.geom, 8) AS allowed_polygon_wkt,
            ST_XMin(gv.geom)::text AS xmin, ST_YMin(gv.geom)::text AS ymin,
            ST_XMax(gv.geom)::text AS xmax, ST_YMax(gv.geom)::text AS ymax
     FROM gobs.project AS p
     INNER JOIN global_view AS gv ON gv.fk_id_project = p.id
     INNER JOIN merged_views AS mv ON mv.fk_id_project = p.id
     LEFT JOIN gobs.series AS s ON s.fk_id_project = p.id
     WHERE p.pt_code = $1
     GROUP BY p.id, p.pt_code, p.pt_label, p.pt_description, allowed_polygon_wkt, gv.geom
     LIMIT 1`,
    [key, groups],
  );
  const row = r.rows[0];
  if (!row) return null;
  return {
    id: row.id,
    code: row.pt_code,
    label: row.pt_label,
    description: row.pt_description,
    seriesIds: row.series_ids ? row.series_ids.split(',').map((s) => s.trim()) : [],
    allowedPolygonWkt: row.allowed_polygon_wkt,
    xmin: row.xmin,
    ymin: row.ymin,
    xmax: row.xmax,
    ymax: row.ymax,
  };
}

/** User::getProjects: keys of the projects one of whose views lists a group of the user. */
export async function projectKeysForGroups(sql: Sql, groups: string[]): Promise<string[]> {
  const r = await sql.query<{ pt_code: string }>(
    `SELECT DISTINCT p.id, p.pt_code, p.pt_label
     FROM gobs.project AS p JOIN gobs.project_view AS v ON v.fk_id_project = p.id
     WHERE regexp_split_to_array(pv_groups, '[\\s,;]+') && $1::text[]`,
    [groups],
  );
  return r.rows.map((row) => row.pt_code);
}

// ---------------------------------------------------------------- series

export interface RawDocument {
  id: number;
  uid: string;
  indicator: string;
  label: string;
  description: string | null;
  type: string;
  url: string;
  created_at: string;
  updated_at: string;
}

export interface RawSeries {
  id: number;
  project_key: string;
  layer_code: string;
  protocol_code: string;
  indicator: {
    id: number;
    code: string;
    label: string;
    description: string;
    category: string | null;
    date_format: string;
    values: { code: string; name: string; type: string; unit: string | null }[];
    documents: (RawDocument | null)[];
    preview: string | null;
    icon: string | null;
    created_at: string;
    updated_at: string;
  };
}

/** Series::buildGobsSeries: looked up by id alone (the project of the URL is not checked). */
export async function seriesById(sql: Sql, id: string): Promise<RawSeries | null> {
  const r = await sql.query<{ j: string }>(
    `WITH
     ser AS (
         SELECT s.id, p.pt_code AS project_code, sl.sl_code AS layer_code, po.pr_code AS protocol_code, s.fk_id_indicator
         FROM gobs.series AS s
         INNER JOIN gobs.spatial_layer AS sl ON s.fk_id_spatial_layer = sl.id
         INNER JOIN gobs.project AS p ON s.fk_id_project = p.id
         INNER JOIN gobs.protocol AS po ON s.fk_id_protocol = po.id
         WHERE s.id = $1
     ),
     ind AS (
         SELECT id.id AS id, id.id_code AS code, id.id_label AS label, id.id_description AS description,
                id.id_category AS category, id.id_date_format AS date_format,
                jsonb_agg(jsonb_build_object('code', d.di_code, 'name', d.di_label, 'type', d.di_type, 'unit', d.di_unit)
                          ORDER BY d.id) AS values,
                id.created_at, id.updated_at
         FROM gobs.indicator AS id
         INNER JOIN gobs.dimension AS d ON d.fk_id_indicator = id.id
         WHERE id.id = (SELECT fk_id_indicator FROM ser)
         GROUP BY id.id, id_code, id_label, id_description, id_category, id_date_format, id.created_at, id.updated_at
     ),
     consolidated AS (
         SELECT ind.*,
                json_agg(CASE WHEN d.id IS NOT NULL THEN json_build_object(
                    'id', d.id, 'uid', d.do_uid, 'indicator', ind.code, 'label', d.do_label,
                    'description', d.do_description, 'type', d.do_type, 'url', d.do_path,
                    'created_at', d.created_at, 'updated_at', d.updated_at
                ) ELSE NULL END ORDER BY d.id) AS documents
         FROM ind LEFT JOIN gobs.document AS d ON d.fk_id_indicator = ind.id
         GROUP BY ind.id, ind.code, ind.label, ind.description, ind.date_format, ind.values, ind.category,
                  ind.created_at, ind.updated_at
     ),
     i AS (
         SELECT id, code, label, description, category, date_format, values, documents,
                NULL AS preview, NULL AS icon, created_at, updated_at
         FROM consolidated
     )
     SELECT json_build_object(
         'id', s.id, 'project_key', s.project_code, 'layer_code', s.layer_code,
         'protocol_code', s.protocol_code, 'indicator', row_to_json(i.*)
     )::text AS j
     FROM ser AS s, i`,
    [id],
  );
  const row = r.rows[0];
  return row ? (JSON.parse(row.j) as RawSeries) : null;
}

// ---------------------------------------------------------------- observations

export interface StoredObservation {
  /** The detail object as row_to_json writes it (T in timestamps), before publication. */
  json: Record<string, unknown> & { uuid: string; indicator: string };
  actorEmail: string;
  actorLogin: string | null;
  seriesId: number;
  spatialObjectId: number;
  withinEditingWindow: boolean;
  insideArea: boolean;
}

/** Observation::getObservationFromDatabase (the detail: full geometry, times to the second). */
export async function observationByUuid(
  sql: Sql,
  uuid: string,
  allowedPolygonWkt: string,
): Promise<StoredObservation | null> {
  const r = await sql.query<{
    j: string;
    actor_email: string;
    actor_login: string | null;
    series: number;
    so: number;
    within_window: boolean;
    inside_area: boolean;
  }>(
    `WITH obs AS (
         SELECT o.id, o.fk_id_series AS series, i.id_code AS indicator, o.ob_uid AS uuid,
                o.ob_start_timestamp AS start_timestamp, o.ob_end_timestamp AS end_timestamp,
                json_build_object('x', ST_X(ST_Centroid(so.geom)), 'y', ST_Y(ST_Centroid(so.geom))) AS coordinates,
                ST_AsText(so.geom) AS wkt,
                o.ob_value AS values,
                NULL AS media_url,
                o.created_at::timestamp(0) AS created_at, o.updated_at::timestamp(0) AS updated_at
         FROM gobs.observation AS o
         JOIN gobs.series AS s ON s.id = o.fk_id_series
         JOIN gobs.indicator AS i ON i.id = s.fk_id_indicator
         JOIN gobs.spatial_object AS so ON so.id = o.fk_id_spatial_object
         WHERE o.ob_uid = $1::uuid
         LIMIT 1
     )
     SELECT row_to_json(obs.*)::text AS j, a.a_email AS actor_email, a.a_login AS actor_login,
            o.fk_id_series AS series, o.fk_id_spatial_object AS so,
            (gobs.standin_now() - o.created_at) < make_interval(days => pr.pr_days_editable) AS within_window,
            ST_Intersects(so.geom, ST_SetSRID(ST_GeomFromText($2), 4326)) AS inside_area
     FROM obs
     JOIN gobs.observation AS o ON o.id = obs.id
     JOIN gobs.actor AS a ON a.id = o.fk_id_actor
     JOIN gobs.series AS s ON s.id = o.fk_id_series
     JOIN gobs.protocol AS pr ON pr.id = s.fk_id_protocol
     JOIN gobs.spatial_object AS so ON so.id = o.fk_id_spatial_object`,
    [uuid, allowedPolygonWkt],
  );
  const row = r.rows[0];
  if (!row) return null;
  return {
    json: JSON.parse(row.j) as StoredObservation['json'],
    actorEmail: row.actor_email,
    actorLogin: row.actor_login,
    seriesId: row.series,
    spatialObjectId: row.so,
    withinEditingWindow: row.within_window,
    insideArea: row.inside_area,
  };
}

export interface ListedObservation extends Record<string, unknown> {
  uuid: string;
  actor_email: string;
  actor_login: string | null;
}

/**
 * Series::getObservations: every observation of every series of the same indicator (any project),
 * inside the allowed polygon, with updated_at in (last, request]; centroid as WKT; no order, no paging.
 */
export async function listObservations(
  sql: Sql,
  indicatorCode: string,
  allowedPolygonWkt: string,
  lastSyncDate: string,
  requestSyncDate: string,
): Promise<ListedObservation[]> {
  const r = await sql.query<{ j: string }>(
    `WITH ind AS (
         SELECT id, id_code FROM gobs.indicator WHERE id_code = $1
     ),
     ser AS (
         SELECT s.id FROM gobs.series AS s JOIN ind AS i ON fk_id_indicator = i.id
     ),
     obs AS (
         SELECT o.id, s.id AS series, ind.id_code AS indicator, o.ob_uid AS uuid,
                o.ob_start_timestamp AS start_timestamp, o.ob_end_timestamp AS end_timestamp,
                a.a_email AS actor_email, a.a_login AS actor_login,
                json_build_object('x', ST_X(ST_Centroid(so.geom)), 'y', ST_Y(ST_Centroid(so.geom))) AS coordinates,
                ST_AsText(ST_Centroid(so.geom), 8) AS wkt,
                ob_value AS values,
                NULL AS media_url,
                o.created_at::timestamp(0) AS created_at, o.updated_at::timestamp(0) AS updated_at
         FROM gobs.observation AS o
         JOIN gobs.series AS s ON s.id = o.fk_id_series
         JOIN gobs.actor AS a ON a.id = o.fk_id_actor
         JOIN gobs.spatial_object AS so ON so.id = o.fk_id_spatial_object,
         ind
         WHERE fk_id_series IN (SELECT ser.id FROM ser)
         AND (ST_Intersects(so.geom, ST_SetSRID(ST_GeomFromText($2), 4326)))
         AND (o.updated_at > $3::timestamp AND o.updated_at <= $4::timestamp)
     )
     SELECT row_to_json(obs.*)::text AS j FROM obs`,
    [indicatorCode, allowedPolygonWkt, lastSyncDate, requestSyncDate],
  );
  return r.rows.map((row) => JSON.parse(row.j) as ListedObservation);
}

/** Series::getDeletedObservations: uuids logged BETWEEN the two dates, for the whole database. */
export async function deletedObservations(sql: Sql, lastSyncDate: string, requestSyncDate: string): Promise<string[]> {
  const r = await sql.query<{ uid: string }>(
    `SELECT de_uid::text AS uid FROM gobs.deleted_data_log
     WHERE de_table = 'observation' AND de_timestamp BETWEEN $1::timestamp AND $2::timestamp`,
    [lastSyncDate, requestSyncDate],
  );
  return r.rows.map((row) => row.uid);
}

export async function uuidExists(sql: Sql, uuid: string): Promise<boolean> {
  return (await sql.query(`SELECT ob_uid FROM gobs.observation WHERE ob_uid = $1::uuid`, [uuid])).rowCount! > 0;
}

export interface SpatialObjectRef {
  id: number;
  geomWkt: string;
}

/** Observation::getSpatialObjectFromCodeAndLayer (first match, whatever its validity dates). */
export async function spatialObjectByCode(
  sql: Sql,
  uniqueId: string,
  layerCode: string,
): Promise<SpatialObjectRef | null> {
  const r = await sql.query<{ id: number; wkt: string }>(
    `SELECT so.id, ST_AsText(so.geom) AS wkt
     FROM gobs.spatial_object AS so JOIN gobs.spatial_layer AS sl ON sl.id = so.fk_id_spatial_layer
     WHERE so.so_unique_id = $1 AND sl.sl_code = $2
     LIMIT 1`,
    [uniqueId, layerCode],
  );
  const row = r.rows[0];
  return row ? { id: row.id, geomWkt: row.wkt } : null;
}

/** Whether a WKT (EPSG:4326) intersects the allowed polygon; null when PostGIS cannot read it. */
export async function wktInsideArea(sql: Sql, wkt: string, allowedPolygonWkt: string): Promise<boolean | null> {
  try {
    await sql.query('SAVEPOINT wkt_probe');
    const r = await sql.query<{ inside: boolean }>(
      `SELECT ST_Intersects(ST_GeomFromText($1, 4326), ST_SetSRID(ST_GeomFromText($2), 4326)) AS inside`,
      [wkt, allowedPolygonWkt],
    );
    await sql.query('RELEASE SAVEPOINT wkt_probe');
    return r.rows[0]?.inside ?? false;
  } catch {
    await sql.query('ROLLBACK TO SAVEPOINT wkt_probe');
    return null;
  }
}

export interface ObservationWrite {
  seriesId: number;
  actorId: number;
  login: string;
  values: unknown;
  start: string;
  end: string | null;
}

/**
 * The 'insert' SQL: a new spatial object for the WKT, its unique id an md5 of series, layer,
 * indicator, WKT, start truncated to the indicator's date format, and user (ON CONFLICT DO NOTHING:
 * the same point at the same truncated time gives no row, hence no observation); an import row;
 * the observation. Returns its uuid, or null when nothing was inserted.
 */
export async function insertWithWkt(
  sql: Sql,
  w: ObservationWrite & { wkt: string; uuid: string | null },
): Promise<string | null> {
  const r = await sql.query<{ ob_uid: string }>(
    `WITH
     ser AS (
         SELECT s.id, s.fk_id_spatial_layer, i.id_code, i.id_date_format
         FROM gobs.series AS s JOIN gobs.indicator AS i ON i.id = s.fk_id_indicator
         WHERE s.id = $1
     ),
     so AS (
         INSERT INTO gobs.spatial_object (so_unique_id, so_unique_label, geom, fk_id_spatial_layer, so_valid_from, so_valid_to, fk_id_actor)
         SELECT md5(concat(ser.id, ser.fk_id_spatial_layer, ser.id_code, $2::text,
                           date_trunc(ser.id_date_format, $3::timestamp), $4::text)),
                'api_gevent', ST_GeomFromText($2, 4326), ser.fk_id_spatial_layer,
                date_trunc(ser.id_date_format, $3::timestamp), NULL, $5
         FROM ser
         ON CONFLICT DO NOTHING
         RETURNING id
     ),
     imp AS (
         INSERT INTO gobs.import (fk_id_series, im_status) SELECT ser.id, 'P' FROM ser RETURNING id
     )
     INSERT INTO gobs.observation (fk_id_series, fk_id_spatial_object, fk_id_import, fk_id_actor,
                                   ob_value, ob_start_timestamp, ob_end_timestamp, ob_uid)
     SELECT ser.id, so.id, imp.id, $5, $6::jsonb, $3::timestamp, $7::timestamp,
            coalesce($8::uuid, public.uuid_generate_v4())
     FROM ser, so, imp
     RETURNING ob_uid::text`,
    [w.seriesId, w.wkt, w.start, w.login, w.actorId, JSON.stringify(w.values ?? null), w.end, w.uuid],
  );
  return r.rows[0]?.ob_uid ?? null;
}

/** The 'insert_with_spatial_object' SQL: the observation on an existing (shared) spatial object. */
export async function insertOnSpatialObject(
  sql: Sql,
  w: ObservationWrite & { spatialObjectId: number; uuid: string | null },
): Promise<string | null> {
  const r = await sql.query<{ ob_uid: string }>(
    `WITH
     imp AS (INSERT INTO gobs.import (fk_id_series, im_status) VALUES ($1, 'P') RETURNING id)
     INSERT INTO gobs.observation (fk_id_series, fk_id_spatial_object, fk_id_import, fk_id_actor,
                                   ob_value, ob_start_timestamp, ob_end_timestamp, ob_uid)
     SELECT $1, $2, imp.id, $3, $4::jsonb, $5::timestamp, $6::timestamp, coalesce($7::uuid, public.uuid_generate_v4())
     FROM imp
     RETURNING ob_uid::text`,
    [w.seriesId, w.spatialObjectId, w.actorId, JSON.stringify(w.values ?? null), w.start, w.end, w.uuid],
  );
  return r.rows[0]?.ob_uid ?? null;
}

/**
 * The 'update' SQL: the observation's spatial object gets the given WKT (a shared object moves for
 * every observation on it, whose updated_at the trigger bumps when the geometry really changed),
 * then values and times are replaced.
 */
export async function updateObservation(
  sql: Sql,
  uuid: string,
  w: { wkt: string | null; values: unknown; start: string; end: string | null },
): Promise<boolean> {
  await sql.query(
    `UPDATE gobs.spatial_object AS so SET geom = ST_GeomFromText($2, 4326)
     FROM gobs.observation AS o WHERE o.ob_uid = $1::uuid AND so.id = o.fk_id_spatial_object`,
    [uuid, w.wkt],
  );
  await sql.query(
    `UPDATE gobs.import AS i SET im_status = 'P' FROM gobs.observation AS o
     WHERE o.ob_uid = $1::uuid AND i.id = o.fk_id_import`,
    [uuid],
  );
  const r = await sql.query(
    `UPDATE gobs.observation SET (ob_value, ob_start_timestamp, ob_end_timestamp) = ($2::jsonb, $3::timestamp, $4::timestamp)
     WHERE ob_uid = $1::uuid`,
    [uuid, JSON.stringify(w.values ?? null), w.start, w.end],
  );
  return (r.rowCount ?? 0) > 0;
}

/**
 * The 'delete' SQL: the observation, then its spatial object and import when no other observation
 * uses them. The deletion log trigger records the uuid (a uuid logged before makes this fail).
 */
export async function deleteObservation(sql: Sql, uuid: string): Promise<boolean> {
  const r = await sql.query(
    `WITH del AS (
         DELETE FROM gobs.observation WHERE ob_uid = $1::uuid
         RETURNING id, ob_uid, fk_id_spatial_object, fk_id_import
     ),
     delo AS (
         DELETE FROM gobs.spatial_object AS so
         WHERE so.id IN (SELECT fk_id_spatial_object FROM del)
         AND NOT EXISTS (
             SELECT o.id FROM gobs.observation AS o
             WHERE o.fk_id_spatial_object IN (SELECT fk_id_spatial_object FROM del) AND o.ob_uid != $1::uuid
         )
     ),
     deli AS (
         DELETE FROM gobs.import AS i
         WHERE i.id IN (SELECT fk_id_import FROM del)
         AND NOT EXISTS (
             SELECT o.id FROM gobs.observation AS o
             WHERE o.fk_id_import IN (SELECT fk_id_import FROM del) AND o.ob_uid != $1::uuid
         )
     )
     SELECT id FROM del`,
    [uuid],
  );
  return (r.rowCount ?? 0) > 0;
}

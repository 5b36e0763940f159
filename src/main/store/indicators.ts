/**
 * Series (table `indicator`: one row per series the device syncs, with its indicator's dimensions),
 * their link to projects, and their documents' metadata. For our server a series is an indicator
 * and its key the indicator's code; a Lizmap series is keyed '<indicator code>@<series id>'.
 */
import type {
  DateFormat,
  Dimension,
  DocumentKind,
  DocumentSummary,
  IndicatorSummary,
  SeriesGeometry,
} from '../../shared/ipc';
import type { ServerDocument as WireDocument, ServerSeries as WireIndicator } from '../../shared/model';
import { AppError } from '../errors';
import type { Db } from './db';
import { stmt } from './statements';
import { DIMENSION_INDEX_PREFIX, dimensionIndexName, dimensionSortExpr } from './observations';

interface IndicatorRow {
  code: string;
  label: string;
  description: string | null;
  category: string | null;
  date_format: DateFormat;
  dimensions: string;
  server_code: string | null;
  series_id: string | null;
  series_project: string | null;
  layer_code: string | null;
  protocol_code: string | null;
  geometry: SeriesGeometry | null;
  preview_file: string | null;
  icon_file: string | null;
}

export interface IndicatorDef {
  code: string;
  dateFormat: DateFormat;
  dimensions: Dimension[];
  /** The indicator's own code on the server. */
  serverCode: string;
  /** The Lizmap series (id and the project it belongs to); null for our server. */
  series: { id: string; projectKey: string } | null;
  layerCode: string | null;
  geometry: SeriesGeometry | null;
}

/** Stores a project's indicators as the server lists them (links of dropped ones are removed). */
export function saveProjectIndicators(db: Db, projectKey: string, indicators: readonly WireIndicator[]): void {
  db.transaction(() => {
    const upsert = stmt(
      db,
      `INSERT INTO indicator (code, id, label, description, category, date_format, dimensions, created_at, updated_at,
                              server_code, series_id, series_project, layer_code, protocol_code, preview_url, icon_url)
       VALUES (@code, @id, @label, @description, @category, @date_format, @dimensions, @created_at, @updated_at,
               @server_code, @series_id, @series_project, @layer_code, @protocol_code, @preview_url, @icon_url)
       ON CONFLICT (code) DO UPDATE SET id = excluded.id, label = excluded.label, description = excluded.description,
         category = excluded.category, date_format = excluded.date_format, dimensions = excluded.dimensions,
         created_at = excluded.created_at, updated_at = excluded.updated_at, server_code = excluded.server_code,
         series_id = excluded.series_id, series_project = excluded.series_project, layer_code = excluded.layer_code,
         protocol_code = excluded.protocol_code, preview_url = excluded.preview_url, icon_url = excluded.icon_url`,
    );
    stmt(db, 'DELETE FROM project_indicator WHERE project_key = ?').run(projectKey);
    const link = stmt(db, 'INSERT INTO project_indicator (project_key, indicator_code, position) VALUES (?, ?, ?)');
    indicators.forEach((ind, position) => {
      const dimensions: Dimension[] = ind.values.map((v) => ({
        code: v.code,
        name: v.name || v.code,
        type: v.type,
        unit: v.unit,
      }));
      upsert.run({
        code: ind.code,
        id: ind.id ?? null,
        label: ind.label,
        description: ind.description,
        category: ind.category,
        date_format: ind.date_format,
        dimensions: JSON.stringify(dimensions),
        created_at: ind.created_at,
        updated_at: ind.updated_at,
        server_code: ind.series?.indicatorCode ?? ind.code,
        series_id: ind.series?.id ?? null,
        series_project: ind.series?.projectKey ?? null,
        layer_code: ind.series?.layerCode ?? null,
        protocol_code: ind.series?.protocolCode ?? null,
        preview_url: ind.preview_url ?? null,
        icon_url: ind.icon_url ?? null,
      });
      link.run(projectKey, ind.code, position);
    });
  })();
  for (const ind of indicators) ensureDimensionIndexes(db, ind.values);
}

/**
 * One index per dimension so sorting a large table by a value walks an index (the timestamp rides
 * along for time-range filters). Indexes of an older layout are dropped.
 */
export function ensureDimensionIndexes(db: Db, dims: readonly { code: string; type: string }[]): void {
  const existing = new Set(
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'observation_dim_%'")
      .pluck()
      .all() as string[],
  );
  for (const name of existing) if (!name.startsWith(DIMENSION_INDEX_PREFIX)) db.exec(`DROP INDEX ${name}`);
  for (const d of dims) {
    if (d.type === 'boolean') continue;
    db.exec(
      `CREATE INDEX IF NOT EXISTS ${dimensionIndexName(d.code, d.type)} ON observation(indicator_code, ${dimensionSortExpr(d.code, d.type)}, local_id, timestamp)`,
    );
  }
}

/** The layers of a project's series as its GeoPackage describes them: what an observation is placed on. */
export function setSeriesGeometry(
  db: Db,
  projectKey: string,
  geometryOfLayer: (layer: string) => SeriesGeometry | null,
): void {
  const rows = stmt(
    db,
    `SELECT i.code, i.layer_code FROM indicator i JOIN project_indicator pi ON pi.indicator_code = i.code
      WHERE pi.project_key = ? AND i.layer_code IS NOT NULL`,
  ).all(projectKey) as { code: string; layer_code: string }[];
  const update = stmt(db, 'UPDATE indicator SET geometry = ? WHERE code = ?');
  db.transaction(() => rows.forEach((r) => update.run(geometryOfLayer(r.layer_code), r.code)))();
}

export type SeriesImageKind = 'preview' | 'icon';

export interface SeriesImage {
  code: string;
  url: string | null;
  file: string | null;
}

/** The preview or icon of each series of a project: the URL the server gives and the copy kept here. */
export function seriesImages(db: Db, projectKey: string, kind: SeriesImageKind): SeriesImage[] {
  return stmt(
    db,
    `SELECT i.code, i.${kind}_url AS url, i.${kind}_file AS file FROM indicator i
       JOIN project_indicator pi ON pi.indicator_code = i.code WHERE pi.project_key = ?`,
  ).all(projectKey) as SeriesImage[];
}

export function seriesImageFile(db: Db, code: string, kind: SeriesImageKind): string | null {
  return (stmt(db, `SELECT ${kind}_file FROM indicator WHERE code = ?`).pluck().get(code) as string | null) ?? null;
}

/** Records the copy of a series image (or its absence); returns the file it replaces, to delete. */
export function setSeriesImageFile(db: Db, code: string, kind: SeriesImageKind, file: string | null): string | null {
  return db.transaction(() => {
    const old = seriesImageFile(db, code, kind);
    stmt(db, `UPDATE indicator SET ${kind}_file = ? WHERE code = ?`).run(file, code);
    return old && old !== file ? old : null;
  })();
}

export interface CachedFile {
  uuid: string;
  file: string;
}

/**
 * Replaces an indicator's document list. Returns the cached files that are now stale (document
 * gone or changed on the server) so the caller deletes them; changed ones are downloaded again.
 */
export function saveDocuments(db: Db, indicatorCode: string, docs: readonly WireDocument[]): CachedFile[] {
  return db.transaction(() => {
    const stale: CachedFile[] = [];
    const existing = db
      .prepare('SELECT uuid, updated_at, url, cached_file FROM document WHERE indicator_code = ?')
      .all(indicatorCode) as { uuid: string; updated_at: string | null; url: string; cached_file: string | null }[];
    const byUuid = new Map(existing.map((d) => [d.uuid, d]));
    const keep = new Set(docs.map((d) => d.uuid));
    for (const d of existing) {
      if (!keep.has(d.uuid)) {
        if (d.cached_file) stale.push({ uuid: d.uuid, file: d.cached_file });
        stmt(db, 'DELETE FROM document WHERE uuid = ?').run(d.uuid);
      }
    }
    const upsert = stmt(
      db,
      `INSERT INTO document (uuid, id, indicator_code, label, description, type, url, updated_at)
       VALUES (@uuid, @id, @indicator_code, @label, @description, @type, @url, @updated_at)
       ON CONFLICT (uuid) DO UPDATE SET id = excluded.id, indicator_code = excluded.indicator_code, label = excluded.label,
         description = excluded.description, type = excluded.type, url = excluded.url, updated_at = excluded.updated_at`,
    );
    for (const d of docs) {
      const old = byUuid.get(d.uuid);
      if (old?.cached_file && (old.updated_at !== (d.updated_at ?? null) || old.url !== d.url)) {
        stale.push({ uuid: d.uuid, file: old.cached_file });
        stmt(
          db,
          `UPDATE document SET cached_file = NULL, cached_version = NULL, cached_kind = NULL, cached_action = NULL,
             cached_type = NULL, cached_mismatch = 0 WHERE uuid = ?`,
        ).run(d.uuid);
      }
      upsert.run({
        uuid: d.uuid,
        id: d.id ?? null,
        indicator_code: indicatorCode,
        label: d.label,
        description: d.description,
        type: d.type,
        url: d.url,
        updated_at: d.updated_at,
      });
    }
    return stale;
  })();
}

/** A document of type 'url' is a link to a web page: never downloaded, opened in the browser. */
export const LINK_DOCUMENT_TYPE = 'url';

export function listDocuments(db: Db, indicatorCode: string): DocumentSummary[] {
  const rows = db
    .prepare(
      `SELECT uuid, url, indicator_code, label, description, type, updated_at, cached_file, cached_kind, cached_action,
              cached_mismatch
         FROM document WHERE indicator_code = ? ORDER BY label, uuid`,
    )
    .all(indicatorCode) as {
    uuid: string;
    url: string;
    indicator_code: string;
    label: string;
    description: string | null;
    type: string;
    updated_at: string | null;
    cached_file: string | null;
    cached_kind: DocumentKind | null;
    cached_action: 'open' | 'save' | null;
    cached_mismatch: number;
  }[];
  return rows.map((r) => ({
    uuid: r.uuid,
    indicatorCode: r.indicator_code,
    label: r.label,
    description: r.description,
    type: r.type,
    updatedAt: r.updated_at,
    link: r.type === LINK_DOCUMENT_TYPE ? r.url : null,
    // A copy cached without a verdict (older versions) counts as not downloaded: it is fetched again.
    cached: r.cached_file !== null && r.cached_kind !== null,
    handling:
      r.cached_file !== null && r.cached_kind !== null && r.cached_action !== null
        ? { action: r.cached_action, kind: r.cached_kind, typeMismatch: r.cached_mismatch === 1 }
        : null,
  }));
}

export interface DocumentRecord {
  uuid: string;
  url: string;
  type: string;
  label: string;
  updated_at: string | null;
  cached_file: string | null;
  cached_kind: DocumentKind | null;
  cached_action: 'open' | 'save' | null;
  /** The media type the server declared for the cached copy. */
  cached_type: string | null;
}

export function getDocument(db: Db, uuid: string): DocumentRecord | null {
  return (
    (stmt(
      db,
      `SELECT uuid, url, type, label, updated_at, cached_file, cached_kind, cached_action, cached_type
         FROM document WHERE uuid = ?`,
    ).get(uuid) as DocumentRecord) ?? null
  );
}

export interface DocumentCache {
  file: string;
  version: string | null;
  kind: DocumentKind;
  action: 'open' | 'save';
  declaredType: string;
  typeMismatch: boolean;
}

export function setDocumentCache(db: Db, uuid: string, c: DocumentCache): void {
  stmt(
    db,
    `UPDATE document SET cached_file = ?, cached_version = ?, cached_kind = ?, cached_action = ?, cached_type = ?,
       cached_mismatch = ? WHERE uuid = ?`,
  ).run(c.file, c.version, c.kind, c.action, c.declaredType, c.typeMismatch ? 1 : 0, uuid);
}

export function projectIndicatorCodes(db: Db, projectKey: string): string[] {
  return db
    .prepare('SELECT indicator_code FROM project_indicator WHERE project_key = ? ORDER BY position')
    .pluck()
    .all(projectKey) as string[];
}

export function getIndicatorDef(db: Db, code: string): IndicatorDef {
  const row = stmt(
    db,
    `SELECT code, date_format, dimensions, server_code, series_id, series_project, layer_code, geometry
       FROM indicator WHERE code = ?`,
  ).get(code) as IndicatorRow | undefined;
  if (!row) throw new AppError('not_found', `Unknown indicator "${code}". Sync the project first.`, 'indicatorCode');
  return {
    code: row.code,
    dateFormat: row.date_format,
    dimensions: JSON.parse(row.dimensions) as Dimension[],
    serverCode: row.server_code ?? row.code,
    series:
      row.series_id !== null && row.series_project !== null
        ? { id: row.series_id, projectKey: row.series_project }
        : null,
    layerCode: row.layer_code,
    geometry: row.geometry,
  };
}

/** The project a series is listed in (the first one, for an indicator several projects share). */
export function projectOfIndicator(db: Db, code: string): string | null {
  return (
    (stmt(db, 'SELECT project_key FROM project_indicator WHERE indicator_code = ? ORDER BY position LIMIT 1')
      .pluck()
      .get(code) as string | undefined) ?? null
  );
}

export function listIndicators(db: Db, projectKey: string | null, code?: string): IndicatorSummary[] {
  const rows = (
    projectKey !== null
      ? db
          .prepare(
            `SELECT i.* FROM indicator i JOIN project_indicator pi ON pi.indicator_code = i.code
              WHERE pi.project_key = ? ORDER BY pi.position, i.label`,
          )
          .all(projectKey)
      : stmt(db, 'SELECT * FROM indicator WHERE code = ?').all(code)
  ) as IndicatorRow[];
  const counts = stmt(db, 'SELECT state, n FROM observation_count WHERE indicator_code = ? AND n > 0');
  const docs = stmt(db, 'SELECT count(*) FROM document WHERE indicator_code = ?').pluck();
  return rows.map((r) => {
    const byState = new Map((counts.all(r.code) as { state: string; n: number }[]).map((c) => [c.state, c.n]));
    const total = [...byState.values()].reduce((a, b) => a + b, 0);
    return {
      code: r.code,
      serverCode: r.server_code ?? r.code,
      series: r.series_id !== null ? { id: r.series_id, protocolCode: r.protocol_code, layerCode: r.layer_code } : null,
      geometry: r.geometry,
      hasPreview: r.preview_file !== null,
      hasIcon: r.icon_file !== null,
      label: r.label,
      description: r.description,
      category: r.category,
      dateFormat: r.date_format,
      dimensions: JSON.parse(r.dimensions) as Dimension[],
      observationCount: total - (byState.get('deleted') ?? 0),
      pendingCount: total - (byState.get('synced') ?? 0),
      conflictCount: byState.get('conflict') ?? 0,
      rejectedCount: byState.get('rejected') ?? 0,
      documentCount: docs.get(r.code) as number,
    };
  });
}

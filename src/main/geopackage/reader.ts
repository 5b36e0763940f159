/**
 * Reads the vector layers of a GeoPackage (a project's reference layers: rivers, stations, areas)
 * as GeoJSON for the map, within a size bound. Opened read-only; nothing is written.
 * Coordinates are given in EPSG:4326: layers in 4326 (or an undefined geographic SRS) as they are,
 * layers in Web Mercator (EPSG:3857 and its aliases) converted exactly; any other CRS is reported
 * (`unsupportedCrs`) without features rather than drawn in the wrong place.
 *
 * SQL outside src/main/store: this module and writer.ts own the GeoPackage format (their own
 * SQLite files), see docs/ARCHITECTURE.md, "Analyst data".
 */
import Database from 'better-sqlite3';
import type { LayerFeature, ProjectLayer } from '../../shared/ipc';
import { bbox, rewindRfc7946, unionBBox, type BBox, type Geometry, type Position } from '../../shared/geometry';
import { decodeGpkgGeometry } from './binary';
import { GPKG_APPLICATION_ID, quoteIdent } from './writer';

export interface ReadLimits {
  /** Features over all layers. */
  maxFeatures: number;
  /** Coordinate pairs over all layers (what the renderer has to hold and draw). */
  maxPositions: number;
}

export const DEFAULT_LAYER_LIMITS: ReadLimits = { maxFeatures: 100_000, maxPositions: 2_000_000 };

export class GeoPackageError extends Error {
  override name = 'GeoPackageError';
}

const WEB_MERCATOR = new Set([3857, 900913, 3785, 102100, 102113]);
const R = 6378137;

function fromMercator([x, y]: Position): Position {
  return [((x / R) * 180) / Math.PI, ((2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * 180) / Math.PI];
}

function mapPositions(g: Geometry, f: (p: Position) => Position): Geometry {
  switch (g.type) {
    case 'Point':
      return { type: 'Point', coordinates: f(g.coordinates) };
    case 'LineString':
    case 'MultiPoint':
      return { type: g.type, coordinates: g.coordinates.map(f) } as Geometry;
    case 'Polygon':
    case 'MultiLineString':
      return { type: g.type, coordinates: g.coordinates.map((l) => l.map(f)) } as Geometry;
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(f))) };
  }
}

function countPositions(g: Geometry): number {
  switch (g.type) {
    case 'Point':
      return 1;
    case 'LineString':
    case 'MultiPoint':
      return g.coordinates.length;
    case 'Polygon':
    case 'MultiLineString':
      return g.coordinates.reduce((s, l) => s + l.length, 0);
    case 'MultiPolygon':
      return g.coordinates.reduce((s, p) => s + p.reduce((t, r) => t + r.length, 0), 0);
  }
}

interface LayerRow {
  table_name: string;
  identifier: string | null;
  description: string | null;
  column_name: string;
  geometry_type_name: string;
  srs_id: number;
  organization: string | null;
  organization_coordsys_id: number | null;
  srs_name: string | null;
}

type Reprojection = 'none' | 'web-mercator' | 'unsupported';

function reprojectionOf(l: Pick<LayerRow, 'srs_id' | 'organization' | 'organization_coordsys_id'>): Reprojection {
  const org = (l.organization ?? '').toUpperCase();
  const code = l.organization_coordsys_id ?? l.srs_id;
  // srs_id 0 is the GeoPackage's "undefined geographic" SRS: longitude/latitude by definition.
  if (l.srs_id === 0 || (org === 'EPSG' && code === 4326)) return 'none';
  if ((org === 'EPSG' || org === 'ESRI') && WEB_MERCATOR.has(code)) return 'web-mercator';
  return 'unsupported';
}

function plainValue(v: unknown): string | number | boolean | null {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  // BLOB attributes (photos, raw bytes) are not drawn: say what they are.
  if (Buffer.isBuffer(v)) return `(${v.length} bytes)`;
  return String(v);
}

/** Every vector layer of the file, as GeoJSON features in EPSG:4326, until the limits are reached. */
export function readGeoPackageLayers(file: string, limits: ReadLimits = DEFAULT_LAYER_LIMITS): ProjectLayer[] {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new GeoPackageError(`Cannot open the GeoPackage: ${(err as Error).message}`);
  }
  try {
    let appId: number;
    try {
      appId = db.pragma('application_id', { simple: true }) as number;
    } catch (err) {
      throw new GeoPackageError(`Not a GeoPackage (not an SQLite file): ${(err as Error).message}`);
    }
    const hasContents = db
      .prepare(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('gpkg_contents', 'gpkg_geometry_columns')",
      )
      .pluck()
      .get() as number;
    // Older files (GeoPackage 1.0, 'GP10') carry another application id: the tables decide.
    if (hasContents < 2) {
      throw new GeoPackageError(
        appId === GPKG_APPLICATION_ID ? 'This GeoPackage has no feature tables.' : 'Not a GeoPackage file.',
      );
    }
    const layers = db
      .prepare(
        `SELECT c.table_name, c.identifier, c.description, g.column_name, g.geometry_type_name, g.srs_id,
                s.organization, s.organization_coordsys_id, s.srs_name
           FROM gpkg_contents c
           JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
           LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
          WHERE c.data_type = 'features'
          ORDER BY c.table_name`,
      )
      .all() as LayerRow[];
    let features = 0;
    let positions = 0;
    const out: ProjectLayer[] = [];
    for (const l of layers) {
      const reprojection = reprojectionOf(l);
      const layer: ProjectLayer = {
        name: l.table_name,
        title: l.identifier || l.table_name,
        description: l.description || null,
        geometryType: l.geometry_type_name.toUpperCase(),
        srs: l.organization ? `${l.organization.toUpperCase()}:${l.organization_coordsys_id}` : `srs_id ${l.srs_id}`,
        unsupportedCrs: reprojection === 'unsupported',
        featureCount: 0,
        truncated: false,
        skipped: 0,
        bbox: null,
        features: [],
      };
      out.push(layer);
      const table = quoteIdent(l.table_name);
      layer.featureCount = db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
      if (reprojection === 'unsupported') continue;
      const info = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; pk: number }[];
      const columns = info.map((c) => c.name).filter((c) => c.toLowerCase() !== l.column_name.toLowerCase());
      const pk = info.find((c) => c.pk === 1)?.name;
      const rows = db
        .prepare(`SELECT ${[quoteIdent(l.column_name), ...columns.map(quoteIdent)].join(', ')} FROM ${table}`)
        .raw()
        .iterate() as IterableIterator<unknown[]>;
      let box: BBox | null = null;
      let index = 0;
      for (const row of rows) {
        index++;
        const blob = row[0];
        let geometry: Geometry | null = null;
        if (blob !== null) {
          try {
            geometry = decodeGpkgGeometry(blob as Buffer).geometry;
          } catch {
            layer.skipped++;
            continue;
          }
        }
        if (geometry && reprojection === 'web-mercator') geometry = mapPositions(geometry, fromMercator);
        const n = geometry ? countPositions(geometry) : 0;
        if (features + 1 > limits.maxFeatures || positions + n > limits.maxPositions) {
          layer.truncated = true;
          // Ends the iteration (and releases the statement).
          rows.return?.();
          break;
        }
        features++;
        positions += n;
        if (geometry) box = unionBBox(box, bbox(geometry));
        const properties: Record<string, string | number | boolean | null> = {};
        columns.forEach((c, i) => (properties[c] = plainValue(row[i + 1])));
        const id = pk !== undefined ? properties[pk] : undefined;
        layer.features.push({
          type: 'Feature',
          id: typeof id === 'number' ? id : index,
          geometry: geometry ? rewindRfc7946(geometry) : null,
          properties,
        } satisfies LayerFeature);
      }
      layer.bbox = box;
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * Extent of the layers in EPSG:4326 (or Web Mercator, converted) from gpkg_contents, without
 * reading a feature; null when none records one.
 */
export function geoPackageExtent(file: string): BBox | null {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT c.min_x, c.min_y, c.max_x, c.max_y, c.srs_id, s.organization, s.organization_coordsys_id
           FROM gpkg_contents c LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = c.srs_id
          WHERE c.data_type = 'features' AND c.min_x IS NOT NULL`,
      )
      .all() as {
      min_x: number;
      min_y: number;
      max_x: number;
      max_y: number;
      srs_id: number;
      organization: string | null;
      organization_coordsys_id: number | null;
    }[];
    let box: BBox | null = null;
    for (const r of rows) {
      const how = reprojectionOf({
        srs_id: r.srs_id,
        organization: r.organization,
        organization_coordsys_id: r.organization_coordsys_id,
      });
      if (how === 'unsupported') continue;
      const lo: Position = [r.min_x, r.min_y];
      const hi: Position = [r.max_x, r.max_y];
      const [a, b] = how === 'web-mercator' ? [fromMercator(lo), fromMercator(hi)] : [lo, hi];
      box = unionBBox(box, [a[0], a[1], b[0], b[1]]);
    }
    return box;
  } finally {
    db.close();
  }
}

/**
 * Reading a project's GeoPackage (OGC GeoPackage 1.x, a SQLite file the server serves): which
 * layers it has and what geometry each holds, and the shared spatial objects of a layer an
 * observation can be placed on. A G-Obs layer is a feature table named after its code, with the
 * spatial objects' unique id and label (`code`/`label` as QGIS loads them from the plugin, or the
 * database's `so_unique_id`/`so_unique_label`). The file comes from the server: it is opened read
 * only, names are quoted, and a file that is not a GeoPackage reads as one without layers.
 */
import Database from 'better-sqlite3';

export type LayerGeometry = 'point' | 'line' | 'polygon' | 'unknown';

export interface GeopackageObject {
  uniqueId: string;
  label: string;
  x: number;
  y: number;
}

/** Objects a picker offers at most (a layer of every city of a country fits). */
export const MAX_OBJECTS = 50_000;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function open(file: string): Database.Database | null {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      db.prepare('SELECT count(*) FROM gpkg_contents').get();
      return db;
    } catch {
      db.close();
      return null;
    }
  } catch {
    return null;
  }
}

function geometryKind(typeName: string): LayerGeometry {
  const t = typeName.toUpperCase().replace(/^MULTI/, '');
  if (t === 'POINT') return 'point';
  if (t === 'LINESTRING' || t === 'CURVE' || t === 'COMPOUNDCURVE' || t === 'CIRCULARSTRING') return 'line';
  if (t === 'POLYGON' || t === 'SURFACE' || t === 'CURVEPOLYGON') return 'polygon';
  return 'unknown';
}

interface LayerInfo {
  table: string;
  column: string;
  geometry: LayerGeometry;
}

function layers(db: Database.Database): LayerInfo[] {
  const rows = db
    .prepare(
      `SELECT c.table_name AS t, c.identifier AS identifier, g.column_name AS column, g.geometry_type_name AS type
         FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
        WHERE c.data_type = 'features'`,
    )
    .all() as { t: string; identifier: string | null; column: string; type: string }[];
  return rows.map((r) => {
    let geometry = geometryKind(r.type);
    if (geometry === 'unknown') {
      // A layer declared GEOMETRY: its first feature says what it holds.
      const blob = db
        .prepare(`SELECT ${quote(r.column)} FROM ${quote(r.t)} WHERE ${quote(r.column)} IS NOT NULL LIMIT 1`)
        .pluck()
        .get() as Buffer | undefined;
      const g = blob ? parseGeometry(blob) : null;
      if (g) geometry = g.kind;
    }
    return { table: r.t, column: r.column, geometry };
  });
}

/** The layers of the file by name (a name matches a layer code whatever its case). */
export function readLayerGeometries(file: string): Map<string, LayerGeometry> {
  const db = open(file);
  if (!db) return new Map();
  try {
    return new Map(layers(db).map((l) => [l.table.toLowerCase(), l.geometry]));
  } finally {
    db.close();
  }
}

/** The shared objects of one layer, sorted by label; empty when the file has no such layer. */
export function readLayerObjects(file: string, layerCode: string): GeopackageObject[] {
  const db = open(file);
  if (!db) return [];
  try {
    const layer = layers(db).find((l) => l.table.toLowerCase() === layerCode.toLowerCase());
    if (!layer) return [];
    const columns = new Set(
      (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(layer.table) as string[]).map((c) => c),
    );
    const pick = (names: string[]) => names.find((n) => columns.has(n)) ?? null;
    const idColumn = pick(['so_unique_id', 'unique_id', 'code']);
    if (!idColumn) return [];
    const labelColumn = pick(['so_unique_label', 'unique_label', 'label', 'name']) ?? idColumn;
    const rows = db
      .prepare(
        `SELECT CAST(${quote(idColumn)} AS TEXT) AS id, CAST(${quote(labelColumn)} AS TEXT) AS label, ${quote(layer.column)} AS geom
           FROM ${quote(layer.table)} WHERE ${quote(idColumn)} IS NOT NULL LIMIT ${MAX_OBJECTS}`,
      )
      .all() as { id: string; label: string | null; geom: Buffer | null }[];
    const out: GeopackageObject[] = [];
    for (const r of rows) {
      const g = r.geom ? parseGeometry(r.geom) : null;
      if (!g) continue;
      out.push({ uniqueId: r.id, label: r.label?.trim() || r.id, x: g.x, y: g.y });
    }
    return out.sort((a, b) => a.label.localeCompare(b.label) || a.uniqueId.localeCompare(b.uniqueId));
  } finally {
    db.close();
  }
}

// ---- GeoPackage geometry blobs ------------------------------------------------------------------

const ENVELOPE_BYTES = [0, 32, 48, 48, 64];

/**
 * A "GP" blob's geometry kind and a point to show it by: the point itself, the middle of a line's
 * vertices, the area-weighted centroid of a polygon's outer rings. Null when it cannot be read.
 */
export function parseGeometry(blob: Buffer): { kind: LayerGeometry; x: number; y: number } | null {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) return null;
  const flags = blob[3]!;
  if (flags & 0b1_0000) return null; // empty geometry
  const envelope = ENVELOPE_BYTES[(flags >> 1) & 0b111];
  if (envelope === undefined) return null;
  try {
    const parts = new WkbReader(blob, 8 + envelope).geometry();
    return summarise(parts);
  } catch {
    return null;
  }
}

type Ring = [number, number][];
interface Parts {
  points: [number, number][];
  lines: Ring[];
  polygons: Ring[][];
}

class WkbReader {
  constructor(
    private readonly buf: Buffer,
    private pos: number,
  ) {}

  geometry(parts: Parts = { points: [], lines: [], polygons: [] }, depth = 0): Parts {
    if (depth > 8) throw new Error('nested too deep');
    const little = this.buf[this.pos++] === 1;
    const raw = little ? this.buf.readUInt32LE(this.pos) : this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    // ISO (1000s) and EWKB (high bits) dimension flags.
    let dims = 2 + ((raw & 0x80000000) !== 0 ? 1 : 0) + ((raw & 0x40000000) !== 0 ? 1 : 0);
    if (raw & 0x20000000) this.pos += 4; // EWKB SRID
    let type = raw & 0x0fffffff;
    if (type >= 1000) {
      const iso = Math.floor(type / 1000);
      dims = 2 + (iso === 1 || iso === 2 ? 1 : iso === 3 ? 2 : 0);
      type %= 1000;
    }
    const u32 = () => {
      const v = little ? this.buf.readUInt32LE(this.pos) : this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return v;
    };
    const point = (): [number, number] => {
      const x = little ? this.buf.readDoubleLE(this.pos) : this.buf.readDoubleBE(this.pos);
      const y = little ? this.buf.readDoubleLE(this.pos + 8) : this.buf.readDoubleBE(this.pos + 8);
      this.pos += 8 * dims;
      return [x, y];
    };
    const ring = (): Ring => Array.from({ length: u32() }, point);
    switch (type) {
      case 1:
        parts.points.push(point());
        break;
      case 2:
        parts.lines.push(ring());
        break;
      case 3:
        parts.polygons.push(Array.from({ length: u32() }, ring));
        break;
      case 4:
      case 5:
      case 6:
      case 7:
        for (let n = u32(); n > 0; n--) this.geometry(parts, depth + 1);
        break;
      default:
        throw new Error(`geometry type ${type}`);
    }
    return parts;
  }
}

function summarise(p: Parts): { kind: LayerGeometry; x: number; y: number } | null {
  if (p.polygons.length > 0) {
    let area = 0;
    let cx = 0;
    let cy = 0;
    for (const [outer] of p.polygons) {
      if (!outer || outer.length < 3) continue;
      for (let i = 0; i < outer.length - 1; i++) {
        const [x0, y0] = outer[i]!;
        const [x1, y1] = outer[i + 1]!;
        const cross = x0 * y1 - x1 * y0;
        area += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
      }
    }
    if (area !== 0) return { kind: 'polygon', x: cx / (3 * area), y: cy / (3 * area) };
    const all = p.polygons.flatMap((rings) => rings[0] ?? []);
    return all.length ? { kind: 'polygon', ...mean(all) } : null;
  }
  if (p.lines.length > 0) {
    const all = p.lines.flat();
    return all.length ? { kind: 'line', ...mean(all) } : null;
  }
  if (p.points.length > 0) return { kind: 'point', ...mean(p.points) };
  return null;
}

function mean(points: [number, number][]): { x: number; y: number } {
  return {
    x: points.reduce((s, q) => s + q[0], 0) / points.length,
    y: points.reduce((s, q) => s + q[1], 0) / points.length,
  };
}

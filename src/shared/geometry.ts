/**
 * The geometries observations carry, as one typed structure every process shares: 2D, longitude /
 * latitude (EPSG:4326), shaped like RFC 7946 GeoJSON geometries so maps and exports use them as
 * they are. Text form: wkt.ts. Computations are planar in degrees, as PostGIS does for
 * geometry(4326) (a line across the antimeridian goes the long way round).
 */
export type Position = [number, number];

export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

export type GeometryType = Geometry['type'];

/** [minX, minY, maxX, maxY] */
export type BBox = [number, number, number, number];

/** OGC (WKT, GeoPackage) names of the geometry types. */
export const OGC_TYPE_NAMES = {
  Point: 'POINT',
  LineString: 'LINESTRING',
  Polygon: 'POLYGON',
  MultiPoint: 'MULTIPOINT',
  MultiLineString: 'MULTILINESTRING',
  MultiPolygon: 'MULTIPOLYGON',
} as const satisfies Record<GeometryType, string>;

/**
 * Why a geometry is refused. syntax: not readable; type: not one of the six types; collection: a
 * GEOMETRYCOLLECTION (use a MULTI* type); empty: no coordinates; dimension: Z or M ordinates;
 * range: outside longitude [-180, 180] / latitude [-90, 90]; not-finite: a number overflows;
 * ring-open: a polygon ring whose last point is not its first; too-few-points: a line of fewer
 * than 2 points or a ring of fewer than 4; too-long: longer than the size bound.
 */
export type GeometryProblem =
  | 'syntax'
  | 'type'
  | 'collection'
  | 'empty'
  | 'dimension'
  | 'range'
  | 'not-finite'
  | 'ring-open'
  | 'too-few-points'
  | 'too-long';

export class GeometryError extends Error {
  override name = 'GeometryError';
  constructor(
    readonly problem: GeometryProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface GeometryOptions {
  /** Check longitude in [-180, 180] and latitude in [-90, 90] (default true). */
  lonLat?: boolean;
  /**
   * Accept Z / M ordinates and drop them. Off by default: observations are 2D; a reader of
   * geometries stored by other tools may turn it on.
   */
  dropZ?: boolean;
}

/** Checks one coordinate pair: finite, and within longitude/latitude unless `lonLat` is false. */
export function checkPosition(x: number, y: number, lonLat = true): Position {
  if (!Number.isFinite(x) || !Number.isFinite(y))
    throw new GeometryError('not-finite', `coordinate (${x} ${y}) is not a finite number`);
  if (lonLat && (x < -180 || x > 180 || y < -90 || y > 90)) {
    throw new GeometryError('range', `coordinate (${x} ${y}) is outside longitude [-180, 180] / latitude [-90, 90]`);
  }
  return [x, y];
}

export function checkLine(points: Position[]): Position[] {
  if (points.length < 2) throw new GeometryError('too-few-points', 'a linestring needs at least 2 points');
  return points;
}

export function checkRing(points: Position[]): Position[] {
  if (points.length < 4) throw new GeometryError('too-few-points', 'a polygon ring needs at least 4 points');
  const first = points[0]!;
  const last = points[points.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1])
    throw new GeometryError('ring-open', 'a polygon ring must be closed (its last point repeats the first)');
  return points;
}

/**
 * A GeoJSON geometry object (RFC 7946, or any of its windings) checked by the same rules as WKT:
 * GeometryCollection and empty geometries refused, rings closed, coordinates finite and in range.
 */
export function geometryFromGeoJson(value: unknown, options: GeometryOptions = {}): Geometry {
  const lonLat = options.lonLat ?? true;
  const o = value as { type?: unknown; coordinates?: unknown } | null;
  if (typeof o !== 'object' || o === null || typeof o.type !== 'string')
    throw new GeometryError('syntax', 'a GeoJSON geometry is an object with "type" and "coordinates"');
  if (o.type === 'GeometryCollection')
    throw new GeometryError('collection', 'geometry collections are not accepted: use a Multi* geometry');
  const array = (v: unknown): unknown[] => {
    if (!Array.isArray(v)) throw new GeometryError('syntax', '"coordinates" must be nested arrays of positions');
    return v;
  };
  const nonEmpty = (v: unknown): unknown[] => {
    const a = array(v);
    if (a.length === 0) throw new GeometryError('empty', 'empty geometries are not accepted');
    return a;
  };
  const position = (v: unknown): Position => {
    const p = array(v);
    if (p.length < 2 || p.some((n) => typeof n !== 'number'))
      throw new GeometryError('syntax', 'a position is an array of 2 numbers');
    if (p.length > 2 && !options.dropZ) throw new GeometryError('dimension', 'only 2D coordinates (x y) are supported');
    return checkPosition(p[0] as number, p[1] as number, lonLat);
  };
  const positions = (v: unknown) => nonEmpty(v).map(position);
  const line = (v: unknown) => checkLine(positions(v));
  const polygon = (v: unknown) => nonEmpty(v).map((r) => checkRing(positions(r)));
  switch (o.type) {
    case 'Point':
      return { type: 'Point', coordinates: position(nonEmpty(o.coordinates)) };
    case 'LineString':
      return { type: 'LineString', coordinates: line(o.coordinates) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: polygon(o.coordinates) };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: positions(o.coordinates) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: nonEmpty(o.coordinates).map(line) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: nonEmpty(o.coordinates).map(polygon) };
    default:
      throw new GeometryError('type', `unsupported geometry type ${o.type}`);
  }
}

export function eachPosition(g: Geometry, f: (p: Position) => void): void {
  switch (g.type) {
    case 'Point':
      f(g.coordinates);
      break;
    case 'LineString':
    case 'MultiPoint':
      g.coordinates.forEach(f);
      break;
    case 'Polygon':
    case 'MultiLineString':
      for (const l of g.coordinates) l.forEach(f);
      break;
    case 'MultiPolygon':
      for (const p of g.coordinates) for (const r of p) r.forEach(f);
      break;
  }
}

export function bbox(g: Geometry): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  eachPosition(g, ([x, y]) => {
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  });
  return b;
}

export function unionBBox(a: BBox | null, b: BBox | null): BBox | null {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/** Whether the point lies in the box grown by `tolerance` on every side. */
export function inBBox([x, y]: Position, b: BBox, tolerance = 0): boolean {
  return x >= b[0] - tolerance && x <= b[2] + tolerance && y >= b[1] - tolerance && y <= b[3] + tolerance;
}

function firstPosition(g: Geometry): Position {
  let first: Position | null = null;
  eachPosition(g, (p) => void (first ??= p));
  return first ?? [0, 0];
}

function pointsOf(g: Geometry): Position[] {
  return g.type === 'Point' ? [g.coordinates] : g.type === 'MultiPoint' ? g.coordinates : [];
}

function linesOf(g: Geometry): Position[][] {
  return g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
}

function polygonsOf(g: Geometry): Position[][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
}

/** Twice the signed area of a closed ring (positive when counter-clockwise). */
export function ringArea2(ring: readonly Position[]): number {
  let a = 0;
  const [ox, oy] = ring[0] ?? [0, 0];
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0, y0] = ring[i]!;
    const [x1, y1] = ring[i + 1]!;
    a += (x0 - ox) * (y1 - oy) - (x1 - ox) * (y0 - oy);
  }
  return a;
}

/**
 * A net area this small next to the geometry's extent (width/length below 1e-12) is a flattened
 * polygon: its area-weighted centroid would be rounding noise.
 */
const FLAT = 1e-12;

/**
 * The centroid, by the rule of PostGIS's ST_Centroid (GEOS), which the Lizmap G-Obs module uses
 * for x/y: the geometry's highest dimension decides.
 * - Polygons: area-weighted; each polygon's exterior ring adds its area and its holes subtract
 *   theirs, whatever their winding.
 * - Lines, or polygons with no area: length-weighted mean of the segments' midpoints (ring
 *   boundaries count, holes included).
 * - Points, or lines and rings of no length: mean of the points (a zero-length line or ring counts
 *   as its first point).
 * Where PostGIS answers nonsense for invalid polygons — an area centroid outside the shape's box
 * (a lopsided bow tie) or a net area that is not positive (a hole larger than its shell) — the
 * boundary's length-weighted centroid is used instead. The result always lies within bbox(g). Sums are taken relative to each ring's first point and to the geometry's first point,
 * so coordinates far from (0, 0) (43.6°N) lose no precision on small shapes.
 */
export function centroid(g: Geometry): Position {
  const box = bbox(g);
  const clamp = ([x, y]: Position): Position => [
    Math.min(Math.max(x, box[0]), box[2]),
    Math.min(Math.max(y, box[1]), box[3]),
  ];
  const [ox, oy] = firstPosition(g);
  const extent = Math.max(box[2] - box[0], box[3] - box[1]);

  let area2 = 0;
  let ax = 0;
  let ay = 0;
  for (const polygon of polygonsOf(g)) {
    polygon.forEach((ring, k) => {
      // Each ring's moments about its own first point, then moved to the common origin: small
      // rings far apart (a multipolygon across a country) keep their precision.
      const [rox, roy] = ring[0]!;
      let ra = 0;
      let rx = 0;
      let ry = 0;
      for (let i = 0; i < ring.length - 1; i++) {
        const x0 = ring[i]![0] - rox;
        const y0 = ring[i]![1] - roy;
        const x1 = ring[i + 1]![0] - rox;
        const y1 = ring[i + 1]![1] - roy;
        const cross = x0 * y1 - x1 * y0;
        ra += cross;
        rx += (x0 + x1) * cross;
        ry += (y0 + y1) * cross;
      }
      const sign = (k === 0 ? 1 : -1) * (ra < 0 ? -1 : 1);
      area2 += sign * ra;
      ax += sign * (rx + 3 * ra * (rox - ox));
      ay += sign * (ry + 3 * ra * (roy - oy));
    });
  }
  if (area2 > FLAT * extent * extent) {
    const c: Position = [ox + ax / (3 * area2), oy + ay / (3 * area2)];
    if (Number.isFinite(c[0]) && Number.isFinite(c[1]) && inBBox(c, box, 1e-9 * extent)) return clamp(c);
  }

  let length = 0;
  let lx = 0;
  let ly = 0;
  const lonePoints: Position[] = [];
  for (const line of [...linesOf(g), ...polygonsOf(g).flat()]) {
    let lineLength = 0;
    for (let i = 0; i < line.length - 1; i++) {
      const [x0, y0] = line[i]!;
      const [x1, y1] = line[i + 1]!;
      const d = Math.hypot(x1 - x0, y1 - y0);
      lineLength += d;
      lx += ((x0 + x1) / 2 - ox) * d;
      ly += ((y0 + y1) / 2 - oy) * d;
    }
    length += lineLength;
    if (lineLength === 0 && line[0]) lonePoints.push(line[0]);
  }
  if (length > 0) return clamp([ox + lx / length, oy + ly / length]);

  const points = [...pointsOf(g), ...lonePoints];
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  return clamp([sx / points.length, sy / points.length]);
}

/**
 * RFC 7946 §3.1.6 winding: exterior rings counter-clockwise, holes clockwise. Returns a new
 * geometry; other types are returned as they are.
 */
export function rewindRfc7946(g: Geometry): Geometry {
  const wind = (poly: Position[][]): Position[][] =>
    poly.map((ring, k) => ((k === 0) === ringArea2(ring) > 0 ? ring : [...ring].reverse()));
  if (g.type === 'Polygon') return { type: 'Polygon', coordinates: wind(g.coordinates) };
  if (g.type === 'MultiPolygon') return { type: 'MultiPolygon', coordinates: g.coordinates.map(wind) };
  return g;
}

/** The geometry as an RFC 7946 GeoJSON geometry object (rings rewound, `bbox` member added). */
export function toGeoJson(g: Geometry): Geometry & { bbox: BBox } {
  return { ...rewindRfc7946(g), bbox: bbox(g) };
}

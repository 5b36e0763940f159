/**
 * The rule an observation must pass before it is stored, on the desktop (form and main) and on
 * the server alike: its time per the indicator's precision (timestamp.ts), one value per dimension
 * in the dimension's type (values.ts), and a location (below). It returns every problem found,
 * each naming its field as the wire does: timestamp, wkt, x, y, values.<code>. Each `message` is
 * the phrase that follows the field's name ("values.count must be a whole number"); each side
 * words it for its readers (the server sends it as is).
 *
 * Location: a WKT geometry (wkt.ts), or x/y, or both.
 * - x/y not given: the WKT's centroid (geometry.ts: area-weighted for polygons, length-weighted for
 *   lines, mean of points), per coordinate.
 * - x/y given with a WKT: each must lie within the geometry's bounding box, grown by
 *   LOCATION_TOLERANCE (1e-6°, about 11 cm) on every side; for a POINT that means equal to it. The
 *   given x/y are kept. Why the box and not the centroid: the Lizmap G-Obs module sends
 *   ST_Centroid, which is inside it; desktop versions before this rule sent the vertex mean, inside
 *   it too, so their unsent observations still go through; a point on the surface (QGIS labels)
 *   passes; a point unrelated to the geometry (POINT(-100 -80) with x/y 3.8/43.6) is refused,
 *   naming x and/or y. The tolerance absorbs a WKT written with fewer decimals than x/y.
 * - no WKT: x and y are required, and the stored WKT is POINT(x y).
 * The WKT is stored in its normalised text (formatWkt). An empty WKT counts as none.
 */
import type { DateFormat, DimensionType } from './constants';
import { bbox, centroid, inBBox, type Geometry, type GeometryProblem } from './geometry';
import { normaliseTimestamp, type FinerParts, type TimestampProblem } from './timestamp';
import { coerceValue, type Value, type ValueProblem } from './values';
import { formatWkt, parseWkt, WktError } from './wkt';

/** How far (in degrees) given x/y may lie outside the WKT geometry's bounding box. */
export const LOCATION_TOLERANCE = 1e-6;

export interface ObservationInput {
  timestamp: string;
  x?: number | null | undefined;
  y?: number | null | undefined;
  wkt?: string | null | undefined;
  /** By dimension code. */
  values: Readonly<Record<string, unknown>>;
}

export interface IndicatorRule {
  dateFormat: DateFormat;
  dimensions: readonly { code: string; type: DimensionType }[];
}

export interface ObservationRuleOptions {
  /** 'truncate' (desktop entry, the default) or 'keep' (server): see timestamp.ts. */
  finerTimestamp?: FinerParts;
  /** An edit that sends back the stored timestamp keeps it as stored, even if finer than the precision. */
  storedTimestamp?: string | undefined;
}

export interface CleanObservation {
  /** 'YYYY-MM-DD HH:MM:SS' */
  timestamp: string;
  x: number;
  y: number;
  /** Normalised WKT; POINT(x y) when only x/y were given. */
  wkt: string;
  values: Record<string, Value>;
}

export type LocationProblem = 'required' | 'range' | 'not-finite' | 'outside-geometry';

export type RuleProblem = TimestampProblem | ValueProblem | GeometryProblem | LocationProblem | 'unknown-dimension';

export interface RuleError {
  /** timestamp, wkt, x, y or values.<code> */
  field: string;
  problem: RuleProblem;
  message: string;
}

export type RuleResult<T> = { ok: T } | { errors: RuleError[] };

const AXES = {
  x: { name: 'longitude', min: -180, max: 180, lo: 0, hi: 2 },
  y: { name: 'latitude', min: -90, max: 90, lo: 1, hi: 3 },
} as const;

/** x, y and the normalised WKT of a location, or its problems (see the module comment). */
export function resolveLocation(input: Pick<ObservationInput, 'x' | 'y' | 'wkt'>): RuleResult<{
  x: number;
  y: number;
  wkt: string;
  geometry: Geometry;
}> {
  const errors: RuleError[] = [];
  const text = input.wkt?.trim() ? input.wkt : null;
  let geometry: Geometry | null = null;
  if (text !== null) {
    try {
      geometry = parseWkt(text);
    } catch (e) {
      if (!(e instanceof WktError)) throw e;
      errors.push({ field: 'wkt', problem: e.problem, message: `is not valid: ${e.message}` });
    }
  }
  const given: { x?: number; y?: number } = {};
  for (const axis of ['x', 'y'] as const) {
    const v = input[axis];
    if (v === undefined || v === null) continue;
    const { name, min, max } = AXES[axis];
    if (typeof v !== 'number' || !Number.isFinite(v))
      errors.push({ field: axis, problem: 'not-finite', message: `must be a number (the ${name})` });
    else if (v < min || v > max)
      errors.push({ field: axis, problem: 'range', message: `must be between ${min} and ${max}` });
    else given[axis] = v === 0 ? 0 : v;
  }
  if (geometry) {
    const c = centroid(geometry);
    const box = bbox(geometry);
    for (const axis of ['x', 'y'] as const) {
      const v = given[axis];
      const { name, lo, hi } = AXES[axis];
      if (v === undefined || inBBox(axis === 'x' ? [v, box[1]] : [box[0], v], box, LOCATION_TOLERANCE)) continue;
      errors.push({
        field: axis,
        problem: 'outside-geometry',
        message:
          geometry.type === 'Point'
            ? `must equal the WKT point's ${name} (${box[lo]}), or be left out`
            : `must lie within the WKT geometry's extent (${name} ${box[lo]} to ${box[hi]}), or be left out to take its centroid (${c[lo]})`,
      });
    }
    if (errors.length > 0) return { errors };
    return { ok: { x: given.x ?? c[0], y: given.y ?? c[1], wkt: formatWkt(geometry), geometry } };
  }
  if (text === null) {
    for (const axis of ['x', 'y'] as const) {
      if (input[axis] === undefined || input[axis] === null)
        errors.push({ field: axis, problem: 'required', message: 'is required (or give a WKT geometry)' });
    }
  }
  if (errors.length > 0 || given.x === undefined || given.y === undefined) return { errors };
  const geometryOfPoint: Geometry = { type: 'Point', coordinates: [given.x, given.y] };
  return { ok: { x: given.x, y: given.y, wkt: formatWkt(geometryOfPoint), geometry: geometryOfPoint } };
}

/** The observation as it is stored, or every problem found, in field order. */
export function checkObservation(
  input: ObservationInput,
  indicator: IndicatorRule,
  options: ObservationRuleOptions = {},
): RuleResult<CleanObservation> {
  const errors: RuleError[] = [];

  let timestamp: string | null = null;
  if (options.storedTimestamp !== undefined && input.timestamp === options.storedTimestamp) {
    timestamp = options.storedTimestamp;
  } else {
    const t = normaliseTimestamp(input.timestamp, indicator.dateFormat, options.finerTimestamp ?? 'truncate');
    if ('timestamp' in t) timestamp = t.timestamp;
    else errors.push({ field: 'timestamp', problem: t.problem, message: t.message });
  }

  const location = resolveLocation(input);
  if ('errors' in location) errors.push(...location.errors);

  const byCode = new Map(indicator.dimensions.map((d) => [d.code, d]));
  // A Map, then fromEntries: a dimension named "__proto__" stays a value.
  const values = new Map<string, Value>();
  for (const [code, raw] of Object.entries(input.values)) {
    const field = `values.${code}`;
    const dim = byCode.get(code);
    if (!dim) {
      errors.push({ field, problem: 'unknown-dimension', message: 'is not a dimension of this indicator' });
      continue;
    }
    const v = coerceValue(dim.type, raw);
    if ('value' in v) values.set(code, v.value);
    else errors.push({ field, problem: v.problem, message: v.message });
  }
  for (const d of indicator.dimensions) {
    if (!Object.hasOwn(input.values, d.code))
      errors.push({ field: `values.${d.code}`, problem: 'required', message: 'is required' });
  }

  if (errors.length > 0 || timestamp === null || 'errors' in location) return { errors };
  const { x, y, wkt } = location.ok;
  return { ok: { timestamp, x, y, wkt, values: Object.fromEntries(values) } };
}

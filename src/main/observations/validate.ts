/**
 * Checks and normalises an observation entered in the app against its indicator, before anything
 * is stored: every error names its field ('values.<code>', 'timestamp', 'x', 'y', 'wkt') so the
 * form can show it inline. Mirrors the server's rules, so a saved observation is one it accepts.
 */
import type { DateFormat, Dimension, DimensionValue } from '../../shared/ipc';
import { AppError } from '../errors';

export interface ObservationInput {
  timestamp: string;
  x?: number | undefined;
  y?: number | undefined;
  wkt?: string | null | undefined;
  values: Record<string, DimensionValue>;
}

export interface ValidObservation {
  timestamp: string;
  x: number;
  y: number;
  wkt: string | null;
  values: Record<string, number | boolean | string>;
}

const PRECISION: Record<DateFormat, number> = { year: 1, month: 2, day: 3, hour: 4, minute: 5, second: 6 };
const PRECISION_HINT: Record<DateFormat, string> = {
  year: 'YYYY',
  month: 'YYYY-MM',
  day: 'YYYY-MM-DD',
  hour: 'YYYY-MM-DD HH',
  minute: 'YYYY-MM-DD HH:MM',
  second: 'YYYY-MM-DD HH:MM:SS',
};

/** 'YYYY[-MM[-DD[ HH[:MM[:SS]]]]]' (or with 'T') → 'YYYY-MM-DD HH:MM:SS' at the indicator's precision. */
export function normaliseTimestamp(input: string, format: DateFormat): string {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[ T](\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?)?)?)?Z?$/.exec(
    input.trim(),
  );
  if (!m) throw new AppError('invalid_argument', `Timestamp must look like ${PRECISION_HINT[format]}.`, 'timestamp');
  const given = m.slice(1).filter((p) => p !== undefined).length;
  if (given < PRECISION[format]) {
    throw new AppError(
      'invalid_argument',
      `Timestamp needs at least ${PRECISION_HINT[format]} for this indicator.`,
      'timestamp',
    );
  }
  const keep = PRECISION[format];
  const defaults = ['', '01', '01', '00', '00', '00'];
  const parts = m.slice(1, 7).map((p, i) => (i < keep && p !== undefined ? p : defaults[i]!));
  const [y, mo, d, h, mi, s] = parts.map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (
    mo < 1 ||
    mo > 12 ||
    h > 23 ||
    mi > 59 ||
    s > 59 ||
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d
  ) {
    throw new AppError('invalid_argument', 'Timestamp is not a valid date and time.', 'timestamp');
  }
  return `${parts[0]}-${parts[1]}-${parts[2]} ${parts[3]}:${parts[4]}:${parts[5]}`;
}

export function normaliseValue(dim: Dimension, raw: DimensionValue | undefined): number | boolean | string {
  const field = `values.${dim.code}`;
  const label = dim.name || dim.code;
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '' && dim.type !== 'string')) {
    throw new AppError('invalid_argument', `${label} is required.`, field);
  }
  switch (dim.type) {
    case 'integer': {
      const n = typeof raw === 'string' ? Number(raw.trim()) : raw;
      if (typeof n !== 'number' || !Number.isInteger(n) || !Number.isSafeInteger(n)) {
        throw new AppError('invalid_argument', `${label} must be a whole number.`, field);
      }
      return n;
    }
    case 'real': {
      const n = typeof raw === 'string' ? Number(raw.trim().replace(',', '.')) : raw;
      if (typeof n !== 'number' || !Number.isFinite(n))
        throw new AppError('invalid_argument', `${label} must be a number.`, field);
      return n;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw new AppError('invalid_argument', `${label} must be yes or no.`, field);
    }
    case 'string': {
      // An empty text is a value (the server accepts it too), unlike a missing one.
      if (typeof raw !== 'string') throw new AppError('invalid_argument', `${label} must be text.`, field);
      return raw;
    }
  }
}

const WKT_TYPES = ['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON'];

/** Parses the WKT geometries the server accepts; returns the vertices' mean as the centroid. */
export function parseWkt(wkt: string): { normalised: string; x: number; y: number } {
  const m = /^\s*([A-Za-z]+)\s*(?:Z\s*)?(\(.*\))\s*$/s.exec(wkt);
  const type = m?.[1]?.toUpperCase();
  if (!m || !type || !WKT_TYPES.includes(type)) {
    throw new AppError('invalid_argument', 'WKT must be a POINT, LINESTRING, POLYGON or MULTI* geometry.', 'wkt');
  }
  const body = m[2]!;
  if (!/^[\d\s.,()+\-eE]+$/.test(body) || !balanced(body))
    throw new AppError('invalid_argument', 'WKT is malformed.', 'wkt');
  const coords = body
    .replace(/[()]/g, ' ')
    .split(',')
    .map((c) => c.trim().split(/\s+/).map(Number));
  if (coords.length === 0 || coords.some((c) => c.length < 2 || c.length > 3 || c.some((n) => !Number.isFinite(n)))) {
    throw new AppError('invalid_argument', 'WKT coordinates must be "longitude latitude" pairs.', 'wkt');
  }
  for (const [x, y] of coords as [number, number][]) {
    if (x < -180 || x > 180 || y < -90 || y > 90) {
      throw new AppError('invalid_argument', 'WKT coordinates must be longitude/latitude within range.', 'wkt');
    }
  }
  const minPoints = type === 'LINESTRING' ? 2 : type === 'POLYGON' ? 4 : 1;
  if (coords.length < minPoints)
    throw new AppError('invalid_argument', `A ${type} needs at least ${minPoints} points.`, 'wkt');
  const x = coords.reduce((s, c) => s + c[0]!, 0) / coords.length;
  const y = coords.reduce((s, c) => s + c[1]!, 0) / coords.length;
  return { normalised: `${type}${body.replace(/\s+/g, ' ')}`, x, y };
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

export function validateObservation(
  input: ObservationInput,
  dims: readonly Dimension[],
  format: DateFormat,
  /** An edit sending back the stored timestamp keeps it as it is, even if finer than the indicator's precision. */
  storedTimestamp?: string,
): ValidObservation {
  const codes = new Set(dims.map((d) => d.code));
  for (const key of Object.keys(input.values)) {
    if (!codes.has(key))
      throw new AppError('invalid_argument', `This indicator has no dimension "${key}".`, `values.${key}`);
  }
  const timestamp =
    storedTimestamp !== undefined && input.timestamp === storedTimestamp
      ? storedTimestamp
      : normaliseTimestamp(input.timestamp, format);
  const values: Record<string, number | boolean | string> = {};
  for (const dim of dims) values[dim.code] = normaliseValue(dim, input.values[dim.code]);
  let wkt: string | null = null;
  let x = input.x;
  let y = input.y;
  if (input.wkt) {
    const parsed = parseWkt(input.wkt);
    wkt = parsed.normalised;
    x ??= parsed.x;
    y ??= parsed.y;
  }
  if (x === undefined) throw new AppError('invalid_argument', 'Longitude is required (or give a WKT geometry).', 'x');
  if (y === undefined) throw new AppError('invalid_argument', 'Latitude is required (or give a WKT geometry).', 'y');
  if (x < -180 || x > 180) throw new AppError('invalid_argument', 'Longitude must be between -180 and 180.', 'x');
  if (y < -90 || y > 90) throw new AppError('invalid_argument', 'Latitude must be between -90 and 90.', 'y');
  return { timestamp, x, y, wkt, values };
}

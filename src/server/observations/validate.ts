import {
  type ApiErrorItem,
  type Dimension,
  NewObservation,
  TIMESTAMP_PATTERN,
  UUID_PATTERN,
} from '../../shared/api.js';
import { coerce, type Value } from './values.js';
import { centroid, parseWkt, WktError } from './wkt.js';

/** An observation as validated and normalised, ready to store. */
export interface CleanObservation {
  uuid: string;
  indicator: string;
  timestamp: string; // YYYY-MM-DD HH:MM:SS
  x: number;
  y: number;
  wkt: string;
  values: Record<string, Value>;
}

/** "YYYY-MM-DD HH:MM:SS" or ISO "YYYY-MM-DDTHH:MM:SS[.fff]" without zone: the field's wall-clock time. */
export function normaliseTimestamp(s: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?$/.exec(s.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, se = '00'] = m.slice(1) as [string, string, string, string, string, string | undefined];
  const date = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +se));
  if (date.getUTCFullYear() !== +y || date.getUTCMonth() !== +mo - 1 || date.getUTCDate() !== +d) return null;
  if (+h > 23 || +mi > 59 || +se > 59 || +y < 1) return null;
  const out = `${y}-${mo}-${d} ${h}:${mi}:${se}`;
  return TIMESTAMP_PATTERN.test(out) ? out : null;
}

/**
 * Validates one pushed item against its indicator's dimensions. Returns every problem found
 * (field names as the client sent them: uuid, timestamp, x, y, wkt, values.<code>).
 */
export function validateObservation(
  raw: unknown,
  index: number,
  dimensionsOf: (indicator: string) => Dimension[] | undefined,
): { ok: CleanObservation } | { errors: ApiErrorItem[] } {
  const uuid =
    typeof (raw as { uuid?: unknown })?.uuid === 'string' ? ((raw as { uuid: string }).uuid as string) : null;
  const errors: ApiErrorItem[] = [];
  const err = (field: string, message: string) => errors.push({ index, uuid, field, message });

  const parsed = NewObservation.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) err(issue.path.join('.') || 'observation', issue.message);
    return { errors };
  }
  const o = parsed.data;
  if (!UUID_PATTERN.test(o.uuid)) err('uuid', 'must be a UUID');
  const timestamp = normaliseTimestamp(o.timestamp);
  if (!timestamp) err('timestamp', 'must be a valid date and time "YYYY-MM-DD HH:MM:SS"');

  let x = o.x;
  let y = o.y;
  let wkt = o.wkt ?? null;
  if (wkt !== null) {
    try {
      const g = parseWkt(wkt);
      const [cx, cy] = centroid(g);
      x ??= cx;
      y ??= cy;
      wkt = wkt.trim();
    } catch (e) {
      if (!(e instanceof WktError)) throw e;
      err('wkt', `invalid WKT: ${e.message}`);
    }
  }
  if (x === undefined) err('x', 'is required (or give wkt)');
  else if (!Number.isFinite(x) || x < -180 || x > 180) err('x', 'must be a longitude in [-180, 180]');
  if (y === undefined) err('y', 'is required (or give wkt)');
  else if (!Number.isFinite(y) || y < -90 || y > 90) err('y', 'must be a latitude in [-90, 90]');

  const dims = dimensionsOf(o.indicator);
  const values: Record<string, Value> = {};
  if (!dims) {
    err('indicator', `unknown indicator ${o.indicator}`);
  } else {
    const byCode = new Map(dims.map((d) => [d.code, d]));
    o.values.forEach((v, k) => {
      const dim = byCode.get(v.name);
      if (!dim) return err(`values.${v.name}`, `unknown dimension of ${o.indicator} (values[${k}])`);
      if (v.name in values) return err(`values.${v.name}`, 'is given more than once');
      if (v.type && v.type !== dim.type) return err(`values.${v.name}`, `type must be ${dim.type}, not ${v.type}`);
      const c = coerce(dim.type, v.value);
      if ('error' in c) return err(`values.${v.name}`, c.error);
      values[v.name] = c.value;
    });
    for (const d of dims)
      if (!(d.code in values) && !errors.some((e) => e.field === `values.${d.code}`))
        err(`values.${d.code}`, 'is missing');
  }
  if (errors.length > 0) return { errors };
  return {
    ok: {
      uuid: o.uuid.toLowerCase(),
      indicator: o.indicator,
      timestamp: timestamp!,
      x: x!,
      y: y!,
      wkt: wkt ?? `POINT(${x} ${y})`,
      values,
    },
  };
}

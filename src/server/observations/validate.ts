import { type ApiErrorItem, NewObservation } from '../../shared/api.js';
import {
  checkObservation,
  type CleanObservation as CleanFields,
  type IndicatorRule,
} from '../../shared/observation.js';

/** An observation as validated and normalised, ready to store. */
export interface CleanObservation extends CleanFields {
  uuid: string;
  indicator: string;
}

/**
 * Validates one pushed item against its indicator with the shared observation rule
 * (src/shared/observation.ts), keeping times finer than the indicator's precision. Returns every
 * problem found (field names as the client sent them: uuid, indicator, timestamp, x, y, wkt,
 * values.<code>).
 */
export function validateObservation(
  raw: unknown,
  index: number,
  indicatorOf: (indicator: string) => IndicatorRule | undefined,
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
  const indicator = indicatorOf(o.indicator);
  if (!indicator) {
    err('indicator', `unknown indicator ${o.indicator}`);
    return { errors };
  }

  // The wire's list of {name, type?, value} becomes the rule's record; a name given twice, or a
  // type other than the dimension's, is a problem of the wire form itself.
  const types = new Map(indicator.dimensions.map((d) => [d.code, d.type]));
  const values: Record<string, unknown> = Object.create(null);
  const wireErrors = new Set<string>();
  for (const v of o.values) {
    const field = `values.${v.name}`;
    const type = types.get(v.name);
    if (Object.hasOwn(values, v.name)) {
      if (!wireErrors.has(field)) err(field, 'is given more than once');
      wireErrors.add(field);
    } else if (v.type && type && v.type !== type) {
      err(field, `type must be ${type}, not ${v.type}`);
      wireErrors.add(field);
    }
    values[v.name] = v.value;
  }

  const r = checkObservation({ timestamp: o.timestamp, x: o.x, y: o.y, wkt: o.wkt, values }, indicator, {
    finerTimestamp: 'keep',
  });
  if ('errors' in r) for (const e of r.errors) if (!wireErrors.has(e.field)) err(e.field, e.message);
  if (errors.length > 0 || 'errors' in r) return { errors };
  return { ok: { uuid: o.uuid.toLowerCase(), indicator: o.indicator, ...r.ok } };
}

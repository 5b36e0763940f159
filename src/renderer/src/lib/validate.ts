/**
 * Client-side checks of the observation form, per dimension type, so mistakes are named next
 * to their field before anything is sent to main (which validates again: it is the authority).
 */
import { t } from '../i18n';
import { parseNumber, parseTimestamp } from './format';
import type { DateFormat, Dimension, DimensionValue } from '../../../shared/ipc';

export type LocationMode = 'point' | 'wkt';

export interface FormState {
  timestamp: string;
  /** Raw text of each input, by dimension code ('' | 'true' | 'false' for booleans). */
  values: Record<string, string>;
  mode: LocationMode;
  lon: string;
  lat: string;
  wkt: string;
}

export interface Parsed {
  timestamp: string;
  values: Record<string, DimensionValue>;
  x?: number;
  y?: number;
  wkt: string | null;
}

export type FieldErrors = Record<string, string>;

const WKT =
  /^\s*(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON|GEOMETRYCOLLECTION)\s*(Z|M|ZM)?\s*(\(|EMPTY)/i;

export function parseValue(raw: string, d: Dimension): { value: DimensionValue } | { error: string } {
  const text = raw.trim();
  // Every dimension needs a value (the server refuses incomplete observations).
  if (text === '') return { error: t('observation.errors.required') };
  switch (d.type) {
    case 'integer': {
      const n = /^[-+−]?[\d\s\u00a0\u202f]+$/.test(text) ? parseNumber(text) : null;
      return n === null || !Number.isSafeInteger(n) ? { error: t('observation.errors.integer') } : { value: n };
    }
    case 'real': {
      const n = parseNumber(text);
      return n === null ? { error: t('observation.errors.real') } : { value: n };
    }
    case 'boolean':
      return { value: text === 'true' };
    case 'string':
      return { value: raw };
  }
}

export function validateForm(
  form: FormState,
  dimensions: Dimension[],
  dateFormat: DateFormat,
): { parsed?: Parsed; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const timestamp = form.timestamp.trim() === '' ? null : parseTimestamp(form.timestamp, dateFormat);
  if (form.timestamp.trim() === '') errors['timestamp'] = t('observation.errors.required');
  else if (!timestamp) errors['timestamp'] = t('observation.errors.timestamp');

  const values: Record<string, DimensionValue> = {};
  for (const d of dimensions) {
    const r = parseValue(form.values[d.code] ?? '', d);
    if ('error' in r) errors[`values.${d.code}`] = r.error;
    else values[d.code] = r.value;
  }

  let x: number | undefined;
  let y: number | undefined;
  let wkt: string | null = null;
  if (form.mode === 'point') {
    const lon = parseNumber(form.lon);
    const lat = parseNumber(form.lat);
    if (form.lon.trim() === '') errors['x'] = t('observation.errors.required');
    else if (lon === null || lon < -180 || lon > 180) errors['x'] = t('observation.errors.longitude');
    else x = lon;
    if (form.lat.trim() === '') errors['y'] = t('observation.errors.required');
    else if (lat === null || lat < -90 || lat > 90) errors['y'] = t('observation.errors.latitude');
    else y = lat;
  } else {
    if (form.wkt.trim() === '') errors['wkt'] = t('observation.errors.required');
    else if (!WKT.test(form.wkt)) errors['wkt'] = t('observation.errors.wkt');
    else wkt = form.wkt.trim();
  }

  if (Object.keys(errors).length > 0 || !timestamp) return { errors };
  return {
    parsed: { timestamp, values, ...(x !== undefined ? { x } : {}), ...(y !== undefined ? { y } : {}), wkt },
    errors,
  };
}

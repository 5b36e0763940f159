/**
 * Client-side checks of the observation form, per dimension type, so mistakes are named next
 * to their field before anything is sent to main (which validates again: it is the authority).
 */
import { strings } from '../i18n/strings';
import { fromInputValue } from './observation';
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

export function parseNumber(raw: string): number | null {
  const t = raw.trim().replace(',', '.');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

export function parseValue(raw: string, d: Dimension): { value: DimensionValue } | { error: string } {
  const t = raw.trim();
  // Every dimension needs a value (the server refuses incomplete observations).
  if (t === '') return { error: strings.observation.errors.required };
  switch (d.type) {
    case 'integer': {
      if (!/^[-+]?\d+$/.test(t) || !Number.isSafeInteger(Number(t)))
        return { error: strings.observation.errors.integer };
      return { value: Number(t) };
    }
    case 'real': {
      const n = parseNumber(t);
      return n === null ? { error: strings.observation.errors.real } : { value: n };
    }
    case 'boolean':
      return { value: t === 'true' };
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
  const timestamp = form.timestamp.trim() === '' ? null : fromInputValue(form.timestamp, dateFormat);
  if (form.timestamp.trim() === '') errors['timestamp'] = strings.observation.errors.required;
  else if (!timestamp) errors['timestamp'] = strings.observation.errors.timestamp;

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
    if (form.lon.trim() === '') errors['x'] = strings.observation.errors.required;
    else if (lon === null || lon < -180 || lon > 180) errors['x'] = strings.observation.errors.longitude;
    else x = lon;
    if (form.lat.trim() === '') errors['y'] = strings.observation.errors.required;
    else if (lat === null || lat < -90 || lat > 90) errors['y'] = strings.observation.errors.latitude;
    else y = lat;
  } else {
    if (form.wkt.trim() === '') errors['wkt'] = strings.observation.errors.required;
    else if (!WKT.test(form.wkt)) errors['wkt'] = strings.observation.errors.wkt;
    else wkt = form.wkt.trim();
  }

  if (Object.keys(errors).length > 0 || !timestamp) return { errors };
  return {
    parsed: { timestamp, values, ...(x !== undefined ? { x } : {}), ...(y !== undefined ? { y } : {}), wkt },
    errors,
  };
}

/** Shared formatting of observation fields (timestamps at the indicator's precision, locations, values). */
import { strings } from '../i18n/strings';
import type { DateFormat, Dimension, DimensionValue } from '../../../shared/ipc';

const PREFIX_LENGTH: Record<DateFormat, number> = { year: 4, month: 7, day: 10, hour: 13, minute: 16, second: 19 };

/** '2024-05-01 10:00:00' shown at the indicator's precision: '2024-05' for month, '2024-05-01 10:00' for minute. */
export function formatTimestamp(ts: string, format: DateFormat): string {
  const cut = ts.replace('T', ' ').slice(0, PREFIX_LENGTH[format]);
  return format === 'hour' ? `${cut}:00` : cut;
}

export function formatValue(value: DimensionValue | undefined, dimension: Dimension): string {
  if (value === null || value === undefined || value === '') return strings.common.none;
  if (dimension.type === 'boolean')
    return value === true ? strings.observation.yes : value === false ? strings.observation.no : String(value);
  if (typeof value === 'number')
    return dimension.type === 'integer'
      ? value.toLocaleString('en')
      : value.toLocaleString('en', { maximumFractionDigits: 6 });
  return String(value);
}

export function formatLocation(
  x: number | null | undefined,
  y: number | null | undefined,
  wkt?: string | null,
): string {
  if (x === null || x === undefined || y === null || y === undefined) return strings.common.none;
  const point = `${x.toFixed(5)}, ${y.toFixed(5)}`;
  const kind = wkt
    ?.trim()
    .match(/^[A-Za-z]+/)?.[0]
    ?.toUpperCase();
  return kind && kind !== 'POINT' ? `${kind} · ${point}` : point;
}

/** What the inputs for this precision hold: HTML input type and the value conversions. */
export function timestampInput(format: DateFormat): { type: string; step?: number } {
  switch (format) {
    case 'year':
      return { type: 'number' };
    case 'month':
      return { type: 'month' };
    case 'day':
      return { type: 'date' };
    case 'hour':
      return { type: 'datetime-local', step: 3600 };
    case 'minute':
      return { type: 'datetime-local', step: 60 };
    case 'second':
      return { type: 'datetime-local', step: 1 };
  }
}

/** Stored timestamp → the input's value. */
export function toInputValue(ts: string, format: DateFormat): string {
  const t = ts.replace(' ', 'T');
  switch (format) {
    case 'year':
      return t.slice(0, 4);
    case 'month':
      return t.slice(0, 7);
    case 'day':
      return t.slice(0, 10);
    case 'hour':
      return `${t.slice(0, 13)}:00`;
    case 'minute':
      return t.slice(0, 16);
    case 'second':
      return t.length >= 19 ? t.slice(0, 19) : `${t.slice(0, 16)}:00`;
  }
}

/** The input's value → the full 'YYYY-MM-DD HH:MM:SS' main stores, or null if it is not a valid time. */
export function fromInputValue(value: string, format: DateFormat): string | null {
  const v = value.trim();
  const pad = (s: string) => {
    const full = '0000-01-01 00:00:00';
    return s + full.slice(s.length);
  };
  let base: string | null = null;
  if (format === 'year' && /^\d{4}$/.test(v)) base = v;
  else if (format === 'month' && /^\d{4}-\d{2}$/.test(v)) base = v;
  else if (format === 'day' && /^\d{4}-\d{2}-\d{2}$/.test(v)) base = v;
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v)) {
    const t = v.replace('T', ' ');
    base = format === 'hour' ? t.slice(0, 13) : format === 'minute' ? t.slice(0, 16) : t.length === 16 ? `${t}:00` : t;
  }
  if (!base) return null;
  const full = pad(base);
  const d = new Date(`${full.replace(' ', 'T')}Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 19).replace('T', ' ') !== full) return null;
  return full;
}

/** Now, as the input's value at this precision (new observations start at the current time). */
export function nowInputValue(format: DateFormat, now = new Date()): string {
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
  return toInputValue(local.replace('T', ' '), format);
}

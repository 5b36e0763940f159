/**
 * Observation times: the wall-clock time of the field, without a time zone, stored as
 * 'YYYY-MM-DD HH:MM:SS'. Each indicator has a precision (`date_format`, year … second).
 *
 * Accepted text: 'YYYY[-MM[-DD[ HH[:MM[:SS[.fraction]]]]]]', with 'T' instead of the space
 * allowed (ISO 8601), surrounding spaces ignored. It must give at least the parts of the
 * indicator's precision ('2024-05' is refused for a day indicator: which day?). A trailing 'Z' or
 * UTC offset is refused: it would turn the field's local time into an instant, and silently dropping
 * it would store another hour than the one meant. Fractional seconds are dropped (not rounded:
 * rounding could carry into the next day). Every given part must make a real date and time:
 * year 0001–9999, the month's own number of days (leap years), hour 0–23, minute and second 0–59.
 *
 * Parts finer than the precision: the desktop, where people enter times at the indicator's
 * precision, truncates them ('truncate'); the server keeps them ('keep'), because CSV imports and
 * other clients carry real measurement times (G-Obs itself stores `ob_start_timestamp` as given),
 * truncating on the server would silently change data, and a desktop edit that sends back a stored
 * finer time must find it unchanged.
 */
import type { DateFormat } from './constants';

/** How many of year, month, day, hour, minute, second each precision needs. */
export const PRECISION_PARTS: Record<DateFormat, number> = { year: 1, month: 2, day: 3, hour: 4, minute: 5, second: 6 };

export const PRECISION_HINT: Record<DateFormat, string> = {
  year: 'YYYY',
  month: 'YYYY-MM',
  day: 'YYYY-MM-DD',
  hour: 'YYYY-MM-DD HH',
  minute: 'YYYY-MM-DD HH:MM',
  second: 'YYYY-MM-DD HH:MM:SS',
};

/** The stored form. */
export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Longest text worth parsing ('2024-05-03T10:22:33.123456789' is 29 characters, with spaces around). */
export const TIMESTAMP_MAX_LENGTH = 40;

export type FinerParts = 'truncate' | 'keep';

/**
 * format: not written as a timestamp; zone: carries 'Z' or an offset; precision: coarser than the
 * indicator's precision; date: not a real date and time.
 */
export type TimestampProblem = 'format' | 'zone' | 'precision' | 'date';

export type TimestampResult = { timestamp: string } | { problem: TimestampProblem; message: string };

const SHAPE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[ T](\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?)?)?)?$/;
const ZONE = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const DEFAULTS = ['', '01', '01', '00', '00', '00'] as const;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether the given parts (year first; absent ones undefined) name a real date and time. */
function realDateTime(parts: readonly (string | undefined)[]): boolean {
  const [y, mo, d, h, mi, s] = parts.map((p) => (p === undefined ? undefined : Number(p)));
  if (y === undefined || y < 1) return false;
  if (mo !== undefined && (mo < 1 || mo > 12)) return false;
  if (d !== undefined && (d < 1 || d > daysInMonth(y, mo!))) return false;
  if (h !== undefined && h > 23) return false;
  if (mi !== undefined && mi > 59) return false;
  return s === undefined || s <= 59;
}

/**
 * The timestamp in its stored form at the indicator's precision, or the problem. `message` is the
 * phrase that follows the field's name ("timestamp is not a valid date and time").
 */
export function normaliseTimestamp(input: string, format: DateFormat, finer: FinerParts = 'truncate'): TimestampResult {
  const text = input.trim();
  const short = text.length <= TIMESTAMP_MAX_LENGTH;
  const m = short ? SHAPE.exec(text) : null;
  if (!m) {
    const zoned = short && /[ T]\d{2}/.test(text) && ZONE.test(text) && SHAPE.test(text.replace(ZONE, ''));
    return zoned
      ? { problem: 'zone', message: 'must be the local time of the observation, without "Z" or a UTC offset' }
      : { problem: 'format', message: `must look like ${PRECISION_HINT[format]}` };
  }
  const given = m.slice(1, 7);
  const count = given.filter((p) => p !== undefined).length;
  const need = PRECISION_PARTS[format];
  if (count < need)
    return { problem: 'precision', message: `needs at least ${PRECISION_HINT[format]} for this indicator` };
  if (!realDateTime(given)) return { problem: 'date', message: 'is not a valid date and time' };
  const keep = finer === 'keep' ? 6 : need;
  const parts = given.map((p, i) => (i < keep && p !== undefined ? p : DEFAULTS[i]!));
  return { timestamp: `${parts[0]}-${parts[1]}-${parts[2]} ${parts[3]}:${parts[4]}:${parts[5]}` };
}

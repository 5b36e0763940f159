/**
 * Time buckets of the chart: the width chosen from the visible range and the pixels that show it,
 * and where each bucket starts. Observation timestamps are wall-clock times with no zone
 * ('YYYY-MM-DD HH:MM:SS'); for arithmetic they are read as if UTC, so a bucket of one day starts
 * at midnight of the wall clock and epoch seconds format back to the same text with UTC getters.
 * Pure TypeScript, shared by main (which reduces) and the renderer (which draws).
 */

export type BucketUnit = 'second' | 'month';

/** A bucket width: `size` seconds, or `size` calendar months (from January of year 0). */
export interface BucketWidth {
  unit: BucketUnit;
  size: number;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
/** 1970-01-05 was a Monday: weeks start on Mondays (ISO 8601). */
const WEEK_OFFSET = 4 * DAY;
const AVG_MONTH = 30.436875 * DAY;

/** Every width a chart may use, smallest first: round numbers a reader recognises. */
export const BUCKET_WIDTHS: readonly BucketWidth[] = [
  ...[1, 2, 5, 10, 15, 30].map((s) => ({ unit: 'second' as const, size: s })),
  ...[1, 2, 5, 10, 15, 30].map((m) => ({ unit: 'second' as const, size: m * MINUTE })),
  ...[1, 2, 3, 6, 12].map((h) => ({ unit: 'second' as const, size: h * HOUR })),
  { unit: 'second', size: DAY },
  { unit: 'second', size: 2 * DAY },
  { unit: 'second', size: 7 * DAY },
  ...[1, 3, 6, 12, 24, 60, 120, 240, 600, 1200].map((m) => ({ unit: 'month' as const, size: m })),
];

/** Approximate seconds of a width (months at their average length), for choosing only. */
export function approxSeconds(w: BucketWidth): number {
  return w.unit === 'second' ? w.size : w.size * AVG_MONTH;
}

/**
 * The smallest round width that splits [from, to] (epoch seconds) into at most `pixels * perPixel`
 * buckets: about two per pixel keeps every spike visible (min and max are kept per bucket) while
 * the renderer receives at most a few thousand points whatever the size of the set.
 */
export function chooseBucketWidth(from: number, to: number, pixels: number, perPixel = 2): BucketWidth {
  const target = Math.max(1, Math.floor(pixels * perPixel));
  const span = Math.max(1, to - from + 1);
  for (const w of BUCKET_WIDTHS) if (span / approxSeconds(w) <= target) return w;
  return BUCKET_WIDTHS[BUCKET_WIDTHS.length - 1]!;
}

/** Date.UTC without its two-digit-year quirk (years 0-99 are not 1900-1999 here). */
function utc(y: number, mo: number, d = 1, h = 0, mi = 0, s = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo, d);
  t.setUTCHours(h, mi, s, 0);
  return t.getTime() / 1000;
}

function monthIndex(epoch: number): number {
  const d = new Date(epoch * 1000);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function monthStart(index: number): number {
  return utc(Math.floor(index / 12), index % 12);
}

/** Start (epoch seconds) of the bucket holding `epoch`. */
export function bucketStart(w: BucketWidth, epoch: number): number {
  if (w.unit === 'month') return monthStart(Math.floor(monthIndex(epoch) / w.size) * w.size);
  const offset = w.size === 7 * DAY ? WEEK_OFFSET : 0;
  return Math.floor((epoch - offset) / w.size) * w.size + offset;
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucketStart(w: BucketWidth, start: number): number {
  return w.unit === 'month' ? monthStart(monthIndex(start) + w.size) : start + w.size;
}

/** True when every bucket of `w` is made of whole hours (a chart can then be built from hourly sums). */
export function alignedToHours(w: BucketWidth): boolean {
  return w.unit === 'month' || w.size % HOUR === 0;
}

/** True when every bucket of `w` is made of whole days (daily sums can build it). */
export function alignedToDays(w: BucketWidth): boolean {
  return w.unit === 'month' || w.size % DAY === 0;
}

const TS = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;

/** 'YYYY-MM-DD HH:MM:SS' → epoch seconds (read as UTC); NaN when malformed. */
export function timestampToEpoch(ts: string): number {
  const m = TS.exec(ts);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return utc(y, mo - 1, d, h, mi, s);
}

/** Epoch seconds → 'YYYY-MM-DD HH:MM:SS'. */
export function epochToTimestamp(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A filter bound ('YYYY[-MM[-DD[ HH[:MM[:SS]]]]]', as ObservationFilter takes it) → epoch seconds:
 * the first second it names for `from`, the last one for `to` (a prefix covers its whole period).
 */
export function boundToEpoch(bound: string, side: 'from' | 'to'): number {
  const parts = bound
    .trim()
    .split(/[-T :]/)
    .filter((p) => p !== '')
    .map(Number);
  const [y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0] = parts;
  const start = utc(y, mo - 1, d, h, mi, s);
  if (side === 'from') return start;
  switch (parts.length) {
    case 1:
      return utc(y + 1, 0) - 1;
    case 2:
      return utc(y, mo) - 1;
    case 3:
      return start + DAY - 1;
    case 4:
      return start + HOUR - 1;
    case 5:
      return start + MINUTE - 1;
    default:
      return start;
  }
}

/**
 * The chart's data: the filtered set reduced in main to about two buckets per pixel. Whole hours
 * come from the hourly summary (a few rows per hour whatever the number of observations); the
 * partial hours at the edges of a time filter, buckets shorter than an hour and text-filtered sets
 * come from the observations themselves, with the same value semantics. The renderer never
 * receives more than 2 × pixels points.
 */
import type { ChartData, ChartSeriesArgs, Dimension, ObservationFilter } from '../../shared/ipc';
import {
  alignedToDays,
  alignedToHours,
  boundToEpoch,
  bucketStart,
  chooseBucketWidth,
  epochToTimestamp,
  nextBucketStart,
  timestampToEpoch,
  type BucketWidth,
} from '../../shared/timeBuckets';
import type { z } from 'zod';
import { AppError } from '../errors';
import { rawBuckets, timeBounds, uuidsOf } from '../store/analysis';
import type { Db } from '../store/db';
import type { IndicatorDef } from '../store/indicators';
import { seriesSums, type SumRow } from '../store/summaries';
import type { SummaryKeeper } from './summaryKeeper';

/** Aggregates of one bucket: '' for the observations, then per dimension code. */
export interface BucketAgg {
  n: number;
  vmin: number | null;
  vmax: number | null;
  vsum: number | null;
  firstId: number | null;
}

type Buckets = Map<number, Map<string, BucketAgg>>;

function merge(into: Buckets, dim: string, r: SumRow): void {
  let byDim = into.get(r.k);
  if (!byDim) {
    byDim = new Map();
    into.set(r.k, byDim);
  }
  const a = byDim.get(dim);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  if (!a) {
    byDim.set(dim, { n: r.n, vmin: num(r.vmin), vmax: num(r.vmax), vsum: num(r.vsum), firstId: r.first_id });
    return;
  }
  a.n += r.n;
  const lo = num(r.vmin);
  const hi = num(r.vmax);
  const sum = num(r.vsum);
  if (lo !== null) a.vmin = a.vmin === null ? lo : Math.min(a.vmin, lo);
  if (hi !== null) a.vmax = a.vmax === null ? hi : Math.max(a.vmax, hi);
  if (sum !== null) a.vsum = (a.vsum ?? 0) + sum;
  if (r.first_id !== null) a.firstId = a.firstId === null ? r.first_id : Math.min(a.firstId, r.first_id);
}

/**
 * The bucket number of a time column, relative to the bucket starting at t0 (never negative: the
 * column is never before t0). `epoch` says whether it holds epoch seconds or timestamp text.
 */
function bucketSql(w: BucketWidth | 'all', t0: number, column: string, epoch: boolean): string {
  if (w === 'all') return '0';
  const seconds = epoch ? column : `unixepoch(${column})`;
  if (w.unit === 'second') return `(${seconds} - ${Math.trunc(t0)}) / ${w.size}`;
  const d = new Date(t0 * 1000);
  const m0 = d.getUTCFullYear() * 12 + d.getUTCMonth();
  const text = epoch ? `strftime('%Y-%m', ${column}, 'unixepoch')` : column;
  return `((CAST(substr(${text}, 1, 4) AS INTEGER) * 12 + CAST(substr(${text}, 6, 2) AS INTEGER) - 1) - ${m0}) / ${w.size}`;
}

function bucketTime(w: BucketWidth, t0: number, k: number): number {
  if (w.unit === 'second') return t0 + k * w.size;
  let t = t0;
  // k is small (at most a few thousand buckets): step through the calendar.
  for (let i = 0; i < k; i++) t = nextBucketStart(w, t);
  return t;
}

const HOUR = 3600;
const DAY = 86_400;

export interface ReduceQuery {
  indicatorCode: string;
  filter: ObservationFilter;
  dims: readonly string[];
  /** Inclusive bounds, epoch seconds. */
  from: number;
  to: number;
  bucket: BucketWidth | 'all';
  t0: number;
}

/**
 * Aggregates per bucket of the filtered observations in [from, to]: from the summary where whole
 * hours allow it, from the rows elsewhere. Awaits the summary's build or refresh when needed.
 */
export async function reduceSet(db: Db, keeper: SummaryKeeper, q: ReduceQuery): Promise<Buckets> {
  const buckets: Buckets = new Map();
  const raw = (from: number, to: number) => {
    if (from > to) return;
    const rows = rawBuckets(
      db,
      {
        indicatorCode: q.indicatorCode,
        filter: q.filter,
        from: epochToTimestamp(from),
        to: epochToTimestamp(to),
        dims: q.dims,
      },
      bucketSql(q.bucket, q.t0, 'o.timestamp', false),
    );
    for (const r of rows) merge(buckets, r.dim, r);
  };
  const useSummary = !q.filter.text && (q.bucket === 'all' || alignedToHours(q.bucket));
  if (!useSummary) {
    raw(q.from, q.to);
    return buckets;
  }
  // Whole days from the daily sums where buckets are made of days, whole hours from the hourly
  // sums, the partial hours at each end from the rows.
  const h0 = Math.ceil(q.from / HOUR) * HOUR;
  const h1 = Math.floor((q.to + 1) / HOUR) * HOUR;
  if (h0 >= h1) {
    raw(q.from, q.to);
    return buckets;
  }
  await keeper.ensure(db, q.indicatorCode, 'series');
  const states = q.filter.states && q.filter.states.length > 0 ? { states: q.filter.states } : {};
  const sums = (grain: 'hour' | 'day', from: number, to: number) => {
    if (from >= to) return;
    const rows = seriesSums(
      db,
      { indicatorCode: q.indicatorCode, grain, dims: q.dims, from, to, ...states },
      bucketSql(q.bucket, q.t0, grain, true),
    );
    for (const r of rows) merge(buckets, r.dim, r);
  };
  const byDays = q.bucket === 'all' || alignedToDays(q.bucket);
  const d0 = byDays ? Math.ceil(h0 / DAY) * DAY : h1;
  const d1 = byDays ? Math.max(d0, Math.floor(h1 / DAY) * DAY) : h1;
  sums('day', d0, d1);
  sums('hour', h0, Math.min(d0, h1));
  sums('hour', Math.max(d1, h0), h1);
  raw(q.from, h0 - 1);
  raw(h1, q.to);
  return buckets;
}

/** The time range a chart shows: the filter's bounds, else the data's; null when nothing is there. */
export function chartRange(
  db: Db,
  indicatorCode: string,
  filter: ObservationFilter,
): { from: number; to: number } | null {
  const bounds = timeBounds(db, indicatorCode);
  if (!bounds && !(filter.from && filter.to)) return null;
  const from = filter.from ? boundToEpoch(filter.from, 'from') : timestampToEpoch(bounds!.first);
  const to = filter.to ? boundToEpoch(filter.to, 'to') : timestampToEpoch(bounds!.last);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) return null;
  return { from, to };
}

export function chosenDimensions(def: IndicatorDef, codes: readonly string[] | undefined): Dimension[] {
  if (!codes) return def.dimensions;
  const byCode = new Map(def.dimensions.map((d) => [d.code, d]));
  return codes.map((c, i) => {
    const d = byCode.get(c);
    if (!d) throw new AppError('invalid_argument', `This indicator has no dimension "${c}".`, `dimensions.${i}`);
    return d;
  });
}

export async function chartSeries(
  db: Db,
  keeper: SummaryKeeper,
  def: IndicatorDef,
  args: z.output<typeof ChartSeriesArgs>,
): Promise<ChartData> {
  const dims = chosenDimensions(def, args.dimensions);
  const range = chartRange(db, def.code, args.filter);
  const empty: ChartData = {
    indicatorCode: def.code,
    from: range?.from ?? null,
    to: range?.to ?? null,
    bucket: range ? chooseBucketWidth(range.from, range.to, args.pixels) : { unit: 'second', size: 3600 },
    times: [],
    counts: [],
    uuids: [],
    numeric: [],
    booleans: [],
    texts: [],
    total: 0,
  };
  if (!range) return withSeries(empty, dims, []);
  const w = empty.bucket;
  const t0 = bucketStart(w, range.from);
  const buckets = await reduceSet(db, keeper, {
    indicatorCode: def.code,
    filter: args.filter,
    dims: dims.map((d) => d.code),
    from: range.from,
    to: range.to,
    bucket: w,
    t0,
  });
  const keys = [...buckets.keys()].filter((k) => (buckets.get(k)?.get('')?.n ?? 0) > 0).sort((a, b) => a - b);
  const rows = keys.map((k) => buckets.get(k)!);
  const single = rows.map((r) => (r.get('')!.n === 1 ? r.get('')!.firstId : null));
  const uuids = uuidsOf(
    db,
    single.filter((id): id is number => id !== null),
  );
  const data: ChartData = {
    ...empty,
    times: keys.map((k) => bucketTime(w, t0, k)),
    counts: rows.map((r) => r.get('')!.n),
    uuids: single.map((id) => (id === null ? null : (uuids.get(id) ?? null))),
    total: rows.reduce((s, r) => s + r.get('')!.n, 0),
  };
  return withSeries(data, dims, rows);
}

function withSeries(data: ChartData, dims: readonly Dimension[], rows: Map<string, BucketAgg>[]): ChartData {
  for (const d of dims) {
    const a = rows.map((r) => r.get(d.code));
    if (d.type === 'integer' || d.type === 'real') {
      data.numeric.push({
        code: d.code,
        name: d.name,
        unit: d.unit,
        type: d.type,
        count: a.map((x) => x?.n ?? 0),
        min: a.map((x) => x?.vmin ?? null),
        max: a.map((x) => x?.vmax ?? null),
        mean: a.map((x) => (x && x.n > 0 && x.vsum !== null ? x.vsum / x.n : null)),
      });
    } else if (d.type === 'boolean') {
      data.booleans.push({
        code: d.code,
        name: d.name,
        trues: a.map((x) => x?.vsum ?? 0),
        falses: a.map((x) => (x ? x.n - (x.vsum ?? 0) : 0)),
      });
    } else {
      data.texts.push({ code: d.code, name: d.name, nonEmpty: a.map((x) => x?.n ?? 0) });
    }
  }
  return data;
}

/**
 * Chart and map data through the real channels over a real store, checked against the same set
 * computed in the test from the rows themselves (read straight from the SQLite file): every
 * bucket and every cluster, for the summary paths and the row paths, before and after edits.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountDir } from '../../../src/main/store/account';
import type { ChartData, MapView, ObservationFilter } from '../../../src/shared/ipc';
import { latToCellY, lonToCellX } from '../../../src/shared/mapGrid';
import { bucketStart, boundToEpoch, timestampToEpoch, type BucketWidth } from '../../../src/shared/timeBuckets';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { seedAnalystAccount, seedWaterObservations, type Station } from '../../helpers/seedAnalyst';
import { rejection } from './support';

let d: TestDesktop;
let storeFile: string;
let sites: Station[];
const IND = 'water_quality';

beforeAll(async () => {
  d = await createTestDesktop();
  const ref = seedAnalystAccount(d.dataDir);
  sites = seedWaterObservations(d.dataDir, ref, 6000, { stations: 60, years: 3 });
  storeFile = join(accountDir(d.dataDir, ref), 'store.sqlite');
  d = await d.restart();
});
afterAll(() => d.close(true));

interface Row {
  local_id: number;
  uuid: string;
  timestamp: string;
  x: number;
  y: number;
  state: string;
  search: string;
  vals: Record<string, unknown>;
}

function rows(filter: ObservationFilter = {}): Row[] {
  const db = new Database(storeFile, { readonly: true });
  try {
    const all = (
      db
        .prepare(
          `SELECT local_id, uuid, timestamp, x, y, state, search, vals FROM observation WHERE indicator_code = ?`,
        )
        .all(IND) as (Omit<Row, 'vals'> & { vals: string })[]
    ).map((r) => ({ ...r, vals: JSON.parse(r.vals) as Record<string, unknown> }));
    return all.filter(
      (r) =>
        (!filter.from || r.timestamp >= filter.from.replace('T', ' ')) &&
        (!filter.to || r.timestamp <= `${filter.to.replace('T', ' ')}~`) &&
        (!filter.states?.length || filter.states.includes(r.state as never)) &&
        (!filter.text || r.search.includes(filter.text.toLowerCase())),
    );
  } finally {
    db.close();
  }
}

interface Expected {
  count: number;
  first: Row;
  num: Record<string, { n: number; min: number; max: number; sum: number }>;
  trues: number;
  falses: number;
  notes: number;
}

function expectedBuckets(set: Row[], w: BucketWidth): Map<number, Expected> {
  const out = new Map<number, Expected>();
  for (const r of set) {
    const t = bucketStart(w, timestampToEpoch(r.timestamp));
    let e = out.get(t);
    if (!e) {
      e = { count: 0, first: r, num: {}, trues: 0, falses: 0, notes: 0 };
      out.set(t, e);
    }
    e.count++;
    if (r.local_id < e.first.local_id) e.first = r;
    for (const code of ['temperature', 'ph', 'level']) {
      const v = r.vals[code];
      if (typeof v !== 'number') continue;
      const a = (e.num[code] ??= { n: 0, min: v, max: v, sum: 0 });
      a.n++;
      a.min = Math.min(a.min, v);
      a.max = Math.max(a.max, v);
      a.sum += v;
    }
    if (r.vals['flooded'] === true) e.trues++;
    if (r.vals['flooded'] === false) e.falses++;
    if (typeof r.vals['note'] === 'string' && r.vals['note'] !== '') e.notes++;
  }
  return out;
}

function checkChart(chart: ChartData, set: Row[]): void {
  const exp = expectedBuckets(set, chart.bucket);
  const times = [...exp.keys()].sort((a, b) => a - b);
  expect(chart.times).toEqual(times);
  expect(chart.total).toBe(set.length);
  expect(chart.counts).toEqual(times.map((t) => exp.get(t)!.count));
  expect(chart.uuids).toEqual(times.map((t) => (exp.get(t)!.count === 1 ? exp.get(t)!.first.uuid : null)));
  for (const s of chart.numeric) {
    times.forEach((t, i) => {
      const a = exp.get(t)!.num[s.code];
      expect(s.count[i], `${s.code} @${t}`).toBe(a?.n ?? 0);
      expect(s.min[i]).toBe(a?.min ?? null);
      expect(s.max[i]).toBe(a?.max ?? null);
      if (a) expect(s.mean[i]).toBeCloseTo(a.sum / a.n, 9);
      else expect(s.mean[i]).toBeNull();
    });
  }
  expect(chart.booleans.map((b) => b.code)).toEqual(['flooded']);
  expect(chart.booleans[0]!.trues).toEqual(times.map((t) => exp.get(t)!.trues));
  expect(chart.booleans[0]!.falses).toEqual(times.map((t) => exp.get(t)!.falses));
  expect(chart.texts[0]!.nonEmpty).toEqual(times.map((t) => exp.get(t)!.notes));
}

describe('chart.series', () => {
  it('the whole set, from the hourly summary: every bucket as the rows say, at most two per pixel', async () => {
    const chart = await d.gobs.chart.series({ indicatorCode: IND, pixels: 300 });
    expect(chart.times.length).toBeLessThanOrEqual(600);
    expect(chart.bucket).toEqual({ unit: 'second', size: 2 * 86_400 });
    expect(chart.numeric.map((n) => [n.code, n.unit])).toEqual([
      ['temperature', '°C'],
      ['ph', null],
      ['level', 'cm'],
    ]);
    checkChart(chart, rows());
    expect(chart.from).toBe(Math.min(...rows().map((r) => timestampToEpoch(r.timestamp))));
  });

  it('a time range cutting hours, and states: summary inside, rows at the edges', async () => {
    const filter: ObservationFilter = {
      from: '2020-03-04 10:30',
      to: '2021-11-20 17:45:10',
      states: ['synced', 'conflict'],
    };
    const chart = await d.gobs.chart.series({ indicatorCode: IND, pixels: 1000, filter });
    expect(chart.from).toBe(boundToEpoch('2020-03-04 10:30', 'from'));
    expect(chart.to).toBe(boundToEpoch('2021-11-20 17:45:10', 'to'));
    checkChart(chart, rows(filter));
  });

  it('a text filter and buckets shorter than an hour read the rows', async () => {
    const text = await d.gobs.chart.series({ indicatorCode: IND, pixels: 200, filter: { text: 'clear' } });
    checkChart(text, rows({ text: 'clear' }));
    expect(text.total).toBeGreaterThan(0);
    const narrow: ObservationFilter = { from: '2021-05-01', to: '2021-05-03' };
    const chart = await d.gobs.chart.series({ indicatorCode: IND, pixels: 2000, filter: narrow });
    expect(chart.bucket.unit === 'second' && chart.bucket.size < 3600).toBe(true);
    checkChart(chart, rows(narrow));
    expect(chart.uuids.some((u) => u !== null)).toBe(true);
  });

  it('follows edits and deletions at once (the summary is kept by the store)', async () => {
    const victim = rows({ states: ['synced'] })[100]!;
    const edited = rows({ states: ['synced'] })[200]!;
    await d.gobs.observations.update({
      uuid: edited.uuid,
      timestamp: edited.timestamp,
      x: edited.x,
      y: edited.y,
      values: { temperature: 99.5, ph: 7, level: 1, flooded: true, note: 'edited' },
    });
    await d.gobs.observations.delete({ uuid: victim.uuid });
    const chart = await d.gobs.chart.series({ indicatorCode: IND, pixels: 300 });
    checkChart(chart, rows());
    expect(Math.max(...(chart.numeric[0]!.max.filter((v) => v !== null) as number[]))).toBe(99.5);
    // The deletion is local (state 'deleted'): filtering it out removes it from the chart.
    const kept = await d.gobs.chart.series({
      indicatorCode: IND,
      pixels: 300,
      filter: { states: ['synced', 'modified', 'local', 'conflict'] },
    });
    checkChart(kept, rows({ states: ['synced', 'modified', 'local', 'conflict'] }));
    expect(kept.total).toBe(rows().length - rows({ states: ['deleted'] }).length);
  });

  it('refuses unknown dimensions and sizes, naming the field; an empty set is an empty chart', async () => {
    expect(
      await rejection(d.gobs.chart.series({ indicatorCode: IND, pixels: 300, dimensions: ['rain'] })),
    ).toMatchObject({
      code: 'invalid_argument',
      field: 'dimensions.0',
    });
    expect(await rejection(d.gobs.chart.series({ indicatorCode: IND, pixels: 2 }))).toMatchObject({ field: 'pixels' });
    const empty = await d.gobs.chart.series({ indicatorCode: IND, pixels: 300, filter: { from: '1990', to: '1991' } });
    expect(empty).toMatchObject({ total: 0, times: [], counts: [] });
    const only = await d.gobs.chart.series({ indicatorCode: IND, pixels: 300, dimensions: ['level'] });
    expect(only.numeric.map((n) => n.code)).toEqual(['level']);
    expect(only.booleans).toEqual([]);
  });
});

const FRANCE: [number, number, number, number] = [-6, 41, 10, 52];

function expectedClusters(set: Row[], level: number, dim: string) {
  const m = new Map<string, { n: number; sx: number; sy: number; vals: number[]; first: Row }>();
  for (const r of set) {
    const k = `${lonToCellX(r.x, level)},${latToCellY(r.y, level)}`;
    const c = m.get(k) ?? { n: 0, sx: 0, sy: 0, vals: [], first: r };
    c.n++;
    c.sx += r.x;
    c.sy += r.y;
    const v = r.vals[dim];
    if (typeof v === 'number') c.vals.push(v);
    if (typeof v === 'boolean') c.vals.push(v ? 1 : 0);
    if (r.local_id < c.first.local_id) c.first = r;
    m.set(k, c);
  }
  return m;
}

function checkClusters(view: MapView, set: Row[], dim: string): void {
  expect(view.mode).toBe('clusters');
  const exp = expectedClusters(set, view.level, dim);
  expect(view.clusters).toHaveLength(exp.size);
  expect(view.total).toBe(set.length);
  for (const c of view.clusters) {
    const e = exp.get(`${lonToCellX(c.x, view.level)},${latToCellY(c.y, view.level)}`);
    expect(e, `cluster at ${c.x},${c.y}`).toBeDefined();
    expect(c.count).toBe(e!.n);
    expect(c.x).toBeCloseTo(e!.sx / e!.n, 9);
    expect(c.y).toBeCloseTo(e!.sy / e!.n, 9);
    expect(c.min).toBe(e!.vals.length ? Math.min(...e!.vals) : null);
    expect(c.max).toBe(e!.vals.length ? Math.max(...e!.vals) : null);
    expect(c.uuid).toBe(e!.n === 1 ? e!.first.uuid : null);
  }
}

function range(set: Row[], dim: string): { min: number; max: number } {
  const v = set.map((r) => r.vals[dim]).filter((x): x is number => typeof x === 'number');
  return { min: Math.min(...v), max: Math.max(...v) };
}

describe('map.view', () => {
  it('dense: clusters from the cell summary, with counts, centres, value ranges and the legend', async () => {
    const view = await d.gobs.map.view({
      indicatorCode: IND,
      bbox: FRANCE,
      zoom: 5,
      dimension: 'temperature',
      maxFeatures: 500,
    });
    expect(view.level).toBe(7);
    checkClusters(view, rows(), 'temperature');
    expect(view.valueRange).toEqual(range(rows(), 'temperature'));
    const synced = await d.gobs.map.view({
      indicatorCode: IND,
      bbox: FRANCE,
      zoom: 3,
      dimension: 'flooded',
      maxFeatures: 100,
      filter: { states: ['synced'] },
    });
    checkClusters(synced, rows({ states: ['synced'] }), 'flooded');
    expect(synced.valueRange).toEqual({ min: 0, max: 1 });
  });

  it('time- and text-filtered views read the rows (time index when wide, cells when deep)', async () => {
    const filter: ObservationFilter = { from: '2020-06', to: '2021-02-10 12' };
    const wide = await d.gobs.map.view({
      indicatorCode: IND,
      bbox: FRANCE,
      zoom: 4,
      dimension: 'level',
      maxFeatures: 100,
      filter,
    });
    checkClusters(wide, rows(filter), 'level');
    expect(wide.valueRange).toEqual(range(rows(filter), 'level'));
    const s = sites[3]!;
    const box: [number, number, number, number] = [s.x - 1.5, s.y - 1, s.x + 1.5, s.y + 1];
    const inBox = (r: Row) => r.x >= box[0] && r.x <= box[2] && r.y >= box[1] && r.y <= box[3];
    const deep = await d.gobs.map.view({
      indicatorCode: IND,
      bbox: box,
      zoom: 9,
      dimension: 'level',
      maxFeatures: 10,
      filter,
    });
    checkClusters(deep, rows(filter).filter(inBox), 'level');
    const text = await d.gobs.map.view({
      indicatorCode: IND,
      bbox: FRANCE,
      zoom: 6,
      dimension: 'level',
      maxFeatures: 10,
      filter: { text: 'clear' },
    });
    checkClusters(text, rows({ text: 'clear' }), 'level');
  });

  it('few in view: the observations themselves, lines and polygons as such, valued', async () => {
    const line = sites.find((s) => s.wkt?.startsWith('LINESTRING'))!;
    const box: [number, number, number, number] = [line.x - 0.05, line.y - 0.05, line.x + 0.05, line.y + 0.05];
    const view = await d.gobs.map.view({
      indicatorCode: IND,
      bbox: box,
      zoom: 13,
      dimension: 'flooded',
      maxFeatures: 5000,
    });
    expect(view.mode).toBe('features');
    const expected = rows().filter((r) => r.x === line.x && r.y === line.y);
    expect(view.features.length).toBeGreaterThanOrEqual(expected.length);
    const mine = view.features.filter((f) => expected.some((r) => r.uuid === f.uuid));
    expect(mine).toHaveLength(expected.length);
    for (const f of mine) {
      expect(f.geometry.type).toBe('LineString');
      const r = expected.find((x) => x.uuid === f.uuid)!;
      expect(f.value).toBe(r.vals['flooded']);
      expect(f.state).toBe(r.state);
    }
  });

  it('refuses an unknown dimension and a bbox upside down, naming the field', async () => {
    expect(
      await rejection(d.gobs.map.view({ indicatorCode: IND, bbox: FRANCE, zoom: 3, dimension: 'rain' })),
    ).toMatchObject({
      code: 'invalid_argument',
      field: 'dimension',
    });
    expect(await rejection(d.gobs.map.view({ indicatorCode: IND, bbox: [10, 41, -6, 52], zoom: 3 }))).toMatchObject({
      code: 'invalid_argument',
      field: 'bbox',
    });
  });

  it('the project extent covers every position', async () => {
    const all = rows();
    const e = await d.gobs.projects.extent({ projectKey: 'water' });
    expect(e.layers).toBeNull();
    expect(e.declared).toBeNull(); // this server declares no area for the project
    expect(e.observations).toEqual([
      Math.min(...all.map((r) => r.x)),
      Math.min(...all.map((r) => r.y)),
      Math.max(...all.map((r) => r.x)),
      Math.max(...all.map((r) => r.y)),
    ]);
    expect(await rejection(d.gobs.projects.extent({ projectKey: 'nope' }))).toMatchObject({ code: 'not_found' });
  });
});

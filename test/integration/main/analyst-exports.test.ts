/**
 * Exports through the real channels over a real store, each file read back by an independent
 * reader: GDAL's ogrinfo (GeoPackage, GeoJSON and CSV drivers), an RFC 4180 parser, SQLite itself.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/server/admin/csv';
import { bbox } from '../../../src/shared/geometry';
import { parseWkt } from '../../../src/shared/wkt';
import { accountDir } from '../../../src/main/store/account';
import type { ExportProgress, ExportStartArgs, ObservationFilter } from '../../../src/shared/ipc';
import { createTestDesktop, exportIntoDataDir, type TestDesktop } from '../../helpers/desktop';
import { hasGdal, ogrinfo, ogrSql } from '../../helpers/gdal';
import { seedAnalystAccount, seedWaterObservations, TRICKY_TEXTS } from '../../helpers/seedAnalyst';
import { rejection } from './support';

let d: TestDesktop;
let storeFile: string;
const N = 5000;

beforeAll(async () => {
  d = await createTestDesktop();
  const ref = seedAnalystAccount(d.dataDir);
  seedWaterObservations(d.dataDir, ref, N, { stations: 40 });
  storeFile = join(accountDir(d.dataDir, ref), 'store.sqlite');
  d = await d.restart();
  mkdirSync(join(d.dataDir, 'exports'), { recursive: true });
});
beforeEach(() => {
  d.exportTo = exportIntoDataDir(d.dataDir);
});
afterAll(() => d.close(true));

interface Oracle {
  uuid: string;
  timestamp: string;
  x: number;
  y: number;
  wkt: string | null;
  vals: Record<string, unknown>;
  author: string | null;
  state: string;
}

/** The filtered set read straight from the store file, in time order (the reference). */
function oracle(where = '1 = 1', params: unknown[] = []): Oracle[] {
  const db = new Database(storeFile, { readonly: true });
  try {
    return (
      db
        .prepare(
          `SELECT uuid, timestamp, x, y, wkt, vals, author, state FROM observation
            WHERE indicator_code = 'water_quality' AND ${where} ORDER BY timestamp, local_id`,
        )
        .all(...params) as (Omit<Oracle, 'vals'> & { vals: string })[]
    ).map((r) => ({ ...r, vals: JSON.parse(r.vals) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}

async function exportAndWait(args: ExportStartArgs): Promise<ExportProgress> {
  const started = await d.gobs.exports.start(args);
  expect(started).not.toBeNull();
  return waitEnd(started!.id);
}

function waitEnd(id: string): Promise<ExportProgress> {
  return new Promise((resolve) => {
    const seen = d.events.find(
      (e) =>
        e.event === 'export.progress' &&
        (e.payload as ExportProgress).id === id &&
        (e.payload as ExportProgress).state !== 'running',
    );
    if (seen) return resolve(seen.payload as ExportProgress);
    const off = d.gobs.on('export.progress', (p) => {
      if (p.id === id && p.state !== 'running') {
        off();
        resolve(p);
      }
    });
  });
}

function exportsDir(): string[] {
  const dir = join(d.dataDir, 'exports');
  return existsSync(dir) ? readdirSync(dir) : [];
}

const FILTER: ObservationFilter = { from: '2021-01', to: '2023-06-15 12:30', states: ['synced', 'local', 'modified'] };
const FILTER_SQL = `timestamp >= '2021-01' AND timestamp <= '2023-06-15 12:30~' AND state IN ('synced', 'local', 'modified')`;

describe('CSV export', () => {
  it('writes the filtered set: BOM, units in the header, RFC 4180 quoting, formulas neutralised, numbers numeric', async () => {
    d.exportTo = (o) => join(d.dataDir, 'exports', `filtered-${o.defaultName}`);
    const end = await exportAndWait({ indicatorCode: 'water_quality', format: 'csv', filter: FILTER });
    expect(end).toMatchObject({ state: 'done', error: null });
    const expected = oracle(FILTER_SQL);
    expect(end.total).toBe(expected.length);
    expect(end.done).toBe(expected.length);
    expect(await d.gobs.observations.count({ indicatorCode: 'water_quality', filter: FILTER })).toBe(expected.length);
    expect(d.savePrompts.at(-1)).toMatchObject({ defaultName: 'water_quality.csv' });

    const bytes = readFileSync(end.file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parseCsv(bytes.toString('utf8'));
    expect(records[0]!.fields).toEqual([
      'uuid',
      'timestamp',
      'x',
      'y',
      'wkt',
      'temperature (°C)',
      'ph',
      'level (cm)',
      'flooded',
      'note',
      'author',
      'state',
    ]);
    const rows = records.slice(1).map((r) => r.fields);
    expect(rows.map((r) => r[0])).toEqual(expected.map((o) => o.uuid));
    const escape = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
    rows.forEach((r, i) => {
      const o = expected[i]!;
      expect(r[1]).toBe(o.timestamp);
      expect(Number(r[2])).toBe(o.x);
      expect(r[4]).toBe(o.wkt ?? '');
      expect(r[5]).toBe(String(o.vals['temperature']));
      expect(r[6]).toBe(o.vals['ph'] === undefined ? '' : String(o.vals['ph']));
      expect(r[8]).toBe(String(o.vals['flooded']));
      expect(r[9]).toBe(escape(String(o.vals['note'])));
      expect(r[10]).toBe(escape(o.author ?? ''));
    });
    // Every tricky text made it, escaped where a spreadsheet would run it.
    const notes = new Set(rows.map((r) => r[9]));
    for (const t of TRICKY_TEXTS) expect(notes, t).toContain(escape(t));
    const text = bytes.toString('utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://example.invalid"",""click"")"`);
    expect(text).toContain('"two\nlines"');
    // Negative temperatures stay numbers: no apostrophe, no quotes.
    expect(rows.some((r) => r[5]!.startsWith('-') && !r[5]!.startsWith("'"))).toBe(true);
    expect(exportsDir().filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it.skipIf(!hasGdal)('opens in GDAL with numeric columns numeric and the WKT as geometry', async () => {
    const end = await exportAndWait({ indicatorCode: 'water_quality', format: 'csv' });
    const [layer] = ogrinfo(end.file, '-oo', 'AUTODETECT_TYPE=YES', '-oo', 'KEEP_GEOM_COLUMNS=YES');
    expect(layer!.featureCount).toBe(N);
    expect(layer!.fields).toMatchObject({
      x: 'Real',
      y: 'Real',
      'temperature (°C)': 'Real',
      'level (cm)': 'Integer',
      note: 'String',
    });
  });
});

describe('GeoJSON export', () => {
  it.skipIf(!hasGdal)(
    'is an RFC 7946 FeatureCollection GDAL reads with typed properties and real geometries',
    async () => {
      const end = await exportAndWait({ indicatorCode: 'water_quality', format: 'geojson', filter: FILTER });
      expect(end.state).toBe('done');
      const expected = oracle(FILTER_SQL);
      const [layer] = ogrinfo(end.file);
      expect(layer!.featureCount).toBe(expected.length);
      expect(layer!.geometry).toBe('Unknown (any)');
      expect(layer!.fields).toMatchObject({
        uuid: 'String',
        temperature: 'Real',
        ph: 'Real',
        level: 'Integer',
        flooded: 'Integer(Boolean)',
        note: 'String',
        author: 'String',
        state: 'String',
      });
      expect(layer!.fields).not.toHaveProperty('id');

      const doc = JSON.parse(readFileSync(end.file, 'utf8')) as {
        type: string;
        features: { geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> }[];
      };
      expect(doc.type).toBe('FeatureCollection');
      const types = new Set(doc.features.map((f) => f.geometry.type));
      expect([...types].sort()).toEqual(['LineString', 'MultiLineString', 'MultiPolygon', 'Point', 'Polygon']);
      doc.features.forEach((f, i) => {
        const o = expected[i]!;
        expect(f.properties['uuid']).toBe(o.uuid);
        expect(f.properties['level']).toBe(o.vals['level']);
        expect(f.properties['flooded']).toBe(o.vals['flooded']);
        expect(f.properties['ph']).toBe(o.vals['ph'] ?? null);
        if (!o.wkt) expect(f.geometry).toEqual({ type: 'Point', coordinates: [o.x, o.y] });
      });
      // Exterior rings counter-clockwise (RFC 7946 §3.1.6).
      const poly = doc.features.find((f) => f.geometry.type === 'Polygon')!.geometry.coordinates as number[][][];
      const ring = poly[0]!;
      const area2 = ring.slice(0, -1).reduce((s, p, k) => s + p[0]! * ring[k + 1]![1]! - ring[k + 1]![0]! * p[1]!, 0);
      expect(area2).toBeGreaterThan(0);
    },
  );
});

describe('GeoPackage export', () => {
  it.skipIf(!hasGdal)(
    'opens in GDAL: typed columns, the real geometry type, EPSG:4326, extent, spatial index',
    async () => {
      const end = await exportAndWait({ indicatorCode: 'water_quality', format: 'gpkg', filter: FILTER });
      expect(end.state).toBe('done');
      const expected = oracle(FILTER_SQL);
      const [layer] = ogrinfo(end.file);
      expect(layer!.warnings).toBe('');
      expect(layer!.name).toBe('water_quality');
      expect(layer!.featureCount).toBe(expected.length);
      expect(layer!.geometry).toBe('Unknown (any)');
      expect(layer!.fields).toEqual({
        uuid: 'String',
        timestamp: 'String',
        temperature: 'Real',
        ph: 'Real',
        // GeoPackage INTEGER is 64-bit: GDAL's Integer64, QGIS's qlonglong.
        level: 'Integer64',
        flooded: 'Integer(Boolean)',
        note: 'String',
        author: 'String',
        state: 'String',
      });
      const db = new Database(end.file, { readonly: true });
      try {
        expect(db.pragma('application_id', { simple: true })).toBe(0x47504b47);
        expect(db.pragma('user_version', { simple: true })).toBe(10300);
        expect(db.prepare('SELECT srs_id FROM gpkg_geometry_columns').pluck().get()).toBe(4326);
        expect(db.prepare('SELECT count(*) FROM rtree_water_quality_geom').pluck().get()).toBe(expected.length);
        const stored = db.prepare('SELECT uuid, flooded, note FROM water_quality ORDER BY fid').all() as {
          uuid: string;
          flooded: number;
          note: string;
        }[];
        expect(stored.map((r) => r.uuid)).toEqual(expected.map((o) => o.uuid));
        stored.forEach((r, i) => expect(r.note).toBe(expected[i]!.vals['note']));
      } finally {
        db.close();
      }
      // The extent GDAL computes from the features matches the positions it holds.
      const lonLat = expected.flatMap((o) => (o.wkt ? [] : [[o.x, o.y]]));
      expect(layer!.extent![0]).toBeLessThanOrEqual(Math.min(...lonLat.map((p) => p[0]!)) + 1e-9);
      expect(layer!.extent![3]).toBeGreaterThanOrEqual(Math.max(...lonLat.map((p) => p[1]!)) - 1e-9);
      expect(ogrSql(end.file, "SELECT HasSpatialIndex('water_quality', 'geom')")).toMatch(
        /HasSpatialIndex \(Integer\) = 1/,
      );
      // A spatial filter (answered through the R-tree) finds the features in the box: at least the
      // points inside, at most the geometries whose bounds meet it.
      const box = [0, 45, 3, 48] as const;
      const bounds = (o: Oracle) => (o.wkt ? bbox(parseWkt(o.wkt)) : [o.x, o.y, o.x, o.y]);
      const meets = expected.filter((o) => {
        const b = bounds(o);
        return b[0]! <= box[2] && b[2]! >= box[0] && b[1]! <= box[3] && b[3]! >= box[1];
      }).length;
      const points = expected.filter(
        (o) => !o.wkt && o.x >= box[0] && o.x <= box[2] && o.y >= box[1] && o.y <= box[3],
      ).length;
      const [filtered] = ogrinfo(end.file, '-spat', ...box.map(String));
      expect(points).toBeGreaterThan(0);
      expect(filtered!.featureCount).toBeGreaterThanOrEqual(points);
      expect(filtered!.featureCount).toBeLessThanOrEqual(meets);
    },
  );

  it.skipIf(!hasGdal)('declares single types: lines only give a LINESTRING layer', async () => {
    const lines = oracle("wkt LIKE 'LINESTRING%'");
    expect(lines.length).toBeGreaterThan(0);
    const end = await exportAndWait({
      indicatorCode: 'water_quality',
      format: 'gpkg',
      uuids: lines.map((o) => o.uuid),
    });
    const [layer] = ogrinfo(end.file);
    expect(layer!.geometry).toBe('Line String');
    expect(layer!.featureCount).toBe(lines.length);
    const mixed = oracle("(wkt LIKE 'POLYGON%' OR wkt LIKE 'MULTIPOLYGON%')");
    const end2 = await exportAndWait({
      indicatorCode: 'water_quality',
      format: 'gpkg',
      uuids: mixed.map((o) => o.uuid),
    });
    expect(ogrinfo(end2.file)[0]!.geometry).toBe('Multi Polygon');
    expect(ogrinfo(end2.file)[0]!.featureCount).toBe(mixed.length);
  });

  it.skipIf(!hasGdal)("keeps its R-tree in step when GDAL edits the file (the GeoPackage's triggers)", async () => {
    const end = await exportAndWait({
      indicatorCode: 'water_quality',
      format: 'gpkg',
      uuids: oracle()
        .slice(0, 50)
        .map((o) => o.uuid),
    });
    ogrSql(end.file, 'DELETE FROM water_quality WHERE fid = 1', true);
    ogrSql(end.file, "UPDATE water_quality SET geom = ST_GeomFromText('POINT (100 10)', 4326) WHERE fid = 2", true);
    ogrSql(end.file, 'UPDATE water_quality SET geom = NULL WHERE fid = 3', true);
    const db = new Database(end.file, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM rtree_water_quality_geom').pluck().get()).toBe(48);
      expect(db.prepare('SELECT minx, maxx, miny, maxy FROM rtree_water_quality_geom WHERE id = 2').get()).toEqual({
        minx: 100,
        maxx: 100,
        miny: 10,
        maxy: 10,
      });
    } finally {
      db.close();
    }
  });
});

describe('export lifecycle', () => {
  it('a selection exports exactly those observations, in time order', async () => {
    const picked = oracle().filter((_, i) => i % 500 === 0);
    const shuffled = [...picked].reverse().map((o) => o.uuid);
    const end = await exportAndWait({
      indicatorCode: 'water_quality',
      format: 'csv',
      uuids: shuffled,
      filter: { text: 'nothing' },
    });
    const rows = parseCsv(readFileSync(end.file, 'utf8')).slice(1);
    expect(rows.map((r) => r.fields[0])).toEqual(picked.map((o) => o.uuid));
  });

  it('exports the set as it was when started, whatever is written meanwhile', async () => {
    const before = oracle().length;
    const started = await d.gobs.exports.start({ indicatorCode: 'water_quality', format: 'geojson' });
    await d.gobs.observations.create({
      indicatorCode: 'water_quality',
      timestamp: '2022-06-01 10:00:00',
      x: 2,
      y: 47,
      values: { temperature: 20, ph: 7, level: 10, flooded: false, note: 'added during the export' },
    });
    const end = await waitEnd(started!.id);
    expect(end.total).toBe(before);
    const doc = JSON.parse(readFileSync(end.file, 'utf8')) as { features: unknown[] };
    expect(doc.features).toHaveLength(before);
    expect(oracle()).toHaveLength(before + 1);
  });

  it('cancelled at once or mid-way, leaves no file; the dialog cancelled starts nothing', async () => {
    d.exportTo = (o) => join(d.dataDir, 'exports', `cancel-${o.defaultName}`);
    const first = await d.gobs.exports.start({ indicatorCode: 'water_quality', format: 'gpkg' });
    await d.gobs.exports.cancel({ id: first!.id });
    expect((await waitEnd(first!.id)).state).toBe('cancelled');

    const second = await d.gobs.exports.start({ indicatorCode: 'water_quality', format: 'csv' });
    const midway = await new Promise<ExportProgress>((resolve) => {
      const off = d.gobs.on('export.progress', (p) => {
        if (p.id === second!.id && p.state === 'running' && p.done > 0) {
          off();
          void d.gobs.exports.cancel({ id: p.id }).then(() => resolve(p));
        }
      });
    });
    expect(midway.done).toBeLessThan(N);
    const end = await waitEnd(second!.id);
    expect(end.state).toBe('cancelled');
    expect(exportsDir().filter((f) => f.startsWith('cancel-'))).toEqual([]);

    d.exportTo = () => null;
    const before = d.events.length;
    expect(await d.gobs.exports.start({ indicatorCode: 'water_quality', format: 'csv' })).toBeNull();
    expect(d.events.slice(before).filter((e) => e.event === 'export.progress')).toEqual([]);
  });

  it('a file that cannot be written fails with a message and leaves nothing', async () => {
    d.exportTo = () => join(d.dataDir, 'no-such-folder', 'x.gpkg');
    const end = await exportAndWait({ indicatorCode: 'water_quality', format: 'gpkg' });
    expect(end.state).toBe('failed');
    expect(end.error?.message).toMatch(/x\.gpkg/);
    expect(existsSync(join(d.dataDir, 'no-such-folder'))).toBe(false);
  });

  it('refuses bad arguments naming the field, and unknown indicators', async () => {
    expect(
      await rejection(d.gobs.exports.start({ indicatorCode: 'water_quality', format: 'xls' as 'csv' })),
    ).toMatchObject({
      code: 'invalid_argument',
      field: 'format',
    });
    expect(
      await rejection(d.gobs.exports.start({ indicatorCode: 'water_quality', format: 'csv', uuids: ['nope'] })),
    ).toMatchObject({ code: 'invalid_argument', field: 'uuids.0' });
    expect(await rejection(d.gobs.exports.start({ indicatorCode: 'nope', format: 'csv' }))).toMatchObject({
      code: 'not_found',
    });
  });
});

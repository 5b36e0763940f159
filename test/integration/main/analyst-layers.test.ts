/**
 * A project's reference layers read from its cached GeoPackage: files written by GDAL's ogr2ogr
 * (the independent writer QGIS users produce them with) in EPSG:4326, Web Mercator and Lambert-93,
 * and the app's own exports; size bounds and damaged files.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGeoPackageLayers } from '../../../src/main/geopackage/reader';
import { accountDir } from '../../../src/main/store/account';
import type { ExportProgress } from '../../../src/shared/ipc';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { hasGdal } from '../../helpers/gdal';
import { seedAnalystAccount, seededGeoPackagePath, seedWaterObservations } from '../../helpers/seedAnalyst';
import { rejection } from './support';

let d: TestDesktop;
let gpkg: string;
let account: string;

const stations = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { code: 'S1', name: 'Pont-de-l’Arche', depth: 2.5 },
      geometry: { type: 'Point', coordinates: [1.155, 49.303] },
    },
    {
      type: 'Feature',
      properties: { code: 'S2', name: 'Rouen, quai', depth: 7 },
      geometry: { type: 'Point', coordinates: [1.09, 49.44] },
    },
  ],
};
const rivers = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: 'Seine' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [1.0, 49.0],
          [1.2, 49.3],
          [1.1, 49.5],
        ],
      },
    },
  ],
};
const zones = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { zone: 'flood plain' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [1, 49],
            [1.3, 49],
            [1.3, 49.4],
            [1, 49.4],
            [1, 49],
          ],
        ],
      },
    },
  ],
};

beforeAll(async () => {
  d = await createTestDesktop();
  const ref = seedAnalystAccount(d.dataDir);
  seedWaterObservations(d.dataDir, ref, 500, { stations: 20 });
  account = accountDir(d.dataDir, ref);
  d = await d.restart();
  gpkg = seededGeoPackagePath(d.dataDir, ref);
});
afterAll(() => d.close(true));

function ogr2ogr(dest: string, source: object, layer: string, ...extra: string[]): void {
  const src = join(d.dataDir, `${layer}.geojson`);
  writeFileSync(src, JSON.stringify(source));
  mkdirSync(dirname(dest), { recursive: true });
  execFileSync('ogr2ogr', ['-f', 'GPKG', '-update', '-append', dest, src, '-nln', layer, ...extra], { stdio: 'pipe' });
}

describe('projects.layers', () => {
  it('no cached GeoPackage: no layers; unknown project: not found', async () => {
    expect(await d.gobs.projects.layers({ projectKey: 'water' })).toEqual({ file: null, layers: [] });
    expect(await rejection(d.gobs.projects.layers({ projectKey: 'nope' }))).toMatchObject({
      code: 'not_found',
      field: 'projectKey',
    });
  });

  it.skipIf(!hasGdal)(
    'reads layers ogr2ogr wrote: 4326 as is, Web Mercator converted, Lambert-93 reported',
    async () => {
      ogr2ogr(gpkg, stations, 'stations');
      ogr2ogr(gpkg, rivers, 'rivers');
      ogr2ogr(gpkg, zones, 'zones', '-t_srs', 'EPSG:3857');
      ogr2ogr(gpkg, zones, 'parcels', '-t_srs', 'EPSG:2154');
      const { file, layers } = await d.gobs.projects.layers({ projectKey: 'water' });
      expect(file).toBe(gpkg);
      expect(layers.map((l) => [l.name, l.geometryType, l.srs, l.unsupportedCrs, l.featureCount])).toEqual([
        ['parcels', 'POLYGON', 'EPSG:2154', true, 1],
        ['rivers', 'LINESTRING', 'EPSG:4326', false, 1],
        ['stations', 'POINT', 'EPSG:4326', false, 2],
        ['zones', 'POLYGON', 'EPSG:3857', false, 1],
      ]);
      const byName = Object.fromEntries(layers.map((l) => [l.name, l]));
      expect(byName['parcels']!.features).toEqual([]);
      expect(
        byName['stations']!.features.map((f) => [f.geometry, f.properties['name'], f.properties['depth']]),
      ).toEqual([
        [{ type: 'Point', coordinates: [1.155, 49.303] }, 'Pont-de-l’Arche', 2.5],
        [{ type: 'Point', coordinates: [1.09, 49.44] }, 'Rouen, quai', 7],
      ]);
      expect(byName['rivers']!.features[0]!.geometry).toEqual(rivers.features[0]!.geometry);
      const ring = (byName['zones']!.features[0]!.geometry as { coordinates: number[][][] }).coordinates[0]!;
      const source = zones.features[0]!.geometry.coordinates[0]!;
      expect(ring).toHaveLength(source.length);
      ring.forEach((p, i) => {
        expect(p[0]).toBeCloseTo(source[i]![0]!, 7);
        expect(p[1]).toBeCloseTo(source[i]![1]!, 7);
      });
      expect(byName['zones']!.bbox![0]).toBeCloseTo(1, 7);
      expect(byName['zones']!.bbox![3]).toBeCloseTo(49.4, 7);

      const extent = await d.gobs.projects.extent({ projectKey: 'water' });
      expect(extent.layers![0]).toBeCloseTo(1, 6);
      expect(extent.layers![3]).toBeCloseTo(49.5, 6);
      expect(extent.extent![0]).toBeLessThanOrEqual(Math.min(extent.layers![0], extent.observations![0]));
    },
  );

  it.skipIf(!hasGdal)('stops at the size bound, saying so', () => {
    const layers = readGeoPackageLayers(gpkg, { maxFeatures: 2, maxPositions: 1000 });
    const read = layers.reduce((s, l) => s + l.features.length, 0);
    expect(read).toBe(2);
    expect(layers.some((l) => l.truncated)).toBe(true);
    // The river (3 vertices) and the zone (5) do not fit in 2 positions; the two stations do.
    const byPositions = readGeoPackageLayers(gpkg, { maxFeatures: 100, maxPositions: 2 });
    expect(byPositions.map((l) => [l.name, l.features.length, l.truncated])).toEqual([
      ['parcels', 0, false],
      ['rivers', 0, true],
      ['stations', 2, false],
      ['zones', 0, true],
    ]);
  });

  it('reads back the GeoPackage the app exports: every observation, every geometry', async () => {
    const started = await d.gobs.exports.start({ indicatorCode: 'water_quality', format: 'gpkg' });
    const end = await new Promise<ExportProgress>((resolve) => {
      const off = d.gobs.on('export.progress', (p) => {
        if (p.id === started!.id && p.state !== 'running') {
          off();
          resolve(p);
        }
      });
    });
    expect(end.state).toBe('done');
    const [layer] = readGeoPackageLayers(end.file);
    expect(layer!.featureCount).toBe(500);
    const geojson = await d.gobs.map.view({
      indicatorCode: 'water_quality',
      bbox: [-10, 40, 15, 55],
      zoom: 3,
      maxFeatures: 1000,
    });
    const byUuid = new Map(geojson.features.map((f) => [f.uuid, f.geometry]));
    for (const f of layer!.features) expect(f.geometry).toEqual(byUuid.get(f.properties['uuid'] as string));
    expect(new Set(layer!.features.map((f) => f.geometry?.type)).size).toBeGreaterThan(3);
  });

  it('a damaged or foreign file is refused with a clear message', async () => {
    writeFileSync(gpkg, 'not a database at all, just text that is long enough to look like a header.....');
    expect(await rejection(d.gobs.projects.layers({ projectKey: 'water' }))).toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/GeoPackage cannot be read/),
    });
    copyFileSync(join(account, 'store.sqlite'), gpkg);
    expect(await rejection(d.gobs.projects.layers({ projectKey: 'water' }))).toMatchObject({
      message: expect.stringMatching(/Not a GeoPackage/),
    });
  });
});

/**
 * What a client reads: projects and their views (by group and by area), series with their
 * indicator and documents, downloads, and observations in the two shapes the module uses (the
 * detail with the full geometry, the list with the centroid and ISO times, selected by indicator).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COUNTS,
  DOCUMENTS,
  type LizmapStandin,
  OBSERVATIONS,
  PROJECTS,
  SERIES,
  type StandinClient,
  jpeg,
  startLizmapStandin,
} from '../../standins/lizmap/index.js';
import { DETAIL_TIME, LIST_TIME, available, expectError } from './support.js';

const NOT_GOBS =
  'The project is not a valid G-Osb project : no series found, or there is no corresponding project views for the authenticated user';

type Obs = Record<string, unknown> & { uuid: string; series: number; wkt: string; editable: boolean };

describe.skipIf(!available)('Lizmap stand-in: reading', () => {
  let lizmap: LizmapStandin;
  let writer: StandinClient;
  let filtered: StandinClient;
  let outsider: StandinClient;

  beforeAll(async () => {
    lizmap = await startLizmapStandin();
    writer = await lizmap.asUser('writer');
    filtered = await lizmap.asUser('filtered');
    outsider = await lizmap.asUser('outsider');
  });
  afterAll(() => lizmap?.close());

  it('lists the projects whose views name one of the user’s groups and that have series', async () => {
    const keys = async (c: StandinClient) => ((await c.projects()).body as { key: string }[]).map((p) => p.key).sort();
    expect(await keys(writer)).toEqual([PROJECTS.a, PROJECTS.b]);
    expect(await keys(filtered)).toEqual([PROJECTS.a]);
    expect(await keys(outsider)).toEqual([]);
    // default_project has a view (for other groups) but no series: never listed, and 404 even to its group
    await lizmap.addUser({ login: 'default_admin', password: 'pw', email: 'da@example.org', groups: ['group_a'] });
    const defaultAdmin = await lizmap.asUser('default_admin', 'pw');
    expect(await keys(defaultAdmin)).toEqual([]);
    expectError(await defaultAdmin.project(PROJECTS.default), 404, NOT_GOBS);
  });

  it('gives a project with extent values as strings and URLs only for files that exist', async () => {
    const a = await writer.project();
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      key: PROJECTS.a,
      label: 'GobsAPI test project a',
      description: 'Test project a',
      media_url: `${lizmap.baseUrl}/project/${PROJECTS.a}/illustration`,
      geopackage_url: `${lizmap.baseUrl}/project/${PROJECTS.a}/geopackage`,
      extent: { xmin: '-3.95', ymin: '48.34', xmax: '-3.6', ymax: '48.57' },
    });
    const b = (await writer.project(PROJECTS.b)).body as Record<string, unknown>;
    expect(b['media_url']).toBeNull();
    expect(b['geopackage_url']).toBeNull();
    // The extent is the global view's, whoever asks
    expect(((await filtered.project()).body as { extent: unknown }).extent).toEqual(
      (a.body as { extent: unknown }).extent,
    );
  });

  it('answers 404 "…not a valid G-Osb project…" for an unknown project or one the user has no view of', async () => {
    expectError(await writer.project('gobsapi~foobar'), 404, NOT_GOBS);
    expectError(await outsider.project(PROJECTS.a), 404, NOT_GOBS);
    expectError(await filtered.project(PROJECTS.b), 404, NOT_GOBS);
    expectError(await outsider.observations(SERIES.pluviometry), 404, NOT_GOBS);
  });

  it('lists the series of a project with their indicator, documents, preview and icon', async () => {
    const res = await writer.projectSeries();
    expect(res.status).toBe(200);
    const series = res.body as {
      id: number;
      project_key: string;
      layer_code: string;
      protocol_code: string;
      indicator: Record<string, unknown>;
    }[];
    expect(series.map((s) => s.id).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const hikers = series.find((s) => s.id === SERIES.hikers)!;
    expect(Object.keys(hikers)).toEqual(['id', 'project_key', 'layer_code', 'protocol_code', 'indicator']);
    expect(hikers).toMatchObject({ project_key: PROJECTS.a, layer_code: 'gpsposition', protocol_code: 'gps-tracking' });
    expect(Object.keys(hikers.indicator)).toEqual([
      'id',
      'code',
      'label',
      'description',
      'category',
      'date_format',
      'values',
      'documents',
      'preview',
      'icon',
      'created_at',
      'updated_at',
    ]);
    expect(hikers.indicator['values']).toEqual([{ code: 'altitude', name: 'Altitude', type: 'integer', unit: 'm' }]);
    expect(hikers.indicator['created_at']).toMatch(LIST_TIME); // json_build_object/row_to_json times
    const docUrl = (uid: string) => `${lizmap.baseUrl}/project/${PROJECTS.a}/series/${SERIES.hikers}/document/${uid}`;
    // The preview left `documents` for its own field; the url document keeps its external link
    expect(hikers.indicator['preview']).toBe(docUrl(DOCUMENTS.hikingPreview));
    expect(hikers.indicator['icon']).toBeNull();
    const docs = hikers.indicator['documents'] as { uid: string; type: string; url: string }[];
    expect(docs.map((d) => d.type)).toEqual(['document', 'url']);
    expect(docs[0]).toMatchObject({ uid: DOCUMENTS.hikingPresentation, url: docUrl(DOCUMENTS.hikingPresentation) });
    expect(Object.keys(docs[0]!)).toEqual([
      'id',
      'uid',
      'indicator',
      'label',
      'description',
      'type',
      'url',
      'created_at',
      'updated_at',
    ]);
    expect(docs[1]).toMatchObject({ uid: DOCUMENTS.hikingRulesUrl, url: 'https://www.example.org/park/hiking-rules' });

    const pluvio = series.find((s) => s.id === SERIES.pluviometry)!;
    expect(pluvio.indicator['icon']).toMatch(new RegExp(`/document/${DOCUMENTS.rainIcon}$`));
    expect(pluvio.indicator['preview']).toBeNull();
    const river = series.find((s) => s.id === SERIES.riverInspection)!;
    expect((river.indicator['values'] as { type: string }[]).map((v) => v.type)).toEqual([
      'date',
      'timestamp',
      'boolean',
      'real',
      'text',
    ]);
    expect((series.find((s) => s.id === SERIES.population)!.indicator['documents'] as unknown[]).length).toBe(0);
  });

  it('gives one series, and 404 for an unknown one; the series id is looked up whatever the project', async () => {
    const one = await writer.getSeries(SERIES.fauna);
    expect(one.status).toBe(200);
    expect((one.body as { indicator: { values: unknown[] } }).indicator.values).toEqual([
      { code: 'number', name: 'Number of individuals', type: 'integer', unit: 'ind' },
      { code: 'species', name: 'Observed species', type: 'text', unit: 'sp' },
    ]);
    expectError(await writer.getSeries(999), 404, 'The given series id does not refer to a known series');
    // Series 7 belongs to project b but is served under project a's key (the module checks the id only)
    const other = await writer.getSeries(SERIES.projectBPluviometry, PROJECTS.a);
    expect(other.status).toBe(200);
    expect((other.body as { project_key: string }).project_key).toBe(PROJECTS.b);
  });

  it('downloads documents by uid, as attachments named by their label', async () => {
    const text = await writer.request<Buffer>(
      'GET',
      `/project/${PROJECTS.a}/series/3/document/${DOCUMENTS.hikingPresentation}`,
    );
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.headers.get('content-disposition')).toBe('attachment; filename="Hiking presentation"');
    expect(text.body.toString('utf8')).toContain('Hiking');
    const preview = await writer.request<Buffer>(
      'GET',
      `/project/${PROJECTS.a}/series/3/document/${DOCUMENTS.hikingPreview}`,
    );
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/jpeg');
    expect(preview.body.equals(jpeg())).toBe(true);
    expectError(
      await writer.request('GET', `/project/${PROJECTS.a}/series/3/document/not-a-uuid`),
      400,
      'Invalid document UID',
    );
    expectError(
      await writer.request('GET', `/project/${PROJECTS.a}/series/3/document/${DOCUMENTS.rainIcon}`),
      404,
      'The given document uid does not exist for this indicator',
    );
    expectError(
      await writer.request('GET', `/project/${PROJECTS.a}/series/3/document/${DOCUMENTS.hikingRulesUrl}`),
      404,
      'The document file does not exist',
    );
  });

  it('downloads the project GeoPackage with the layers of its series (a real one)', async () => {
    const res = await writer.request<Buffer>('GET', `/project/${PROJECTS.a}/geopackage`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/geopackage+vnd.sqlite3');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${PROJECTS.a}.gpkg"`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gpkg-')), 'a.gpkg');
    fs.writeFileSync(file, res.body);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('application_id', { simple: true })).toBe(0x47504b47);
      const tables = db.prepare(`SELECT table_name FROM gpkg_contents ORDER BY table_name`).pluck().all();
      expect(tables).toEqual([
        'brittany-cities',
        'faunal_observation',
        'gpsposition',
        'pluviometers',
        'river-stations',
      ]);
      const cities = db.prepare(`SELECT code, label FROM "brittany-cities" ORDER BY code`).all();
      expect(cities).toHaveLength(7);
      expect(cities).toContainEqual({ code: '29007', label: 'Berrien' });
      const blob = db.prepare(`SELECT geom FROM pluviometers WHERE code = '29275003'`).pluck().get() as Buffer;
      expect(blob.subarray(0, 2).toString('latin1')).toBe('GP');
      expect(blob.readInt32LE(4)).toBe(4326);
      // WKB point after the 40-byte header: type 1, then x, y
      expect(blob.readUInt32LE(41)).toBe(1);
      expect(blob.readDoubleLE(45)).toBeCloseTo(-3.65174692, 8);
      expect(blob.readDoubleLE(53)).toBeCloseTo(48.45273043, 8);
    } finally {
      db.close();
    }
    // GDAL reads it as a GeoPackage (when installed: gdal-bin)
    let ogr: string | null = null;
    try {
      ogr = execFileSync('ogrinfo', ['-ro', '-so', file, 'brittany-cities'], { encoding: 'utf8' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      console.warn('ogrinfo not installed: GeoPackage checked with SQLite only');
    }
    if (ogr !== null) {
      expect(ogr).toMatch(/Geometry: Multi Polygon/);
      expect(ogr).toMatch(/Feature Count: 7/);
    }

    const none = await writer.request<Buffer>('GET', `/project/${PROJECTS.b}/geopackage`);
    expect(none.status).toBe(404);
    expect(none.body.toString('utf8')).toBe('No file has been found in the specified path');
  });

  it('downloads the project illustration, or Lizmap’s default picture (sent as default.png)', async () => {
    const a = await writer.request<Buffer>('GET', `/project/${PROJECTS.a}/illustration`);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('image/png');
    expect(a.body.subarray(1, 4).toString('latin1')).toBe('PNG');
    const b = await writer.request<Buffer>('GET', `/project/${PROJECTS.b}/illustration`);
    expect(b.status).toBe(200);
    expect(b.headers.get('content-disposition')).toBe('attachment; filename="default.png"');
    expect(b.body[0]).toBe(0xff); // a JPEG, whatever the name says
  });

  it('gives the detail with the full geometry and times to the second', async () => {
    const uuid = OBSERVATIONS.population(13, 2012);
    const res = await writer.getObservation(SERIES.population, uuid);
    expect(res.status).toBe(200);
    const o = res.body as Obs;
    expect(Object.keys(o)).toEqual([
      'id',
      'series',
      'indicator',
      'uuid',
      'start_timestamp',
      'end_timestamp',
      'coordinates',
      'wkt',
      'values',
      'media_url',
      'created_at',
      'updated_at',
      'editable',
    ]);
    expect(o).toMatchObject({ series: 2, indicator: 'population', uuid, start_timestamp: '2012-01-01 00:00:00' });
    expect(o.wkt).toMatch(/^MULTIPOLYGON\(\(\(/);
    expect(o['created_at']).toMatch(DETAIL_TIME);
    expect(o['created_at']).toBe('2022-10-05 16:03:24'); // stored with microseconds, rounded to the second
    expect(o['end_timestamp']).toBeNull();
    expect(o['values']).toEqual([expect.any(Number)]);
  });

  it('lists with ISO times and the centroid as WKT, every series of the indicator, in one array', async () => {
    const res = await writer.observations(SERIES.pluviometry);
    expect(res.status).toBe(200);
    const list = res.body as Obs[];
    // series 1 asked, but series 6 (same indicator, this project) and 7 (project b) come too
    expect(list).toHaveLength(COUNTS[1] + COUNTS[6] + COUNTS[7]);
    expect(new Set(list.map((o) => o.series))).toEqual(new Set([1, 6, 7]));
    const item = list.find((o) => o.uuid === OBSERVATIONS.pluviometry(1, 0))!;
    expect(Object.keys(item)).toEqual([
      'id',
      'series',
      'indicator',
      'uuid',
      'start_timestamp',
      'end_timestamp',
      'coordinates',
      'wkt',
      'values',
      'media_url',
      'created_at',
      'updated_at',
      'editable',
    ]);
    expect(item).toMatchObject({
      start_timestamp: '2019-06-16T09:00:00',
      created_at: '2022-10-05T16:03:24',
      wkt: 'POINT(-3.65174692 48.45273043)',
      coordinates: { x: -3.65174692, y: 48.45273043 },
    });

    // A polygon: the list gives its centroid, the detail the polygon
    const cities = (await writer.observations(SERIES.population)).body as Obs[];
    const city = cities.find((o) => o.uuid === OBSERVATIONS.population(13, 2012))!;
    expect(city.wkt).toMatch(/^POINT\(-3\.73\d* 48\.39\d*\)$/);
    const detail = (await writer.getObservation(SERIES.population, city.uuid)).body as Obs;
    expect(detail.wkt).toMatch(/^MULTIPOLYGON/);
    expect(detail['coordinates']).toEqual(city['coordinates']);

    // Fractions of seconds stay in the list times (and in the detail, T replaced)
    const fauna = (await writer.observations(SERIES.fauna)).body as Obs[];
    const withFraction = fauna.find((o) => o.uuid === OBSERVATIONS.fauna(1))!;
    expect(withFraction['start_timestamp']).toMatch(/T\d{2}:\d{2}:\d{2}\.25$/);
    expect(withFraction['start_timestamp']).toMatch(LIST_TIME);
    const faunaDetail = (await writer.getObservation(SERIES.fauna, withFraction.uuid)).body as Obs;
    expect(faunaDetail['start_timestamp']).toBe(String(withFraction['start_timestamp']).replace('T', ' '));
  });

  it('marks editable by authorship in the list, by authorship and editing window in the detail', async () => {
    const list = (await writer.observations(SERIES.hikers)).body as Obs[];
    const editable = (uuid: string) => list.find((o) => o.uuid === uuid)!.editable;
    expect(editable(OBSERVATIONS.alRecentHike())).toBe(true);
    expect(editable(OBSERVATIONS.alOldHike())).toBe(true); // 45 days old, 30-day window: the list does not care
    expect(editable(OBSERVATIONS.johnHike())).toBe(false);
    const detail = async (uuid: string) => ((await writer.getObservation(SERIES.hikers, uuid)).body as Obs).editable;
    expect(await detail(OBSERVATIONS.alRecentHike())).toBe(true);
    expect(await detail(OBSERVATIONS.alOldHike())).toBe(false);
    expect(await detail(OBSERVATIONS.johnHike())).toBe(false);
    // John, author of his own hike, sees it the other way round
    const john = await lizmap.asUser('otherWriter');
    const johnList = (await john.observations(SERIES.hikers)).body as Obs[];
    expect(johnList.find((o) => o.uuid === OBSERVATIONS.johnHike())!.editable).toBe(true);
    expect(johnList.find((o) => o.uuid === OBSERVATIONS.alRecentHike())!.editable).toBe(false);
  });

  it('restricts observations to the user’s area: the list filters, the detail refuses with 401', async () => {
    const all = (await writer.observations(SERIES.population)).body as Obs[];
    const east = (await filtered.observations(SERIES.population)).body as Obs[];
    expect(all).toHaveLength(COUNTS[2]);
    expect(east).toHaveLength(18); // 3 of the 7 cities × 6 years
    expect(east.every((o) => Number(String(o.wkt).match(/POINT\((-[\d.]+)/)![1]) > -3.775)).toBe(true);

    const hikes = (await filtered.observations(SERIES.hikers)).body as Obs[];
    expect(hikes.length).toBeGreaterThan(0);
    expect(hikes.length).toBeLessThan(COUNTS[3]);
    expect(hikes.some((o) => o.uuid === OBSERVATIONS.alRecentHike())).toBe(false);

    expectError(
      await filtered.getObservation(SERIES.hikers, OBSERVATIONS.alRecentHike()),
      401,
      'The authenticated user has not right to access this observation',
    );
    const inside = hikes[0]!;
    expect((await filtered.getObservation(SERIES.hikers, inside.uuid)).status).toBe(200);
  });

  it('answers 400 for an invalid uuid and 404 "The observation does not exists" for an unknown one', async () => {
    expectError(
      await writer.getObservation(SERIES.hikers, OBSERVATIONS.alRecentHike().toUpperCase()),
      400,
      'The observation id parameter is invalid',
    );
    expectError(await writer.getObservation(SERIES.hikers, 'nope'), 400, 'The observation id parameter is invalid');
    expectError(
      await writer.getObservation(SERIES.hikers, '0b1ac1b2-3d4e-4f5a-8b6c-7d8e9fa0b1c2'),
      404,
      'The observation does not exists',
    );
    // An observation of another indicator is "not found" under this series…
    expectError(
      await writer.getObservation(SERIES.hikers, OBSERVATIONS.pluviometry(1, 0)),
      404,
      'The observation does not exists',
    );
    // …but one of another series of the same indicator is found
    const viaOtherSeries = await writer.getObservation(SERIES.pluviometry, OBSERVATIONS.manualPluviometry(1, 1));
    expect(viaOtherSeries.status).toBe(200);
    expect((viaOtherSeries.body as Obs).series).toBe(SERIES.manualPluviometry);
  });
});

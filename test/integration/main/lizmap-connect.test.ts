/**
 * The desktop finds a Lizmap G-Obs server at the address the user types (the site, its index.php
 * or the module's gobsapi.php), says so, logs in with HTTP Basic, and gets the same precise
 * messages as with our server for a wrong password, a Lizmap without the module, an address that
 * answers nothing G-Obs, and one that does not answer. Then a first sync brings every series of
 * the user's projects with their indicator, documents and files.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountDir } from '../../../src/main/store/account';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import {
  COUNTS,
  DOCUMENTS,
  FIXTURE_USERS,
  type LizmapStandin,
  lizmapStandinAvailable,
  OBSERVATIONS,
  PROJECTS,
  startLizmapStandin,
} from '../../standins/lizmap/index.js';
import { rejection, syncOk } from './support';
import { KEYS, lizmapDevice, rowOf, rowsOf } from './lizmap-support';

const available = lizmapStandinAvailable();

describe.skipIf(!available)('Lizmap G-Obs server: connecting', () => {
  let lizmap: LizmapStandin;
  let plain: LizmapStandin;
  const desktops: TestDesktop[] = [];
  const device = async (...args: Parameters<typeof lizmapDevice>) => {
    const d = await lizmapDevice(...args);
    desktops.push(d);
    return d;
  };

  beforeAll(async () => {
    [lizmap, plain] = await Promise.all([startLizmapStandin(), startLizmapStandin({ gobs: false })]);
  });
  /** What the server lists for a series (asked as the writer), its own observations only. */
  const serverUuids = async (series: number, project: string) => {
    const writer = await lizmap.asUser('writer');
    const list = (await writer.observations(series, {}, project)).body as { uuid: string; series: number }[];
    return list
      .filter((o) => o.series === series)
      .map((o) => o.uuid)
      .sort();
  };

  afterAll(async () => {
    for (const d of desktops) await d.close(true);
    await Promise.all([lizmap?.close(), plain?.close()]);
  });

  it('recognises the module at the site, its index.php or gobsapi.php, and says it is Lizmap', async () => {
    for (const typed of [lizmap.origin, `${lizmap.origin}/`, `${lizmap.origin}/index.php`, lizmap.baseUrl]) {
      const d = await device(lizmap, 'writer', { serverUrl: typed });
      const status = await d.gobs.auth.status();
      expect(status, typed).toMatchObject({
        loggedIn: true,
        serverKind: 'lizmap-gobs',
        serverUrl: lizmap.baseUrl,
        username: FIXTURE_USERS.writer.login,
        passwordRemembered: false,
      });
      expect((await d.gobs.settings.get()).serverKind).toBe('lizmap-gobs');
    }
  });

  it('gives the same precise messages as for our server', async () => {
    const d = await createTestDesktop();
    desktops.push(d);
    const login = (serverUrl: string, password = FIXTURE_USERS.writer.password) =>
      rejection(d.gobs.auth.login({ serverUrl, username: FIXTURE_USERS.writer.login, password }));

    expect(await login(lizmap.origin, 'not the password')).toMatchObject({
      code: 'invalid_credentials',
      message: 'Invalid username or password.',
    });
    expect(await login(plain.origin)).toMatchObject({
      code: 'bad_server',
      field: 'serverUrl',
      message: expect.stringMatching(/Lizmap server without the G-Obs module/),
    });

    // An address that answers, but nothing G-Obs: our server's message.
    const other = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>nope</h1>'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      expect(await login(otherUrl)).toMatchObject({
        code: 'bad_server',
        message: `No G-Obs server answers at ${otherUrl}. Check the address.`,
      });
    } finally {
      await new Promise((r) => other.close(r));
    }
    // Nothing listens there any more.
    expect(await login(otherUrl)).toMatchObject({
      code: 'offline',
      message: `The server at ${otherUrl} cannot be reached (ECONNREFUSED).`,
    });
    expect((await d.gobs.auth.status()).loggedIn).toBe(false);
  });

  it('brings every series of the projects on a first sync: its indicator, observations, documents and files', async () => {
    const d = await device(lizmap);
    await syncOk(d);
    const projects = await d.gobs.projects.list();
    expect(projects.map((p) => p.key).sort()).toEqual([PROJECTS.a, PROJECTS.b]);
    const a = projects.find((p) => p.key === PROJECTS.a)!;
    expect(a).toMatchObject({
      label: 'GobsAPI test project a',
      hasIllustration: true,
      hasGeopackage: true,
      extent: { xmin: -3.95, ymin: 48.34, xmax: -3.6, ymax: 48.57 },
    });
    // Project b has neither file: its media_url and geopackage_url are null.
    expect(projects.find((p) => p.key === PROJECTS.b)).toMatchObject({ hasIllustration: false, hasGeopackage: false });
    expect((await d.gobs.projects.illustration({ projectKey: PROJECTS.a }))?.mimeType).toBe('image/png');

    const series = await d.gobs.indicators.list({ projectKey: PROJECTS.a });
    expect(series.map((s) => s.code).sort()).toEqual(
      [KEYS.pluviometry, KEYS.population, KEYS.hikers, KEYS.fauna, KEYS.river, KEYS.manualPluviometry].sort(),
    );
    const pluvio = series.find((s) => s.code === KEYS.pluviometry)!;
    expect(pluvio).toMatchObject({
      label: 'Hourly pluviometry',
      serverCode: 'pluviometry',
      series: { id: '1', protocolCode: 'pluviometry', layerCode: 'pluviometers' },
      geometry: 'point',
      dateFormat: 'hour',
      dimensions: [{ code: 'pluviometry', name: 'Pluviometry', type: 'real', unit: 'mm' }],
      hasIcon: true,
      hasPreview: false,
    });
    // Cities are shared polygons: an observation is placed by picking one.
    expect(series.find((s) => s.code === KEYS.population)).toMatchObject({ geometry: 'object' });
    expect(series.find((s) => s.code === KEYS.river)!.dimensions.map((x) => x.type)).toEqual([
      'date',
      'timestamp',
      'boolean',
      'real',
      'text',
    ]);

    // The list gives every series of the indicator: each keeps only its own, all of them.
    for (const [key, id] of [
      [KEYS.pluviometry, 1],
      [KEYS.population, 2],
      [KEYS.hikers, 3],
      [KEYS.fauna, 4],
      [KEYS.river, 5],
      [KEYS.manualPluviometry, 6],
    ] as const) {
      const local = (await rowsOf(d, key)).map((r) => r.uuid).sort();
      expect(local.length, key).toBe(COUNTS[id]);
      expect(local, key).toEqual(await serverUuids(id, PROJECTS.a));
    }
    // Project b's view covers two of John's four readings: the server lists those two only.
    const b = (await rowsOf(d, KEYS.projectB)).map((r) => r.uuid).sort();
    expect(b).toEqual(await serverUuids(7, PROJECTS.b));
    expect(b).toHaveLength(2);

    // Documents: the file one downloaded, the link one kept as a link; the preview is the series' image.
    const docs = await d.gobs.documents.list({ indicatorCode: KEYS.hikers });
    expect(docs.map((x) => [x.type, x.cached, x.link])).toEqual([
      ['document', true, null],
      ['url', false, 'https://www.example.org/park/hiking-rules'],
    ]);
    expect(docs.map((x) => x.uuid)).toContain(`${DOCUMENTS.hikingRulesUrl}@3`);
    expect((await d.gobs.indicators.images({ indicatorCode: KEYS.hikers })).preview?.mimeType).toBe('image/jpeg');
    await d.gobs.documents.open({ uuid: `${DOCUMENTS.hikingRulesUrl}@3` });
    expect(d.openedUrls).toEqual(['https://www.example.org/park/hiking-rules']);

    // The cities of the project's GeoPackage, to place an observation on.
    const cities = await d.gobs.indicators.objects({ indicatorCode: KEYS.population });
    expect(cities).toHaveLength(7);
    expect(cities).toContainEqual(expect.objectContaining({ uniqueId: '29007', label: 'Berrien' }));

    // What the server says of each observation: times to the second, the point, who may change it.
    const hike = await rowOf(d, KEYS.hikers, OBSERVATIONS.alRecentHike());
    expect(hike).toMatchObject({ editable: true, notEditable: null, author: FIXTURE_USERS.writer.login });
    expect(hike.wkt).toMatch(/^POINT\(/);
    const johns = await rowOf(d, KEYS.hikers, OBSERVATIONS.johnHike());
    expect(johns).toMatchObject({ editable: false, notEditable: 'author', author: null });
    const fauna = await rowOf(d, KEYS.fauna, OBSERVATIONS.fauna(1));
    expect(fauna.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const dir = accountDir(d.dataDir, { serverUrl: lizmap.baseUrl, username: FIXTURE_USERS.writer.login });
    expect(existsSync(join(dir, 'store.sqlite'))).toBe(true);
  });
});

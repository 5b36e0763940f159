/**
 * Our server's per-project GeoPackage reaches the desktop's map: a sync downloads it for offline use,
 * the layers are read from the copy (also with the server gone), a replaced file is fetched again
 * and a removed one is dropped.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { startTestServer, type TestServer } from '../../helpers/server';

const layersFile = (name: string) =>
  fileURLToPath(new URL(`../../../src/server/admin/demo-layers/${name}`, import.meta.url));

let srv: TestServer;
let d: TestDesktop;
beforeAll(async () => {
  srv = await startTestServer();
  await srv.seed.basic();
  await srv.seed.projectGeopackage('p1', layersFile('water.gpkg'));
  await srv.seed.projectExtent('p1', { xmin: 3.15, ymin: 43.25, xmax: 4, ymax: 44.1 });
  d = await createTestDesktop();
  await d.gobs.auth.login({ serverUrl: srv.baseUrl, username: 'reader', password: 'reader' });
});
afterAll(async () => {
  await d?.close(true);
  await srv?.close();
});

const layerNames = async () => (await d.gobs.projects.layers({ projectKey: 'p1' })).layers.map((l) => l.name).sort();

describe("a project's GeoPackage on our server", () => {
  it('is downloaded by a sync and drawn from the copy, with the project’s extent', async () => {
    expect(await layerNames()).toEqual([]);
    await d.gobs.sync.start({ projectKey: 'p1' });
    const [p] = await d.gobs.projects.list();
    expect(p).toMatchObject({
      key: 'p1',
      hasGeopackage: true,
      extent: { xmin: 3.15, ymin: 43.25, xmax: 4, ymax: 44.1 },
    });
    // The map frames the declared area with everything else, and outlines it.
    const framed = await d.gobs.projects.extent({ projectKey: 'p1' });
    expect(framed.declared).toEqual([3.15, 43.25, 4, 44.1]);
    const [w, s, e, n] = framed.extent!;
    expect(w <= 3.15 && s <= 43.25 && e >= 4 && n >= 44.1).toBe(true);
    const { layers } = await d.gobs.projects.layers({ projectKey: 'p1' });
    expect(layers.map((l) => [l.name, l.featureCount]).sort()).toEqual([
      ['water-catchments', 2],
      ['water-rivers', 3],
      ['water-stations', 8],
    ]);
    const stations = layers.find((l) => l.name === 'water-stations')!;
    expect(stations.features.find((f) => f.properties['name'] === 'Agde lock')?.geometry).toEqual({
      type: 'Point',
      coordinates: [3.468, 43.312],
    });
  });

  it('is fetched again when the server’s file changes, and dropped when it is removed', async () => {
    await srv.seed.projectGeopackage('p1', layersFile('air.gpkg'));
    await d.gobs.sync.start({ projectKey: 'p1' });
    expect(await layerNames()).toEqual(['air-communes', 'air-sensors']);
    await srv.seed.projectGeopackage('p1', null);
    await d.gobs.sync.start({ projectKey: 'p1' });
    expect(await layerNames()).toEqual([]);
    expect((await d.gobs.projects.list())[0]).toMatchObject({ hasGeopackage: false });
  });
});

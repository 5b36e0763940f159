import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Indicator, type Observation, type Project } from '../../../src/shared/api.js';
import { DEMO, startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client, syncAll } from './client.js';
import { newObs } from './fixtures.js';

describe.each(testEngines())('the demo data set and the bulk seeding helper (%s)', (engine) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ engine, demo: true });
  });
  afterAll(() => srv?.close());

  it('has two projects, indicators with every dimension type, documents with real files, 5,000+ observations', async () => {
    const demo = await new Client(srv.baseUrl).login(DEMO.writer.username, DEMO.writer.password);
    const projects = (await demo.get<Project[]>('/user/projects')).body;
    expect(projects.map((p) => p.key)).toEqual(DEMO.projects);
    const codes = new Set<string>();
    let total = 0;
    for (const p of projects) {
      // Layers for the offline map, and an extent holding every observation of the project's stations.
      expect(p.geopackage_url).toMatch(/\/geopackage\?v=[0-9a-f]{24}$/);
      const gpkg = await fetch(p.geopackage_url!, { headers: { authorization: `Bearer ${demo.token}` } });
      expect(gpkg.status).toBe(200);
      expect(
        Buffer.from(await gpkg.arrayBuffer())
          .subarray(68, 72)
          .toString('latin1'),
      ).toBe('GPKG');
      expect(p.extent).toMatchObject({ xmin: expect.any(Number), ymax: expect.any(Number) });
      const inds = (await demo.get<Indicator[]>(`/project/${encodeURIComponent(p.key)}/indicators`)).body;
      expect(inds.map((i) => i.code)).toEqual(DEMO.indicators[p.key]);
      for (const i of inds) {
        if (codes.has(i.code)) continue;
        codes.add(i.code);
        const all = await demo.get<Observation[]>(`/indicator/${i.code}/observations`);
        expect(all.body).toHaveLength(DEMO.observations[i.code]!);
        // Each time at its indicator's precision: an edit on the desktop never has to round it.
        const finer = { hour: /:00:00$/, day: / 00:00:00$/ }[i.date_format as 'hour' | 'day'];
        expect(finer, i.date_format).toBeDefined();
        expect(all.body.filter((o) => !finer!.test(o.timestamp)).map((o) => o.timestamp)).toEqual([]);
        total += all.body.length;
        for (const d of i.documents) {
          const file = await fetch(d.url, { headers: { authorization: `Bearer ${demo.token}` } });
          const bytes = Buffer.from(await file.arrayBuffer());
          expect(bytes.length).toBe(d.size);
          if (d.mime_type === 'image/png') expect(bytes.subarray(1, 4).toString()).toBe('PNG');
          if (d.mime_type === 'application/pdf') expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
        }
      }
    }
    expect(codes.size).toBeGreaterThanOrEqual(3);
    expect(total).toBeGreaterThanOrEqual(5000);
    const wq = (await demo.get<Indicator>('/indicator/water_quality')).body;
    expect(new Set(wq.values.map((v) => v.type))).toEqual(new Set(['integer', 'real', 'boolean', 'string']));
    const docs = await Promise.all(
      [...codes].map(async (c) => (await demo.get<unknown[]>(`/indicator/${c}/documents`)).body.length),
    );
    expect(docs.reduce((a, b) => a + b, 0)).toBe(DEMO.documents);
  });

  it('lets demo write and keeps analyst a reader in every project', async () => {
    const demo = await new Client(srv.baseUrl).login(DEMO.writer.username, DEMO.writer.password);
    const analyst = await new Client(srv.baseUrl).login(DEMO.reader.username, DEMO.reader.password);
    const item = newObs({ indicator: 'pluviometry', values: [{ name: 'rain', value: 2.5 }] });
    expect((await analyst.req('POST', '/observation', { json: item })).status).toBe(403);
    expect((await demo.req('POST', '/observation', { json: item })).status).toBe(200);
    expect((await analyst.get<Project[]>('/user/projects')).body.map((p) => p.key)).toEqual(DEMO.projects);
  });

  it('generates many observations in the database for large tests', async () => {
    await srv.seed.indicator({
      code: 'bulk',
      label: 'Bulk',
      date_format: 'day',
      values: [
        { code: 'i', name: 'I', type: 'integer', unit: null },
        { code: 'r', name: 'R', type: 'real', unit: null },
        { code: 'b', name: 'B', type: 'boolean', unit: null },
        { code: 's', name: 'S', type: 'string', unit: null },
      ],
    });
    await srv.seed.link('environment~air', 'bulk');
    const g = await srv.seed.generate({ indicator: 'bulk', count: 25_000, author: 'field' });
    expect(g.lastId - g.firstId + 1).toBe(25_000);
    const c = new Client(srv.baseUrl, null, '12345678-1234-1234-1234-123456789abc');
    await c.login(DEMO.reader.username, DEMO.reader.password);
    const got = await syncAll<Observation>(c, 'bulk', { limit: 5000 });
    expect(got.items).toHaveLength(25_000);
    expect(got.items[0]!.values.map((v) => typeof v.value)).toEqual(['number', 'number', 'boolean', 'string']);
  });
});

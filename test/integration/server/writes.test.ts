import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiErrorResponse, type Observation } from '../../../src/shared/api.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client, syncAll } from './client.js';
import { DEVICE_A, DEVICE_B, newObs } from './fixtures.js';

type Obs = Observation;
type Err = ApiErrorResponse & { uuid?: string; observation?: Obs };

describe.each(testEngines())('writing observations (%s)', (engine) => {
  let srv: TestServer;
  let writer: Client;
  let reader: Client;
  let admin: Client;
  let stranger: Client;
  const count = async () =>
    Number((await srv.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM observation'))[0]!.n);

  beforeAll(async () => {
    srv = await startTestServer({ engine });
    await srv.seed.basic();
    await srv.seed.project('p2', 'Secret project');
    await srv.seed.user('stranger', 'stranger');
    await srv.seed.grant('stranger', 'p2', 'admin');
    await srv.seed.indicator({
      code: 'secret',
      label: 'Secret',
      date_format: 'day',
      values: [{ code: 'v', name: 'V', type: 'integer', unit: null }],
    });
    await srv.seed.link('p2', 'secret');
    writer = await new Client(srv.baseUrl, null, DEVICE_A).login('writer', 'writer');
    reader = await new Client(srv.baseUrl, null, DEVICE_B).login('reader', 'reader');
    admin = await new Client(srv.baseUrl).login('admin', 'admin');
    stranger = await new Client(srv.baseUrl).login('stranger', 'stranger');
  });
  afterAll(() => srv?.close());

  it('stores a valid batch under one import, in input order, and normalises values', async () => {
    const items = [
      newObs({
        values: [
          { name: 'rain', value: '2.5' },
          { name: 'gauge', value: '3' },
          { name: 'checked', value: false },
          { name: 'note', value: 'a' },
        ],
      }),
      newObs({ wkt: 'POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))', x: undefined, y: undefined }),
      newObs({ timestamp: '2024-02-29T23:59:59' }),
    ];
    const r = await writer.req<Obs[]>('POST', '/observation/observations', { json: items });
    expect(r.status).toBe(200);
    expect(r.body.map((o) => o.uuid)).toEqual(items.map((i) => i.uuid));
    expect(new Set(r.body.map((o) => o.import)).size).toBe(1);
    expect(r.body[0]!.values).toEqual([
      { name: 'rain', type: 'real', value: 2.5 },
      { name: 'gauge', type: 'integer', value: 3 },
      { name: 'checked', type: 'boolean', value: false },
      { name: 'note', type: 'string', value: 'a' },
    ]);
    expect([r.body[1]!.x, r.body[1]!.y]).toEqual([1, 1]);
    expect(r.body[0]!.wkt).toBe('POINT(3.87 43.61)');
    expect(r.body[2]!.timestamp).toBe('2024-02-29 23:59:59');
    expect(r.body[0]!.author).toBe('writer');
    expect(r.body[0]!.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('retrying the same push is safe: same ids, no duplicate, no new import', async () => {
    const items = [newObs(), newObs()];
    const first = await writer.req<Obs[]>('POST', '/observation/observations', { json: items });
    const before = await count();
    const again = await writer.req<Obs[]>('POST', '/observation/observations', { json: items });
    expect(again.status).toBe(200);
    expect(again.body.map((o) => [o.id, o.import])).toEqual(first.body.map((o) => [o.id, o.import]));
    expect(await count()).toBe(before);
    // A retry mixed with new items: the old ones are returned as stored, the new ones stored.
    const more = newObs();
    const mixed = await writer.req<Obs[]>('POST', '/observation/observations', { json: [...items, more] });
    expect(mixed.status).toBe(200);
    expect(mixed.body[0]!.id).toBe(first.body[0]!.id);
    expect(await count()).toBe(before + 1);
  });

  it('the same push sent twice at once stores each observation once', async () => {
    const items = Array.from({ length: 50 }, () => newObs());
    const before = await count();
    const [r1, r2] = await Promise.all([
      writer.req<Obs[]>('POST', '/observation/observations', { json: items }),
      writer.req<Obs[]>('POST', '/observation/observations', { json: items }),
    ]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(r1.body.map((o) => o.id)).toEqual(r2.body.map((o) => o.id));
    expect(await count()).toBe(before + 50);
  });

  it('the same uuid with other content, or by another author, is a 409 naming it; nothing stored', async () => {
    const item = newObs();
    await writer.req('POST', '/observation/observations', { json: [item] });
    const before = await count();
    const other = newObs();
    const changed = await writer.req<Err>('POST', '/observation/observations', {
      json: [other, { ...item, timestamp: '2020-01-01 00:00:00' }],
    });
    expect(changed.status).toBe(409);
    expect(changed.body.message).toContain(item.uuid);
    expect(changed.body.uuid).toBe(item.uuid);
    const byAdmin = await admin.req<Err>('POST', '/observation', { json: item });
    expect(byAdmin.status).toBe(409);
    expect(await count()).toBe(before);
    expect((await writer.get(`/observation/${other.uuid}`)).status).toBe(404);
  });

  it('one invalid item rejects the whole batch with per-item errors naming each field', async () => {
    const before = await count();
    const good = newObs();
    const bad = [
      good,
      newObs({ uuid: 'nope' }),
      newObs({ timestamp: '2024-02-30 10:00:00' }),
      newObs({ x: 181 }),
      newObs({ y: -90.5 }),
      newObs({ wkt: 'POINT(1)' }),
      newObs({ wkt: 'POLYGON((0 0, 1 0, 1 1, 0 0.5))' }),
      newObs({
        values: [
          { name: 'rain', value: 'wet' },
          { name: 'gauge', value: 1.5 },
          { name: 'checked', value: 'yes' },
          { name: 'note', value: 5 },
        ],
      }),
      newObs({ values: [{ name: 'rain', value: 1 }] }),
      newObs({ values: [...newObs().values, { name: 'rain', value: 2 }, { name: 'extra', value: 1 }] }),
      newObs({ x: undefined, y: undefined }),
      newObs({ values: [{ name: 'rain', type: 'integer', value: 1 }, ...newObs().values.slice(1)] }),
      good,
      { ...newObs(), timestamp: 12 },
      'not an object',
    ];
    const r = await writer.req<Err>('POST', '/observation/observations', { json: bad });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(0);
    const errs = r.body.errors!;
    const at = (i: number) =>
      errs
        .filter((e) => e.index === i)
        .map((e) => e.field)
        .sort();
    expect(at(0)).toEqual([]);
    expect(at(1)).toEqual(['uuid']);
    expect(at(2)).toEqual(['timestamp']);
    expect(at(3)).toEqual(['x']);
    expect(at(4)).toEqual(['y']);
    expect(at(5)).toEqual(['wkt']);
    expect(at(6)).toEqual(['wkt']);
    expect(at(7)).toEqual(['values.checked', 'values.gauge', 'values.note', 'values.rain']);
    expect(at(8)).toEqual(['values.checked', 'values.gauge', 'values.note']);
    expect(at(9)).toEqual(['values.extra', 'values.rain']);
    expect(at(10)).toEqual(['x', 'y']);
    expect(at(11)).toEqual(['values.rain']);
    expect(at(12)[0]).toBe('uuid'); // duplicate of item 0
    expect(at(13)).toEqual(['timestamp']);
    expect(at(14).length).toBe(1);
    expect(errs.find((e) => e.index === 2)!.uuid).toBe(bad[2] && (bad[2] as { uuid: string }).uuid);
    expect(await count()).toBe(before);
  });

  it('accepts every WKT kind and derives x/y from it', async () => {
    const wkts = [
      ['POINT (10 20)', 10, 20],
      ['LINESTRING (0 0, 4 0)', 2, 0],
      ['MULTIPOINT ((0 0), (2 2))', 1, 1],
      ['MULTIPOINT (0 0, 2 2)', 1, 1],
      ['MULTILINESTRING ((0 0, 0 2), (2 0, 2 2))', 1, 1],
      ['MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)), ((4 0, 6 0, 6 2, 4 2, 4 0)))', 3, 1],
      ['POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 3 1, 3 3, 1 3, 1 1))', 2, 2],
    ] as const;
    const r = await writer.req<Obs[]>('POST', '/observation/observations', {
      json: wkts.map(([wkt]) => newObs({ wkt, x: undefined, y: undefined })),
    });
    expect(r.status).toBe(200);
    r.body.forEach((o, k) => {
      expect(o.x).toBeCloseTo(wkts[k]![1]);
      expect(o.y).toBeCloseTo(wkts[k]![2]);
    });
    // Given x/y win over the centroid.
    const own = await writer.req<Obs[]>('POST', '/observation', {
      json: newObs({ wkt: 'LINESTRING (0 0, 4 0)', x: 1, y: 0 }),
    });
    expect([own.body[0]!.x, own.body[0]!.y]).toEqual([1, 0]);
  });

  it('rejects bodies of the wrong shape or size with 4xx', async () => {
    expect((await writer.req('POST', '/observation/observations', { json: [] })).status).toBe(400);
    expect((await writer.req('POST', '/observation/observations', { json: { not: 'an array' } })).status).toBe(400);
    expect(
      (await writer.req('POST', '/observation/observations', { json: Array.from({ length: 1001 }, () => newObs()) }))
        .status,
    ).toBe(400);
    expect((await writer.req('POST', '/observation', { json: [newObs()] })).status).toBe(400);
    const broken = await writer.req('POST', '/observation/observations', {
      body: '[{"uuid":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(
      (await writer.req('POST', '/observation/observations', { body: 'x', headers: { 'content-type': 'text/plain' } }))
        .status,
    ).toBe(400);
    expect(
      (
        await writer.req('POST', '/observation/observations', {
          body: '<x/>',
          headers: { 'content-type': 'application/xml' },
        })
      ).status,
    ).toBe(415);
    expect(
      (await writer.req('POST', '/observation/observations', { json: [newObs()], headers: { deviceId: 'xyz' } }))
        .status,
    ).toBe(400);
  });

  it('permission matrix: readers cannot write, nobody sees another project', async () => {
    const before = await count();
    expect((await reader.req('POST', '/observation/observations', { json: [newObs()] })).status).toBe(403);
    expect(
      (
        await writer.req('POST', '/observation/observations', {
          json: [newObs({ indicator: 'secret', values: [{ name: 'v', value: 1 }] })],
        })
      ).status,
    ).toBe(403);
    expect(
      (await writer.req('POST', '/observation/observations', { json: [newObs({ indicator: 'nope' })] })).status,
    ).toBe(403);
    expect(await count()).toBe(before);

    const [mine] = (await writer.req<Obs[]>('POST', '/observation', { json: newObs() })).body;
    expect((await reader.get(`/observation/${mine!.id}`)).status).toBe(200);
    expect((await stranger.get(`/observation/${mine!.id}`)).status).toBe(404);
    expect((await stranger.get(`/observation/${mine!.uuid}`)).status).toBe(404);
    expect((await stranger.get('/indicator/pluviometry')).status).toBe(404);
    expect((await stranger.get('/indicator/pluviometry/observations')).status).toBe(404);
    expect((await stranger.get('/indicator/pluviometry/documents')).status).toBe(404);
    expect((await stranger.get('/project/p1/indicators')).status).toBe(404);
    expect((await writer.get('/indicator/secret')).status).toBe(404);
    expect((await writer.get('/project/p1/indicators')).body).toEqual([
      expect.objectContaining({ code: 'pluviometry' }),
    ]);
    expect((await stranger.req('DELETE', `/observation/${mine!.id}`)).status).toBe(404);

    // Update/delete: only the author (as writer) or a project admin.
    const edit = { ...newObs(), uuid: mine!.uuid, import: mine!.import };
    expect((await reader.req('PUT', '/observation/observations', { json: edit })).status).toBe(403);
    expect((await reader.req('DELETE', `/observation/${mine!.id}`)).status).toBe(403);
    const byAdmin = await admin.req<Obs[]>('PUT', '/observation/observations', { json: edit });
    expect(byAdmin.status).toBe(200);
    const [adminsOwn] = (await admin.req<Obs[]>('POST', '/observation', { json: newObs() })).body;
    expect(
      (
        await writer.req('PUT', '/observation/observations', {
          json: { ...newObs(), uuid: adminsOwn!.uuid, import: adminsOwn!.import },
        })
      ).status,
    ).toBe(403);
    expect((await writer.req('DELETE', `/observation/${adminsOwn!.uuid}`)).status).toBe(403);
    expect((await admin.req('DELETE', `/observation/${mine!.uuid}`)).status).toBe(200);
  });

  it('validates updates: unknown uuid 404, missing import 400, moving indicator 400, invalid values 400', async () => {
    const [o] = (await writer.req<Obs[]>('POST', '/observation', { json: newObs() })).body;
    const base = { ...newObs(), uuid: o!.uuid, import: o!.import };
    expect(
      (await writer.req('PUT', '/observation/observations', { json: { ...base, uuid: newObs().uuid } })).status,
    ).toBe(404);
    const noImport = await writer.req<Err>('PUT', '/observation/observations', {
      json: { ...base, import: undefined },
    });
    expect(noImport.status).toBe(400);
    expect(noImport.body.errors![0]!.field).toBe('import');
    expect(
      (await writer.req('PUT', '/observation/observations', { json: { ...base, indicator: 'secret' } })).status,
    ).toBe(400);
    const badValue = await writer.req<Err>('PUT', '/observation/observations', {
      json: { ...base, values: [{ name: 'rain', value: 'x' }] },
    });
    expect(badValue.status).toBe(400);
    expect(badValue.body.errors!.map((e) => e.field)).toContain('values.rain');
    expect((await writer.get<Obs>(`/observation/${o!.id}`)).body.import).toBe(o!.import);
    expect((await writer.req('PUT', '/observation/observations', { json: [base] })).status).toBe(400);
    expect((await writer.req('DELETE', `/observation/${o!.id}?import=abc`)).status).toBe(400);
    expect((await writer.req('DELETE', '/observation/not-an-id')).status).toBe(404);
  });

  it('holds open a write transaction across a pull: the late commit is not skipped', async () => {
    const code = 'pluviometry';
    const c = new Client(srv.baseUrl, reader.token, '11111111-2222-3333-4444-555555555555');
    await syncAll(c, code);
    const late = newObs();
    const lateWrite = srv.db.tx(async (q) => {
      const imp = await q.query<{ id: number }>(
        `INSERT INTO import (source, tool) VALUES ('seed', 'test') RETURNING id`,
      );
      await q.query(
        `INSERT INTO observation (uuid, indicator_id, import_id, ts, x, y, wkt, vals)
         SELECT $1, id, $2, '2024-01-01 00:00:00', 1, 1, 'POINT(1 1)', '{"rain":1,"gauge":1,"checked":true,"note":"late"}' FROM indicator WHERE code = 'pluviometry'`,
        [late.uuid, imp[0]!.id],
      );
      // While this transaction is open, another write commits and the device pulls it.
      if (srv.engine === 'postgres') {
        const early = await writer.req<Obs[]>('POST', '/observation', { json: newObs() });
        expect(early.status).toBe(200);
        const mid = await syncAll<Obs>(c, code);
        expect(mid.items.map((o) => o.uuid)).toEqual([early.body[0]!.uuid]);
      }
    });
    // PGlite has one connection: a pull waits for the open transaction instead of overtaking it.
    const pulled = srv.engine === 'pglite' ? syncAll<Obs>(c, code) : null;
    await lateWrite;
    const after = pulled ? await pulled : await syncAll<Obs>(c, code);
    expect(after.items.map((o) => o.uuid)).toContain(late.uuid);
    expect((await syncAll(c, code)).items).toEqual([]);
  });
});

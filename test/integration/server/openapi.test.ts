/**
 * The OpenAPI document is the contract: every route the server registers is documented, every
 * documented operation and status is provoked here against the real server, and every JSON answer
 * validates against the documented schema (headers too).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Observation } from '../../../src/shared/api.js';
import { buildServer } from '../../../src/server/app.js';
import { openPostgres } from '../../../src/server/db/postgres.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { Client } from './client.js';
import { DEVICE_A, DEVICE_B, newObs } from './fixtures.js';
import { type Schema, validate } from './schema.js';
import { head, rawRequest } from './raw.js';

const DEMO_GEOPACKAGE = fileURLToPath(new URL('../../../src/server/admin/demo-layers/water.gpkg', import.meta.url));

const doc = parse(fs.readFileSync(new URL('../../../docs/api/openapi.yaml', import.meta.url), 'utf8')) as Schema;
const paths = doc.paths as Record<string, Record<string, Schema>>;
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e1d6d20000000049454e44ae426082',
  'hex',
);

const resolve = (s: Schema): Schema =>
  s.$ref
    ? resolve(
        (s.$ref as string)
          .replace(/^#\//, '')
          .split('/')
          .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], doc) as Schema,
      )
    : s;

const norm = (p: string) => p.replace(/\{[^}]+\}/g, '{}').replace(/:[A-Za-z]+/g, '{}');

describe('docs/api/openapi.yaml matches the server', () => {
  let srv: TestServer;
  let w: Client;
  let r: Client;
  let s: Client;
  let obs: Observation;
  let docUuid: string;
  const covered = new Set<string>();

  beforeAll(async () => {
    // A throttled login stays throttled however slowly this loaded machine sends the next attempt.
    const slowDelay = { free: 5, baseDelayMs: 10 * 60_000, maxDelayMs: 10 * 60_000 };
    srv = await startTestServer({ server: { loginThrottle: { userAddress: slowDelay } } });
    await srv.seed.basic();
    await srv.seed.project('p2');
    await srv.seed.user('stranger', 'stranger');
    await srv.seed.grant('stranger', 'p2', 'admin');
    w = await new Client(srv.baseUrl, null, DEVICE_A).login('writer', 'writer');
    r = await new Client(srv.baseUrl, null, DEVICE_B).login('reader', 'reader');
    s = await new Client(srv.baseUrl).login('stranger', 'stranger');
    [obs] = (await w.req<Observation[]>('POST', '/observation', { json: newObs() })).body as [Observation];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gobs-oa-'));
    fs.writeFileSync(path.join(dir, 'g.pdf'), '%PDF-1.4\n');
    docUuid = (
      await srv.seed.document({
        indicator: 'pluviometry',
        file: path.join(dir, 'g.pdf'),
        label: 'Guide',
        type: 'document',
      })
    ).uuid;
  });
  afterAll(() => srv?.close());

  /** Sends a request for a documented operation and checks the answer against the document. */
  async function check(
    method: string,
    docPath: string,
    params: Record<string, string | number>,
    expected: number,
    c: Client | null,
    init: Parameters<Client['req']>[2] = {},
  ) {
    const op = paths[docPath]?.[method.toLowerCase()];
    expect(op, `${method} ${docPath} is documented`).toBeDefined();
    const url =
      docPath.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(String(params[k]))) +
      (params.query ? `?${params.query}` : '');
    const res = await (c ?? new Client(srv.baseUrl)).req(method, url, { ...init, ...(c ? {} : { auth: false }) });
    expect(res.status, `${method} ${url}: ${res.text.slice(0, 300)}`).toBe(expected);
    const responses = op!.responses as Record<string, Schema>;
    const documented = responses[String(expected)];
    expect(documented, `${method} ${docPath} documents ${expected}`).toBeDefined();
    const response = resolve(documented!);
    const content = response.content as Record<string, { schema: Schema }> | undefined;
    if (content?.['application/json']) {
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(
        validate(doc, content['application/json'].schema, res.body),
        `${method} ${docPath} ${expected} body`,
      ).toEqual([]);
    } else if (content) {
      expect(res.headers.get('content-type')).toBeTruthy();
    }
    for (const [name, h] of Object.entries((response.headers as Record<string, Schema>) ?? {})) {
      if (name === 'Set-Cookie' || (name.startsWith('X-Gobs') && !init.headers?.deviceId && !c?.deviceId)) continue;
      expect(res.headers.get(name), `${method} ${docPath} header ${name}`).not.toBeNull();
      const hs = resolve(h).schema as Schema;
      if (hs.type === 'integer') expect(Number.isInteger(Number(res.headers.get(name)))).toBe(true);
    }
    covered.add(`${method.toLowerCase()} ${docPath} ${expected}`);
    return res;
  }

  it('documents every registered route, and nothing else', () => {
    const served = new Set(
      srv.app.gobsRoutes.map((x) => `${x.method.toLowerCase()} ${norm(x.url.replace(/^\/api/, ''))}`),
    );
    const documented = new Set(
      Object.entries(paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${norm(p)}`)),
    );
    expect([...served].sort()).toEqual([...documented].sort());
  });

  it('answers every documented operation and status as documented', async () => {
    const json = (body: unknown) => ({ json: body });
    const none = {};
    // user
    await check('GET', '/user/login', { query: 'username=writer&password=writer' }, 200, null);
    await check('GET', '/user/login', { query: 'username=writer&password=no' }, 400, null);
    await check('POST', '/user/login', {}, 200, null, json({ username: 'reader', password: 'reader' }));
    await check('POST', '/user/login', {}, 400, null, json({ username: 'reader' }));
    await check('POST', '/user/login', {}, 413, null, {
      body: JSON.stringify({ username: 'a', password: 'b'.repeat(9 << 20) }),
      headers: { 'content-type': 'application/json' },
    });
    for (let k = 0; k < 6; k++)
      await check('POST', '/user/login', {}, 400, null, json({ username: 'locked', password: 'x' }));
    await check('POST', '/user/login', {}, 429, null, json({ username: 'locked', password: 'x' }));
    await check('GET', '/user/login', { query: 'username=locked&password=x' }, 429, null);
    const throwaway = await new Client(srv.baseUrl).login('reader', 'reader');
    await check('GET', '/user/logout', none, 200, throwaway);
    await check('GET', '/user/logout', none, 401, throwaway);
    const postOut = await new Client(srv.baseUrl).login('reader', 'reader');
    const cookie = { headers: { cookie: `gobs_session=${postOut.token}`, origin: 'https://evil.example' } };
    await check('POST', '/user/logout', none, 403, null, cookie);
    await check('POST', '/user/logout', none, 200, postOut);
    await check('POST', '/user/logout', none, 401, postOut);
    await check('GET', '/user/projects', none, 200, w);
    await check('GET', '/user/projects', none, 401, null);
    // projects and indicators
    for (const [p, ok] of [
      ['/project/{projectKey}', { projectKey: 'p1' }],
      ['/project/{projectKey}/indicators', { projectKey: 'p1' }],
    ] as const) {
      await check('GET', p, ok, 200, r);
      await check('GET', p, ok, 401, null);
      await check('GET', p, { projectKey: 'p2' }, 404, r);
    }
    const gpkg = { projectKey: 'p1' };
    await check('GET', '/project/{projectKey}/geopackage', gpkg, 404, r); // none attached yet
    await srv.seed.projectGeopackage('p1', DEMO_GEOPACKAGE);
    const file = await check('GET', '/project/{projectKey}/geopackage', gpkg, 200, r);
    const etag = { headers: { 'if-none-match': file.headers.get('etag')! } };
    await check('GET', '/project/{projectKey}/geopackage', gpkg, 304, r, etag);
    await check('GET', '/project/{projectKey}/geopackage', gpkg, 401, null);
    await check('GET', '/project/{projectKey}/geopackage', { projectKey: 'p2' }, 404, r);
    for (const p of ['/indicator/{indicatorCode}', '/indicator/{indicatorCode}/documents']) {
      await check('GET', p, { indicatorCode: 'pluviometry' }, 200, r);
      await check('GET', p, { indicatorCode: 'pluviometry' }, 401, null);
      await check('GET', p, { indicatorCode: 'pluviometry' }, 404, s);
    }
    await check('GET', '/document/{documentUuid}', { documentUuid: docUuid }, 200, r);
    await check('GET', '/document/{documentUuid}', { documentUuid: docUuid }, 401, null);
    await check('GET', '/document/{documentUuid}', { documentUuid: docUuid }, 404, s);
    // sync
    for (const p of ['/indicator/{indicatorCode}/observations', '/indicator/{indicatorCode}/deletedObservations']) {
      const ind = { indicatorCode: 'pluviometry' };
      const first = await check('GET', p, ind, 200, r);
      await check('GET', p, ind, 200, new Client(srv.baseUrl, r.token)); // without a device
      await check('GET', p, { ...ind, query: 'limit=0' }, 400, r);
      await check('GET', p, ind, 401, null);
      await check('GET', p, ind, 403, w, { headers: { 'X-Gobs-Ack': first.headers.get('x-gobs-sync-token')! } });
      await check('GET', p, ind, 404, s);
    }
    // writes
    const one = newObs();
    await check('POST', '/observation', {}, 200, w, json(one));
    await check('POST', '/observation', {}, 400, w, json({ ...newObs(), x: 500 }));
    await check('POST', '/observation', {}, 401, null, json(newObs()));
    await check('POST', '/observation', {}, 403, r, json(newObs()));
    await check('POST', '/observation', {}, 409, w, json({ ...one, timestamp: '2001-01-01 00:00:00' }));
    await check('POST', '/observation/observations', {}, 200, w, json([newObs(), newObs()]));
    await check('POST', '/observation/observations', {}, 400, w, json([newObs({ values: [] })]));
    await check('POST', '/observation/observations', {}, 401, null, json([newObs()]));
    await check('POST', '/observation/observations', {}, 403, r, json([newObs()]));
    await check('POST', '/observation/observations', {}, 409, w, json([{ ...one, x: 1 }]));
    await check('POST', '/observation/observations', {}, 413, w, {
      body: `[${'"x",'.repeat(3 << 20)}"x"]`,
      headers: { 'content-type': 'application/json' },
    });
    await check('POST', '/observation/observations', {}, 415, w, {
      body: '<x/>',
      headers: { 'content-type': 'application/xml' },
    });
    const current = (await w.get<Observation>(`/observation/${obs.id}`)).body;
    const edit = { ...newObs(), uuid: obs.uuid, import: current.import };
    await check('PUT', '/observation/observations', {}, 400, w, json({ ...edit, import: 'x' }));
    await check('PUT', '/observation/observations', {}, 401, null, json(edit));
    await check('PUT', '/observation/observations', {}, 403, r, json(edit));
    await check('PUT', '/observation/observations', {}, 404, w, json({ ...edit, uuid: newObs().uuid }));
    await check('PUT', '/observation/observations', {}, 200, w, json(edit));
    await check('PUT', '/observation/observations', {}, 409, w, json(edit));
    // one observation
    const id = { observationId: obs.id };
    await check('GET', '/observation/{observationId}', id, 200, r);
    await check('GET', '/observation/{observationId}', { observationId: obs.uuid }, 200, r);
    await check('GET', '/observation/{observationId}', id, 401, null);
    await check('GET', '/observation/{observationId}', id, 404, s);
    // media
    const form = (bytes: Buffer, field = 'mediaFile') => {
      const f = new FormData();
      f.append(field, new Blob([bytes]), 'p.png');
      return { body: f };
    };
    const up = '/observation/{observationId}/uploadMedia';
    await check('POST', up, id, 200, w, form(PNG));
    await check('POST', up, id, 400, w, form(PNG, 'other'));
    await check('POST', up, id, 401, null, form(PNG));
    await check('POST', up, id, 403, r, form(PNG));
    await check('POST', up, id, 404, s, form(PNG));
    await check('POST', up, { ...id, query: 'import=1' }, 409, w, form(PNG));
    await check('POST', up, id, 413, w, form(Buffer.concat([PNG, Buffer.alloc(10 << 20)])));
    await check('POST', up, id, 415, w, form(Buffer.from('not an image')));
    await check('GET', '/observation/{observationId}/media', id, 200, r);
    await check('GET', '/observation/{observationId}/media', id, 401, null);
    await check('GET', '/observation/{observationId}/media', id, 404, s);
    const dm = '/observation/{observationId}/deleteMedia';
    await check('DELETE', dm, id, 401, null);
    await check('DELETE', dm, id, 403, r);
    await check('DELETE', dm, { ...id, query: 'import=1' }, 409, w);
    await check('DELETE', dm, id, 200, w);
    await check('DELETE', dm, id, 404, w);
    // delete
    const del = '/observation/{observationId}';
    await check('DELETE', del, { ...id, query: 'import=abc' }, 400, w);
    await check('DELETE', del, id, 401, null);
    await check('DELETE', del, id, 403, r);
    await check('DELETE', del, { ...id, query: 'import=1' }, 409, w);
    const writeId = crypto.randomUUID();
    await check('DELETE', del, id, 200, w, { headers: { 'X-Gobs-Write-Id': writeId } });
    const gone = await check('DELETE', del, id, 404, w);
    expect((gone.body as { deleted?: { write_id: string } }).deleted?.write_id).toBe(writeId);
    // write status
    const ws = '/observation/writeStatus';
    const status = await check('POST', ws, {}, 200, w, json({ write_ids: [writeId, crypto.randomUUID()] }));
    expect(status.body).toEqual({ committed: [writeId] });
    await check('POST', ws, {}, 400, w, json({ write_ids: ['nope'] }));
    await check('POST', ws, {}, 401, null, json({ write_ids: [writeId] }));

    // Errors met before routing have the ApiResponse shape too (documented in info.description).
    const apiResponse = (doc.components as { schemas: Record<string, Schema> }).schemas.ApiResponse!;
    for (const [r, status] of [
      [await rawRequest(srv.port, head('GET', '/api/user/projects', { 'X-Big': 'a'.repeat(20_000) })), 431],
      [await rawRequest(srv.port, head('GET', '/api/project/%E0%A4%A')), 400],
      [await rawRequest(srv.port, 'GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n'), 400],
    ] as const) {
      expect(r.status).toBe(status);
      expect(validate(doc, apiResponse, r.json)).toEqual([]);
    }

    // While the database is unavailable, every operation answers 503 with Retry-After. A real
    // PostgreSQL client pointed at a port where nothing listens: connections are refused.
    const closed = net.createServer();
    await new Promise<void>((res) => closed.listen(0, '127.0.0.1', res));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise((res) => closed.close(res));
    const deadDb = await openPostgres(`postgres://gobs@127.0.0.1:${deadPort}/gobs`, { probe: false });
    const down = await buildServer({ db: deadDb, secret: 'x'.repeat(32) });
    await down.listen({ host: '127.0.0.1', port: 0 });
    try {
      const dc = new Client(`http://127.0.0.1:${(down.server.address() as net.AddressInfo).port}/api`, 'x'.repeat(43));
      const values = { projectKey: 'p1', indicatorCode: 'pluviometry', documentUuid: docUuid, observationId: obs.id };
      for (const [p, ops] of Object.entries(paths)) {
        for (const m of Object.keys(ops)) {
          const login = p === '/user/login';
          const init =
            m === 'get' || m === 'delete'
              ? {}
              : p.endsWith('/uploadMedia')
                ? form(PNG)
                : json(login ? { username: 'a', password: 'b' } : {});
          await check(
            m.toUpperCase(),
            p,
            { ...values, ...(login && m === 'get' ? { query: 'username=a&password=b' } : {}) },
            503,
            dc,
            init,
          );
        }
      }
    } finally {
      await down.close();
      await deadDb.close();
    }

    const all = Object.entries(paths).flatMap(([p, ops]) =>
      Object.entries(ops).flatMap(([m, op]) => Object.keys(op.responses as object).map((st) => `${m} ${p} ${st}`)),
    );
    expect(all.filter((k) => !covered.has(k))).toEqual([]);
  });
});

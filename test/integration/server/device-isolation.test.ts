/**
 * Sync state belongs to a device and the account using it: knowing another account's device UUID
 * changes nothing for that account. And a device is registered only by a valid, authenticated
 * pull or write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Observation } from '../../../src/shared/api.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client, pull, syncAll } from './client.js';
import { DEVICE_A, DEVICE_C, newObs, seedRows } from './fixtures.js';

describe.each(testEngines())('device sync state per account (%s)', (engine) => {
  let srv: TestServer;
  let n = 0;
  async function indicator(): Promise<string> {
    const code = `iso_${++n}`;
    await srv.seed.indicator({
      code,
      label: code,
      date_format: 'hour',
      values: [
        { code: 'rain', name: 'Rainfall', type: 'real', unit: 'mm' },
        { code: 'gauge', name: 'Gauge', type: 'integer', unit: null },
        { code: 'checked', name: 'Checked', type: 'boolean', unit: null },
        { code: 'note', name: 'Note', type: 'string', unit: null },
      ],
    });
    await srv.seed.link('p1', code);
    return code;
  }
  const as = async (login: string, device: string | null) => {
    const c = await new Client(srv.baseUrl).login(login, login);
    c.deviceId = device;
    return c;
  };
  const devices = async () => (await srv.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM device'))[0]!.n;

  beforeAll(async () => {
    srv = await startTestServer({ engine });
    await srv.seed.basic();
    await srv.seed.user('writer2', 'writer2');
    await srv.seed.grant('writer2', 'p1', 'writer');
  });
  afterAll(() => srv?.close());

  it("a reader who knows a writer's device UUID cannot acknowledge batches for it", async () => {
    const code = await indicator();
    await srv.seed.observations({ indicator: code, observations: seedRows(2416) });
    const writer = await as('writer', DEVICE_A);
    // The writer's device takes a first batch, then the reader pulls and acknowledges everything "as" it.
    const first = await pull<Observation[]>(writer, code, { limit: 100 });
    expect(first.items).toHaveLength(100);
    const thief = await as('reader', DEVICE_A);
    const stolen = await syncAll(thief, code, { limit: 1000 });
    expect(stolen.items).toHaveLength(2416); // a reader may read; what it reads is its own business
    // Even acknowledging the writer's own token does not touch the writer's state.
    expect((await pull(thief, code, { ack: first.token })).status).toBe(200);
    const rest = await syncAll<Observation>(writer, code, { ack: first.token, limit: 1000 });
    expect(rest.items).toHaveLength(2316);
    expect(new Set([...first.items, ...rest.items].map((o) => o.uuid)).size).toBe(2416);
  });

  it("another writer pushing with a writer's device UUID does not mark those rows as held by the writer", async () => {
    const code = await indicator();
    const writer = await as('writer', DEVICE_C);
    expect((await syncAll(writer, code)).items).toEqual([]);
    const other = await as('writer2', DEVICE_C);
    const pushed = await other.req<Observation[]>('POST', '/observation/observations', {
      json: [newObs({ indicator: code }), newObs({ indicator: code })],
    });
    expect(pushed.status).toBe(200);
    const got = await syncAll<Observation>(writer, code);
    expect(got.items.map((o) => o.uuid).sort()).toEqual(pushed.body.map((o) => o.uuid).sort());
    expect((await syncAll(other, code)).items).toEqual([]); // no echo for the one who pushed
  });

  it('registers a device only on an authenticated, valid pull or write', async () => {
    const code = await indicator();
    const fresh = () => crypto.randomUUID();
    const before = await devices();
    const anonymous = new Client(srv.baseUrl, null, fresh());
    expect((await anonymous.get(`/indicator/${code}/observations`)).status).toBe(401);
    expect((await anonymous.req('POST', '/observation', { json: newObs({ indicator: code }) })).status).toBe(401);
    const w = await as('writer', fresh());
    expect((await w.req('POST', '/observation', { json: newObs({ indicator: code, x: 500 }) })).status).toBe(400);
    expect((await w.req('POST', '/observation/observations', { json: [] })).status).toBe(400);
    expect((await w.get('/indicator/nope/observations')).status).toBe(404);
    expect((await w.get(`/indicator/${code}/observations?limit=0`)).status).toBe(400);
    expect((await w.get(`/indicator/${code}/observations`, { 'X-Gobs-Ack': 'forged.token' })).status).toBe(400);
    expect((await w.req('DELETE', '/observation/999999')).status).toBe(404);
    expect((await w.get('/user/projects')).status).toBe(200); // valid, but not sync
    const r = await as('reader', fresh());
    expect((await r.req('POST', '/observation', { json: newObs({ indicator: code }) })).status).toBe(403);
    const taken = await w.req<Observation[]>('POST', '/observation', { json: newObs({ indicator: code }) });
    const dup = await new Client(srv.baseUrl, w.token, fresh()).req('POST', '/observation', {
      json: { ...newObs({ indicator: code, timestamp: '2001-01-01 00:00:00' }), uuid: taken.body[0]!.uuid },
    });
    expect(dup.status).toBe(409); // refused inside the write's transaction: rolled back with it
    expect(await devices()).toBe(before + 1); // only the valid push above registered its device

    expect((await pull(await as('reader', fresh()), code)).status).toBe(200);
    expect(await devices()).toBe(before + 2);
  });
});

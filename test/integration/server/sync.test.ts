import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Observation } from '../../../src/shared/api.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client, pull, syncAll } from './client.js';
import { DEVICE_A, DEVICE_B, DEVICE_C, OBSERVATION_1, newObs, seedRows } from './fixtures.js';

type Obs = Observation;

describe.each(testEngines())('device sync (%s)', (engine) => {
  let srv: TestServer;
  let n = 0;
  // Each test gets its own indicator so tests stay independent within one server.
  async function indicator(): Promise<string> {
    const code = `pluvio_${++n}`;
    await srv.seed.indicator({ ...PLUVIO, code });
    await srv.seed.link('p1', code);
    return code;
  }
  const PLUVIO = {
    code: 'x',
    label: 'Pluviometry',
    date_format: 'hour' as const,
    values: [
      { code: 'rain', name: 'Rainfall', type: 'real' as const, unit: 'mm' },
      { code: 'gauge', name: 'Gauge', type: 'integer' as const, unit: null },
      { code: 'checked', name: 'Checked', type: 'boolean' as const, unit: null },
      { code: 'note', name: 'Note', type: 'string' as const, unit: null },
    ],
  };
  const as = async (login: string, device: string | null) => {
    const c = await new Client(srv.baseUrl).login(login, login);
    c.deviceId = device;
    return c;
  };

  beforeAll(async () => {
    srv = await startTestServer({ engine });
    await srv.seed.basic();
  });
  afterAll(() => srv?.close());

  it("follows the design's example literally: A (holds import 2) and C (never synced) get observation 1, B (holds import 3) does not", async () => {
    const code = await indicator();
    // Imports 1..3 of observation 1: created, then changed twice; A last saw import 2, B import 3.
    const first = await srv.seed.observations({
      indicator: code,
      author: 'writer',
      observations: [{ uuid: OBSERVATION_1, ...seedRows(1)[0]! }],
    });
    const i2 = await srv.seed.observations({ indicator: code, observations: [] });
    const i3 = await srv.seed.observations({ indicator: code, observations: [] });
    const id = first.ids[0]!;
    await srv.db.query('UPDATE observation SET import_id = $2 WHERE id = $1', [id, i3.importId]);
    await srv.seed.holding({ deviceUuid: DEVICE_A, login: 'reader', observationId: id, importId: i2.importId });
    await srv.seed.holding({ deviceUuid: DEVICE_B, login: 'reader', observationId: id, importId: i3.importId });

    const got = async (device: string) =>
      (await pull<Obs[]>(await as('reader', device), code)).items.map((o) => o.uuid);
    expect(await got(DEVICE_A)).toEqual([OBSERVATION_1]);
    expect(await got(DEVICE_B)).toEqual([]);
    expect(await got(DEVICE_C)).toEqual([OBSERVATION_1]);
  });

  it('without deviceId sends every observation and records nothing', async () => {
    const code = await indicator();
    await srv.seed.observations({ indicator: code, observations: seedRows(2500) });
    const c = await as('reader', null);
    const all = await c.get<Obs[]>(`/indicator/${code}/observations`);
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(2500);
    expect(all.headers.get('x-gobs-sync-token')).toBeNull();
    expect(Observation.parse(all.body[0])).toMatchObject({ indicator: code, values: expect.any(Array) });
    expect(new Set(all.body.map((o) => o.id)).size).toBe(2500);
    // A device still gets everything afterwards: nothing was recorded.
    c.deviceId = DEVICE_C;
    expect((await syncAll(c, code, { limit: 5000 })).items).toHaveLength(2500);
  });

  it('a lost response is sent again; ack moves on; the final ack returns []', async () => {
    const code = await indicator();
    await srv.seed.observations({ indicator: code, observations: seedRows(5) });
    const c = await as('reader', DEVICE_A);
    const first = await pull<Obs[]>(c, code, { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.remaining).toBe(3);
    // The response is "lost": pull again without ack → the same batch.
    const again = await pull<Obs[]>(c, code, { limit: 2 });
    expect(again.items.map((o) => o.uuid)).toEqual(first.items.map((o) => o.uuid));
    const second = await pull<Obs[]>(c, code, { limit: 2, ack: again.token });
    expect(second.items).toHaveLength(2);
    expect(second.items.map((o) => o.id)).not.toContain(first.items[0]!.id);
    expect(second.remaining).toBe(1);
    // Acknowledging an older token again is harmless.
    const third = await pull<Obs[]>(c, code, { limit: 2, ack: second.token });
    expect(third.items).toHaveLength(1);
    expect(third.remaining).toBe(0);
    const last = await pull<Obs[]>(c, code, { limit: 2, ack: third.token });
    expect(last.items).toEqual([]);
    expect(last.remaining).toBe(0);
    expect((await pull<Obs[]>(c, code, { ack: first.token })).items).toEqual([]);
    expect((await pull<Obs[]>(c, code, { ack: last.token })).items).toEqual([]);
  });

  it('a device that crashed before storing simply gets the same batch again (no ack)', async () => {
    const code = await indicator();
    await srv.seed.observations({ indicator: code, observations: seedRows(3) });
    const c = await as('reader', DEVICE_B);
    const a = await pull<Obs[]>(c, code);
    const b = await pull<Obs[]>(c, code);
    expect(b.items.map((o) => o.uuid).sort()).toEqual(a.items.map((o) => o.uuid).sort());
    expect(b.items).toHaveLength(3);
  });

  it('rejects forged, malformed and foreign tokens', async () => {
    const code = await indicator();
    await srv.seed.observations({ indicator: code, observations: seedRows(2) });
    const a = await as('reader', DEVICE_A);
    const b = await as('reader', DEVICE_B);
    const r = await pull(a, code);
    const token = r.token!;
    expect((await pull(b, code, { ack: token })).status).toBe(403);
    expect((await pull(a, code, { ack: 'garbage' })).status).toBe(400);
    const [payload, sig] = token.split('.') as [string, string];
    // Another batch named under the same signature (another one than the token's, whatever the run's order).
    const real = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { b: number };
    const forgedPayload = Buffer.from(JSON.stringify({ ...real, b: real.b + 1 })).toString('base64url');
    expect((await pull(a, code, { ack: `${forgedPayload}.${sig}` })).status).toBe(400);
    // One character of the signature changed (always a change: replacing its end with "AA" was none once in 1,024).
    const tampered = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    expect((await pull(a, code, { ack: `${payload}.${tampered}` })).status).toBe(400);
    // A token for deletions is not an observations ack.
    const del = await pull(a, code, { kind: 'deletedObservations' });
    expect((await pull(a, code, { ack: del.token })).status).toBe(400);
    // Nothing was recorded by the failed requests: the batch is still pending.
    expect(((await pull<Obs[]>(a, code)).items as Obs[]).length).toBe(2);
  });

  it('validates deviceId and limit', async () => {
    const code = await indicator();
    const c = await as('reader', 'not-a-uuid');
    expect((await pull(c, code)).status).toBe(400);
    c.deviceId = DEVICE_A;
    for (const limit of ['0', '5001', 'abc', '-1', '1.5']) {
      expect((await c.get(`/indicator/${code}/observations?limit=${limit}`)).status).toBe(400);
    }
    expect((await pull(c, 'nope')).status).toBe(404);
  });

  it("a full round of the design's example flow: nothing new and no echo after pushing", async () => {
    const code = await indicator();
    await srv.seed.observations({ indicator: code, observations: seedRows(30) });
    const c = await new Client(srv.baseUrl).login('writer', 'writer');
    c.deviceId = DEVICE_C;
    expect((await c.get<{ key: string }[]>('/user/projects')).body.map((p) => p.key)).toEqual(['p1']);
    const indicators = await c.get<{ code: string }[]>('/project/p1/indicators');
    expect(indicators.body.map((i) => i.code)).toContain(code);
    expect((await c.get(`/indicator/${code}/documents`)).status).toBe(200);
    expect((await syncAll(c, code)).items).toHaveLength(30);
    const batch = [newObs({ indicator: code }), newObs({ indicator: code }), newObs({ indicator: code })];
    const pushed = await c.req<Obs[]>('POST', '/observation/observations', { json: batch });
    expect(pushed.status).toBe(200);
    expect(pushed.body.map((o) => o.uuid)).toEqual(batch.map((o) => o.uuid));
    expect(new Set(pushed.body.map((o) => o.import)).size).toBe(1);
    expect(pushed.body.every((o) => o.id > 0 && o.author === 'writer')).toBe(true);
    expect((await c.get('/user/logout')).status).toBe(200);
    await c.login('writer', 'writer');
    const again = await syncAll(c, code);
    expect(again.items).toEqual([]);
    expect(again.requests).toBe(1);
    // Another device gets the pushed ones.
    const other = await as('reader', DEVICE_A);
    expect(
      (await syncAll<Obs>(other, code)).items.map((o) => o.uuid).filter((u) => batch.some((b) => b.uuid === u)),
    ).toHaveLength(3);
  });

  it('an update by one device reaches the others once; a conflicting update gets 409 with the server version', async () => {
    const code = await indicator();
    const a = await as('writer', DEVICE_A);
    const b = await as('writer', DEVICE_B);
    const c = await as('reader', DEVICE_C);
    const item = newObs({ indicator: code });
    const [created] = (await a.req<Obs[]>('POST', '/observation/observations', { json: [item] })).body;
    expect((await syncAll<Obs>(b, code)).items.map((o) => o.uuid)).toEqual([item.uuid]);
    expect((await syncAll<Obs>(c, code)).items).toHaveLength(1);
    expect((await syncAll(a, code)).items).toEqual([]); // no echo of its own push

    const edit = {
      ...item,
      import: created!.import,
      values: item.values.map((v) => (v.name === 'rain' ? { ...v, value: 9.5 } : v)),
    };
    const upd = await a.req<Obs[]>('PUT', '/observation/observations', { json: edit });
    expect(upd.status).toBe(200);
    expect(upd.body[0]!.import).toBeGreaterThan(created!.import);
    expect(upd.body[0]!.values.find((v) => v.name === 'rain')!.value).toBe(9.5);

    const seenByC = await syncAll<Obs>(c, code);
    expect(seenByC.items.map((o) => [o.uuid, o.import])).toEqual([[item.uuid, upd.body[0]!.import]]);
    expect((await syncAll(c, code)).items).toEqual([]); // once
    expect((await syncAll(a, code)).items).toEqual([]); // not echoed to its author

    // B edits from the old import: conflict, nothing changed, server version returned.
    const stale = await b.req<{ observation: Obs; code: number }>('PUT', '/observation/observations', {
      json: { ...edit, import: created!.import },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe(0);
    expect(stale.body.observation.import).toBe(upd.body[0]!.import);
    expect((await b.get<Obs>(`/observation/${item.uuid}`)).body.import).toBe(upd.body[0]!.import);
  });

  it('a deletion reaches every device that held the observation, and does not bother one that never held it', async () => {
    const code = await indicator();
    const a = await as('writer', DEVICE_A);
    const b = await as('reader', DEVICE_B);
    const c = await as('reader', DEVICE_C);
    const item = newObs({ indicator: code });
    const [created] = (await a.req<Obs[]>('POST', '/observation/observations', { json: [item] })).body;
    await syncAll(b, code); // B now holds it; C never pulled
    const del = await a.req('DELETE', `/observation/${created!.id}?import=${created!.import}`);
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ code: 1, type: 'success' });
    expect((await a.get(`/observation/${created!.id}`)).status).toBe(404);
    expect((await syncAll(b, code, { kind: 'deletedObservations' })).items).toEqual([item.uuid]);
    expect((await syncAll(b, code, { kind: 'deletedObservations' })).items).toEqual([]);
    expect((await syncAll(a, code, { kind: 'deletedObservations' })).items).toEqual([]); // its own deletion
    expect((await syncAll(c, code, { kind: 'deletedObservations' })).items).toEqual([]);
    expect((await syncAll(c, code)).items).toEqual([]);
    // Without a device: every deleted uuid of the indicator.
    const all = await new Client(srv.baseUrl, c.token).get<string[]>(`/indicator/${code}/deletedObservations`);
    expect(all.body).toEqual([item.uuid]);
    expect((await a.req('DELETE', `/observation/${created!.id}`)).status).toBe(404);
  });

  it('a deletion of an observation sent but not yet acknowledged still reaches the device', async () => {
    const code = await indicator();
    const w = await as('writer', null);
    const [created] = (await w.req<Obs[]>('POST', '/observation/observations', { json: [newObs({ indicator: code })] }))
      .body;
    const b = await as('reader', DEVICE_B);
    const sent = await pull<Obs[]>(b, code);
    expect(sent.items).toHaveLength(1);
    expect((await w.req('DELETE', `/observation/${created!.uuid}`)).status).toBe(200);
    expect((await pull<Obs[]>(b, code, { ack: sent.token })).items).toEqual([]);
    expect((await syncAll(b, code, { kind: 'deletedObservations' })).items).toEqual([created!.uuid]);
  });

  it('a stale delete gets 409 with the server version', async () => {
    const code = await indicator();
    const w = await as('writer', DEVICE_A);
    const item = newObs({ indicator: code });
    const [created] = (await w.req<Obs[]>('POST', '/observation/observations', { json: [item] })).body;
    await w.req('PUT', '/observation/observations', {
      json: { ...item, import: created!.import, timestamp: '2024-05-02 10:00:00' },
    });
    const r = await w.req<{ observation: Obs }>('DELETE', `/observation/${created!.id}?import=${created!.import}`);
    expect(r.status).toBe(409);
    expect(r.body.observation.timestamp).toBe('2024-05-02 10:00:00');
    expect((await w.get(`/observation/${created!.id}`)).status).toBe(200);
  });

  it('acknowledging a batch after editing one of its observations does not bring the edit back (no echo)', async () => {
    const code = await indicator();
    const w = await as('writer', null);
    const item = newObs({ indicator: code });
    await w.req('POST', '/observation', { json: item });
    const a = await as('writer', DEVICE_A);
    const sent = await pull<Obs[]>(a, code);
    expect(sent.items).toHaveLength(1);
    const upd = await a.req<Obs[]>('PUT', '/observation/observations', {
      json: { ...item, import: sent.items[0]!.import, timestamp: '2024-06-01 00:00:00' },
    });
    expect(upd.status).toBe(200);
    expect((await pull<Obs[]>(a, code, { ack: sent.token })).items).toEqual([]);
    expect((await syncAll(a, code)).items).toEqual([]);
  });

  it('two devices pulling at once do not disturb each other', async () => {
    const code = await indicator();
    await srv.seed.observations({ indicator: code, observations: seedRows(1200) });
    const a = await as('reader', DEVICE_A);
    const b = await as('reader', DEVICE_B);
    const [ra, rb] = await Promise.all([syncAll<Obs>(a, code, { limit: 250 }), syncAll<Obs>(b, code, { limit: 300 })]);
    expect(new Set(ra.items.map((o) => o.id)).size).toBe(1200);
    expect(new Set(rb.items.map((o) => o.id)).size).toBe(1200);
    expect(ra.items).toHaveLength(1200);
  });

  it('changes made while a device is paging reach it in the next round, not lost', async () => {
    const code = await indicator();
    const seeded = await srv.seed.observations({ indicator: code, observations: seedRows(10) });
    const w = await as('writer', null);
    const c = await as('reader', DEVICE_C);
    const p1 = await pull<Obs[]>(c, code, { limit: 4 });
    // Meanwhile: one already-sent row changes, one unsent row changes (each change is a new import), a new row arrives.
    const change = await srv.seed.observations({ indicator: code, observations: [] });
    await srv.db.query(
      `UPDATE observation SET vals = jsonb_set(vals, '{note}', '"changed"'), import_id = $2 WHERE id = ANY($1::bigint[])`,
      [[seeded.ids[0], seeded.ids[8]], change.importId],
    );
    const [created] = (await w.req<Obs[]>('POST', '/observation/observations', { json: [newObs({ indicator: code })] }))
      .body;
    const rest = await syncAll<Obs>(c, code, { limit: 4, ack: p1.token });
    const ids = [...p1.items, ...rest.items].map((o) => o.id);
    expect(new Set(ids)).toEqual(new Set([...seeded.ids, created!.id]));
    const notes = new Map(rest.items.map((o) => [o.id, o.values.find((v) => v.name === 'note')!.value]));
    expect(notes.get(seeded.ids[0]!)).toBe('changed');
    expect(notes.get(seeded.ids[8]!)).toBe('changed');
    expect((await syncAll(c, code)).items).toEqual([]);
  });
});

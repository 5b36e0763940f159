/**
 * Write ids: what the server records of each write's X-Gobs-Write-Id, and what it tells a device
 * whose answer was lost (the version's write id, the tombstone of a deletion, which writes committed).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Observation } from '../../../src/shared/api.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client } from './client.js';
import { DEVICE_A, DEVICE_B, newObs } from './fixtures.js';

type Obs = Observation;
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e1d6d20000000049454e44ae426082',
  'hex',
);

describe.each(testEngines())('write ids (%s)', (engine) => {
  let srv: TestServer;
  let writer: Client;
  let admin: Client;
  let stranger: Client;

  const withId = (id: string) => ({ 'X-Gobs-Write-Id': id });
  const create = async (id = randomUUID()) =>
    (await writer.req<Obs[]>('POST', '/observation/observations', { json: [newObs()], headers: withId(id) })).body[0]!;

  beforeAll(async () => {
    srv = await startTestServer({ engine });
    await srv.seed.basic();
    await srv.seed.project('p2');
    await srv.seed.user('stranger', 'stranger');
    await srv.seed.grant('stranger', 'p2', 'admin');
    writer = await new Client(srv.baseUrl, null, DEVICE_A).login('writer', 'writer');
    admin = await new Client(srv.baseUrl, null, DEVICE_B).login('admin', 'admin');
    stranger = await new Client(srv.baseUrl).login('stranger', 'stranger');
  });
  afterAll(() => srv?.close());

  it('each version shows the write id that made it; a stale update gets the current one in its 409', async () => {
    const created = randomUUID();
    const o = await create(created);
    expect((await writer.get<Obs>(`/observation/${o.uuid}`)).body.write_id).toBe(created);
    const edit = randomUUID();
    const put = await writer.req<Obs[]>('PUT', '/observation/observations', {
      json: { ...newObs({ uuid: o.uuid }), import: o.import },
      headers: withId(edit),
    });
    expect(put.status).toBe(200);
    expect(put.body[0]!.write_id).toBe(edit);
    const stale = await writer.req<{ observation: Obs }>('PUT', '/observation/observations', {
      json: { ...newObs({ uuid: o.uuid }), import: o.import },
      headers: withId(randomUUID()),
    });
    expect(stale.status).toBe(409);
    expect(stale.body.observation.write_id).toBe(edit);
    // Pulls do not carry it (it is only needed about one observation at a time).
    const pulled = await admin.get<Obs[]>('/indicator/pluviometry/observations');
    expect(pulled.body.every((p) => !('write_id' in p))).toBe(true);
  });

  it('a deleted observation answers 404 with its tombstone, to those who may see it', async () => {
    const o = await create();
    const del = randomUUID();
    expect(
      (await writer.req('DELETE', `/observation/${o.id}?import=${o.import}`, { headers: withId(del) })).status,
    ).toBe(200);
    for (const path of [`/observation/${o.uuid}`, `/observation/${o.id}`]) {
      const r = await writer.get<{ deleted: { uuid: string; write_id: string } }>(path);
      expect(r.status).toBe(404);
      expect(r.body.deleted).toMatchObject({ uuid: o.uuid, write_id: del });
    }
    const put = await writer.req<{ deleted: { write_id: string } }>('PUT', '/observation/observations', {
      json: { ...newObs({ uuid: o.uuid }), import: o.import },
    });
    expect(put.status).toBe(404);
    expect(put.body.deleted.write_id).toBe(del);
    const outsider = await stranger.get<{ deleted?: unknown }>(`/observation/${o.uuid}`);
    expect(outsider.status).toBe(404);
    expect(outsider.body.deleted).toBeUndefined();
  });

  it('media changes with a stale base import are refused with the current version; nothing changes', async () => {
    const o = await create();
    const edit = randomUUID();
    await writer.req('PUT', '/observation/observations', {
      json: { ...newObs({ uuid: o.uuid }), import: o.import },
      headers: withId(edit),
    });
    const form = new FormData();
    form.append('mediaFile', new Blob([PNG]), 'p.png');
    const up = await writer.req<{ observation: Obs }>('POST', `/observation/${o.id}/uploadMedia?import=${o.import}`, {
      body: form,
    });
    expect(up.status).toBe(409);
    expect(up.body.observation.write_id).toBe(edit);
    expect((await writer.get<Obs>(`/observation/${o.id}`)).body.media_url).toBeNull();
    const current = (await writer.get<Obs>(`/observation/${o.id}`)).body;
    const form2 = new FormData();
    form2.append('mediaFile', new Blob([PNG]), 'p.png');
    const media = randomUUID();
    const ok = await writer.req<{ observation: Obs }>(
      'POST',
      `/observation/${o.id}/uploadMedia?import=${current.import}`,
      {
        body: form2,
        headers: withId(media),
      },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.observation.write_id).toBe(media);
  });

  it('writeStatus reports the caller’s committed writes only', async () => {
    const mine = randomUUID();
    await create(mine);
    const theirs = randomUUID();
    await admin.req('POST', '/observation/observations', { json: [newObs()], headers: withId(theirs) });
    const never = randomUUID();
    const r = await writer.req<{ committed: string[] }>('POST', '/observation/writeStatus', {
      json: { write_ids: [mine, theirs, never] },
    });
    expect(r.status).toBe(200);
    expect(r.body.committed).toEqual([mine]);
  });

  it('refuses a malformed write id, and one another write already used; nothing is stored', async () => {
    const count = async () =>
      Number((await srv.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM observation'))[0]!.n);
    const before = await count();
    const bad = await writer.req('POST', '/observation/observations', { json: [newObs()], headers: withId('nope') });
    expect(bad.status).toBe(400);
    const used = randomUUID();
    await create(used);
    const again = await admin.req<{ message: string }>('POST', '/observation/observations', {
      json: [newObs()],
      headers: withId(used),
    });
    expect(again.status).toBe(400);
    expect(again.body.message).toMatch(/X-Gobs-Write-Id/);
    expect(await count()).toBe(before + 1);
  });
});

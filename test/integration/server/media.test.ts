import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndicatorDocument, MediaResponse, type Observation, Indicator } from '../../../src/shared/api.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client, syncAll } from './client.js';
import { DEVICE_A, DEVICE_B, newObs } from './fixtures.js';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e1d6d20000000049454e44ae426082',
  'hex',
);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600', 'hex'), Buffer.alloc(64, 1)]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(32, 0)]);
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([36, 0, 0, 0]),
  Buffer.from('WEBPVP8 '),
  Buffer.alloc(32, 0),
]);

function form(bytes: Buffer, filename: string, field = 'mediaFile', type = 'image/png'): FormData {
  const f = new FormData();
  f.append(field, new Blob([bytes], { type }), filename);
  return f;
}

describe.each(testEngines())('media and documents (%s)', (engine) => {
  let srv: TestServer;
  let writer: Client;
  let reader: Client;
  let stranger: Client;
  let obs: Observation;
  // Stored files that are not documents: the observations' media (the server stores them in its database).
  const mediaFiles = async () =>
    (
      await srv.db.query<{ name: string }>(
        'SELECT name FROM stored_file WHERE name NOT IN (SELECT file_name FROM document) ORDER BY name',
      )
    ).map((r) => r.name);

  beforeAll(async () => {
    srv = await startTestServer({ engine });
    await srv.seed.basic();
    await srv.seed.project('p2');
    await srv.seed.user('stranger', 'stranger');
    await srv.seed.grant('stranger', 'p2', 'admin');
    writer = await new Client(srv.baseUrl, null, DEVICE_A).login('writer', 'writer');
    reader = await new Client(srv.baseUrl, null, DEVICE_B).login('reader', 'reader');
    stranger = await new Client(srv.baseUrl).login('stranger', 'stranger');
    [obs] = (await writer.req<Observation[]>('POST', '/observation', { json: newObs() })).body as [Observation];
    await syncAll(reader, 'pluviometry');
  });
  afterAll(() => srv?.close());

  it('uploads an image as a new import that other devices receive, without echo to the uploader', async () => {
    const r = await writer.req<MediaResponse>('POST', `/observation/${obs.id}/uploadMedia`, {
      body: form(PNG, 'photo.png'),
    });
    expect(r.status).toBe(200);
    const body = MediaResponse.parse(r.body);
    expect(body.observation.import).toBeGreaterThan(obs.import);
    expect(body.observation.media_url).toBe(`${srv.baseUrl}/observation/${obs.id}/media`);
    const file = await writer.req('GET', `/observation/${obs.id}/media`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    const raw = await fetch(body.observation.media_url!, { headers: { authorization: `Bearer ${reader.token}` } });
    expect(Buffer.from(await raw.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(body.observation.media_url!)).status).toBe(401);
    const pulled = await syncAll<Observation>(reader, 'pluviometry');
    expect(pulled.items.map((o) => [o.uuid, o.media_url])).toEqual([[obs.uuid, body.observation.media_url]]);
    expect((await syncAll(writer, 'pluviometry')).items).toEqual([]);
    obs = body.observation;
  });

  it('recognises JPEG, GIF and WebP from bytes and replaces the previous file', async () => {
    for (const [bytes, type] of [
      [JPEG, 'image/jpeg'],
      [GIF, 'image/gif'],
      [WEBP, 'image/webp'],
    ] as const) {
      const r = await writer.req<MediaResponse>('POST', `/observation/${obs.uuid}/uploadMedia`, {
        body: form(bytes, 'x.bin'),
      });
      expect(r.status).toBe(200);
      expect((await writer.req('GET', `/observation/${obs.id}/media`)).headers.get('content-type')).toBe(type);
      expect(await mediaFiles()).toHaveLength(1);
    }
  });

  it('refuses a file whose bytes are not an image, whatever its extension', async () => {
    const before = (await writer.get<Observation>(`/observation/${obs.id}`)).body.import;
    const r = await writer.req('POST', `/observation/${obs.id}/uploadMedia`, {
      body: form(Buffer.from('#!/bin/sh\nrm -rf /\n'), 'photo.jpg', 'mediaFile', 'image/jpeg'),
    });
    expect(r.status).toBe(415);
    expect((await writer.get<Observation>(`/observation/${obs.id}`)).body.import).toBe(before);
  });

  it('never uses the client file name as a path', async () => {
    const r = await writer.req<MediaResponse>('POST', `/observation/${obs.id}/uploadMedia`, {
      body: form(PNG, '../../../../tmp/evil.png'),
    });
    expect(r.status).toBe(200);
    const files = await mediaFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{32}\.png$/);
    expect(fs.existsSync(path.join(os.tmpdir(), 'evil.png'))).toBe(false);
  });

  it('answers 413 beyond 10 MB, 400 without the mediaFile field, 403/404 on permissions', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024 + 1)]);
    expect(
      (await writer.req('POST', `/observation/${obs.id}/uploadMedia`, { body: form(big, 'big.png') })).status,
    ).toBe(413);
    expect(
      (await writer.req('POST', `/observation/${obs.id}/uploadMedia`, { body: form(PNG, 'a.png', 'photo') })).status,
    ).toBe(400);
    expect((await writer.req('POST', `/observation/${obs.id}/uploadMedia`, { json: { media: 'x' } })).status).toBe(415);
    expect((await reader.req('POST', `/observation/${obs.id}/uploadMedia`, { body: form(PNG, 'a.png') })).status).toBe(
      403,
    );
    expect(
      (await stranger.req('POST', `/observation/${obs.id}/uploadMedia`, { body: form(PNG, 'a.png') })).status,
    ).toBe(404);
    expect((await writer.req('POST', '/observation/999999/uploadMedia', { body: form(PNG, 'a.png') })).status).toBe(
      404,
    );
    expect((await stranger.get(`/observation/${obs.id}/media`)).status).toBe(404);
    expect((await reader.req('DELETE', `/observation/${obs.id}/deleteMedia`)).status).toBe(403);
    expect(await mediaFiles()).toHaveLength(1);
  });

  it('deletes the media as a new import; a second delete is 404', async () => {
    const r = await writer.req<MediaResponse>('DELETE', `/observation/${obs.id}/deleteMedia`);
    expect(r.status).toBe(200);
    expect(r.body.observation.media_url).toBeNull();
    expect(await mediaFiles()).toHaveLength(0);
    expect((await writer.req('DELETE', `/observation/${obs.id}/deleteMedia`)).status).toBe(404);
    expect((await writer.get(`/observation/${obs.id}/media`)).status).toBe(404);
    const pulled = await syncAll<Observation>(reader, 'pluviometry');
    expect(pulled.items.map((o) => o.media_url)).toEqual([null]);
  });

  it('serves indicator documents with absolute URLs under the same authentication', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gobs-doc-'));
    const file = path.join(dir, 'guide.pdf');
    fs.writeFileSync(file, '%PDF-1.4\n% test document\n');
    const doc = await srv.seed.document({ indicator: 'pluviometry', file, label: 'Field guide', type: 'document' });
    const list = await reader.get<IndicatorDocument[]>('/indicator/pluviometry/documents');
    expect(list.status).toBe(200);
    const [d] = list.body.map((x) => IndicatorDocument.parse(x));
    expect(d).toMatchObject({
      uuid: doc.uuid,
      indicator: 'pluviometry',
      label: 'Field guide',
      type: 'document',
      mime_type: 'application/pdf',
    });
    expect(d!.url).toBe(`${srv.baseUrl}/document/${doc.uuid}`);
    const got = await fetch(d!.url, { headers: { authorization: `Bearer ${reader.token}` } });
    expect(got.status).toBe(200);
    expect(await got.text()).toContain('% test document');
    expect((await fetch(d!.url)).status).toBe(401);
    expect((await stranger.get(`/document/${doc.uuid}`)).status).toBe(404);
    const ind = Indicator.parse((await reader.get('/indicator/pluviometry')).body);
    expect(ind.documents.map((x) => x.uuid)).toEqual([doc.uuid]);
    expect(ind.values.map((v) => [v.code, v.type])).toEqual([
      ['rain', 'real'],
      ['gauge', 'integer'],
      ['checked', 'boolean'],
      ['note', 'string'],
    ]);
    fs.rmSync(dir, { recursive: true });
  });
});

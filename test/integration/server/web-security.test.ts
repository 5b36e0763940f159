/**
 * Browser-facing defences: the session cookie is Secure behind https, cookie-authenticated writes
 * from a foreign origin are refused (bearer tokens and the desktop, which sends no Origin, are not
 * affected), logout accepts POST, and absolute links never come from the Host header.
 */
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type IndicatorDocument,
  type MediaResponse,
  type Observation,
  SESSION_COOKIE,
} from '../../../src/shared/api.js';
import { HttpClient } from '../../../src/main/remote/http.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client } from './client.js';
import { newObs } from './fixtures.js';
import { head, rawRequest } from './raw.js';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e1d6d20000000049454e44ae426082',
  'hex',
);

async function loginCookie(baseUrl: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}/user/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username: 'writer', password: 'writer' }),
  });
  expect(res.status).toBe(200);
  return { setCookie: res.headers.get('set-cookie') ?? '', token: ((await res.json()) as { token: string }).token };
}

describe.each(testEngines())('cookies, origins and links (%s)', (engine) => {
  let srv: TestServer;
  let cookie: string;
  let own: string;
  let obs: Observation;

  beforeAll(async () => {
    srv = await startTestServer({ engine });
    await srv.seed.basic();
    cookie = `${SESSION_COOKIE}=${(await loginCookie(srv.baseUrl)).token}`;
    own = `http://127.0.0.1:${srv.port}`;
    const w = await new Client(srv.baseUrl).login('writer', 'writer');
    [obs] = (await w.req<Observation[]>('POST', '/observation', { json: newObs() })).body as [Observation];
  });
  afterAll(() => srv?.close());

  const upload = (headers: Record<string, string>) => {
    const f = new FormData();
    f.append('mediaFile', new Blob([PNG]), 'p.png');
    return fetch(`${srv.baseUrl}/observation/${obs.id}/uploadMedia`, { method: 'POST', headers, body: f });
  };

  it('gives the cookie no Secure flag over plain http, and ignores X-Forwarded-Proto from untrusted peers', async () => {
    expect((await loginCookie(srv.baseUrl)).setCookie).not.toMatch(/Secure/i);
    expect((await loginCookie(srv.baseUrl, { 'x-forwarded-proto': 'https' })).setCookie).not.toMatch(/Secure/i);
  });

  it('refuses a cookie-authenticated upload from a foreign origin, and stores nothing', async () => {
    const evil = await upload({ cookie, origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { message: string }).message).toMatch(/Cross-origin/);
    expect((await upload({ cookie, referer: 'https://evil.example/page' })).status).toBe(403);
    expect((await upload({ cookie, origin: 'null' })).status).toBe(403);
    expect((await upload({ cookie, origin: `http://127.0.0.1:${srv.port + 1}` })).status).toBe(403);
    const after = await new Client(srv.baseUrl).login('writer', 'writer');
    const now = (await after.get<Observation>(`/observation/${obs.id}`)).body;
    expect(now.import).toBe(obs.import);
    expect(now.media_url).toBeNull();
  });

  it('refuses every cookie-authenticated write method from a foreign origin', async () => {
    const evil = { cookie, origin: 'https://evil.example', 'content-type': 'application/json' };
    const post = await fetch(`${srv.baseUrl}/observation`, {
      method: 'POST',
      headers: evil,
      body: JSON.stringify(newObs()),
    });
    expect(post.status).toBe(403);
    const put = await fetch(`${srv.baseUrl}/observation/observations`, {
      method: 'PUT',
      headers: evil,
      body: JSON.stringify({ ...newObs(), uuid: obs.uuid, import: obs.import }),
    });
    expect(put.status).toBe(403);
    const del = await fetch(`${srv.baseUrl}/observation/${obs.id}`, {
      method: 'DELETE',
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(del.status).toBe(403);
    const out = await fetch(`${srv.baseUrl}/user/logout`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(out.status).toBe(403);
    // Reads are not writes; the session survived all of the above.
    expect(
      (await fetch(`${srv.baseUrl}/user/projects`, { headers: { cookie, origin: 'https://evil.example' } })).status,
    ).toBe(200);
  });

  it('accepts cookie writes from its own origin or without any Origin, and bearer writes from anywhere', async () => {
    expect((await upload({ cookie, origin: own })).status).toBe(200);
    expect((await upload({ cookie, referer: `${own}/app/page` })).status).toBe(200);
    expect((await upload({ cookie })).status).toBe(200);
    const token = cookie.split('=')[1]!;
    expect((await upload({ authorization: `Bearer ${token}`, origin: 'https://evil.example' })).status).toBe(200);
  });

  it('the desktop HTTP client sends no Origin or Referer (its cookie writes keep working)', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const capture = http.createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":1,"type":"success","message":"ok"}');
    });
    await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
    try {
      const port = (capture.address() as { port: number }).port;
      const client = new HttpClient({
        baseUrl: `http://127.0.0.1:${port}/api`,
        deviceId: crypto.randomUUID(),
        token: 'x'.repeat(43),
      });
      await client.raw('post', '/observation', { body: newObs() });
      await client.raw('delete', '/observation/1', {});
    } finally {
      capture.close();
    }
    expect(seen).toHaveLength(2);
    for (const h of seen) {
      expect(h.cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
      expect(h.origin).toBeUndefined();
      expect(h.referer).toBeUndefined();
    }
  });

  it('logs out with POST as with GET', async () => {
    const c = await new Client(srv.baseUrl).login('reader', 'reader');
    const out = await c.req('POST', '/user/logout');
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`${SESSION_COOKIE}=;`));
    expect((await c.get('/user/projects')).status).toBe(401);
    const g = await new Client(srv.baseUrl).login('reader', 'reader');
    expect((await g.get('/user/logout')).status).toBe(200);
    expect((await g.get('/user/projects')).status).toBe(401);
  });

  it('builds absolute links from the listening address, whatever Host the client sends', async () => {
    const w = await new Client(srv.baseUrl).login('writer', 'writer');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gobs-ws-'));
    fs.writeFileSync(path.join(dir, 'g.pdf'), '%PDF-1.4\n');
    await srv.seed.document({
      indicator: 'pluviometry',
      file: path.join(dir, 'g.pdf'),
      label: 'Guide',
      type: 'document',
    });
    fs.rmSync(dir, { recursive: true });
    const forged = { Authorization: `Bearer ${w.token}`, Host: 'evil.example', 'X-Forwarded-Host': 'evil.example' };
    const docs = await rawRequest(srv.port, head('GET', '/api/indicator/pluviometry/documents', forged));
    expect(docs.status).toBe(200);
    for (const d of docs.json as IndicatorDocument[]) expect(d.url.startsWith(`${srv.baseUrl}/document/`)).toBe(true);
    const one = await rawRequest(srv.port, head('GET', `/api/observation/${obs.id}`, forged));
    expect((one.json as Observation).media_url).toBe(`${srv.baseUrl}/observation/${obs.id}/media`);
    expect(docs.body + one.body).not.toContain('evil.example');
  });
});

describe('behind a TLS proxy (--public-url https://…, --trust-proxy)', () => {
  const PUBLIC = 'https://gobs.example.org/base/api';
  let srv: TestServer;
  let proxied: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ publicUrl: `${PUBLIC}/` });
    await srv.seed.basic();
    proxied = await startTestServer({ server: { trustProxy: true } });
    await proxied.seed.basic();
  });
  afterAll(async () => {
    await srv?.close();
    await proxied?.close();
  });

  it('makes the cookie Secure, and builds links from the public URL', async () => {
    const { setCookie, token } = await loginCookie(srv.baseUrl);
    expect(setCookie).toMatch(/;\s*Secure/i);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const c = new Client(srv.baseUrl, token);
    const [o] = (await c.req<Observation[]>('POST', '/observation', { json: newObs() })).body as [Observation];
    const f = new FormData();
    f.append('mediaFile', new Blob([PNG]), 'p.png');
    const up = await c.req<MediaResponse>('POST', `/observation/${o.id}/uploadMedia`, { body: f });
    expect(up.body.observation.media_url).toBe(`${PUBLIC}/observation/${o.id}/media`);
  });

  it('accepts cookie writes from the public origin only', async () => {
    const { token } = await loginCookie(srv.baseUrl);
    const post = (origin: string) =>
      fetch(`${srv.baseUrl}/observation`, {
        method: 'POST',
        headers: { cookie: `${SESSION_COOKIE}=${token}`, origin, 'content-type': 'application/json' },
        body: JSON.stringify(newObs()),
      });
    expect((await post('https://gobs.example.org')).status).toBe(200);
    expect((await post(`http://127.0.0.1:${srv.port}`)).status).toBe(403);
  });

  it('believes X-Forwarded-Proto from a trusted proxy', async () => {
    expect((await loginCookie(proxied.baseUrl, { 'x-forwarded-proto': 'https' })).setCookie).toMatch(/;\s*Secure/i);
    expect((await loginCookie(proxied.baseUrl)).setCookie).not.toMatch(/Secure/i);
  });
});

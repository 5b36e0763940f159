/**
 * Every client-side parse error is a 4xx in the ApiResponse shape, never a 500 or a framework body;
 * request logging is on and leaks no password, token or cookie.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiResponse, type Observation, SESSION_COOKIE } from '../../../src/shared/api.js';
import { buildServer } from '../../../src/server/app.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client } from './client.js';
import { newObs } from './fixtures.js';
import { head, rawRequest, type RawResponse } from './raw.js';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e1d6d20000000049454e44ae426082',
  'hex',
);

function expectApiError(r: RawResponse, status: number) {
  expect(r.status, r.body).toBe(status);
  expect(r.headers['content-type']).toMatch(/application\/json/);
  expect(ApiResponse.parse(r.json)).toMatchObject({ code: 0, type: 'error' });
}

describe.each(testEngines())('client parse errors (%s)', (engine) => {
  let srv: TestServer;
  let w: Client;
  let obs: Observation;
  let auth: Record<string, string>;

  beforeAll(async () => {
    srv = await startTestServer({ engine });
    await srv.seed.basic();
    w = await new Client(srv.baseUrl).login('writer', 'writer');
    auth = { Authorization: `Bearer ${w.token}` };
    [obs] = (await w.req<Observation[]>('POST', '/observation', { json: newObs() })).body as [Observation];
  });
  afterAll(() => srv?.close());

  const upload = (contentType: string, body: Buffer) =>
    rawRequest(
      srv.port,
      head('POST', `/api/observation/${obs.id}/uploadMedia`, {
        ...auth,
        'Content-Type': contentType,
        'Content-Length': body.length,
      }),
      body,
    );
  const part = (boundary: string) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="mediaFile"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      PNG,
    ]);

  it('answers a truncated multipart upload (no closing boundary) with 400, and stores nothing', async () => {
    const r = await upload('multipart/form-data; boundary=XYZ', part('XYZ'));
    expectApiError(r, 400);
    expect((r.json as ApiResponse).message).toMatch(/multipart/i);
    const now = (await w.get<Observation>(`/observation/${obs.id}`)).body;
    expect(now.import).toBe(obs.import);
    expect(now.media_url).toBeNull();
  });

  it('answers a multipart upload without a boundary with 400', async () => {
    expectApiError(await upload('multipart/form-data', part('XYZ')), 400);
  });

  it('answers a multipart body with a malformed part header with 400', async () => {
    const body = Buffer.from('--XYZ\r\nthis is not a header\r\n\r\nxx\r\n--XYZ--\r\n');
    expectApiError(await upload('multipart/form-data; boundary=XYZ', body), 400);
  });

  it('answers a bad percent-encoding in the path with 400', async () => {
    expectApiError(await rawRequest(srv.port, head('GET', '/api/project/%E0%A4%A', auth)), 400);
    expectApiError(await rawRequest(srv.port, head('GET', '/api/observation/%ZZ', auth)), 400);
  });

  it('answers oversized headers with 431 and malformed requests with 400, in the ApiResponse shape', async () => {
    expectApiError(await rawRequest(srv.port, head('GET', '/api/user/projects', { 'X-Big': 'a'.repeat(20_000) })), 431);
    expectApiError(await rawRequest(srv.port, 'GARBAGE\r\n\r\n'), 400);
    expectApiError(
      await rawRequest(srv.port, head('POST', '/api/observation', { ...auth, 'Content-Length': 'ten' }), '{}'),
      400,
    );
  });

  it('answers invalid JSON with 400 and a wrong content type with 415, in the ApiResponse shape', async () => {
    const bad = '[{"uuid": ';
    expectApiError(
      await rawRequest(
        srv.port,
        head('POST', '/api/observation/observations', {
          ...auth,
          'Content-Type': 'application/json',
          'Content-Length': bad.length,
        }),
        bad,
      ),
      400,
    );
    const proto = '{"__proto__": {"x": 1}}';
    expectApiError(
      await rawRequest(
        srv.port,
        head('POST', '/api/observation', {
          ...auth,
          'Content-Type': 'application/json',
          'Content-Length': proto.length,
        }),
        proto,
      ),
      400,
    );
    expectApiError(
      await rawRequest(
        srv.port,
        head('PUT', '/api/observation/observations', { ...auth, 'Content-Type': 'text/csv', 'Content-Length': 3 }),
        'a,b',
      ),
      415,
    );
  });
});

describe('request logging', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
    await srv.seed.basic();
  });
  afterAll(() => srv?.close());

  it('logs every request without passwords, tokens or cookies, even in a login query string (log and --trace)', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const traced: string[] = [];
    const app = await buildServer({ db: srv.db, logger: { stream }, trace: (l) => traced.push(l) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api`;
    try {
      const secret = 'Sup3r-S3cret-pw';
      const ok = await fetch(`${base}/user/login?username=writer&password=writer&x=1`);
      expect(ok.status).toBe(200);
      const token = ((await ok.json()) as { token: string }).token;
      expect((await fetch(`${base}/user/login?username=writer&pass%77ord=${secret}`)).status).toBe(400);
      expect((await fetch(`${base}/user/login?username=writer&password=${secret}`)).status).toBe(400);
      await fetch(`${base}/user/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'writer', password: secret }),
      });
      await fetch(`${base}/user/projects?token=${token}`, {
        headers: { authorization: `Bearer ${token}`, cookie: `${SESSION_COOKIE}=${token}` },
      });
    } finally {
      await app.close();
    }
    const all = [...lines, ...traced].join('\n');
    expect(traced.some((l) => l.startsWith('GET /api/user/login?username=writer&password=[Redacted] 400 '))).toBe(true);
    expect(all).toContain('/api/user/login?username=writer&password=[Redacted]');
    expect(all).toContain('/api/user/projects?token=[Redacted]');
    expect(lines.length).toBeGreaterThanOrEqual(10); // a line in, a line out, per request
    for (const leak of ['Sup3r-S3cret-pw', 'password=writer', 'S3cret']) expect(all).not.toContain(leak);
    expect(all).not.toMatch(/[A-Za-z0-9_-]{43}/); // no session token (32 random bytes, base64url)
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiResponse, LoginResult, Project, SESSION_COOKIE } from '../../../src/shared/api.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { buildServer } from '../../../src/server/app.js';
import { Client } from './client.js';

describe.each(testEngines())('login, sessions and projects (%s)', (engine) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ engine });
    await srv.seed.basic();
    await srv.seed.project('p2', 'Project two');
    await srv.seed.user('other', 'other');
    await srv.seed.grant('other', 'p2', 'writer');
  });
  afterAll(() => srv?.close());

  it('logs in with POST and sets an HttpOnly SameSite=Strict session cookie', async () => {
    const res = await fetch(`${srv.baseUrl}/user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'writer', password: 'writer' }),
    });
    expect(res.status).toBe(200);
    const body = LoginResult.parse(await res.json());
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`${SESSION_COOKIE}=${body.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    // The cookie alone authenticates.
    const projects = await fetch(`${srv.baseUrl}/user/projects`, {
      headers: { cookie: `${SESSION_COOKIE}=${body.token}` },
    });
    expect(projects.status).toBe(200);
  });

  it('logs in with GET query parameters as in the design', async () => {
    const res = await new Client(srv.baseUrl).get<{ token: string }>('/user/login?username=reader&password=reader');
    expect(res.status).toBe(200);
    expect(res.body.token.length).toBeGreaterThanOrEqual(16);
  });

  it('rejects bad credentials with the ApiResponse error', async () => {
    for (const creds of [
      { username: 'writer', password: 'wrong' },
      { username: 'nobody', password: 'writer' },
    ]) {
      const res = await new Client(srv.baseUrl).req('POST', '/user/login', { json: creds });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 0, type: 'error', message: 'Invalid username/password supplied' });
    }
  });

  it('rejects malformed login bodies with 4xx, naming the field', async () => {
    const c = new Client(srv.baseUrl);
    const missing = await c.req<ApiResponse>('POST', '/user/login', { json: { username: 'writer' } });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('password');
    const wrongType = await c.req<ApiResponse>('POST', '/user/login', { json: { username: 12, password: 'x' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain('username');
    const tooLong = await c.req<ApiResponse>('POST', '/user/login', {
      json: { username: 'w'.repeat(300), password: 'x' },
    });
    expect(tooLong.status).toBe(400);
    const badJson = await c.req<ApiResponse>('POST', '/user/login', {
      body: '{"username":',
      headers: { 'content-type': 'application/json' },
    });
    expect(badJson.status).toBe(400);
    expect(ApiResponse.parse(badJson.body).code).toBe(0);
    const huge = await c.req('POST', '/user/login', {
      body: JSON.stringify({ username: 'x', password: 'y'.repeat(9 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    expect(ApiResponse.parse(huge.body).type).toBe('error');
  });

  it('answers 401 without, or with an invalid, session', async () => {
    const c = new Client(srv.baseUrl);
    const none = await c.get('/user/projects');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ code: 0, type: 'error', message: 'Access token is missing or invalid' });
    c.token = 'x'.repeat(43);
    expect((await c.get('/user/projects')).status).toBe(401);
  });

  it("lists only the user's projects, and 404s another user's project", async () => {
    const c = await new Client(srv.baseUrl).login('writer', 'writer');
    const res = await c.get<Project[]>('/user/projects');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        key: 'p1',
        label: 'Project one',
        description: 'First test project',
        media_url: null,
        geopackage_url: null,
        extent: null,
      },
    ]);
    expect(Project.parse((await c.get('/project/p1')).body).key).toBe('p1');
    const foreign = await c.get<ApiResponse>('/project/p2');
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toBe('error');
    expect((await c.get('/project/nope')).status).toBe(404);
    const other = await new Client(srv.baseUrl).login('other', 'other');
    expect((await other.get<Project[]>('/user/projects')).body.map((p) => p.key)).toEqual(['p2']);
  });

  it('logs out: the token is dead afterwards', async () => {
    const c = await new Client(srv.baseUrl).login('writer', 'writer');
    const out = await c.get('/user/logout');
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ code: 1, type: 'success' });
    expect((await c.get('/user/projects')).status).toBe(401);
  });

  it('refuses an expired session', async () => {
    const c = await new Client(srv.baseUrl).login('writer', 'writer');
    expect((await c.get('/user/projects')).status).toBe(200);
    await srv.db.query("UPDATE session SET expires_at = now() - interval '1 second'");
    expect((await c.get('/user/projects')).status).toBe(401);
  });

  it('refuses a revoked session (revoked server-side)', async () => {
    const c = await new Client(srv.baseUrl).login('reader', 'reader');
    expect((await c.get('/user/projects')).status).toBe(200);
    await srv.db.query('UPDATE session SET revoked_at = now() WHERE revoked_at IS NULL');
    expect((await c.get('/user/projects')).status).toBe(401);
  });

  it('answers hostile input with 4xx, never 5xx', async () => {
    const c = await new Client(srv.baseUrl).login('writer', 'writer');
    const nul = await c.req('POST', '/user/login', { json: { username: 'a\u0000b', password: 'x' }, auth: false });
    expect(nul.status).toBe(400);
    for (const path of [
      '/indicator/%00',
      '/project/%00',
      '/observation/%00',
      '/document/%00',
      '/indicator/x%00y/observations',
      `/project/${'k'.repeat(500)}`,
    ]) {
      const r = await c.get<ApiResponse>(path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
      expect(ApiResponse.parse(r.body).code).toBe(0);
    }
    const pushNul = await c.req('POST', '/observation/observations', {
      json: [
        {
          uuid: '00000000-0000-4000-8000-000000000000',
          indicator: 'pluvio\u0000metry',
          timestamp: '2024-01-01 00:00:00',
          x: 1,
          y: 1,
          values: [],
        },
      ],
    });
    expect(pushNul.status).toBeLessThan(500);
    expect(pushNul.status).toBeGreaterThanOrEqual(400);
  });

  it('answers unknown routes with a 404 ApiResponse', async () => {
    const c = await new Client(srv.baseUrl).login('writer', 'writer');
    const res = await c.get<ApiResponse>('/no/such/route');
    expect(res.status).toBe(404);
    expect(ApiResponse.parse(res.body).code).toBe(0);
    const root = await fetch(`http://127.0.0.1:${srv.port}/`);
    expect(root.status).toBe(404);
  });

  it('traces one line per answered request when asked', async () => {
    const lines: string[] = [];
    const app = await buildServer({ db: srv.db, trace: (l) => lines.push(l) });
    const res = await app.inject({ method: 'GET', url: '/api/user/projects' });
    await app.close();
    expect(res.statusCode).toBe(401);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^GET \/api\/user\/projects 401 \d+\.\d ms$/);
  });

  it('keeps data across restart on the same port', async () => {
    const c = await new Client(srv.baseUrl).login('writer', 'writer');
    await srv.stop();
    await expect(fetch(`${srv.baseUrl}/user/projects`)).rejects.toThrow();
    await srv.restart();
    expect((await c.get('/user/projects')).status).toBe(200);
  });
});

/**
 * Logging in and out, the Bearer token and its fixed lifetime, the Date header, and what a client
 * probing an address finds (G-Obs module, plain Lizmap, Lizmap without the module).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LizmapStandin, startLizmapStandin } from '../../standins/lizmap/index.js';
import { available, expectError, expectSuccess } from './support.js';

const MISSING = 'Access token is missing or invalid';

describe.skipIf(!available)('Lizmap stand-in: session', () => {
  let lizmap: LizmapStandin;

  beforeAll(async () => {
    lizmap = await startLizmapStandin({ ticking: false });
  });
  afterAll(() => lizmap?.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${lizmap.baseUrl}${path}`, { headers }).then(async (r) => ({
      status: r.status,
      headers: r.headers,
      body: r.headers.get('content-type')?.includes('json') ? ((await r.json()) as unknown) : await r.text(),
    }));

  it('logs in with query parameters or HTTP Basic and answers a 32-hex token', async () => {
    const { writer } = lizmap.users;
    const byQuery = await get(`/user/login?username=${writer.login}&password=${writer.password}`);
    expect(byQuery.status).toBe(200);
    expect(Object.keys(byQuery.body as object)).toEqual(['token']);
    expect((byQuery.body as { token: string }).token).toMatch(/^[0-9a-f]{32}$/);

    const basic = Buffer.from(`${writer.login}:${writer.password}`).toString('base64');
    const byBasic = await get('/user/login', { authorization: `Basic ${basic}` });
    expect(byBasic.status).toBe(200);
    const token = (byBasic.body as { token: string }).token;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(token).not.toBe((byQuery.body as { token: string }).token);

    const projects = await lizmap.client(token).projects();
    expect(projects.status).toBe(200);
  });

  it('refuses a wrong password or an unknown user with 400 and the module’s message', async () => {
    const wrong = await lizmap.client().request('GET', '/user/login?username=gobsapi_writer&password=nope');
    expectError(wrong, 400, 'Invalid username/password supplied');
    const unknown = await lizmap.client().request('GET', '/user/login?username=nobody&password=x');
    expectError(unknown, 400, 'Invalid username/password supplied');
    const none = await lizmap.client().request('GET', '/user/login');
    expectError(none, 400, 'Invalid username/password supplied');
  });

  it('accepts the token only as "Authorization: Bearer": not as a cookie, not in the query', async () => {
    const token = await lizmap.login('writer');
    const login = await fetch(`${lizmap.baseUrl}/user/login?username=gobsapi_writer&password=al_password`);
    const cookie = login.headers.get('set-cookie');
    expect(cookie).toMatch(/^PHPSESSID=/); // Lizmap opens a session at login…
    const withCookie = await get('/user/projects', { cookie: cookie!.split(';')[0]! });
    expect(withCookie.status).toBe(401); // …that the API never reads
    expect((withCookie.body as { message: string }).message).toBe(MISSING);

    expectError(await lizmap.client().request('GET', `/user/projects?token=${token}`), 401, MISSING);
    expectError(
      await lizmap.client().request('GET', '/user/projects', { headers: { authorization: `Token ${token}` } }),
      401,
      MISSING,
    );
    expectError(await lizmap.client('0123456789abcdef0123456789abcdef').projects(), 401, MISSING);
    expect((await lizmap.client(token).projects()).status).toBe(200);
  });

  it('keeps a token 3,600 s from login, never renewed by use', async () => {
    const client = await lizmap.asUser('writer');
    lizmap.clock.advance(1800);
    expect((await client.projects()).status).toBe(200); // use at half-life does not extend it
    lizmap.clock.advance(1799);
    expect((await client.projects()).status).toBe(200);
    lizmap.clock.advance(2);
    expectError(await client.projects(), 401, MISSING);
    expectError(await client.project(), 401, MISSING);
    expectError(await client.observations(1), 401, MISSING);
    // A new login gives a new, valid token
    expect((await (await lizmap.asUser('writer')).projects()).status).toBe(200);
  });

  it('logout deletes the token; logout without a valid token is a 401', async () => {
    const client = await lizmap.asUser('reader');
    expectSuccess(await client.logout(), 'The user has been successfully logged out');
    expectError(await client.projects(), 401, MISSING);
    expectError(await client.logout(), 401, MISSING);
    expectError(await lizmap.client().logout(), 401, MISSING);
  });

  it('expireToken ends one token or all of a login', async () => {
    const a = await lizmap.asUser('writer');
    const b = await lizmap.asUser('writer');
    const other = await lizmap.asUser('otherWriter');
    expect(await lizmap.expireToken(a.token!)).toBe(1);
    expectError(await a.projects(), 401, MISSING);
    expect((await b.projects()).status).toBe(200);
    expect(await lizmap.expireToken('gobsapi_writer')).toBeGreaterThanOrEqual(1);
    expectError(await b.projects(), 401, MISSING);
    expect((await other.projects()).status).toBe(200);
  });

  it('dates every answer with the stand-in clock (HTTP Date header), errors included', async () => {
    lizmap.clock.set('2026-01-15T12:34:56Z');
    const ok = await get('/lizmap/metadata');
    expect(ok.headers.get('date')).toBe('Thu, 15 Jan 2026 12:34:56 GMT');
    lizmap.clock.advance(61);
    const refused = await get('/user/projects');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('date')).toBe('Thu, 15 Jan 2026 12:35:57 GMT');
    const missing = await fetch(`${lizmap.origin}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('date')).toBe('Thu, 15 Jan 2026 12:35:57 GMT');
  });

  it('serves the Lizmap metadata under gobsapi.php and Lizmap pages beside it', async () => {
    const meta = await get('/lizmap/metadata');
    expect(meta.status).toBe(200);
    expect(meta.body).toMatchObject({
      info: { version: expect.any(String) },
      qgis_server_info: { error: 'NO_ACCESS' },
    });
    const basicWrong = await get('/lizmap/metadata', {
      authorization: `Basic ${Buffer.from('gobsapi_writer:nope').toString('base64')}`,
    });
    expect(basicWrong.body).toMatchObject({ qgis_server_info: { error: 'WRONG_CREDENTIALS' } });

    const home = await fetch(`${lizmap.origin}/index.php`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    expect(await home.text()).toContain('Lizmap');
    const coreMeta = await fetch(`${lizmap.origin}/index.php/view/app/metadata`);
    expect(((await coreMeta.json()) as { info: { version: string } }).info.version).toMatch(/^3\./);

    const unknownRoute = await fetch(`${lizmap.baseUrl}/no/such/route`);
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.headers.get('content-type')).toMatch(/text\/html/);
    // Observation routes bound to methods: another method is no route at all
    const wrongMethod = await fetch(`${lizmap.baseUrl}/project/test_project_a/series/3/observation`);
    expect(wrongMethod.status).toBe(404);
  });
});

describe.skipIf(!available)('Lizmap stand-in: a Lizmap without the G-Obs module', () => {
  let lizmap: LizmapStandin;
  beforeAll(async () => {
    lizmap = await startLizmapStandin({ gobs: false });
  });
  afterAll(() => lizmap?.close());

  it('is a Lizmap (index.php, core metadata) where gobsapi.php does not exist', async () => {
    const home = await fetch(`${lizmap.origin}/index.php`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Lizmap');
    expect((await fetch(`${lizmap.origin}/index.php/view/app/metadata`)).status).toBe(200);
    for (const path of ['/lizmap/metadata', '/user/login?username=gobsapi_writer&password=al_password']) {
      const res = await fetch(`${lizmap.baseUrl}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
  });
});

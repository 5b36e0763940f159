/**
 * Failed logins are throttled per account and per client address: 429 with Retry-After and a
 * growing delay, refused without a password check; an attacker elsewhere cannot lock the user out
 * for long. (The clock of the throttle is the test's, so nothing here waits or measures time.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiResponse } from '../../../src/shared/api.js';
import { buildServer } from '../../../src/server/app.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';

describe.each(testEngines())('login throttling (%s)', (engine) => {
  let srv: TestServer;
  let now = 1_000_000;
  beforeAll(async () => {
    srv = await startTestServer({ engine, server: { trustProxy: true, loginThrottle: { now: () => now } } });
    await srv.seed.basic();
    for (const u of ['ann', 'bob', 'cat']) await srv.seed.user(u, `${u}-pw`);
  });
  afterAll(() => srv?.close());

  const login = (username: string, password: string, from: string, via: 'GET' | 'POST' = 'POST') =>
    via === 'GET'
      ? fetch(`${srv.baseUrl}/user/login?${new URLSearchParams({ username, password })}`, {
          headers: { 'x-forwarded-for': from },
        })
      : fetch(`${srv.baseUrl}/user/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
          body: JSON.stringify({ username, password }),
        });
  const retryAfter = (r: Response) => Number(r.headers.get('retry-after'));

  it('answers 429 with Retry-After after five failures, growing, even for the right password', async () => {
    for (let k = 0; k < 5; k++) expect((await login('ann', 'wrong', '10.0.0.1')).status).toBe(400);
    expect((await login('ann', 'wrong', '10.0.0.1')).status).toBe(400); // the sixth is judged, then delays start
    const refused = await login('ann', 'ann-pw', '10.0.0.1');
    expect(refused.status).toBe(429);
    expect(ApiResponse.parse(await refused.json()).message).toMatch(/Too many failed logins/);
    expect(retryAfter(refused)).toBe(1);
    now += 1000;
    expect((await login('ann', 'wrong', '10.0.0.1', 'GET')).status).toBe(400);
    const again = await login('ann', 'wrong', '10.0.0.1', 'GET');
    expect(again.status).toBe(429);
    expect(retryAfter(again)).toBe(2); // doubled
    now += 2000;
    expect((await login('ann', 'ann-pw', '10.0.0.1')).status).toBe(200); // waited: the right password works
  });

  it('does not keep the user out from another address while one address is throttled', async () => {
    for (let k = 0; k < 8; k++) {
      now += 60_000;
      await login('bob', 'wrong', '10.0.0.2');
    }
    expect((await login('bob', 'bob-pw', '10.0.0.2')).status).toBe(429);
    expect((await login('bob', 'bob-pw', '192.168.7.7')).status).toBe(200);
  });

  it('caps the lockout many addresses can cause on one account at a minute', async () => {
    let throttled = 0;
    for (let k = 0; k < 16; k++) {
      const r = await login('cat', 'wrong', `10.1.0.${k}`);
      expect([400, 429]).toContain(r.status);
      if (r.status === 429) {
        throttled++;
        expect(retryAfter(r)).toBeLessThanOrEqual(60);
        now += retryAfter(r) * 1000;
      }
    }
    expect(throttled).toBeGreaterThan(0); // each address failed once: the account's own counter did it
    const r = await login('cat', 'cat-pw', '192.168.7.8');
    if (r.status === 429) {
      expect(retryAfter(r)).toBeLessThanOrEqual(60);
      now += retryAfter(r) * 1000;
    }
    expect((await login('cat', 'cat-pw', '192.168.7.8')).status).toBe(200);
  });

  it('treats an unknown user like a wrong password: same answers, same throttling', async () => {
    const answers: number[] = [];
    for (let k = 0; k < 7; k++) answers.push((await login('nobody-here', 'x', '10.0.0.3')).status);
    expect(answers).toEqual([400, 400, 400, 400, 400, 400, 429]);
  });

  it('does not count malformed login requests (nothing to check)', async () => {
    for (let k = 0; k < 10; k++) {
      const r = await fetch(`${srv.baseUrl}/user/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.0.0.4' },
        body: JSON.stringify({ username: 'writer' }),
      });
      expect(r.status).toBe(400);
    }
    expect((await login('writer', 'writer', '10.0.0.4')).status).toBe(200);
  });

  it.skipIf(engine !== 'postgres')(
    'counts failures across server processes on one database (several behind a load balancer)',
    async () => {
      // A second server on the same database keeps its own process state, as another process would.
      const other = await buildServer({ db: srv.db, trustProxy: true, loginThrottle: { now: () => now } });
      await other.listen({ host: '127.0.0.1', port: 0 });
      const otherUrl = `http://127.0.0.1:${(other.server.address() as { port: number }).port}/api`;
      try {
        await srv.seed.user('dan', 'dan-pw');
        const viaOther = (password: string) =>
          fetch(`${otherUrl}/user/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.0.0.9' },
            body: JSON.stringify({ username: 'dan', password }),
          });
        // Failures alternate between the two processes; together they reach the limit.
        for (let k = 0; k < 6; k++) {
          const r = k % 2 === 0 ? await login('dan', 'wrong', '10.0.0.9') : await viaOther('wrong');
          expect(r.status).toBe(400);
        }
        expect((await viaOther('dan-pw')).status).toBe(429);
        expect((await login('dan', 'dan-pw', '10.0.0.9')).status).toBe(429);
        now += 1000;
        expect((await viaOther('dan-pw')).status).toBe(200);
      } finally {
        await other.close();
      }
    },
  );
});

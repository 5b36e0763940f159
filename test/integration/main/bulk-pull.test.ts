/**
 * A first sync large enough to be a bulk load (store/bulk.ts) asks for the server's largest pages
 * once the load has begun: fewer round trips and commits, the same guarantees. Through the fault
 * proxy, against the real server, with the engine's default settings.
 */
import { describe, expect, it } from 'vitest';
import { PULL_MAX_LIMIT } from '../../../src/shared/api';
import { expectConverged, syncOk, useProxiedServer } from './support';

const N = 12_000;
const PULL = /\/indicator\/pluviometry\/observations\?/;

const env = useProxiedServer({ indicator: 'pluviometry', rows: N });
const device = () => env.device();

/** The `limit` of every observation pull the proxy passed, in order. */
const limits = () =>
  env.proxy.log
    .filter((l) => l.method === 'GET' && PULL.test(l.path))
    .map((l) => Number(new URL(l.path, 'http://x').searchParams.get('limit')));

describe('bulk first sync', () => {
  it('asks for the largest pages once the first page shows a bulk load', async () => {
    const d = await device();
    await syncOk(d);
    const asked = limits();
    // The engine's usual page, then the largest the server gives, until the round completes.
    expect(asked[0]).toBeLessThan(PULL_MAX_LIMIT);
    expect(asked.slice(1).every((l) => l === PULL_MAX_LIMIT)).toBe(true);
    expect(asked.length).toBe(1 + Math.ceil((N - asked[0]!) / PULL_MAX_LIMIT) + 1); // + the closing acknowledgement
    expect(await expectConverged(d, env.srv.baseUrl, env.adminToken, 'pluviometry')).toBe(N);
  });

  it('a large page whose answer is lost comes again: nothing missing, nothing twice', async () => {
    const d = await device();
    env.proxy.add({ method: 'GET', path: PULL, fault: { kind: 'drop-response' }, skip: 1, times: 2 });
    const failed = await d.gobs.sync.start({});
    expect(failed.state).toBe('offline');
    expect(env.proxy.log.some((l) => l.status === 'dropped')).toBe(true);
    await syncOk(d);
    expect(await expectConverged(d, env.srv.baseUrl, env.adminToken, 'pluviometry')).toBe(N);
  });
});

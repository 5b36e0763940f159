/**
 * The server's PostgreSQL stops in the middle of a sync and starts again: the server answers 503
 * meanwhile, the desktop takes it as "retry later" (offline, work kept), and the next sync converges
 * with nothing lost and nothing duplicated. A real main core, a real server, a real cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { startFaultProxy, type FaultProxy } from '../../helpers/faultProxy';
import { clusterUnavailable, startCluster, type PgCluster } from '../../helpers/pgCluster';
import { startTestServer, type TestServer } from '../../helpers/server';
import { expectConverged, NEW_VALUES, seedRows, serverRows, syncOk } from './support';

const PULL = /\/indicator\/pluviometry\/observations/;
const PUSH = /\/observation\/observations/;

describe.skipIf(clusterUnavailable() !== null)('PostgreSQL stopped mid-sync and started again', () => {
  let cluster: PgCluster;
  let srv: TestServer;
  let proxy: FaultProxy;
  let adminToken: string;
  let d: TestDesktop;
  let down = false;
  const stopDatabase = () => {
    cluster.stop();
    down = true;
  };

  beforeAll(async () => {
    cluster = startCluster();
    srv = await startTestServer({ engine: 'postgres', databaseUrl: cluster.url });
    await srv.seed.basic();
    await srv.seed.observations({ indicator: 'pluviometry', author: 'writer', observations: seedRows(2500) });
    proxy = await startFaultProxy(srv.baseUrl);
    adminToken = await srv.login('admin', 'admin');
    d = await createTestDesktop();
    await d.gobs.auth.login({ serverUrl: proxy.baseUrl, username: 'writer', password: 'writer' });
  }, 120_000);
  afterAll(async () => {
    await d?.close(true);
    await proxy?.close();
    if (down) cluster.start();
    await srv?.close();
    cluster?.destroy();
  });

  it('stopped during the pull: offline, then the next sync brings the rest', async () => {
    proxy.add({ method: 'GET', path: PULL, skip: 1, fault: { kind: 'before', run: stopDatabase } });
    const failed = await d.gobs.sync.start({});
    expect(failed.state).toBe('offline');
    expect(failed.lastError?.message).toMatch(/temporarily unavailable \(503/);
    expect(proxy.log.some((l) => PULL.test(l.path) && l.status === 503)).toBe(true);
    cluster.start();
    down = false;
    await syncOk(d);
    expect(await expectConverged(d, srv.baseUrl, adminToken, 'pluviometry')).toBe(2500);
  });

  it('stopped during the push: the changes wait on the device, then reach the server once', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      const o = await d.gobs.observations.create({
        indicatorCode: 'pluviometry',
        timestamp: `2025-02-01 ${String(i).padStart(2, '0')}`,
        x: 3,
        y: 43,
        values: { ...NEW_VALUES, note: `during outage ${i}` },
      });
      created.push(o.uuid);
    }
    proxy.add({ method: 'POST', path: PUSH, fault: { kind: 'before', run: stopDatabase } });
    const failed = await d.gobs.sync.start({});
    expect(failed.state).toBe('offline');
    expect(failed.pendingChanges).toBe(7);
    cluster.start();
    down = false;
    await syncOk(d);
    const server = await serverRows(srv.baseUrl, adminToken, 'pluviometry');
    for (const u of created) expect(server.filter((o) => o.uuid === u)).toHaveLength(1);
    expect(await expectConverged(d, srv.baseUrl, adminToken, 'pluviometry')).toBe(2507);
  });
});

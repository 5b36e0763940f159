/**
 * Faults: every network step can fail and be retried without duplicates or gaps.
 * The desktop talks to the real server through a fault-injecting proxy.
 */
import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../src/shared/ipc';
import type { TestDesktop } from '../../helpers/desktop';
import { expectConverged, NEW_VALUES, seedRows, serverRows, syncOk, useProxiedServer } from './support';

const env = useProxiedServer({ indicator: 'pluviometry', rows: 1100 });

const PULL = /\/indicator\/pluviometry\/observations/;
const PUSH = /\/observation\/observations/;

const device = (opts: { autoSync?: boolean } = {}) => env.device(opts);

async function createSome(d: TestDesktop, n: number, note: string): Promise<string[]> {
  const uuids: string[] = [];
  for (let i = 0; i < n; i++) {
    const o = await d.gobs.observations.create({
      indicatorCode: 'pluviometry',
      timestamp: `2025-01-01 ${String(i % 24).padStart(2, '0')}`,
      x: 3,
      y: 43,
      values: { ...NEW_VALUES, note: `${note} ${i}` },
    });
    uuids.push(o.uuid);
  }
  return uuids;
}

async function expectOnServerOnce(uuids: string[]): Promise<void> {
  const server = await serverRows(env.srv.baseUrl, env.adminToken, 'pluviometry');
  for (const u of uuids)
    expect(
      server.filter((o) => o.uuid === u),
      u,
    ).toHaveLength(1);
}

describe('lost and broken responses', () => {
  it('push whose response is lost: the retry creates no duplicate', async () => {
    const d = await device();
    await syncOk(d);
    const uuids = await createSome(d, 7, 'lost push');
    // Twice: a connection cut on a reused socket is retried once at once; both answers are lost.
    env.proxy.add({ method: 'POST', path: PUSH, fault: { kind: 'drop-response' }, times: 2 });
    const failed = await d.gobs.sync.start({});
    expect(failed.state).toBe('offline');
    expect(env.proxy.log.some((l) => l.status === 'dropped' && PUSH.test(l.path))).toBe(true);
    await expectOnServerOnce(uuids); // the server did store them...
    expect(failed.pendingChanges).toBe(7); // ...but the device does not know yet
    await syncOk(d);
    await expectOnServerOnce(uuids);
    await expectConverged(d, env.srv.baseUrl, env.adminToken, 'pluviometry');
  });

  it('pull whose response is lost: the same batch comes again, nothing missing', async () => {
    const d = await device();
    env.proxy.add({ method: 'GET', path: PULL, fault: { kind: 'drop-response' }, skip: 1, times: 2 });
    const failed = await d.gobs.sync.start({});
    expect(failed.state).toBe('offline');
    expect(env.proxy.pending()).toHaveLength(0);
    await syncOk(d);
    await expectConverged(d, env.srv.baseUrl, env.adminToken, 'pluviometry');
  });

  it('connection resets and 502s on every kind of request are retried to the same end state', async () => {
    const d = await device();
    await syncOk(d);
    const uuids = await createSome(d, 3, 'reset');
    const [first] = await d.gobs.observations
      .list({ indicatorCode: 'pluviometry', sort: { column: 'timestamp', direction: 'asc' }, limit: 2 })
      .then((p) => p.rows);
    await d.gobs.observations.update({
      uuid: first!.uuid,
      timestamp: first!.timestamp,
      x: first!.x,
      y: first!.y,
      values: { ...first!.values, note: 'edited' },
    });
    env.proxy.add({ method: 'POST', path: PUSH, fault: { kind: 'reset' } });
    env.proxy.add({ method: 'PUT', path: PUSH, fault: { kind: 'status', status: 502 } });
    env.proxy.add({ method: 'PUT', path: PUSH, fault: { kind: 'drop-response' } });
    env.proxy.add({ method: 'GET', path: /\/user\/projects/, fault: { kind: 'status', status: 502 } });
    env.proxy.add({ method: 'GET', path: /deletedObservations/, fault: { kind: 'reset' } });
    let status: SyncStatus | null = null;
    for (let attempt = 0; attempt < 10; attempt++) {
      status = await d.gobs.sync.start({});
      if (status.state === 'idle') break;
      expect(status.state).toBe('offline');
    }
    expect(status?.state).toBe('idle');
    expect(env.proxy.pending()).toHaveLength(0);
    await expectOnServerOnce(uuids);
    await expectConverged(d, env.srv.baseUrl, env.adminToken, 'pluviometry');
  });

  it('a slow server can be cancelled; the next sync finishes the job', async () => {
    const d = await device();
    env.proxy.add({ method: 'GET', path: PULL, fault: { kind: 'delay', ms: 3000 }, skip: 1 });
    const mark = env.proxy.log.length;
    const running = d.gobs.sync.start({});
    const joined = d.gobs.sync.start({}); // a second request joins the running sync
    while (
      !d.events.some(
        (e) =>
          e.event === 'sync.progress' &&
          (e.payload as SyncStatus).phase === 'pull' &&
          (e.payload as SyncStatus).done > 0,
      )
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await d.gobs.sync.cancel();
    const [a, b] = await Promise.all([running, joined]);
    expect(a).toEqual(b);
    expect(a.state).toBe('idle');
    expect(a.lastError?.code).toBe('cancelled');
    expect(env.proxy.log.slice(mark).filter((l) => /\/user\/projects/.test(l.path))).toHaveLength(1);
    await syncOk(d);
    await expectConverged(d, env.srv.baseUrl, env.adminToken, 'pluviometry');
  });
});

describe('server and session trouble mid-sync', () => {
  it('server restarted mid-sync: offline, then the next sync converges', async () => {
    const d = await device();
    await syncOk(d);
    const uuids = await createSome(d, 5, 'restart');
    await env.srv.seed.observations({
      indicator: 'pluviometry',
      author: 'writer',
      observations: seedRows(1200, Date.UTC(2030, 0, 1)),
    });
    env.proxy.add({ method: 'GET', path: PULL, fault: { kind: 'delay', ms: 600 }, skip: 1 });
    const from = d.events.length;
    const running = d.gobs.sync.start({});
    // Stop the server once the pull is under way (its second request is held 600 ms at the proxy).
    while (
      !d.events
        .slice(from)
        .some(
          (e) =>
            e.event === 'sync.progress' &&
            (e.payload as SyncStatus).phase === 'pull' &&
            (e.payload as SyncStatus).done > 0,
        )
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await env.srv.stop();
    const status = await running;
    expect(status.state).toBe('offline');
    await env.srv.restart();
    await syncOk(d);
    await expectOnServerOnce(uuids);
    await expectConverged(d, env.srv.baseUrl, env.adminToken, 'pluviometry');
  });

  it('session expired mid-sync: asks for a new login, keeps every unsynced change, then converges', async () => {
    const d = await device();
    await syncOk(d);
    const uuids = await createSome(d, 4, 'expired');
    env.proxy.add({ method: 'POST', path: PUSH, fault: { kind: 'delay', ms: 500 } });
    const running = d.gobs.sync.start({});
    await new Promise((r) => setTimeout(r, 150));
    await env.srv.db.query(
      `UPDATE session SET revoked_at = now() WHERE user_id = (SELECT id FROM app_user WHERE login = 'writer')`,
    );
    const status = await running;
    expect(status.state).toBe('unauthorized');
    const auth = await d.gobs.auth.status();
    expect(auth).toMatchObject({ loggedIn: false, sessionExpired: true, username: 'writer' });
    expect(
      d.events.some((e) => e.event === 'auth.changed' && (e.payload as { sessionExpired: boolean }).sessionExpired),
    ).toBe(true);
    // The push reached the server after the revocation: refused, so every creation is still waiting.
    expect(status.pendingChanges).toBe(4);
    for (const u of uuids) expect((await d.gobs.observations.get({ uuid: u })).state).toBe('local');
    expect((await d.gobs.sync.start({}).catch((e: unknown) => e)) as { code: string }).toMatchObject({
      code: 'unauthorized',
    });
    await d.gobs.auth.login({ serverUrl: env.proxy.baseUrl, username: 'writer', password: 'writer' });
    expect((await d.gobs.auth.status()).sessionExpired).toBe(false);
    await syncOk(d);
    await expectOnServerOnce(uuids);
    await expectConverged(d, env.srv.baseUrl, env.adminToken, 'pluviometry');
  });
});

describe('the user keeps working during a sync', () => {
  async function until(cond: () => boolean): Promise<void> {
    while (!cond()) await new Promise((r) => setTimeout(r, 10));
  }

  it('an edit made while its creation is being pushed is kept and sent as an update', async () => {
    const d = await device();
    await syncOk(d);
    const [uuid] = await createSome(d, 1, 'in flight');
    env.proxy.add({ method: 'POST', path: PUSH, fault: { kind: 'delay', ms: 400 } });
    const mark = env.proxy.log.length;
    const from = d.events.length;
    const running = d.gobs.sync.start({});
    await until(() =>
      d.events
        .slice(from)
        .some(
          (e) =>
            e.event === 'sync.progress' &&
            (e.payload as SyncStatus).phase === 'push-creations' &&
            (e.payload as SyncStatus).total === 1,
        ),
    );
    const o = await d.gobs.observations.get({ uuid: uuid! });
    await d.gobs.observations.update({
      uuid: uuid!,
      timestamp: o.timestamp,
      x: o.x,
      y: o.y,
      values: { ...o.values, note: 'edited during push' },
    });
    await running;
    expect(env.proxy.log.slice(mark).some((l) => l.method === 'POST' && PUSH.test(l.path))).toBe(true);
    // The answer to the push did not overwrite the edit; the update phase of the same sync sent it.
    const after = await d.gobs.observations.get({ uuid: uuid! });
    expect(after).toMatchObject({ state: 'synced', values: { note: 'edited during push' } });
    expect(env.proxy.log.slice(mark).some((l) => l.method === 'PUT' && PUSH.test(l.path))).toBe(true);
    const server = await serverRows(env.srv.baseUrl, env.adminToken, 'pluviometry');
    expect(server.filter((x) => x.uuid === uuid).map((x) => x.values.find((v) => v.name === 'note')?.value)).toEqual([
      'edited during push',
    ]);
  });

  it('an edit made while a pull is running is never overwritten by it', async () => {
    const [a, b] = [await device(), await device()];
    await syncOk(a);
    await syncOk(b);
    const [uuid] = await createSome(a, 1, 'pulled');
    await syncOk(a);
    await syncOk(b);
    const theirs = await b.gobs.observations.get({ uuid: uuid! });
    await b.gobs.observations.update({
      uuid: uuid!,
      timestamp: theirs.timestamp,
      x: theirs.x,
      y: theirs.y,
      values: { ...theirs.values, note: 'from B' },
    });
    await syncOk(b);
    // A's pull is held at the proxy while the user edits the very observation it brings.
    env.proxy.add({ method: 'GET', path: PULL, fault: { kind: 'delay', ms: 400 } });
    const from = a.events.length;
    const running = a.gobs.sync.start({});
    await until(() =>
      a.events.slice(from).some((e) => e.event === 'sync.progress' && (e.payload as SyncStatus).phase === 'pull'),
    );
    const mine = await a.gobs.observations.get({ uuid: uuid! });
    await a.gobs.observations.update({
      uuid: uuid!,
      timestamp: mine.timestamp,
      x: mine.x,
      y: mine.y,
      values: { ...mine.values, note: 'from A' },
    });
    await running;
    expect(await a.gobs.observations.get({ uuid: uuid! })).toMatchObject({
      state: 'conflict',
      values: { note: 'from A' },
      serverVersion: { values: { note: 'from B' } },
    });
  });
});

describe('automatic sync', () => {
  it('retries with backoff while offline and syncs by itself once the server is back', async () => {
    const d = await device({ autoSync: true });
    await syncOk(d);
    await env.srv.stop();
    const uuids = await createSome(d, 2, 'auto');
    const status = await d.gobs.sync.start({});
    expect(status.state).toBe('offline');
    expect(status.nextRetryAt).not.toBeNull();
    await env.srv.restart();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = await d.gobs.sync.status();
      if (s.state === 'idle' && s.pendingChanges === 0 && s.lastSyncAt) break;
      if (Date.now() > deadline) throw new Error(`no automatic sync: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await expectOnServerOnce(uuids);
  });
});

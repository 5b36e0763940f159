/**
 * The device process is SIGKILLed at each point of an update, a deletion and a media upload:
 * before the request leaves, with the request in flight (held at a proxy, committed by the server
 * after the device died), after the server answered, and while the answer is being applied. The
 * user then edits again before the next sync. Every time: the store is intact, no false conflict, the
 * server holds the last edit (or the deletion), and another device converges.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { startFaultProxy, type FaultProxy } from '../../helpers/faultProxy';
import { startTestServer, type TestServer } from '../../helpers/server';
import { integrity, runChild } from '../../helpers/syncChild';
import { deviceRows, expectConverged, PNG, seedRows, serverRows, syncOk, unsettled, valuesOf } from './support';

const IND = 'pluviometry';
const POINTS = ['before', 'inflight', 'answered', 'applying'] as const;
type Point = (typeof POINTS)[number];

let srv: TestServer;
let proxy: FaultProxy;
let adminToken: string;
let other: TestDesktop;
const cleanup: TestDesktop[] = [];

beforeAll(async () => {
  srv = await startTestServer();
  await srv.seed.basic();
  await srv.seed.observations({ indicator: IND, author: 'writer', observations: seedRows(200) });
  proxy = await startFaultProxy(srv.baseUrl);
  adminToken = await srv.login('admin', 'admin');
  other = await createTestDesktop();
  await other.gobs.auth.login({ serverUrl: srv.baseUrl, username: 'writer', password: 'writer' });
});
afterAll(async () => {
  await other?.close(true);
  await proxy?.close();
  await srv?.close();
});
afterEach(async () => {
  proxy.clear();
  for (const d of cleanup.splice(0)) await d.close(true);
});

async function edit(d: TestDesktop, uuid: string, note: string): Promise<void> {
  const o = await d.gobs.observations.get({ uuid });
  await d.gobs.observations.update({ uuid, timestamp: o.timestamp, x: o.x, y: o.y, values: { ...o.values, note } });
}

async function onServer(uuid: string) {
  return (await serverRows(srv.baseUrl, adminToken, IND)).find((o) => o.uuid === uuid);
}

let picked = 0;
/** A synced device (through the proxy) and a seeded observation of its own for this case. */
async function prepare(): Promise<{ dataDir: string; uuid: string }> {
  const d = await createTestDesktop();
  await d.gobs.auth.login({ serverUrl: proxy.baseUrl, username: 'writer', password: 'writer' });
  await syncOk(d);
  const uuid = (await deviceRows(d, IND))[picked++ * 5]!.uuid;
  await d.close();
  return { dataDir: d.dataDir, uuid };
}

/** Runs a sync in a child process killed at `point` of its first write of `kind`. */
async function syncKilled(dataDir: string, point: Point, kind: string, path: RegExp, method: string): Promise<void> {
  if (point === 'inflight') proxy.add({ method, path, fault: { kind: 'delay', ms: 1500 } });
  const mark = proxy.log.length;
  const res = await runChild(dataDir, ['--kill-write', `${point}:${kind}`]);
  expect(res.signal, res.lines.slice(-3).join('\n')).toBe('SIGKILL');
  if (point === 'inflight') {
    // The proxy forwards the held request after the device died: wait until the server has answered it.
    while (!proxy.log.slice(mark).some((l) => l.method === method && path.test(l.path))) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  expect(integrity(dataDir)).toBe('ok');
}

async function reopen(dataDir: string): Promise<TestDesktop> {
  const d = await createTestDesktop({ dataDir });
  cleanup.push(d);
  return d;
}

async function settledEverywhere(d: TestDesktop): Promise<void> {
  const status = await syncOk(d);
  expect(status.problems).toEqual([]);
  expect(await unsettled(d, IND)).toEqual([]);
  await expectConverged(d, srv.baseUrl, adminToken, IND);
  await syncOk(other);
  await expectConverged(other, srv.baseUrl, adminToken, IND);
}

describe.each(POINTS)('killed %s', (point) => {
  it('an update, then edited again: the server holds the last edit', async () => {
    const { dataDir, uuid } = await prepare();
    const d0 = await reopen(dataDir);
    await edit(d0, uuid, `update ${point} 1`);
    await d0.close();
    await syncKilled(dataDir, point, 'update', /\/observation\/observations/, 'PUT');
    const d = await reopen(dataDir);
    await edit(d, uuid, `update ${point} 2`);
    await settledEverywhere(d);
    expect(valuesOf((await onServer(uuid))!).note).toBe(`update ${point} 2`);
  });

  it('a deletion: the observation ends deleted everywhere', async () => {
    const { dataDir, uuid } = await prepare();
    const d0 = await reopen(dataDir);
    await d0.gobs.observations.delete({ uuid });
    await d0.close();
    await syncKilled(dataDir, point, 'delete', /\/observation\/\d+/, 'DELETE');
    const d = await reopen(dataDir);
    await settledEverywhere(d);
    expect(await onServer(uuid)).toBeUndefined();
  });

  it('a deletion, then undone and edited: the observation comes back with the edit', async () => {
    const { dataDir, uuid } = await prepare();
    const d0 = await reopen(dataDir);
    await d0.gobs.observations.delete({ uuid });
    await d0.close();
    await syncKilled(dataDir, point, 'delete', /\/observation\/\d+/, 'DELETE');
    const d = await reopen(dataDir);
    await d.gobs.observations.restore({ uuid });
    await edit(d, uuid, `back ${point}`);
    await settledEverywhere(d);
    const server = (await serverRows(srv.baseUrl, adminToken, IND)).filter((o) => valuesOf(o).note === `back ${point}`);
    expect(server).toHaveLength(1);
  });

  it('a media upload, then edited twice: the server holds the photo and the last edit', async () => {
    const { dataDir, uuid } = await prepare();
    const d0 = await reopen(dataDir);
    await d0.gobs.media.attach({ uuid, fileName: 'p.png', dataBase64: PNG.toString('base64') });
    await d0.close();
    await syncKilled(dataDir, point, 'media', /\/uploadMedia/, 'POST');
    const d = await reopen(dataDir);
    await edit(d, uuid, `photo ${point} 1`);
    await edit(d, uuid, `photo ${point} 2`);
    await settledEverywhere(d);
    const s = (await onServer(uuid))!;
    expect(valuesOf(s).note).toBe(`photo ${point} 2`);
    expect(s.media_url).toBeTruthy();
    expect(await d.gobs.observations.get({ uuid })).toMatchObject({ hasMedia: true, mediaPending: null });
  });
});

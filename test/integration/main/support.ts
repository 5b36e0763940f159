/** Shared steps of the main-process integration tests (real server over HTTP, real SQLite files). */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { ObservationRow, SyncStatus } from '../../../src/shared/ipc';
import { createTestDesktop, type TestDesktop, type TestDesktopOptions } from '../../helpers/desktop';
import { startFaultProxy, type FaultProxy } from '../../helpers/faultProxy';
import { startTestServer, type TestServer } from '../../helpers/server';

export async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; field?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string; field?: string };
  }
  throw new Error('expected the call to fail');
}

/** Every observation the device holds for an indicator, walked page by page (keyset). */
export async function deviceRows(d: TestDesktop, indicatorCode: string): Promise<ObservationRow[]> {
  const all: ObservationRow[] = [];
  let cursor: string | null = null;
  do {
    const page: { rows: ObservationRow[]; nextCursor: string | null } = await d.gobs.observations.list({
      indicatorCode,
      sort: { column: 'timestamp', direction: 'asc' },
      cursor,
      limit: 1000,
    });
    all.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

export async function syncOk(d: TestDesktop, projectKey?: string): Promise<SyncStatus> {
  const status = await d.gobs.sync.start(projectKey ? { projectKey } : {});
  expect(status.lastError, JSON.stringify(status.lastError)).toBeNull();
  expect(status.state).toBe('idle');
  return status;
}

export interface ServerObservation {
  id: number;
  uuid: string;
  import: number;
  timestamp: string;
  values: { name: string; value: unknown }[];
  author: string | null;
  media_url: string | null;
}

/** What the server holds, read without a deviceId (so nothing is recorded as held). */
export async function serverRows(baseUrl: string, token: string, indicatorCode: string): Promise<ServerObservation[]> {
  const res = await fetch(`${baseUrl}/indicator/${indicatorCode}/observations`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as ServerObservation[];
}

export function valuesOf(o: { values: { name: string; value: unknown }[] }): Record<string, unknown> {
  return Object.fromEntries(o.values.map((v) => [v.name, v.value]));
}

/** Server and device hold exactly the same observations: same uuids, once each, same import and values. */
export async function expectConverged(
  d: TestDesktop,
  baseUrl: string,
  token: string,
  indicatorCode: string,
): Promise<number> {
  const server = await serverRows(baseUrl, token, indicatorCode);
  const local = await deviceRows(d, indicatorCode);
  expect(new Set(server.map((o) => o.uuid)).size).toBe(server.length);
  expect(new Set(local.map((o) => o.uuid)).size).toBe(local.length);
  const byUuid = new Map(local.map((o) => [o.uuid, o]));
  expect(local.length).toBe(server.length);
  for (const s of server) {
    const l = byUuid.get(s.uuid);
    expect(l, `device lacks ${s.uuid}`).toBeDefined();
    expect(l!.state).toBe('synced');
    expect(l!.import).toBe(s.import);
    expect(l!.id).toBe(s.id);
    expect(l!.values).toEqual(valuesOf(s));
  }
  return server.length;
}

export function seedRows(n: number, start = Date.UTC(2023, 0, 1)) {
  return Array.from({ length: n }, (_, i) => ({
    timestamp: new Date(start + i * 3_600_000).toISOString().slice(0, 13).replace('T', ' ') + ':00:00',
    x: 3 + (i % 100) / 100,
    y: 43 + (i % 50) / 100,
    values: { rain: (i % 40) / 2, gauge: i % 7, checked: i % 2 === 0, note: `seed ${i}` },
  }));
}

export const NEW_VALUES = { rain: 1.5, gauge: 3, checked: true, note: 'made on the device' };

/** The largest `done` a phase reported in the events since `from` (e.g. how many rows a pull brought). */
export function phaseDone(d: TestDesktop, phase: string, from = 0): number {
  return d.events
    .slice(from)
    .filter((e) => e.event === 'sync.progress' && (e.payload as SyncStatus).phase === phase)
    .reduce((m, e) => Math.max(m, (e.payload as SyncStatus).done), 0);
}

/** A 1×1 PNG and a 1×1 GIF: real images the desktop and the server both recognise. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
export const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** Every observation of the device in a state other than synced (conflicts, refusals, waiting changes). */
export async function unsettled(d: TestDesktop, indicatorCode: string): Promise<ObservationRow[]> {
  return (await deviceRows(d, indicatorCode)).filter((r) => r.state !== 'synced');
}

/** A real server seeded with one indicator's observations, reached through the fault proxy. */
export interface ProxiedServer {
  readonly srv: TestServer;
  readonly proxy: FaultProxy;
  readonly adminToken: string;
  /** A device logged in as `writer`, through the proxy unless `direct`; closed after the test. */
  device(options?: TestDesktopOptions & { direct?: boolean }): Promise<TestDesktop>;
}

/**
 * Registers the suite's hooks: start the server and proxy before all tests; after each, clear the
 * proxy's faults and log, start the server again if a test stopped it, and close the test's devices.
 */
export function useProxiedServer(seed: { indicator: string; rows: number }): ProxiedServer {
  let srv: TestServer | undefined;
  let proxy: FaultProxy | undefined;
  let adminToken: string | undefined;
  const desktops: TestDesktop[] = [];
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the server is used before the suite started it');
    return v;
  };
  beforeAll(async () => {
    srv = await startTestServer();
    await srv.seed.basic();
    await srv.seed.observations({ indicator: seed.indicator, author: 'writer', observations: seedRows(seed.rows) });
    proxy = await startFaultProxy(srv.baseUrl);
    adminToken = await srv.login('admin', 'admin');
  });
  afterAll(async () => {
    await proxy?.close();
    await srv?.close();
  });
  afterEach(async () => {
    proxy?.clear();
    if (srv && !srv.app.server.listening) await srv.restart();
    for (const d of desktops.splice(0)) await d.close(true);
  });
  return {
    get srv() {
      return started(srv);
    },
    get proxy() {
      return started(proxy);
    },
    get adminToken() {
      return started(adminToken);
    },
    async device({ direct = false, ...options } = {}) {
      const d = await createTestDesktop(options);
      desktops.push(d);
      const serverUrl = direct ? started(srv).baseUrl : started(proxy).baseUrl;
      await d.gobs.auth.login({ serverUrl, username: 'writer', password: 'writer' });
      return d;
    },
  };
}

/**
 * The disk fills up during a pull: SQLite refuses to grow the store (SQLITE_FULL, here caused for
 * real by capping the connection's page count). The sync stops and says the disk is full — not
 * "unexpected error" — the store keeps whole batches only, and once there is room again the next
 * sync converges. An edit refused for lack of space says so too.
 */
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDesktop } from '../../helpers/desktop';
import { startTestServer, type TestServer } from '../../helpers/server';
import { integrity } from '../../helpers/syncChild';
import { deviceRows, expectConverged, NEW_VALUES, seedRows, syncOk } from './support';

let srv: TestServer;
let adminToken: string;

beforeAll(async () => {
  srv = await startTestServer();
  await srv.seed.basic();
  await srv.seed.observations({ indicator: 'pluviometry', author: 'writer', observations: seedRows(6000) });
  adminToken = await srv.login('admin', 'admin');
});
afterAll(() => srv?.close());

describe('a full disk', () => {
  it('stops the pull with a clear message, keeps whole batches only, then converges once there is room', async () => {
    let store: Database | null = null;
    const d = await createTestDesktop({ storeOpened: (db) => (store = db) });
    await d.gobs.auth.login({ serverUrl: srv.baseUrl, username: 'writer', password: 'writer' });
    // Room for a few pages of observations, not for 6,000.
    const pages = store!.pragma('page_count', { simple: true }) as number;
    store!.pragma(`max_page_count = ${pages + 120}`);
    const status = await d.gobs.sync.start({});
    expect(status.state).toBe('error');
    expect(status.lastError?.code).toBe('disk_full');
    expect(status.lastError?.message).toMatch(/disk is full/i);
    const kept = (await deviceRows(d, 'pluviometry')).length;
    expect(kept % 2000).toBe(0); // whole pull batches (2,000 each) or nothing
    expect(kept).toBeLessThan(6000);

    // A local edit while the disk is full is refused with the same clear code, and stores nothing.
    store!.pragma(`max_page_count = ${store!.pragma('page_count', { simple: true }) as number}`);
    const refused = await d.gobs.observations
      .create({
        indicatorCode: 'pluviometry',
        timestamp: '2025-01-01 10',
        x: 3,
        y: 43,
        values: { ...NEW_VALUES, note: 'x'.repeat(9_000) },
      })
      .catch((e: unknown) => e as { code: string });
    expect(refused).toMatchObject({ code: 'disk_full' });
    expect((await deviceRows(d, 'pluviometry')).length).toBe(kept);

    await d.close();
    expect(integrity(d.dataDir)).toBe('ok');
    const again = await createTestDesktop({ dataDir: d.dataDir });
    await syncOk(again);
    await expectConverged(again, srv.baseUrl, adminToken, 'pluviometry');
    await again.close(true);
  });
});

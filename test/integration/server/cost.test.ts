/**
 * "A pull for a device that already holds everything must not read every observation": checked on
 * the plan of the very query the server runs for the device (rows examined, not time), on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchQuery, type Cursor } from '../../../src/server/protocol/pull.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client, syncAll } from './client.js';
import { DEVICE_A } from './fixtures.js';

describe.each(testEngines())('no-change pull cost (%s)', (engine) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ engine });
    await srv.seed.basic();
    await srv.seed.generate({ indicator: 'pluviometry', count: 20_000 });
    if (engine === 'postgres') await srv.db.query('ANALYZE');
  });
  afterAll(() => srv?.close());

  it('examines only what changed since the cursor, not the 20,000 observations', async () => {
    const c = await new Client(srv.baseUrl, null, DEVICE_A).login('reader', 'reader');
    expect((await syncAll(c, 'pluviometry', { limit: 5000 })).items).toHaveLength(20_000);
    expect((await syncAll(c, 'pluviometry')).items).toEqual([]);
    const [cur] = await srv.db.query<Cursor & { device_id: number; indicator_id: number }>(
      `SELECT c.device_id, c.indicator_id, c.base_snapshot::text AS base_snapshot, pg_current_snapshot()::text AS round_snapshot,
              0::int8 AS round_after_id, NULL::int8 AS round_total, 0::int8 AS round_served
         FROM sync_cursor c JOIN device d ON d.id = c.device_id WHERE d.uuid = $1`,
      [DEVICE_A],
    );
    expect(cur!.base_snapshot).not.toBeNull();
    const q = batchQuery(cur!, cur!.device_id, cur!.indicator_id, 1000);
    const plan = (
      await srv.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${q.sql}`, q.params)
    )
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    // Every node's actual row count stays tiny, and nothing is a sequential scan of observation.
    const rows = [...plan.matchAll(/actual rows=(\d+)/g)].map((m) => Number(m[1]));
    const removed = [...plan.matchAll(/Rows Removed by Filter: (\d+)/g)].map((m) => Number(m[1]));
    expect(Math.max(...rows, ...removed), plan).toBeLessThan(100);
    expect(plan).not.toMatch(/Seq Scan on observation/);
  });

  it('answers a no-change pull without writing: cursor, batches and device untouched', async () => {
    const c = await new Client(srv.baseUrl, null, DEVICE_A).login('reader', 'reader');
    await syncAll(c, 'pluviometry');
    const state = () =>
      srv.db.query(
        `SELECT c.base_snapshot::text, c.synced_at::text, d.last_seen::text, (SELECT count(*) FROM sync_batch)::int8 AS batches
           FROM sync_cursor c JOIN device d ON d.id = c.device_id WHERE d.uuid = $1`,
        [DEVICE_A],
      );
    const before = await state();
    expect((await syncAll(c, 'pluviometry')).items).toEqual([]);
    expect((await syncAll(c, 'pluviometry', { kind: 'deletedObservations' })).items).toEqual([]);
    expect(await state()).toEqual(before);
  });
});

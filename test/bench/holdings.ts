/**
 * Item 8: what the server stores per device. N observations, then DEVICES devices that
 * completed a first sync: the first one syncs for real over HTTP against the server process (its
 * cursor, batches and holdings are what a real sync leaves); the others get a copy of its sync state
 * under their own device rows, which is the state their own first syncs would leave. Measured: rows
 * and bytes kept per device (beside the one-row-per-observation model's bytes, measured on the rows
 * the seeding device's pushes left), a no-change pull, a 100-observation change and the pull that
 * brings it, and the admin views (`devices --observation`, `devices`).
 */
import { randomUUID } from 'node:crypto';
import { deviceReport, observationDevices } from '../../src/server/admin/devices';
import { registerDevice } from '../../src/server/admin/seed';
import { type Db } from '../../src/server/db/types';
import { type PgCluster } from './lib/postgres';
import { startServer } from './lib/procs';
import { median, type Row } from './lib/report';
import {
  analyse,
  BENCH_INDICATOR,
  BENCH_PASSWORD,
  benchUser,
  changeOnServer,
  seedBase,
  seedObservations,
} from './lib/seed';
import { createStorage } from './lib/storage';

const LIMIT = 5000;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

/** Rows and bytes (row sizes plus their share of index entries) of one device row's sync state. */
async function stateOf(db: Db, deviceRowId: number): Promise<{ rows: number; bytes: number; holdings: number }> {
  const [r] = await db.query<{ rows: number; bytes: number; holdings: number }>(
    `WITH t AS (
       SELECT 'h' AS k, pg_column_size(h.*) + 3 * 24 AS b FROM device_observation h WHERE device_id = $1
       UNION ALL SELECT 'c', pg_column_size(c.*) + 2 * 24 FROM sync_cursor c WHERE device_id = $1
       UNION ALL SELECT 'b', pg_column_size(b.*) + 2 * 24 FROM sync_batch b WHERE device_id = $1
       UNION ALL SELECT 'd', pg_column_size(d.*) + 2 * 24 FROM device_deletion d WHERE device_id = $1
       UNION ALL SELECT 'v', pg_column_size(v.*) + 3 * 24 FROM device v WHERE id = $1)
     SELECT count(*)::int8 AS rows, sum(b)::int8 AS bytes, count(*) FILTER (WHERE k = 'h')::int8 AS holdings FROM t`,
    [deviceRowId],
  );
  return r!;
}

export async function holdingsBench(
  cluster: PgCluster,
  a: { n: number; devices: number; changed: number; log: (s: string) => void },
): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const storage = await createStorage('postgres', 'holdings', cluster);
  const db = await storage.open();
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  try {
    const s = await seedBase(db, 0);
    const [, seedMs] = await timed(() => seedObservations(db, s, a.n));
    await analyse(db);
    a.log(`holdings: seeded ${a.n} observations in ${(seedMs / 1000).toFixed(1)} s`);
    // The model this replaces: one row per device and observation, as the seeding device's pushes left them.
    const [old] = await db.query<{ bytes: number; rows: number }>(
      `SELECT pg_total_relation_size('device_observation')::int8 AS bytes, (SELECT count(*) FROM device_observation)::int8 AS rows`,
    );
    const oldPerRow = old!.bytes / Math.max(1, old!.rows);

    // The same change before any device has a cursor: what a change costs without releasing holdings.
    const [, bareChangeMs] = await timed(() => changeOnServer(db, s, a.changed, 0));
    const user = (await db.query<{ id: number }>('SELECT id FROM app_user WHERE login = $1', [benchUser(0)]))[0]!.id;
    const uuids = Array.from({ length: a.devices }, () => randomUUID());
    const srv = await startServer(storage.server, storage.mediaDir);
    try {
      const login = await fetch(`${srv.baseUrl}/user/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: benchUser(0), password: BENCH_PASSWORD }),
      });
      const { token } = (await login.json()) as { token: string };
      const pull = async (uuid: string, ack: string | null) => {
        const res = await fetch(`${srv.baseUrl}/indicator/${BENCH_INDICATOR}/observations?limit=${LIMIT}`, {
          headers: { authorization: `Bearer ${token}`, deviceId: uuid, ...(ack ? { 'X-Gobs-Ack': ack } : {}) },
        });
        const body = (await res.json()) as { id: number }[];
        if (res.status !== 200) throw new Error(`pull: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
        return { count: body.length, token: res.headers.get('x-gobs-sync-token') };
      };
      const syncAll = async (uuid: string) => {
        let ack: string | null = null;
        let total = 0;
        let requests = 0;
        for (;;) {
          const r = await pull(uuid, ack);
          requests++;
          total += r.count;
          ack = r.token;
          if (r.count === 0) return { total, requests };
        }
      };

      // Device 1: a real first sync; the largest number of holding rows it had at any acknowledgement.
      const [first, firstMs] = await timed(() => syncAll(uuids[0]!));
      if (first.total !== a.n) throw new Error(`first sync received ${first.total} of ${a.n}`);
      const d1 = (await db.query<{ id: number }>('SELECT id FROM device WHERE uuid = $1', [uuids[0]]))[0]!.id;
      a.log(`holdings: device 1 first sync of ${a.n} in ${(firstMs / 1000).toFixed(1)} s (${first.requests} requests)`);
      // The others: the same state under their own rows.
      for (const uuid of uuids.slice(1)) {
        const id = await registerDevice(db, uuid, user);
        await db.query(
          `INSERT INTO sync_cursor (device_id, indicator_id, base_snapshot, round_snapshot, round_after_id, round_total, round_served, synced_at)
           SELECT $1, indicator_id, base_snapshot, round_snapshot, round_after_id, round_total, round_served, synced_at
             FROM sync_cursor WHERE device_id = $2`,
          [id, d1],
        );
        await db.query(
          `INSERT INTO device_observation (device_id, observation_id, indicator_id, import_id)
           SELECT $1, observation_id, indicator_id, import_id FROM device_observation WHERE device_id = $2`,
          [id, d1],
        );
      }
      const states = await db.query<{ id: number }>('SELECT id FROM device WHERE uuid = ANY($1::uuid[])', [uuids]);
      const per = await Promise.all(states.map((d) => stateOf(db, d.id)));
      const maxRows = Math.max(...per.map((p) => p.rows));
      const maxBytes = Math.max(...per.map((p) => p.bytes));
      const maxHoldings = Math.max(...per.map((p) => p.holdings));
      const oldBytes = oldPerRow * a.n;
      rows.push({
        item: '9',
        measure: `server rows kept per device after a first sync of ${a.n.toLocaleString('en')} (${a.devices} devices)`,
        engine: 'postgres',
        value: maxRows,
        unit: 'rows',
        note: `${maxHoldings} holding rows; one-row-per-observation model: ${a.n.toLocaleString('en')} rows`,
      });
      rows.push({
        item: '9',
        measure: 'server bytes kept per device (rows + index entries, max over devices)',
        engine: 'postgres',
        value: maxBytes,
        unit: 'B',
        floor: oldBytes,
        ratio: maxBytes / oldBytes,
        target: '≤ 64 KB per device',
        met: maxBytes <= 64 * 1024,
        note: `reference: ${(oldBytes / 1e6).toFixed(1)} MB per device in the one-row-per-observation model (${oldPerRow.toFixed(0)} B per row incl. indexes, measured)`,
      });
      details.holdings = { n: a.n, devices: a.devices, firstSyncMs: firstMs, oldPerRowBytes: oldPerRow, per };

      // No-change pull: one request per device (the idle path), over HTTP.
      const noChange: number[] = [];
      for (let k = 0; k < Math.min(a.devices, 50); k++) {
        const [r, ms] = await timed(() => pull(uuids[k]!, null));
        if (r.count !== 0) throw new Error(`no-change pull returned ${r.count}`);
        noChange.push(ms);
      }
      rows.push({
        item: '9',
        measure: `no-change pull (1 request), ${a.n.toLocaleString('en')} obs, ${a.devices} devices`,
        engine: 'postgres',
        value: median(noChange),
        unit: 'ms',
      });

      // A small change: the writes release what cursors implied (one row per device that held the
      // old version), then one device's pull brings it and compacts its exceptions.
      const [changed, changeMs] = await timed(() => changeOnServer(db, s, a.changed, 1));
      const [released] = await db.query<{ n: number }>(
        'SELECT count(*)::int8 AS n FROM device_observation WHERE device_id = ANY(SELECT id FROM device WHERE uuid = ANY($1::uuid[]))',
        [uuids],
      );
      rows.push({
        item: '9',
        measure: `${changed} observations changed (one import) with ${a.devices} devices' cursors`,
        engine: 'postgres',
        value: changeMs,
        unit: 'ms',
        floor: bareChangeMs,
        ratio: changeMs / bareChangeMs,
        note: `${released!.n} exception rows written (the older import each device still holds); floor/ref = the same change before any device had a cursor`,
      });
      const small: number[] = [];
      for (let k = 0; k < Math.min(a.devices, 10); k++) {
        const [r, ms] = await timed(() => syncAll(uuids[k]!));
        if (r.total !== changed) throw new Error(`small-change pull returned ${r.total} of ${changed}`);
        small.push(ms);
      }
      const after = await stateOf(db, states.find((d) => d.id === d1)!.id);
      rows.push({
        item: '9',
        measure: `small-change pull (${changed} changed, until [])`,
        engine: 'postgres',
        value: median(small),
        unit: 'ms',
        floor: median(noChange),
        ratio: median(small) / median(noChange),
        note: `median of ${small.length} devices; a device that pulled keeps ${after.holdings} holding rows`,
      });

      // Admin views.
      const obsIds = await db.query<{ id: number }>(
        'SELECT id FROM observation WHERE indicator_id = $1 ORDER BY id LIMIT 20',
        [s.indicatorId],
      );
      const view: number[] = [];
      let lines = 0;
      for (const o of obsIds) {
        const [out, ms] = await timed(() => observationDevices(db, String(o.id)));
        lines = Math.max(lines, out.length);
        view.push(ms);
      }
      if (lines < a.devices + 6)
        throw new Error(`devices --observation printed ${lines} lines for ${a.devices} devices`);
      rows.push({
        item: '9',
        measure: `\`devices --observation\` (${a.devices} devices)`,
        engine: 'postgres',
        value: median(view),
        unit: 'ms',
      });
      const [report, reportMs] = await timed(() => deviceReport(db, BENCH_INDICATOR));
      rows.push({
        item: '9',
        measure: `\`devices\` report (${report.length - 1} device rows)`,
        engine: 'postgres',
        value: reportMs,
        unit: 'ms',
      });
    } finally {
      await srv.stop();
    }
  } finally {
    await db.close();
    await storage.remove();
  }
  return { rows, details };
}

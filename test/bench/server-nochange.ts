/**
 * No-change pull cost on PostgreSQL: 10,000 vs 1,000,000 observations.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:PORT/postgres npx tsx test/bench/server-nochange.ts [sizes...]
 *
 * For each size: a fresh database; one indicator whose observations were all pushed by one field
 * device (so that device holds every one of them at its import, as the server records for a push);
 * the device pulls once (its first pull with a cursor: reads the whole indicator once), then the
 * measured pulls: GET /indicator/{code}/observations with deviceId and the previous token as
 * X-Gobs-Ack, each answering [] — over real HTTP to the in-process server. Prints median and p95
 * and the plan of the batch query with its buffer counts.
 */
import { randomUUID } from 'node:crypto';
import { buildServer } from '../../src/server/app';
import { migrate } from '../../src/server/db/migrate';
import { openPostgres } from '../../src/server/db/postgres';
import {
  createIndicator,
  createProject,
  createUser,
  grantRole,
  linkIndicator,
  registerDevice,
} from '../../src/server/admin/seed';
import { batchQuery, type Cursor } from '../../src/server/protocol/pull';
import { createTestDatabase } from '../helpers/postgres';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const SIZES = sizes.length ? sizes : [10_000, 1_000_000];
const MEASURED = 200;
const WARMUP = 30;

interface Setup {
  n: number;
  seedMs: number;
  firstMs: number;
  pull(): Promise<number>;
  plan(): Promise<string>;
  close(): Promise<void>;
}

async function setup(n: number): Promise<Setup> {
  const t = await createTestDatabase();
  const db = await openPostgres(t.url);
  {
    await migrate(db);
    await createProject(db, { key: 'bench', label: 'Bench' });
    const user = await createUser(db, 'field', 'field-password');
    await grantRole(db, 'field', 'bench', 'writer');
    const ind = await createIndicator(db, {
      code: 'pluviometry',
      label: 'Rainfall',
      date_format: 'minute',
      values: [
        { code: 'rain', name: 'Rainfall', type: 'real', unit: 'mm' },
        { code: 'gauge', name: 'Gauge', type: 'integer', unit: null },
      ],
    });
    await linkIndicator(db, 'bench', 'pluviometry');
    const deviceUuid = randomUUID();
    const deviceId = await registerDevice(db, deviceUuid, user.id);

    const seedStart = Date.now();
    const CHUNK = 100_000; // one transaction per chunk: the change sequence advances as under real pushes
    for (let start = 1; start <= n; start += CHUNK) {
      const end = Math.min(n, start + CHUNK - 1);
      await db.tx(async (q) => {
        const imports = await q.query<{ id: number }>(
          `INSERT INTO import (user_id, device_id, source) SELECT $1, $2, 'push' FROM generate_series(1, $3) RETURNING id`,
          [user.id, deviceId, Math.ceil((end - start + 1) / 1000)],
        );
        await q.query(
          `INSERT INTO observation (uuid, indicator_id, import_id, ts, x, y, wkt, vals, author_id)
           SELECT gen_random_uuid(), $1, $2 + (g - $3) / 1000, timestamp '2016-01-01' + g * interval '5 minutes',
                  x, y, 'POINT(' || x || ' ' || y || ')', jsonb_build_object('rain', (g % 500) / 10.0, 'gauge', g % 40), $5
             FROM generate_series($3::bigint, $4::bigint) AS g,
                  LATERAL (SELECT (-180 + ((g * 7919) % 360000) / 1000.0)::float8 AS x, (-90 + ((g * 104729) % 180000) / 1000.0)::float8 AS y) v`,
          [ind.id, imports[0]!.id, start, end, user.id],
        );
        await q.query(
          `INSERT INTO device_observation (device_id, observation_id, indicator_id, import_id)
           SELECT $1, id, indicator_id, import_id FROM observation WHERE import_id BETWEEN $2 AND $3`,
          [deviceId, imports[0]!.id, imports.at(-1)!.id],
        );
      });
    }
    await db.query('VACUUM ANALYZE');
    const seedMs = Date.now() - seedStart;

    const app = await buildServer({ db });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const base = `http://127.0.0.1:${port}/api`;
    const login = await fetch(`${base}/user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'field', password: 'field-password' }),
    });
    const { token } = (await login.json()) as { token: string };
    let ack: string | null = null;
    const pull = async () => {
      const t0 = process.hrtime.bigint();
      const res = await fetch(`${base}/indicator/pluviometry/observations?limit=1000`, {
        headers: { authorization: `Bearer ${token}`, deviceId: deviceUuid, ...(ack ? { 'X-Gobs-Ack': ack } : {}) },
      });
      const body = (await res.json()) as unknown[];
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (res.status !== 200 || body.length !== 0)
        throw new Error(`expected an empty pull, got ${res.status} with ${body.length} items`);
      ack = res.headers.get('x-gobs-sync-token');
      return ms;
    };
    const firstMs = await pull(); // no cursor yet: reads the indicator once
    const plan = async () => {
      const [cur] = await db.query<Cursor>(
        `SELECT base_snapshot::text AS base_snapshot, pg_current_snapshot()::text AS round_snapshot, 0::int8 AS round_after_id,
                NULL::int8 AS round_total, 0::int8 AS round_served FROM sync_cursor WHERE device_id = $1`,
        [deviceId],
      );
      const q = batchQuery(cur!, deviceId, ind.id, 1000);
      const rows = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) ${q.sql}`,
        q.params,
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    const close = async () => {
      await app.close();
      await db.close();
      await t.drop();
    };
    return { n, seedMs, firstMs, pull, plan, close };
  }
}

if (!process.env.DATABASE_URL) {
  console.error('Set DATABASE_URL to a PostgreSQL server (scripts/postgres-throwaway.sh start prints one).');
  process.exit(2);
}
const setups: Setup[] = [];
for (const n of SIZES) setups.push(await setup(n));
// Interleave the sizes (A B A B ...) so load on the machine weighs on all of them alike.
const times = setups.map(() => [] as number[]);
for (let i = 0; i < WARMUP + MEASURED; i++) {
  for (const [k, s] of setups.entries()) {
    const ms = await s.pull();
    if (i >= WARMUP) times[k]!.push(ms);
  }
}
const stats = setups.map((s, k) => {
  const t = times[k]!.sort((a, b) => a - b);
  return { n: s.n, median: t[Math.floor(t.length / 2)]!, p95: t[Math.floor(t.length * 0.95)]!, min: t[0]! };
});
for (const [k, s] of setups.entries()) {
  const r = stats[k]!;
  console.log(
    `${String(s.n).padStart(9)} observations: no-change pull median ${r.median.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, min ${r.min.toFixed(2)} ms ` +
      `(${MEASURED} pulls over HTTP; first pull with no cursor ${s.firstMs.toFixed(0)} ms; seeding ${(s.seedMs / 1000).toFixed(1)} s)`,
  );
  console.log((await s.plan()).replace(/^/gm, '    '));
}
if (stats.length >= 2) {
  const ratio = stats.at(-1)!.median / stats[0]!.median;
  console.log(`ratio of medians ${stats.at(-1)!.n} / ${stats[0]!.n}: ${ratio.toFixed(2)}x (target <= 1.5x)`);
}
for (const s of setups) await s.close();

/**
 * Fast, faithful server data for the benchmark. Accounts, project and indicator go through the
 * server's own seeding helpers (src/server/admin/seed.ts); the observations are generated inside
 * the database (INSERT ... SELECT generate_series) but laid out exactly as field devices pushing
 * them would have left them: one `push` import per 1,000 observations made by a registered field
 * device, that device recorded as holding each observation at its import (device_observation),
 * and each 100,000-row chunk committed in its own transaction so the change sequence (change_xid)
 * advances as it does under real pushes.
 */
import { randomUUID } from 'node:crypto';
import { migrate } from '../../../src/server/db/migrate';
import { type Db } from '../../../src/server/db/types';
import { PLUVIOMETRY } from '../../helpers/server';
import {
  createIndicator,
  createProject,
  createUser,
  grantRole,
  linkIndicator,
  registerDevice,
  type IndicatorSpec,
} from '../../../src/server/admin/seed';

export const BENCH_PROJECT = 'bench';
export const BENCH_INDICATOR = 'pluviometry';
export const BENCH_PASSWORD = 'bench-password-0123';
/** Users whose devices the benchmark runs: bench (the measured device), dev01..dev20 (the fleet). */
export const benchUser = (i = 0) => (i === 0 ? 'bench' : `dev${String(i).padStart(2, '0')}`);

export const INDICATOR: IndicatorSpec = {
  code: BENCH_INDICATOR,
  label: 'Rainfall',
  description: 'Rainfall gauges, read every five minutes',
  category: 'weather',
  date_format: 'minute',
  // The test suites' four dimensions, one of each type.
  values: PLUVIOMETRY.values,
};

export interface Seeded {
  indicatorId: number;
  fieldUserId: number;
  fieldDeviceUuid: string;
}

/** Schema, accounts (bench + `fleet` device users, all writers), project and indicator. */
export async function seedBase(db: Db, fleet = 0): Promise<Seeded> {
  await migrate(db);
  await createProject(db, { key: BENCH_PROJECT, label: 'Benchmark', description: null });
  const field = await createUser(db, 'field', BENCH_PASSWORD);
  await grantRole(db, 'field', BENCH_PROJECT, 'writer');
  for (let i = 0; i <= fleet; i++) {
    await createUser(db, benchUser(i), BENCH_PASSWORD);
    await grantRole(db, benchUser(i), BENCH_PROJECT, 'writer');
  }
  const ind = await createIndicator(db, INDICATOR);
  await linkIndicator(db, BENCH_PROJECT, INDICATOR.code);
  const fieldDeviceUuid = randomUUID();
  await registerDevice(db, fieldDeviceUuid, field.id);
  return { indicatorId: ind.id, fieldUserId: field.id, fieldDeviceUuid };
}

/** Observation g (1-based) is timestamped 2016-01-01 + g × 5 minutes (see seedObservations). */
export const seededTimestamp = (g: number) =>
  new Date(Date.UTC(2016, 0, 1) + g * 300_000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Observation g as seedObservations generates it in SQL, computed here: the same field values that
 * the server's pull sends for it (timestamp, x, y, wkt, values in dimension order, author). The peer
 * benchmark stores these as its documents so both systems move the same data; a test holds the two in step.
 */
export function seededObservation(g: number) {
  // Whole thousandths divided once: the value numeric → float8 gives, so wkt prints the same digits.
  const x = (((g * 7919) % 360_000) - 180_000) / 1000;
  const y = (((g * 104_729) % 180_000) - 90_000) / 1000;
  return {
    indicator: BENCH_INDICATOR,
    timestamp: seededTimestamp(g),
    x,
    y,
    wkt: `POINT(${x} ${y})`,
    values: valueList({
      rain: ((g * 31) % 500) / 10,
      gauge: g % 40,
      checked: g % 3 === 0,
      note: g % 10 === 0 ? 'flooded road' : 'gauge ok',
    }),
    author: 'field',
  };
}

/** Values as the wire carries them: one {name, type, value} per dimension, in the indicator's order. */
export function valueList(vals: Record<string, number | boolean | string>) {
  return INDICATOR.values
    .filter((d) => d.code in vals)
    .map((d) => ({ name: d.code, type: d.type, value: vals[d.code]! }));
}

const PER_IMPORT = 1000;
const PER_TX = 100_000;

/** Appends n observations (numbered from `from`), as pushes by the field device. */
export async function seedObservations(db: Db, s: Seeded, n: number, from = 1): Promise<void> {
  const dev = (await db.query<{ id: number }>('SELECT id FROM device WHERE uuid = $1', [s.fieldDeviceUuid]))[0]!.id;
  for (let start = from; start < from + n; start += PER_TX) {
    const end = Math.min(from + n - 1, start + PER_TX - 1);
    const count = end - start + 1;
    await db.tx(async (q) => {
      const imports = await q.query<{ id: number }>(
        `INSERT INTO import (user_id, device_id, source) SELECT $1, $2, 'push' FROM generate_series(1, $3) RETURNING id`,
        [s.fieldUserId, dev, Math.ceil(count / PER_IMPORT)],
      );
      const first = imports[0]!.id;
      if (imports.at(-1)!.id !== first + imports.length - 1) throw new Error('import ids are not contiguous');
      // Values vary like real readings; every tenth note says "flooded road" (the browse text filter).
      await q.query(
        `INSERT INTO observation (uuid, indicator_id, import_id, ts, x, y, wkt, vals, author_id)
         SELECT gen_random_uuid(), $1, $2 + (g - $3) / ${PER_IMPORT}, ts, x, y, 'POINT(' || x || ' ' || y || ')',
                jsonb_build_object('rain', round(((g * 31) % 500) / 10.0, 1)::float8, 'gauge', g % 40,
                                   'checked', g % 3 = 0, 'note', CASE WHEN g % 10 = 0 THEN 'flooded road' ELSE 'gauge ok' END),
                $5
           FROM generate_series($3::bigint, $4::bigint) AS g,
                LATERAL (SELECT timestamp '2016-01-01' + g * interval '5 minutes' AS ts,
                                (-180 + ((g * 7919) % 360000) / 1000.0)::float8 AS x,
                                (-90 + ((g * 104729) % 180000) / 1000.0)::float8 AS y) AS v`,
        [s.indicatorId, first, start, end, s.fieldUserId],
      );
      await q.query(
        `INSERT INTO device_observation (device_id, observation_id, indicator_id, import_id)
         SELECT $1, id, indicator_id, import_id FROM observation WHERE import_id BETWEEN $2 AND $3`,
        [dev, first, first + imports.length - 1],
      );
    });
  }
}

/** What a long-running server's autovacuum would have done by now. */
export async function analyse(db: Db): Promise<void> {
  await db.query('VACUUM ANALYZE');
}

/**
 * `count` observations changed on the server under one new import, as the admin CLI's CSV import
 * of existing uuids does (source 'csv'; the update trigger advances change_xid). Spread over the table.
 */
export async function changeOnServer(db: Db, s: Seeded, count: number, round: number): Promise<number> {
  return db.tx(async (q) => {
    const [range] = await q.query<{ lo: number; hi: number }>(
      'SELECT min(id) AS lo, max(id) AS hi FROM observation WHERE indicator_id = $1',
      [s.indicatorId],
    );
    const step = Math.max(1, Math.floor((range!.hi - range!.lo + 1) / count));
    const [imp] = await q.query<{ id: number }>(
      `INSERT INTO import (user_id, tool, source) VALUES ($1, 'bench', 'csv') RETURNING id`,
      [s.fieldUserId],
    );
    const rows = await q.query(
      `UPDATE observation SET import_id = $1, vals = jsonb_set(vals, '{rain}', to_jsonb(round((random() * 50)::numeric, 1)::float8))
        WHERE id IN (SELECT $2::bigint + g * $3::bigint + $4::bigint FROM generate_series(0, $5::int - 1) g) RETURNING id`,
      [imp!.id, range!.lo, step, round % step, count],
    );
    return rows.length;
  });
}

/** Fingerprint of what the server holds for the indicator (uuid and import of every observation). */
export async function serverFingerprint(db: Db, indicatorId: number): Promise<{ count: number; hash: string }> {
  const [r] = await db.query<{ count: number; hash: string }>(
    `SELECT count(*)::int AS count, coalesce(md5(string_agg(uuid::text || ':' || import_id, ',' ORDER BY uuid)), '') AS hash
       FROM observation WHERE indicator_id = $1`,
    [indicatorId],
  );
  return r!;
}

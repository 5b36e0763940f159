/**
 * Floors: the same work as a measured sync done by the raw parts, in one process, with no
 * protocol — no HTTP, no tokens, no acknowledgements, no per-row logic.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/main/store/db';
import { ensureDimensionIndexes } from '../../../src/main/store/indicators';
import { searchText } from '../../../src/main/store/observations';
import { type ServerContext } from '../../../src/server/context';
import { type Db } from '../../../src/server/db/types';
import { pushObservations } from '../../../src/server/observations/write';
import { dimensionsOf } from '../../../src/server/observations/indicators';
import {
  OBSERVATION_FROM,
  OBSERVATION_SELECT,
  toObservation,
  type ObservationRow,
} from '../../../src/server/observations/read';
import type { Observation } from '../../../src/shared/api';

/**
 * First-sync floor: read the indicator's observations with the server's row query and serialiser
 * (src/server/observations/read.ts: same columns, joins and formatting; same batch size, keyset by
 * id, as its own device-less export), turn each batch into JSON text and parse it back, insert every row into a fresh desktop store (same schema and indexes) with one prepared
 * statement in one transaction.
 */
export async function firstSyncFloor(
  db: Db,
  indicatorCode: string,
  batch: number,
): Promise<{ ms: number; rows: number; readMs: number; jsonMs: number; insertMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gobs-bench-floor-'));
  const store = openStore(join(dir, 'store.sqlite'));
  try {
    const [ind] = await db.query<{ id: number }>('SELECT id FROM indicator WHERE code = $1', [indicatorCode]);
    const dims = (await dimensionsOf(db, [ind!.id])).get(ind!.id) ?? [];
    // The same indexes as a device's store holding this indicator (per-dimension sort indexes included).
    ensureDimensionIndexes(store, dims);
    const insert = store.prepare(
      `INSERT INTO observation (uuid, id, indicator_code, import, timestamp, x, y, wkt, vals, author, created_at, updated_at, media_url, state, search)
       VALUES (@uuid, @id, @indicator_code, @import, @timestamp, @x, @y, @wkt, @vals, @author, @created_at, @updated_at, @media_url, 'synced', @search)`,
    );
    let readMs = 0;
    let jsonMs = 0;
    let insertMs = 0;
    let rows = 0;
    const t0 = performance.now();
    store.exec('BEGIN');
    let after = 0;
    for (;;) {
      let t = performance.now();
      const page = await db.query<ObservationRow>(
        `SELECT ${OBSERVATION_SELECT} FROM ${OBSERVATION_FROM} WHERE o.indicator_id = $1 AND o.id > $2 ORDER BY o.id LIMIT $3`,
        [ind!.id, after, batch],
      );
      readMs += performance.now() - t;
      if (page.length === 0) break;
      after = page.at(-1)!.id;
      t = performance.now();
      const text = JSON.stringify(page.map((r) => toObservation(r, dims, 'http://127.0.0.1/api')));
      const parsed = JSON.parse(text) as Observation[];
      jsonMs += performance.now() - t;
      t = performance.now();
      for (const o of parsed) {
        const values: Record<string, unknown> = {};
        for (const v of o.values) values[v.name] = v.value;
        insert.run({
          uuid: o.uuid,
          id: o.id,
          indicator_code: o.indicator,
          import: o.import,
          timestamp: o.timestamp,
          x: o.x,
          y: o.y,
          wkt: o.wkt,
          vals: JSON.stringify(values),
          author: o.author,
          created_at: o.created_at,
          updated_at: o.updated_at,
          media_url: o.media_url,
          search: searchText(o.timestamp, values, o.author, o.uuid),
        });
      }
      insertMs += performance.now() - t;
      rows += parsed.length;
    }
    const t = performance.now();
    store.exec('COMMIT');
    insertMs += performance.now() - t;
    return { ms: performance.now() - t0, rows, readMs, jsonMs, insertMs };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Push floor: the server's batched insert alone, in this process — per batch of `batch`, one
 * transaction that creates the import, inserts the rows with one INSERT ... SELECT FROM unnest (the
 * statement src/server/observations/write.ts uses) and records the pushing device as holding them.
 * No HTTP, no validation, no idempotency look-ups, no response.
 */
export async function pushFloor(
  db: Db,
  s: { indicatorId: number; fieldUserId: number },
  n: number,
  batch: number,
): Promise<{ ms: number; rows: number }> {
  const [dev] = await db.query<{ id: number }>('INSERT INTO device (uuid, user_id) VALUES ($1, $2) RETURNING id', [
    randomUUID(),
    s.fieldUserId,
  ]);
  const t0 = performance.now();
  let rows = 0;
  for (let start = 0; start < n; start += batch) {
    const k = Math.min(batch, n - start);
    const items = floorItems(start, k);
    await db.tx(async (q) => {
      const [imp] = await q.query<{ id: number }>(
        `INSERT INTO import (user_id, device_id, tool, source) VALUES ($1, $2, 'api', 'push') RETURNING id`,
        [s.fieldUserId, dev!.id],
      );
      const inserted = await q.query<{ id: number }>(
        `INSERT INTO observation (uuid, indicator_id, import_id, ts, x, y, wkt, vals, author_id)
         SELECT s.u, $2, $1, s.t, s.x, s.y, s.w, s.v, $3
           FROM unnest($4::uuid[], $5::timestamp[], $6::float8[], $7::float8[], $8::text[], $9::jsonb[]) AS s(u, t, x, y, w, v)
         ON CONFLICT (uuid) DO NOTHING RETURNING id`,
        [
          imp!.id,
          s.indicatorId,
          s.fieldUserId,
          items.map((o) => o.uuid),
          items.map((o) => o.ts),
          items.map((o) => o.x),
          items.map((o) => o.y),
          items.map((o) => o.wkt),
          items.map((o) => o.vals),
        ],
      );
      await q.query(
        `INSERT INTO device_observation (device_id, observation_id, indicator_id, import_id)
         SELECT $1, id, $2, $3 FROM unnest($4::bigint[]) AS id`,
        [dev!.id, s.indicatorId, imp!.id, inserted.map((r) => r.id)],
      );
      rows += inserted.length;
    });
  }
  return { ms: performance.now() - t0, rows };
}

function floorItems(start: number, k: number) {
  return Array.from({ length: k }, (_, j) => {
    const i = 10_000_000 + start + j;
    const x = ((i * 37) % 3600) / 10 - 180;
    const y = ((i * 53) % 1800) / 10 - 90;
    return {
      uuid: randomUUID(),
      ts: new Date(Date.UTC(2027, 0, 1) + i * 60_000).toISOString().slice(0, 16).replace('T', ' ') + ':00',
      x,
      y,
      wkt: `POINT(${x} ${y})`,
      values: { rain: (i % 300) / 10, gauge: i % 40, checked: i % 2 === 0, note: `floor entry ${i}` },
      vals: '',
    };
  }).map((o) => ({ ...o, vals: JSON.stringify(o.values) }));
}

/**
 * Not a floor but the step between floor and sync: the server's own push handler
 * (pushObservations: validation, idempotency look-ups, import, insert, holdings, response rows)
 * called in this process with the same batches — what HTTP and the device add comes on top.
 */
export async function pushHandler(
  db: Db,
  indicatorCode: string,
  user: { id: number; login: string },
  n: number,
  batch: number,
): Promise<{ ms: number }> {
  const [dev] = await db.query<{ uuid: string }>(
    'INSERT INTO device (uuid, user_id) VALUES ($1, $2) RETURNING uuid::text AS uuid',
    [randomUUID(), user.id],
  );
  const ctx: ServerContext = {
    db,
    secret: 'bench',
    sessionTtlMs: 60_000,
    apiBase: () => 'http://127.0.0.1/api',
  };
  const t0 = performance.now();
  for (let start = 0; start < n; start += batch) {
    const items = floorItems(20_000_000 + start, Math.min(batch, n - start)).map((o) => ({
      uuid: o.uuid,
      indicator: indicatorCode,
      timestamp: o.ts,
      x: o.x,
      y: o.y,
      values: Object.entries(o.values).map(([name, value]) => ({ name, type: DIMENSION_TYPES[name], value })),
    }));
    const out = await pushObservations(ctx, { user, deviceUuid: dev!.uuid, writeId: null }, items);
    if (out.length !== items.length) throw new Error(`handler stored ${out.length} of ${items.length}`);
  }
  return { ms: performance.now() - t0 };
}

const DIMENSION_TYPES: Record<string, string> = { rain: 'real', gauge: 'integer', checked: 'boolean', note: 'string' };

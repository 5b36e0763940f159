/**
 * Every write is one transaction under one new import; the writing device is recorded as holding
 * what it wrote (at that import), so it never downloads its own writes back.
 */
import { type ApiErrorItem, type Observation } from '../../shared/api.js';
import { type IndicatorRule } from '../../shared/observation.js';
import { isUuid, UUID_PROBLEM } from '../../shared/uuid.js';
import { type Queryable } from '../db/types.js';
import { type ServerContext } from '../context.js';
import { type IndicatorAccess, indicatorAccess, requireWriter } from '../access.js';
import { HttpError, badRequest, conflict, forbidden, notFound } from '../errors.js';
import { type SessionUser } from '../auth/sessions.js';
import { touchDevice } from '../protocol/devices.js';
import { indicatorRulesOf } from './indicators.js';
import { type CleanObservation, validateObservation } from './validate.js';
import {
  OBSERVATION_FROM,
  OBSERVATION_SELECT,
  type ObservationRow,
  findObservation,
  findTombstone,
  rowsToObservations,
} from './read.js';

export interface Writer {
  user: SessionUser;
  /** The `deviceId` header's device UUID, registered (for this user) by the write's transaction. */
  deviceUuid: string | null;
  /** The request's X-Gobs-Write-Id, recorded with what the write creates. */
  writeId: string | null;
}

const UNIQUE_VIOLATION = '23505';

function writeIdReused(err: unknown): boolean {
  return (err as { code?: string }).code === UNIQUE_VIOLATION;
}

const reusedWriteId = () => badRequest('This X-Gobs-Write-Id was already used by another write; send a new one');

/** The writer's device row, registered inside the write's transaction: a refused write registers nothing. */
async function writerDevice(q: Queryable, w: Writer): Promise<number | null> {
  return w.deviceUuid ? touchDevice(q, w.deviceUuid, w.user.id) : null;
}

async function newImport(
  q: Queryable,
  w: Writer,
  deviceRowId: number | null,
  source: 'push' | 'update' | 'media',
): Promise<number> {
  try {
    const rows = await q.query<{ id: number }>(
      `INSERT INTO import (user_id, device_id, tool, source, write_id) VALUES ($1, $2, 'api', $3, $4) RETURNING id`,
      [w.user.id, deviceRowId, source, w.writeId],
    );
    return rows[0]!.id;
  } catch (err) {
    if (writeIdReused(err)) throw reusedWriteId();
    throw err;
  }
}

async function hold(
  q: Queryable,
  deviceRowId: number | null,
  obs: { id: number; indicator_id: number; import: number }[],
) {
  if (deviceRowId === null || obs.length === 0) return;
  await q.query(
    `INSERT INTO device_observation (device_id, observation_id, indicator_id, import_id)
       SELECT $1, s.id, s.ind, s.imp FROM unnest($2::bigint[], $3::bigint[], $4::bigint[]) AS s(id, ind, imp)
     ON CONFLICT (device_id, observation_id) DO UPDATE SET import_id = EXCLUDED.import_id`,
    [deviceRowId, obs.map((o) => o.id), obs.map((o) => o.indicator_id), obs.map((o) => o.import)],
  );
}

function sameContent(row: ObservationRow, o: CleanObservation): boolean {
  const keys = Object.keys(o.values);
  return (
    row.indicator === o.indicator &&
    row.timestamp === o.timestamp &&
    row.x === o.x &&
    row.y === o.y &&
    row.wkt === o.wkt &&
    keys.length === Object.keys(row.vals).length &&
    keys.every((k) => row.vals[k] === o.values[k])
  );
}

/** Checks access to every indicator named and validates every item; throws 403 / 400 with all errors. */
async function validateBatch(ctx: ServerContext, user: SessionUser, items: unknown[]) {
  const codes = [
    ...new Set(
      items
        .map((i) => (i as { indicator?: unknown })?.indicator)
        .filter((c): c is string => typeof c === 'string' && c.length <= 100),
    ),
  ];
  const accessByCode = new Map<string, IndicatorAccess>();
  for (const code of codes) {
    let access: IndicatorAccess;
    try {
      access = await indicatorAccess(ctx.db, user.id, code);
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 404) {
        throw forbidden(`Indicator ${code} is unknown or not in any of your projects`);
      }
      throw err;
    }
    requireWriter(access);
    accessByCode.set(code, access);
  }
  const rules = await indicatorRulesOf(
    ctx.db,
    [...accessByCode.values()].map((a) => a.id),
  );
  const rulesByCode = new Map<string, IndicatorRule>([...accessByCode].map(([code, a]) => [code, rules.get(a.id)!]));
  const clean: CleanObservation[] = [];
  const errors: ApiErrorItem[] = [];
  const seen = new Map<string, number>();
  items.forEach((raw, index) => {
    const r = validateObservation(raw, index, (code) => rulesByCode.get(code));
    if ('errors' in r) return errors.push(...r.errors);
    const dup = seen.get(r.ok.uuid);
    if (dup !== undefined) errors.push({ index, uuid: r.ok.uuid, field: 'uuid', message: `same uuid as item ${dup}` });
    seen.set(r.ok.uuid, index);
    clean.push(r.ok);
  });
  if (errors.length > 0) {
    throw badRequest(`${errors.length} invalid observation field(s); nothing was stored`, errors);
  }
  return { clean, accessByCode };
}

/** POST /observation/observations: all or nothing, one import, idempotent on uuid. */
export async function pushObservations(ctx: ServerContext, w: Writer, items: unknown[]): Promise<Observation[]> {
  const { clean, accessByCode } = await validateBatch(ctx, w.user, items);
  const rows = await ctx.db.tx(async (q) => {
    const uuids = clean.map((o) => o.uuid);
    const lookup = async () =>
      new Map(
        (
          await q.query<ObservationRow>(
            `SELECT ${OBSERVATION_SELECT} FROM ${OBSERVATION_FROM} WHERE o.uuid = ANY($1::uuid[])`,
            [uuids],
          )
        ).map((r) => [r.uuid, r]),
      );
    const check = (existing: Map<string, ObservationRow>) => {
      for (const o of clean) {
        const row = existing.get(o.uuid);
        if (row && (row.author_id !== w.user.id || !sameContent(row, o))) {
          throw conflict(
            `Observation ${o.uuid} already exists with different content or another author; nothing was stored`,
            {
              uuid: o.uuid,
            },
          );
        }
      }
    };
    let existing = await lookup();
    check(existing);
    const deviceRowId = await writerDevice(q, w);
    const fresh = clean.filter((o) => !existing.has(o.uuid));
    if (fresh.length > 0) {
      const importId = await newImport(q, w, deviceRowId, 'push');
      // The insert returns the rows as the response shows them: no second look-up.
      const inserted = await q.query<ObservationRow>(
        `WITH o AS (
           INSERT INTO observation (uuid, indicator_id, import_id, ts, x, y, wkt, vals, author_id)
           SELECT s.u, s.ind, $1, s.t, s.x, s.y, s.w, s.v, $2
             FROM unnest($3::uuid[], $4::bigint[], $5::timestamp[], $6::float8[], $7::float8[], $8::text[], $9::jsonb[])
                  AS s(u, ind, t, x, y, w, v)
           ON CONFLICT (uuid) DO NOTHING RETURNING *)
         SELECT ${OBSERVATION_SELECT} FROM o JOIN indicator i ON i.id = o.indicator_id LEFT JOIN app_user u ON u.id = o.author_id`,
        [
          importId,
          w.user.id,
          fresh.map((o) => o.uuid),
          fresh.map((o) => accessByCode.get(o.indicator)!.id),
          fresh.map((o) => o.timestamp),
          fresh.map((o) => o.x),
          fresh.map((o) => o.y),
          fresh.map((o) => o.wkt),
          fresh.map((o) => JSON.stringify(o.values)),
        ],
      );
      for (const r of inserted) existing.set(r.uuid, r);
      if (inserted.length !== fresh.length) {
        // A concurrent push stored some of these uuids first: judge them like any existing row.
        existing = await lookup();
        check(existing);
      }
    }
    const out = clean.map((o) => existing.get(o.uuid)!);
    await hold(q, deviceRowId, out);
    return out;
  });
  return rowsToObservations(ctx.db, ctx.apiBase(), rows);
}

/**
 * 404 for an observation the user cannot change because it is not there. When it was deleted and the
 * user may see its indicator, the answer carries the tombstone (with the deletion's write id), so a
 * device can tell its own lost deletion from someone else's.
 */
export async function observationNotFound(q: Queryable, user: SessionUser, id: string): Promise<HttpError> {
  const err = notFound(`Observation ${id} not found`);
  const t = await findTombstone(q, id);
  if (!t) return err;
  try {
    await indicatorAccess(q, user.id, t.indicator);
  } catch {
    return err;
  }
  return new HttpError(404, `Observation ${t.uuid} was deleted`, {
    deleted: { uuid: t.uuid, write_id: t.write_id, deleted_at: t.deleted_at },
  });
}

/** Loads an observation for a change by the user: 404 when absent or invisible, 403 unless author (writer) or admin. */
async function loadForChange(q: Queryable, user: SessionUser, id: string): Promise<ObservationRow> {
  const row = await findObservation(q, id, true);
  if (!row) throw await observationNotFound(q, user, id);
  let access: IndicatorAccess;
  try {
    access = await indicatorAccess(q, user.id, row.indicator);
  } catch {
    throw notFound(`Observation ${id} not found`);
  }
  const isAuthorWriter = row.author_id === user.id && access.role !== 'reader';
  if (!isAuthorWriter && access.role !== 'admin')
    throw forbidden('Only the author (as a writer) or a project admin may change this observation');
  return row;
}

async function current(ctx: ServerContext, q: Queryable, row: ObservationRow): Promise<Observation> {
  return (await rowsToObservations(q, ctx.apiBase(), [row]))[0]!;
}

/** PUT /observation/observations: optimistic concurrency on the import the edit started from. */
export async function updateObservation(ctx: ServerContext, w: Writer, body: unknown): Promise<Observation[]> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('Body must be one observation object');
  const baseImport = (body as { import?: unknown }).import;
  if (typeof baseImport !== 'number' || !Number.isInteger(baseImport) || baseImport < 1) {
    throw badRequest('Invalid observation', [
      {
        index: 0,
        uuid: String((body as { uuid?: unknown }).uuid ?? '') || null,
        field: 'import',
        message: 'must be the import the edit started from (a positive integer)',
      },
    ]);
  }
  const uuid = (body as { uuid?: unknown }).uuid;
  if (!isUuid(uuid)) {
    throw badRequest('Invalid observation', [{ index: 0, uuid: null, field: 'uuid', message: UUID_PROBLEM }]);
  }
  const rows = await ctx.db.tx(async (q) => {
    const row = await loadForChange(q, w.user, uuid);
    if ((body as { indicator?: unknown }).indicator !== row.indicator) {
      throw badRequest('Invalid observation', [
        { index: 0, uuid, field: 'indicator', message: `must stay ${row.indicator}` },
      ]);
    }
    if (row.import !== baseImport) {
      throw conflict(
        `Observation ${uuid} was changed on the server (import ${row.import}, edit based on ${baseImport}); nothing was changed`,
        {
          observation: await current(ctx, q, row),
        },
      );
    }
    const rule = (await indicatorRulesOf(q, [row.indicator_id])).get(row.indicator_id);
    const v = validateObservation(body, 0, (code) => (code === row.indicator ? rule : undefined));
    if ('errors' in v)
      throw badRequest(`${v.errors.length} invalid observation field(s); nothing was changed`, v.errors);
    const deviceRowId = await writerDevice(q, w);
    const importId = await newImport(q, w, deviceRowId, 'update');
    await q.query(
      `UPDATE observation SET ts = $2, x = $3, y = $4, wkt = $5, vals = $6::jsonb, import_id = $7 WHERE id = $1`,
      [row.id, v.ok.timestamp, v.ok.x, v.ok.y, v.ok.wkt, JSON.stringify(v.ok.values), importId],
    );
    const updated = (await findObservation(q, String(row.id)))!;
    await hold(q, deviceRowId, [updated]);
    return [updated];
  });
  return rowsToObservations(ctx.db, ctx.apiBase(), rows);
}

/**
 * DELETE /observation/{id}: tombstone, then a pending deletion for every other device that holds
 * it. Returns the media file to remove once committed.
 */
export async function deleteObservation(
  ctx: ServerContext,
  w: Writer,
  id: string,
  baseImport: number | null,
): Promise<{ uuid: string; mediaFile: string | null }> {
  return ctx.db.tx(async (q) => {
    const row = await loadForChange(q, w.user, id);
    if (baseImport !== null && row.import !== baseImport) {
      throw conflict(
        `Observation ${row.uuid} was changed on the server (import ${row.import}, delete based on ${baseImport}); nothing was deleted`,
        {
          observation: await current(ctx, q, row),
        },
      );
    }
    const deviceRowId = await writerDevice(q, w);
    let del: { id: number }[];
    try {
      del = await q.query<{ id: number }>(
        `INSERT INTO observation_deletion (observation_id, uuid, indicator_id, import_id, user_id, device_id, write_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [row.id, row.uuid, row.indicator_id, row.import, w.user.id, deviceRowId, w.writeId],
      );
    } catch (err) {
      if (writeIdReused(err)) throw reusedWriteId();
      throw err;
    }
    // Every device holding some version of it: an exception row, or a cursor that implies it.
    await q.query(
      `INSERT INTO device_deletion (device_id, deletion_id, indicator_id)
         SELECT h.device_id, $2::bigint, $3::bigint FROM device_observation h
          WHERE h.observation_id = $1 AND h.device_id IS DISTINCT FROM $4::bigint
         UNION
         SELECT c.device_id, $2::bigint, $3::bigint FROM sync_cursor c JOIN observation o ON o.id = $1
          WHERE c.indicator_id = $3::bigint AND c.device_id IS DISTINCT FROM $4::bigint
            AND holding_implied(c.base_snapshot, c.round_snapshot, c.round_after_id, o.id, o.change_xid)`,
      [row.id, del[0]!.id, row.indicator_id, deviceRowId],
    );
    await q.query('DELETE FROM device_observation WHERE observation_id = $1', [row.id]);
    await q.query('DELETE FROM observation WHERE id = $1', [row.id]);
    return { uuid: row.uuid, mediaFile: row.media_file };
  });
}

/**
 * A media change is a new import: other devices receive the new media_url. With a base import it is
 * checked like an update (409 with the server's version when the observation changed since), so a
 * device that adopts the answer's import never skips someone else's change.
 */
export async function setMedia(
  ctx: ServerContext,
  w: Writer,
  id: string,
  mediaFile: string | null,
  baseImport: number | null,
  before?: (row: ObservationRow) => void,
): Promise<{ observation: Observation; previous: string | null }> {
  const r = await ctx.db.tx(async (q) => {
    const row = await loadForChange(q, w.user, id);
    if (baseImport !== null && row.import !== baseImport) {
      throw conflict(
        `Observation ${row.uuid} was changed on the server (import ${row.import}, media change based on ${baseImport}); nothing was changed`,
        { observation: await current(ctx, q, row) },
      );
    }
    before?.(row);
    const deviceRowId = await writerDevice(q, w);
    const importId = await newImport(q, w, deviceRowId, 'media');
    await q.query('UPDATE observation SET media_file = $2, import_id = $3 WHERE id = $1', [
      row.id,
      mediaFile,
      importId,
    ]);
    const updated = (await findObservation(q, String(row.id)))!;
    await hold(q, deviceRowId, [updated]);
    return { updated, previous: row.media_file };
  });
  return { observation: (await rowsToObservations(ctx.db, ctx.apiBase(), [r.updated]))[0]!, previous: r.previous };
}

/**
 * Checks the caller may change the observation, and that it is still at the base import when one is
 * given, without changing it (before reading an upload).
 */
export async function checkCanChange(
  ctx: ServerContext,
  user: SessionUser,
  id: string,
  baseImport: number | null,
): Promise<void> {
  await ctx.db.tx(async (q) => {
    const row = await loadForChange(q, user, id);
    if (baseImport !== null && row.import !== baseImport) {
      throw conflict(
        `Observation ${row.uuid} was changed on the server (import ${row.import}, media change based on ${baseImport}); nothing was changed`,
        { observation: await current(ctx, q, row) },
      );
    }
  });
}

/** POST /observation/writeStatus: which of the caller's write ids were committed (an import or a deletion). */
export async function committedWrites(ctx: ServerContext, user: SessionUser, writeIds: string[]): Promise<string[]> {
  const rows = await ctx.db.query<{ write_id: string }>(
    `SELECT write_id::text AS write_id FROM import WHERE write_id = ANY($1::uuid[]) AND user_id = $2
     UNION
     SELECT write_id::text FROM observation_deletion WHERE write_id = ANY($1::uuid[]) AND user_id = $2`,
    [writeIds.map((w) => w.toLowerCase()), user.id],
  );
  return rows.map((r) => r.write_id);
}

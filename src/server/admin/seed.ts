/**
 * Direct data set-up used by the CLI, the demo and tests: the same tables the API writes, without HTTP.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import { DateFormat, Dimension, DimensionType, DocumentType, type Role, Uuid } from '../../shared/api.js';
import { type Db, type Queryable } from '../db/types.js';
import { hashPassword } from '../auth/passwords.js';
import { sniffDocument } from '../observations/sniff.js';
import { putFile } from '../db/files.js';

export class SeedError extends Error {}

export async function createUser(
  db: Queryable,
  login: string,
  password: string,
): Promise<{ id: number; login: string }> {
  if (!/^[A-Za-z0-9_.@-]{1,200}$/.test(login))
    throw new SeedError(`invalid login "${login}" (letters, digits, _ . @ -)`);
  if (password.length < 1 || password.length > 1024) throw new SeedError('password must be 1 to 1024 characters');
  const hash = await hashPassword(password);
  const rows = await db.query<{ id: number }>(
    'INSERT INTO app_user (login, password_hash) VALUES ($1, $2) ON CONFLICT (login) DO NOTHING RETURNING id',
    [login, hash],
  );
  if (!rows[0]) throw new SeedError(`user ${login} already exists`);
  return { id: rows[0].id, login };
}

export async function setPassword(db: Queryable, login: string, password: string): Promise<void> {
  const rows = await db.query('UPDATE app_user SET password_hash = $2 WHERE login = $1 RETURNING id', [
    login,
    await hashPassword(password),
  ]);
  if (!rows[0]) throw new SeedError(`unknown user ${login}`);
}

/** Revokes every live session of a user; returns how many. */
export async function revokeUserSessions(db: Queryable, login: string): Promise<number> {
  const user = (await db.query<{ id: number }>('SELECT id FROM app_user WHERE login = $1', [login]))[0];
  if (!user) throw new SeedError(`unknown user ${login}`);
  const rows = await db.query(
    'UPDATE session SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING 1',
    [user.id],
  );
  return rows.length;
}

export async function createProject(
  db: Queryable,
  p: { key: string; label: string; description?: string | null },
): Promise<{ id: number; key: string }> {
  if (!/^[A-Za-z0-9_.@~-]{1,200}$/.test(p.key)) throw new SeedError(`invalid project key "${p.key}"`);
  const rows = await db.query<{ id: number }>(
    'INSERT INTO project (key, label, description) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING RETURNING id',
    [p.key, p.label, p.description ?? null],
  );
  if (!rows[0]) throw new SeedError(`project ${p.key} already exists`);
  return { id: rows[0].id, key: p.key };
}

export async function grantRole(db: Queryable, login: string, projectKey: string, role: Role): Promise<void> {
  const rows = await db.query(
    `INSERT INTO project_member (project_id, user_id, role)
       SELECT p.id, u.id, $3 FROM project p, app_user u WHERE p.key = $2 AND u.login = $1
     ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role RETURNING project_id`,
    [login, projectKey, role],
  );
  if (!rows[0]) throw new SeedError(`unknown user ${login} or project ${projectKey}`);
}

export const IndicatorSpec = z.object({
  code: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - (at most 100)'),
  label: z.string().min(1).max(500),
  description: z.string().max(10_000).nullable().optional(),
  category: z.string().max(200).nullable().optional(),
  date_format: DateFormat,
  values: z
    .array(
      Dimension.extend({
        code: z.string().regex(/^[A-Za-z0-9_]{1,100}$/),
        name: z.string().min(1),
        type: DimensionType,
        unit: z.string().nullable().optional().default(null),
      }),
    )
    .min(1)
    .refine((v) => new Set(v.map((d) => d.code)).size === v.length, 'dimension codes must be unique'),
});
export type IndicatorSpec = z.input<typeof IndicatorSpec>;

export async function createIndicator(db: Db, input: IndicatorSpec): Promise<{ id: number; code: string }> {
  const parsed = IndicatorSpec.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new SeedError(`invalid indicator: ${i.path.join('.') || 'indicator'}: ${i.message}`);
  }
  const spec = parsed.data;
  return db.tx(async (q) => {
    const rows = await q.query<{ id: number }>(
      `INSERT INTO indicator (code, label, description, category, date_format) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code) DO NOTHING RETURNING id`,
      [spec.code, spec.label, spec.description ?? null, spec.category ?? null, spec.date_format],
    );
    if (!rows[0]) throw new SeedError(`indicator ${spec.code} already exists`);
    const id = rows[0].id;
    for (const [position, d] of spec.values.entries()) {
      await q.query(
        'INSERT INTO dimension (indicator_id, position, code, name, type, unit) VALUES ($1, $2, $3, $4, $5, $6)',
        [id, position, d.code, d.name, d.type, d.unit ?? null],
      );
    }
    return { id, code: spec.code };
  });
}

export async function linkIndicator(db: Queryable, projectKey: string, indicatorCode: string): Promise<void> {
  const rows = await db.query(
    `INSERT INTO project_indicator (project_id, indicator_id)
       SELECT p.id, i.id FROM project p, indicator i WHERE p.key = $1 AND i.code = $2
     ON CONFLICT DO NOTHING RETURNING project_id`,
    [projectKey, indicatorCode],
  );
  const exists = await db.query('SELECT 1 FROM project p, indicator i WHERE p.key = $1 AND i.code = $2', [
    projectKey,
    indicatorCode,
  ]);
  if (!rows[0] && !exists[0]) throw new SeedError(`unknown project ${projectKey} or indicator ${indicatorCode}`);
}

export async function addDocument(
  db: Db,
  d: {
    indicator: string;
    file: string;
    label: string;
    type: z.infer<typeof DocumentType>;
    description?: string | null;
  },
): Promise<{ id: number; uuid: string }> {
  const type = DocumentType.safeParse(d.type);
  if (!type.success) throw new SeedError(`invalid document type "${d.type}" (preview, image, video, document, other)`);
  if (!fs.existsSync(d.file) || !fs.statSync(d.file).isFile()) throw new SeedError(`no such file ${d.file}`);
  const ind = await db.query<{ id: number }>('SELECT id FROM indicator WHERE code = $1', [d.indicator]);
  if (!ind[0]) throw new SeedError(`unknown indicator ${d.indicator}`);
  const bytes = fs.readFileSync(d.file);
  const kind = sniffDocument(bytes, d.file);
  const uuid = randomUUID();
  const fileName = `${uuid}${kind.ext}`;
  await putFile(db, fileName, kind.mime, bytes);
  const rows = await db.query<{ id: number }>(
    `INSERT INTO document (uuid, indicator_id, label, description, type, file_name, mime_type, size)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [uuid, ind[0].id, d.label, d.description ?? null, type.data, fileName, kind.mime, bytes.length],
  );
  return { id: rows[0]!.id, uuid };
}

export interface SeedObservation {
  uuid?: string;
  timestamp: string; // "YYYY-MM-DD HH:MM:SS"
  x: number;
  y: number;
  wkt?: string;
  /** dimension code → value, already of the dimension's type */
  values: Record<string, number | boolean | string>;
}

/**
 * Inserts observations of one indicator under one new import (source "seed" by default), in
 * chunks so PGlite never runs one huge statement. Trusts its input: callers are the CLI and tests.
 */
export async function insertObservations(
  db: Db,
  a: {
    indicator: string;
    author?: string | null;
    observations: Iterable<SeedObservation>;
    source?: 'seed' | 'csv';
    chunk?: number;
  },
): Promise<{ importId: number; ids: number[]; uuids: string[] }> {
  const ind = await db.query<{ id: number }>('SELECT id FROM indicator WHERE code = $1', [a.indicator]);
  if (!ind[0]) throw new SeedError(`unknown indicator ${a.indicator}`);
  const authorId = a.author
    ? (await db.query<{ id: number }>('SELECT id FROM app_user WHERE login = $1', [a.author]))[0]?.id
    : null;
  if (a.author && !authorId) throw new SeedError(`unknown user ${a.author}`);
  return db.tx(async (q) => {
    const imp = await q.query<{ id: number }>(
      `INSERT INTO import (user_id, tool, source) VALUES ($1, 'seed', $2) RETURNING id`,
      [authorId ?? null, a.source ?? 'seed'],
    );
    const importId = imp[0]!.id;
    const ids: number[] = [];
    const uuids: string[] = [];
    let batch: SeedObservation[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const rows = await q.query<{ id: number; uuid: string }>(
        `INSERT INTO observation (uuid, indicator_id, import_id, ts, x, y, wkt, vals, author_id)
         SELECT u, $1, $2, t, x, y, w, v, $3
           FROM unnest($4::uuid[], $5::timestamp[], $6::float8[], $7::float8[], $8::text[], $9::jsonb[]) AS s(u, t, x, y, w, v)
         RETURNING id, uuid::text AS uuid`,
        [
          ind[0]!.id,
          importId,
          authorId ?? null,
          batch.map((o) => o.uuid ?? randomUUID()),
          batch.map((o) => o.timestamp),
          batch.map((o) => o.x),
          batch.map((o) => o.y),
          batch.map((o) => o.wkt ?? `POINT(${o.x} ${o.y})`),
          batch.map((o) => JSON.stringify(o.values)),
        ],
      );
      for (const r of rows) {
        ids.push(r.id);
        uuids.push(r.uuid);
      }
      batch = [];
    };
    for (const o of a.observations) {
      batch.push(o);
      if (batch.length >= (a.chunk ?? 1000)) await flush();
    }
    await flush();
    return { importId, ids, uuids };
  });
}

/** The row of a user's device (sync state is per device and user; see protocol/devices.ts). */
export async function registerDevice(db: Queryable, uuid: string, userId: number): Promise<number> {
  if (!Uuid.safeParse(uuid).success) throw new SeedError(`invalid device uuid ${uuid}`);
  const rows = await db.query<{ id: number }>(
    `INSERT INTO device (uuid, user_id) VALUES ($1, $2)
     ON CONFLICT (uuid, user_id) DO UPDATE SET last_seen = now()
     RETURNING id`,
    [uuid.toLowerCase(), userId],
  );
  return rows[0]!.id;
}

/** Records that a user's device holds an observation at an import (the design's "devices" map entry). */
export async function setHolding(
  db: Queryable,
  a: { deviceUuid: string; login: string; observationId: number; importId: number },
): Promise<void> {
  const user = (await db.query<{ id: number }>('SELECT id FROM app_user WHERE login = $1', [a.login]))[0];
  if (!user) throw new SeedError(`unknown user ${a.login}`);
  const deviceRowId = await registerDevice(db, a.deviceUuid, user.id);
  await db.query(
    `INSERT INTO device_observation (device_id, observation_id, indicator_id, import_id)
       SELECT $1, o.id, o.indicator_id, $3 FROM observation o WHERE o.id = $2
     ON CONFLICT (device_id, observation_id) DO UPDATE SET import_id = EXCLUDED.import_id`,
    [deviceRowId, a.observationId, a.importId],
  );
}

/**
 * Generates `count` observations of an indicator inside the database (no per-row traffic), one
 * import for all, values derived from the row number by dimension type. For large test data sets.
 */
export async function generateObservations(
  db: Db,
  a: { indicator: string; count: number; author?: string | null },
): Promise<{ importId: number; firstId: number; lastId: number }> {
  const ind = (await db.query<{ id: number }>('SELECT id FROM indicator WHERE code = $1', [a.indicator]))[0];
  if (!ind) throw new SeedError(`unknown indicator ${a.indicator}`);
  const dims = await db.query<{ code: string; type: string }>(
    'SELECT code, type FROM dimension WHERE indicator_id = $1 ORDER BY position',
    [ind.id],
  );
  const authorId = a.author
    ? (await db.query<{ id: number }>('SELECT id FROM app_user WHERE login = $1', [a.author]))[0]?.id
    : null;
  if (a.author && !authorId) throw new SeedError(`unknown user ${a.author}`);
  // Dimension codes are [A-Za-z0-9_] (checked at creation), so they are safe as SQL literals.
  const expr: Record<string, string> = {
    integer: 'g % 100',
    real: '((g * 37) % 1000) / 10.0',
    boolean: 'g % 2 = 0',
    string: "'value ' || g",
  };
  const vals = `jsonb_build_object(${dims.map((d) => `'${d.code}', ${expr[d.type]}`).join(', ')})`;
  return db.tx(async (q) => {
    const imp = await q.query<{ id: number }>(
      `INSERT INTO import (user_id, tool, source) VALUES ($1, 'seed', 'seed') RETURNING id`,
      [authorId ?? null],
    );
    const importId = imp[0]!.id;
    const CHUNK = 20_000; // short statements: PGlite blocks the event loop while one runs
    let firstId = 0;
    let lastId = 0;
    for (let start = 1; start <= a.count; start += CHUNK) {
      const end = Math.min(a.count, start + CHUNK - 1);
      const r = await q.query<{ lo: number; hi: number }>(
        `WITH ins AS (
           INSERT INTO observation (uuid, indicator_id, import_id, ts, x, y, wkt, vals, author_id)
           SELECT gen_random_uuid(), $1, $2, timestamp '2020-01-01' + g * interval '17 minutes', x, y,
                  'POINT(' || x || ' ' || y || ')', ${vals}, $3
             FROM generate_series($4::bigint, $5::bigint) AS g,
                  LATERAL (SELECT round((-5 + (g * 7919 % 10000) / 1000.0)::numeric, 5)::float8 AS x,
                                  round((42 + (g * 104729 % 8000) / 1000.0)::numeric, 5)::float8 AS y) v
           RETURNING id)
         SELECT min(id) AS lo, max(id) AS hi FROM ins`,
        [ind.id, importId, authorId ?? null, start, end],
      );
      firstId ||= r[0]!.lo;
      lastId = r[0]!.hi;
    }
    return { importId, firstId, lastId };
  });
}

/**
 * CSV import/export of one indicator's observations. Export columns: id, uuid, import, timestamp,
 * x, y, wkt, one column per dimension code, media, author, created_at, updated_at; cells follow
 * shared/csv.ts (text that a spreadsheet would run as a formula is escaped). Import needs
 * timestamp, x+y or wkt, and every dimension column; uuid is optional (rows whose uuid exists update
 * that observation); the export's other columns are accepted and ignored.
 */
import { randomUUID } from 'node:crypto';
import { type Dimension } from '../../shared/api.js';
import { type CsvValue, csvRow, csvText } from '../../shared/csv.js';
import { type Db } from '../db/types.js';
import { iso, wallClock } from '../db/sql.js';
import { dimensionsOf, indicatorRulesOf } from '../observations/indicators.js';
import { type CleanObservation, validateObservation } from '../observations/validate.js';
import { SeedError } from './seed.js';

/** RFC 4180 records with the line number each starts on. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new SeedError(`line ${start}: unterminated quoted field`);
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          value += ch;
          i++;
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw new SeedError(`line ${line}: unexpected character after a quoted field`);
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') value += text[i++];
      }
      fields.push(value);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: start, fields });
  }
  return out;
}

const IGNORED = new Set(['id', 'import', 'media', 'author', 'created_at', 'updated_at', 'indicator']);

export async function importCsv(
  db: Db,
  a: { indicator: string; csv: string; as: string | null },
): Promise<{ importId: number; created: number; updated: number }> {
  const ind = (await db.query<{ id: number }>('SELECT id FROM indicator WHERE code = $1', [a.indicator]))[0];
  if (!ind) throw new SeedError(`unknown indicator ${a.indicator}`);
  const rule = (await indicatorRulesOf(db, [ind.id])).get(ind.id)!;
  const dims = rule.dimensions;
  const authorId = a.as
    ? (await db.query<{ id: number }>('SELECT id FROM app_user WHERE login = $1', [a.as]))[0]?.id
    : null;
  if (a.as && !authorId) throw new SeedError(`unknown user ${a.as}`);

  const records = parseCsv(a.csv);
  const header = records.shift();
  if (!header) throw new SeedError('empty CSV file');
  const cols = header.fields.map((f) => f.trim());
  const known = new Set(['uuid', 'timestamp', 'x', 'y', 'wkt', ...dims.map((d) => d.code)]);
  for (const c of cols)
    if (!known.has(c) && !IGNORED.has(c)) throw new SeedError(`line ${header.line}: unknown column "${c}"`);
  for (const need of ['timestamp', ...dims.map((d) => d.code)]) {
    if (!cols.includes(need)) throw new SeedError(`line ${header.line}: missing column "${need}"`);
  }
  if (!cols.includes('wkt') && !(cols.includes('x') && cols.includes('y')))
    throw new SeedError(`line ${header.line}: give columns x and y, or wkt`);

  const rows: (CleanObservation & { line: number })[] = [];
  const seen = new Map<string, number>();
  for (const rec of records) {
    if (rec.fields.length !== cols.length)
      throw new SeedError(`line ${rec.line}: expected ${cols.length} fields, found ${rec.fields.length}`);
    // Cells written by exportCsv carry the formula escape (shared/csv.ts); read them back as written.
    const get = (c: string) => {
      const k = cols.indexOf(c);
      return k < 0 ? '' : csvText(rec.fields[k]!);
    };
    const num = (c: string) => (get(c).trim() === '' ? undefined : Number(get(c).trim()));
    const raw = {
      uuid: get('uuid').trim() || randomUUID(),
      indicator: a.indicator,
      timestamp: get('timestamp'),
      x: num('x'),
      y: num('y'),
      wkt: get('wkt').trim() || null,
      values: dims.map((d: Dimension) => ({ name: d.code, value: get(d.code) })),
    };
    if ((raw.x !== undefined && Number.isNaN(raw.x)) || (raw.y !== undefined && Number.isNaN(raw.y))) {
      throw new SeedError(`line ${rec.line}: x and y must be numbers`);
    }
    const v = validateObservation(raw, 0, () => rule);
    if ('errors' in v)
      throw new SeedError(`line ${rec.line}: ${v.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
    const dup = seen.get(v.ok.uuid);
    if (dup) throw new SeedError(`line ${rec.line}: uuid ${v.ok.uuid} already on line ${dup}`);
    seen.set(v.ok.uuid, rec.line);
    rows.push({ ...v.ok, line: rec.line });
  }

  return db.tx(async (q) => {
    // Lock the rows this import updates before taking its import number (imports stay ordered per row).
    const existing = new Map<string, { id: number; indicator_id: number }>();
    for (let k = 0; k < rows.length; k += 1000) {
      const chunk = rows.slice(k, k + 1000).map((r) => r.uuid);
      for (const e of await q.query<{ id: number; uuid: string; indicator_id: number }>(
        'SELECT id, uuid::text AS uuid, indicator_id FROM observation WHERE uuid = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
        [chunk],
      )) {
        existing.set(e.uuid, e);
      }
    }
    for (const r of rows) {
      const e = existing.get(r.uuid);
      if (e && e.indicator_id !== ind.id)
        throw new SeedError(`line ${r.line}: uuid ${r.uuid} belongs to another indicator`);
    }
    const imp = await q.query<{ id: number }>(
      `INSERT INTO import (user_id, tool, source) VALUES ($1, 'cli', 'csv') RETURNING id`,
      [authorId ?? null],
    );
    const importId = imp[0]!.id;
    const fresh = rows.filter((r) => !existing.has(r.uuid));
    const updates = rows.filter((r) => existing.has(r.uuid));
    for (let k = 0; k < fresh.length; k += 1000) {
      const c = fresh.slice(k, k + 1000);
      await q.query(
        `INSERT INTO observation (uuid, indicator_id, import_id, ts, x, y, wkt, vals, author_id)
         SELECT s.u, $1, $2, s.t, s.x, s.y, s.w, s.v, $3
           FROM unnest($4::uuid[], $5::timestamp[], $6::float8[], $7::float8[], $8::text[], $9::jsonb[]) AS s(u, t, x, y, w, v)`,
        [
          ind.id,
          importId,
          authorId ?? null,
          c.map((r) => r.uuid),
          c.map((r) => r.timestamp),
          c.map((r) => r.x),
          c.map((r) => r.y),
          c.map((r) => r.wkt),
          c.map((r) => JSON.stringify(r.values)),
        ],
      );
    }
    for (let k = 0; k < updates.length; k += 1000) {
      const c = updates.slice(k, k + 1000);
      await q.query(
        `UPDATE observation o SET ts = s.t, x = s.x, y = s.y, wkt = s.w, vals = s.v, import_id = $1
           FROM unnest($2::uuid[], $3::timestamp[], $4::float8[], $5::float8[], $6::text[], $7::jsonb[]) AS s(u, t, x, y, w, v)
          WHERE o.uuid = s.u`,
        [
          importId,
          c.map((r) => r.uuid),
          c.map((r) => r.timestamp),
          c.map((r) => r.x),
          c.map((r) => r.y),
          c.map((r) => r.wkt),
          c.map((r) => JSON.stringify(r.values)),
        ],
      );
    }
    return { importId, created: fresh.length, updated: updates.length };
  });
}

/** Writes one indicator's observations as CSV; `write` may return a promise to hold back until the output drains. */
export async function exportCsv(db: Db, code: string, write: (chunk: string) => void | Promise<void>): Promise<number> {
  const ind = (await db.query<{ id: number }>('SELECT id FROM indicator WHERE code = $1', [code]))[0];
  if (!ind) throw new SeedError(`unknown indicator ${code}`);
  const dims = (await dimensionsOf(db, [ind.id])).get(ind.id) ?? [];
  await write(
    [
      'id',
      'uuid',
      'import',
      'timestamp',
      'x',
      'y',
      'wkt',
      ...dims.map((d) => d.code),
      'media',
      'author',
      'created_at',
      'updated_at',
    ].join(',') + '\n',
  );
  let after = 0;
  let n = 0;
  for (;;) {
    const rows = await db.query<{
      id: number;
      uuid: string;
      import: number;
      timestamp: string;
      x: number;
      y: number;
      wkt: string;
      vals: Record<string, unknown>;
      media_file: string | null;
      author: string | null;
      created_at: string;
      updated_at: string;
    }>(
      `SELECT o.id, o.uuid::text AS uuid, o.import_id AS import, ${wallClock('o.ts')} AS timestamp, o.x, o.y, o.wkt, o.vals, o.media_file,
              u.login AS author, ${iso('o.created_at')} AS created_at, ${iso('o.updated_at')} AS updated_at
         FROM observation o LEFT JOIN app_user u ON u.id = o.author_id
        WHERE o.indicator_id = $1 AND o.id > $2 ORDER BY o.id LIMIT 1000`,
      [ind.id, after],
    );
    if (rows.length === 0) return n;
    await write(
      rows
        .map((r) =>
          csvRow([
            r.id,
            r.uuid,
            r.import,
            r.timestamp,
            r.x,
            r.y,
            r.wkt,
            ...dims.map((d) => r.vals[d.code] as CsvValue),
            r.media_file ?? '',
            r.author,
            r.created_at,
            r.updated_at,
          ]),
        )
        .join('\n') + '\n',
    );
    n += rows.length;
    after = rows[rows.length - 1]!.id;
  }
}

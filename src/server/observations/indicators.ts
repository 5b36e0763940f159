import { type DateFormat, type Dimension, type Indicator, type IndicatorDocument } from '../../shared/api.js';
import { type IndicatorRule } from '../../shared/observation.js';
import { type Queryable } from '../db/types.js';
import { iso } from '../db/sql.js';
import { type ServerContext } from '../context.js';

type IndicatorRow = Omit<Indicator, 'values' | 'documents'>;
interface DocumentRow extends Omit<IndicatorDocument, 'url'> {
  indicator_id: number;
}

const INDICATOR_COLUMNS = `i.id, i.code, i.label, i.description, i.category, i.date_format,
  ${iso('i.created_at')} AS created_at, ${iso('i.updated_at')} AS updated_at`;

export async function dimensionsOf(db: Queryable, indicatorIds: number[]): Promise<Map<number, Dimension[]>> {
  const rows = await db.query<Dimension & { indicator_id: number }>(
    `SELECT indicator_id, code, name, type, unit FROM dimension WHERE indicator_id = ANY($1::bigint[]) ORDER BY indicator_id, position`,
    [indicatorIds],
  );
  const out = new Map<number, Dimension[]>();
  for (const { indicator_id, ...d } of rows) {
    const list = out.get(indicator_id) ?? [];
    list.push(d);
    out.set(indicator_id, list);
  }
  return out;
}

/** What the observation rule needs of each indicator: its precision and its dimensions. */
export async function indicatorRulesOf(
  db: Queryable,
  indicatorIds: number[],
): Promise<Map<number, IndicatorRule & { dimensions: Dimension[] }>> {
  const [formats, dims] = await Promise.all([
    db.query<{ id: number; date_format: DateFormat }>(
      'SELECT id, date_format FROM indicator WHERE id = ANY($1::bigint[])',
      [indicatorIds],
    ),
    dimensionsOf(db, indicatorIds),
  ]);
  return new Map(formats.map((f) => [f.id, { dateFormat: f.date_format, dimensions: dims.get(f.id) ?? [] }]));
}

async function documentsOf(
  db: Queryable,
  indicatorIds: number[],
  base: string,
): Promise<Map<number, IndicatorDocument[]>> {
  const rows = await db.query<DocumentRow>(
    `SELECT d.id, d.uuid::text AS uuid, d.indicator_id, i.code AS indicator, d.label, d.description, d.type,
            d.mime_type, d.size, ${iso('d.created_at')} AS created_at, ${iso('d.updated_at')} AS updated_at
       FROM document d JOIN indicator i ON i.id = d.indicator_id
      WHERE d.indicator_id = ANY($1::bigint[]) ORDER BY d.indicator_id, d.id`,
    [indicatorIds],
  );
  const out = new Map<number, IndicatorDocument[]>();
  for (const { indicator_id, ...d } of rows) {
    const list = out.get(indicator_id) ?? [];
    list.push({ ...d, url: `${base}/document/${d.uuid}` });
    out.set(indicator_id, list);
  }
  return out;
}

async function assemble(db: Queryable, rows: IndicatorRow[], base: string): Promise<Indicator[]> {
  const ids = rows.map((r) => r.id);
  const [dims, docs] = await Promise.all([dimensionsOf(db, ids), documentsOf(db, ids, base)]);
  return rows.map((r) => ({ ...r, values: dims.get(r.id) ?? [], documents: docs.get(r.id) ?? [] }));
}

export async function listProjectIndicators(ctx: ServerContext, projectKey: string) {
  const rows = await ctx.db.query<IndicatorRow>(
    `SELECT ${INDICATOR_COLUMNS} FROM indicator i
       JOIN project_indicator pi ON pi.indicator_id = i.id
       JOIN project p ON p.id = pi.project_id
      WHERE p.key = $1 ORDER BY i.code`,
    [projectKey],
  );
  return assemble(ctx.db, rows, ctx.apiBase());
}

export async function getIndicator(ctx: ServerContext, id: number): Promise<Indicator> {
  const rows = await ctx.db.query<IndicatorRow>(`SELECT ${INDICATOR_COLUMNS} FROM indicator i WHERE i.id = $1`, [id]);
  const [indicator] = await assemble(ctx.db, rows, ctx.apiBase());
  return indicator!;
}

export async function listDocuments(ctx: ServerContext, indicatorId: number) {
  const docs = await documentsOf(ctx.db, [indicatorId], ctx.apiBase());
  return docs.get(indicatorId) ?? [];
}

import { type Project, type Role } from '../shared/api.js';
import { type Queryable } from './db/types.js';
import { forbidden, notFound } from './errors.js';

const RANK: Record<Role, number> = { reader: 1, writer: 2, admin: 3 };

export async function listUserProjects(db: Queryable, userId: number, onlyKey?: string): Promise<Project[]> {
  return db.query<Project>(
    `SELECT p.key, p.label, p.description, NULL::text AS media_url
       FROM project p JOIN project_member m ON m.project_id = p.id
      WHERE m.user_id = $1 AND ($2::text IS NULL OR p.key = $2)
      ORDER BY p.key`,
    [userId, onlyKey ?? null],
  );
}

export interface IndicatorAccess {
  id: number;
  code: string;
  /** The user's best role over the projects that link this indicator. */
  role: Role;
}

/** The indicator as the user may see it; 404 when unknown or in none of the user's projects. */
export async function indicatorAccess(db: Queryable, userId: number, code: string): Promise<IndicatorAccess> {
  const rows = await db.query<{ id: number; code: string; role: Role }>(
    `SELECT i.id, i.code, m.role
       FROM indicator i
       JOIN project_indicator pi ON pi.indicator_id = i.id
       JOIN project_member m ON m.project_id = pi.project_id AND m.user_id = $1
      WHERE i.code = $2`,
    [userId, code],
  );
  if (rows.length === 0) throw notFound(`Indicator ${code} not found`);
  const best = rows.reduce((a, b) => (RANK[b.role] > RANK[a.role] ? b : a));
  return { id: best.id, code: best.code, role: best.role };
}

export function canWrite(role: Role): boolean {
  return RANK[role] >= RANK.writer;
}

export function requireWriter(access: IndicatorAccess): void {
  if (!canWrite(access.role)) {
    throw forbidden(`Writing to indicator ${access.code} requires the writer or admin role in one of its projects`);
  }
}

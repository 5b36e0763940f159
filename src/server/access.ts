import { type Project, type Role } from '../shared/api.js';
import { type Queryable } from './db/types.js';
import { forbidden, notFound } from './errors.js';

const RANK: Record<Role, number> = { reader: 1, writer: 2, admin: 3 };

interface ProjectRow {
  key: string;
  label: string;
  description: string | null;
  geopackage_file: string | null;
  xmin: number | null;
  ymin: number | null;
  xmax: number | null;
  ymax: number | null;
}

/** The user's projects (or the one named), with absolute links under `apiBase`. */
export async function listUserProjects(
  db: Queryable,
  userId: number,
  apiBase: string,
  onlyKey?: string,
): Promise<Project[]> {
  const rows = await db.query<ProjectRow>(
    `SELECT p.key, p.label, p.description, p.geopackage_file,
            p.extent_xmin AS xmin, p.extent_ymin AS ymin, p.extent_xmax AS xmax, p.extent_ymax AS ymax
       FROM project p JOIN project_member m ON m.project_id = p.id
      WHERE m.user_id = $1 AND ($2::text IS NULL OR p.key = $2)
      ORDER BY p.key`,
    [userId, onlyKey ?? null],
  );
  return rows.map((r) => ({
    key: r.key,
    label: r.label,
    description: r.description,
    media_url: null,
    // The version in the link changes with the file, so a desktop holding a copy sees at its next
    // sync that there is a new one, without asking for the file itself.
    geopackage_url: r.geopackage_file
      ? `${apiBase}/project/${encodeURIComponent(r.key)}/geopackage?v=${r.geopackage_file.replace(/^project-|\.gpkg$/g, '')}`
      : null,
    extent: r.xmin === null ? null : { xmin: r.xmin, ymin: r.ymin!, xmax: r.xmax!, ymax: r.ymax! },
  }));
}

/** The stored file holding a project's GeoPackage; 404 when the user cannot see the project or it has none. */
export async function projectGeopackageFile(db: Queryable, userId: number, projectKey: string): Promise<string> {
  const [row] = await db.query<{ geopackage_file: string | null }>(
    `SELECT p.geopackage_file FROM project p JOIN project_member m ON m.project_id = p.id
      WHERE m.user_id = $1 AND p.key = $2`,
    [userId, projectKey],
  );
  if (!row) throw notFound(`Project ${projectKey} not found`);
  if (!row.geopackage_file) throw notFound(`Project ${projectKey} has no GeoPackage`);
  return row.geopackage_file;
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

/** The project table: what `/user/projects` said last, plus local sync bookkeeping and file copies. */
import type { ProjectSummary } from '../../shared/ipc';
import type { ServerExtent, ServerProject } from '../../shared/model';
import type { Db } from './db';
import { stmt } from './statements';

interface ProjectRow {
  key: string;
  label: string;
  description: string | null;
  media_url: string | null;
  refreshed_at: string | null;
  last_sync_at: string | null;
  extent: string | null;
  illustration_file: string | null;
  geopackage_file: string | null;
  pending: number;
}

export function listProjects(db: Db): ProjectSummary[] {
  const rows = db
    .prepare(
      `SELECT p.key, p.label, p.description, p.media_url, p.refreshed_at, p.last_sync_at, p.extent,
              p.illustration_file, p.geopackage_file,
              (SELECT coalesce(sum(c.n), 0) FROM observation_count c
                 JOIN project_indicator pi ON pi.indicator_code = c.indicator_code
                WHERE pi.project_key = p.key AND c.state <> 'synced') AS pending
         FROM project p ORDER BY p.position, p.label`,
    )
    .all() as ProjectRow[];
  return rows.map(toSummary);
}

export function getProject(db: Db, key: string): ProjectSummary | null {
  return listProjects(db).find((p) => p.key === key) ?? null;
}

function toSummary(r: ProjectRow): ProjectSummary {
  return {
    key: r.key,
    label: r.label,
    description: r.description,
    mediaUrl: r.media_url,
    refreshedAt: r.refreshed_at,
    lastSyncAt: r.last_sync_at,
    pendingChanges: r.pending,
    extent: r.extent ? (JSON.parse(r.extent) as ServerExtent) : null,
    hasIllustration: r.illustration_file !== null,
    hasGeopackage: r.geopackage_file !== null,
  };
}

const extentJson = (p: ServerProject) => (p.extent ? JSON.stringify(p.extent) : null);

/**
 * Replaces the project list with the server's. Projects the user lost access to are removed,
 * but only when nothing of theirs is waiting to be sent: unsynced work is never dropped silently.
 * Returns the files of the removed projects (their illustration and GeoPackage copies).
 */
export function replaceProjects(db: Db, projects: readonly ServerProject[], now = new Date().toISOString()): string[] {
  return db.transaction(() => {
    const upsert = stmt(
      db,
      `INSERT INTO project (key, label, description, media_url, geopackage_url, extent, position, refreshed_at)
       VALUES (@key, @label, @description, @media_url, @geopackage_url, @extent, @position, @now)
       ON CONFLICT (key) DO UPDATE SET label = excluded.label, description = excluded.description,
         media_url = excluded.media_url, geopackage_url = excluded.geopackage_url, extent = excluded.extent,
         position = excluded.position, refreshed_at = excluded.refreshed_at`,
    );
    projects.forEach((p, position) =>
      upsert.run({
        key: p.key,
        label: p.label,
        description: p.description,
        media_url: p.media_url,
        geopackage_url: p.geopackage_url ?? null,
        extent: extentJson(p),
        position,
        now,
      }),
    );
    const keep = new Set(projects.map((p) => p.key));
    const existing = stmt(db, 'SELECT key, illustration_file, geopackage_file FROM project').all() as {
      key: string;
      illustration_file: string | null;
      geopackage_file: string | null;
    }[];
    const files: string[] = [];
    for (const row of existing) {
      if (keep.has(row.key)) continue;
      const pending = db
        .prepare(
          `SELECT coalesce(sum(c.n), 0) FROM observation_count c JOIN project_indicator pi ON pi.indicator_code = c.indicator_code
            WHERE pi.project_key = ? AND c.state <> 'synced'`,
        )
        .pluck()
        .get(row.key) as number;
      if (pending === 0) {
        stmt(db, 'DELETE FROM project WHERE key = ?').run(row.key);
        for (const f of [row.illustration_file, row.geopackage_file]) if (f) files.push(f);
      }
    }
    return files;
  })();
}

export function markProjectSynced(db: Db, key: string, at = new Date().toISOString()): void {
  stmt(db, 'UPDATE project SET last_sync_at = ? WHERE key = ?').run(at, key);
}

/** A project's details as the server gives them on a sync. */
export function updateProjectDetails(db: Db, p: ServerProject, at = new Date().toISOString()): void {
  stmt(
    db,
    `UPDATE project SET label = ?, description = ?, media_url = ?, geopackage_url = ?, extent = ?, refreshed_at = ?
      WHERE key = ?`,
  ).run(p.label, p.description, p.media_url, p.geopackage_url ?? null, extentJson(p), at, p.key);
}

export type ProjectFileKind = 'illustration' | 'geopackage';

export interface ProjectFiles {
  illustrationUrl: string | null;
  illustrationFile: string | null;
  illustrationFrom: string | null;
  geopackageUrl: string | null;
  geopackageFile: string | null;
  geopackageFrom: string | null;
  filesAt: string | null;
}

export function projectFiles(db: Db, key: string): ProjectFiles | null {
  const row = stmt(
    db,
    `SELECT media_url AS illustrationUrl, illustration_file AS illustrationFile, illustration_from AS illustrationFrom,
            geopackage_url AS geopackageUrl, geopackage_file AS geopackageFile, geopackage_from AS geopackageFrom,
            files_at AS filesAt
       FROM project WHERE key = ?`,
  ).get(key) as ProjectFiles | undefined;
  return row ?? null;
}

/** Records the copy of a project file (or its absence); returns the file it replaces, to delete. */
export function setProjectFile(
  db: Db,
  key: string,
  kind: ProjectFileKind,
  file: string | null,
  from: string | null,
): string | null {
  return db.transaction(() => {
    const old = stmt(db, `SELECT ${kind}_file FROM project WHERE key = ?`).pluck().get(key) as string | null;
    stmt(db, `UPDATE project SET ${kind}_file = ?, ${kind}_from = ? WHERE key = ?`).run(file, from, key);
    return old && old !== file ? old : null;
  })();
}

export function markProjectFilesChecked(db: Db, key: string, at = new Date().toISOString()): void {
  stmt(db, 'UPDATE project SET files_at = ? WHERE key = ?').run(at, key);
}

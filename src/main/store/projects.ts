/** The project table: what `/user/projects` said last, plus local sync bookkeeping. */
import type { Project } from '../../shared/api';
import type { ProjectSummary } from '../../shared/ipc';
import type { Db } from './db';
import { stmt } from './statements';

interface ProjectRow {
  key: string;
  label: string;
  description: string | null;
  media_url: string | null;
  refreshed_at: string | null;
  last_sync_at: string | null;
  pending: number;
}

export function listProjects(db: Db): ProjectSummary[] {
  const rows = db
    .prepare(
      `SELECT p.key, p.label, p.description, p.media_url, p.refreshed_at, p.last_sync_at,
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
  };
}

/**
 * Replaces the project list with the server's. Projects the user lost access to are removed,
 * but only when nothing of theirs is waiting to be sent: unsynced work is never dropped silently.
 */
export function replaceProjects(db: Db, projects: readonly Project[], now = new Date().toISOString()): void {
  db.transaction(() => {
    const upsert = stmt(
      db,
      `INSERT INTO project (key, label, description, media_url, position, refreshed_at)
       VALUES (@key, @label, @description, @media_url, @position, @now)
       ON CONFLICT (key) DO UPDATE SET label = excluded.label, description = excluded.description,
         media_url = excluded.media_url, position = excluded.position, refreshed_at = excluded.refreshed_at`,
    );
    projects.forEach((p, position) => upsert.run({ ...p, position, now }));
    const keep = new Set(projects.map((p) => p.key));
    const existing = stmt(db, 'SELECT key FROM project').pluck().all() as string[];
    for (const key of existing) {
      if (keep.has(key)) continue;
      const pending = db
        .prepare(
          `SELECT coalesce(sum(c.n), 0) FROM observation_count c JOIN project_indicator pi ON pi.indicator_code = c.indicator_code
            WHERE pi.project_key = ? AND c.state <> 'synced'`,
        )
        .pluck()
        .get(key) as number;
      if (pending === 0) stmt(db, 'DELETE FROM project WHERE key = ?').run(key);
    }
  })();
}

export function markProjectSynced(db: Db, key: string, at = new Date().toISOString()): void {
  stmt(db, 'UPDATE project SET last_sync_at = ? WHERE key = ?').run(at, key);
}

/** A project's details as the server gives them on a sync. */
export function updateProjectDetails(db: Db, p: Project, at = new Date().toISOString()): void {
  stmt(db, 'UPDATE project SET label = ?, description = ?, media_url = ?, refreshed_at = ? WHERE key = ?').run(
    p.label,
    p.description,
    p.media_url,
    at,
    p.key,
  );
}

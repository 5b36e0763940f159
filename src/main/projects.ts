/** Projects: listed from the store (works offline), refreshed from the server. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectsRefreshResult } from '../shared/ipc';
import type { Connectivity, RemoteAccess, StoreAccess } from './deps';
import { AppError } from './errors';
import { listProjects, replaceProjects } from './store/projects';

export async function refreshProjects(
  deps: StoreAccess & RemoteAccess,
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<void> {
  const projects = await deps.client().projects(signal, timeoutMs);
  const store = deps.requireStore();
  for (const file of replaceProjects(store.db, projects)) rmSync(join(store.documentsDir, file), { force: true });
}

/** Refreshes from the server when it can be reached; otherwise answers from the store. */
export async function refreshProjectsOrOffline(
  deps: StoreAccess & RemoteAccess & Connectivity,
): Promise<ProjectsRefreshResult> {
  const store = deps.requireStore();
  try {
    await refreshProjects(deps);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'offline') throw err;
  }
  return { projects: listProjects(store.db), online: deps.online };
}

/** Projects: listed from the store (works offline), refreshed from the server. */
import { z } from 'zod';
import { Project } from '../shared/api';
import type { ProjectsRefreshResult } from '../shared/ipc';
import type { MainContext } from './context';
import { AppError } from './errors';
import { listProjects, replaceProjects } from './store/projects';

export async function refreshProjects(ctx: MainContext, signal?: AbortSignal, timeoutMs?: number): Promise<void> {
  const { data } = await ctx
    .http()
    .request('get', '/user/projects', { schema: z.array(Project), signal, ...(timeoutMs ? { timeoutMs } : {}) });
  replaceProjects(ctx.requireStore().db, data);
}

/** Refreshes from the server when it can be reached; otherwise answers from the store. */
export async function refreshProjectsOrOffline(ctx: MainContext): Promise<ProjectsRefreshResult> {
  const store = ctx.requireStore();
  try {
    await refreshProjects(ctx);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'offline') throw err;
  }
  return { projects: listProjects(store.db), online: ctx.online };
}

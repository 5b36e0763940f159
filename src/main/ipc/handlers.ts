/**
 * The one handler table behind every IPC channel. The Electron wiring (register.ts) and the
 * e2e harness both dispatch into exactly this object, so tests exercise what the app runs.
 */
import type { Handlers } from '../../shared/ipc';
import { forget, loginAndUse, logout } from '../auth';
import type { MainContext } from '../context';
import { AppError } from '../errors';
import { refreshProjects, refreshProjectsOrOffline } from '../projects';
import { listProjects } from '../store/projects';
import { getIndicatorDef, listDocuments, listIndicators } from '../store/indicators';
import { ObservationService } from '../observations/service';
import { openDocument } from '../sync/documents';

export interface Services {
  /** Resolves when the start-up reachability check is over (auth.status waits for it). */
  ready: Promise<void>;
  observations: ObservationService;
  close(): Promise<void>;
}

export function createServices(ctx: MainContext): Services {
  const ready = ctx.token
    ? refreshProjects(ctx).catch(() => {
        // Offline or expired at start: recorded by the client; the store still answers.
      })
    : Promise.resolve();
  return { ready, observations: new ObservationService(ctx), close: async () => {} };
}

const notYet = (): never => {
  throw new AppError('internal', 'This feature is not available in this build yet.');
};

export function createHandlers(ctx: MainContext, services: Services): Handlers {
  const obs = services.observations;
  return {
    auth: {
      login: async (args) => {
        const status = await loginAndUse(ctx, args);
        // Best effort: the project list is there at once; the UI can still refresh on its own.
        await refreshProjects(ctx).catch(() => undefined);
        return status;
      },
      logout: () => logout(ctx),
      status: async () => {
        await services.ready;
        return ctx.status();
      },
    },
    account: {
      forget: ({ force }) => forget(ctx, force),
    },
    projects: {
      list: async () => (ctx.account ? listProjects(ctx.account.db) : []),
      refresh: () => refreshProjectsOrOffline(ctx),
    },
    indicators: {
      list: async ({ projectKey }) => listIndicators(ctx.requireStore().db, projectKey),
      get: async ({ indicatorCode }) => {
        const db = ctx.requireStore().db;
        getIndicatorDef(db, indicatorCode);
        return listIndicators(db, null, indicatorCode)[0]!;
      },
    },
    documents: {
      list: async ({ indicatorCode }) => listDocuments(ctx.requireStore().db, indicatorCode),
      open: ({ uuid }) => openDocument(ctx, uuid),
    },
    observations: {
      list: async (args) => obs.list(args),
      count: async ({ indicatorCode, filter }) => obs.count(indicatorCode, filter),
      get: async ({ uuid }) => obs.get(uuid),
      create: async (args) => obs.create(args),
      update: async (args) => obs.update(args),
      delete: async ({ uuid }) => obs.delete(uuid),
      restore: async ({ uuid }) => obs.restore(uuid),
    },
    conflicts: { list: async (args) => obs.conflicts(args), resolve: notYet },
    media: { attach: notYet, remove: notYet, get: notYet },
    sync: { start: notYet, cancel: notYet, status: notYet },
    settings: {
      get: async () => ({
        deviceId: ctx.deviceId,
        syncIntervalMinutes: ctx.options.settings.get('syncIntervalMinutes') ?? 15,
        dataDir: ctx.options.dataDir,
        appVersion: ctx.options.appVersion,
        serverUrl: ctx.account?.ref.serverUrl ?? null,
        username: ctx.account?.ref.username ?? null,
      }),
      set: notYet,
    },
  };
}

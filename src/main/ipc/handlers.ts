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
import { openDocument, saveDocument } from '../sync/documents';
import { resolveConflict } from '../observations/conflicts';
import { discardChange } from '../observations/discard';
import { attachMedia, getMedia, removeMedia } from '../sync/media';
import { SyncEngine, type EngineOptions } from '../sync/engine';

export interface Services {
  /** Resolves when the start-up reachability check is over (auth.status waits for it). */
  ready: Promise<void>;
  observations: ObservationService;
  sync: SyncEngine;
  close(): Promise<void>;
}

export function createServices(ctx: MainContext, engineOptions: EngineOptions): Services {
  // auth.status waits for this check, so it must be quick even when the network swallows packets.
  const ready = ctx.token
    ? refreshProjects(ctx, undefined, 5_000).catch(() => {
        // Offline or expired at start: recorded by the client; the store still answers.
      })
    : Promise.resolve();
  const sync = new SyncEngine(ctx, engineOptions);
  // A session restored at start: catch up with the server once it answers.
  if (ctx.token && engineOptions.autoSync) void ready.then(() => (ctx.online ? sync.start() : undefined));
  return {
    ready,
    observations: new ObservationService(ctx),
    sync,
    close: async () => {
      await sync.close();
    },
  };
}

export function createHandlers(ctx: MainContext, services: Services): Handlers {
  const obs = services.observations;
  return {
    auth: {
      login: async (args) => {
        // The login may switch stores: no sync may be writing to the one being closed.
        services.sync.cancel();
        await services.sync.idle();
        await loginAndUse(ctx, args);
        // Best effort: the project list is there at once; the UI can still refresh on its own.
        await refreshProjects(ctx).catch(() => undefined);
        services.sync.onLogin();
        return ctx.status();
      },
      logout: () => logout(ctx),
      status: async () => {
        await services.ready;
        return ctx.status();
      },
    },
    account: {
      forget: async ({ force }) => {
        services.sync.cancel();
        await services.sync.idle();
        return forget(ctx, force);
      },
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
      save: ({ uuid }) => saveDocument(ctx, uuid),
    },
    observations: {
      list: async (args) => obs.list(args),
      count: async ({ indicatorCode, filter }) => obs.count(indicatorCode, filter),
      get: async ({ uuid }) => obs.get(uuid),
      create: async (args) => obs.create(args),
      update: async (args) => obs.update(args),
      delete: async ({ uuid }) => obs.delete(uuid),
      restore: async ({ uuid }) => obs.restore(uuid),
      discard: ({ uuid }) => discardChange(ctx, uuid),
    },
    conflicts: {
      list: async (args) => obs.conflicts(args),
      resolve: async ({ uuid, keep }) => resolveConflict(ctx, uuid, keep),
    },
    media: {
      attach: async ({ uuid, dataBase64 }) => attachMedia(ctx, uuid, dataBase64),
      remove: async ({ uuid }) => removeMedia(ctx, uuid),
      get: ({ uuid }) => getMedia(ctx, uuid),
    },
    sync: {
      start: async ({ projectKey }) => {
        if (!ctx.account) throw new AppError('unauthorized', 'Log in to a G-Obs server first.');
        if (!ctx.token) throw new AppError('unauthorized', 'Log in again to sync: your changes are kept.');
        return services.sync.start(projectKey);
      },
      cancel: async () => services.sync.cancel(),
      status: async () => services.sync.getStatus(),
    },
    settings: {
      get: async () => settings(),
      set: async ({ syncIntervalMinutes }) => {
        if (syncIntervalMinutes !== undefined) {
          ctx.options.settings.set('syncIntervalMinutes', syncIntervalMinutes);
          services.sync.scheduleInterval();
        }
        return settings();
      },
    },
  };

  function settings() {
    return {
      deviceId: ctx.deviceId,
      syncIntervalMinutes: ctx.options.settings.get('syncIntervalMinutes') ?? 15,
      dataDir: ctx.options.dataDir,
      appVersion: ctx.options.appVersion,
      logFile: ctx.options.logFile ?? null,
      serverUrl: ctx.account?.ref.serverUrl ?? null,
      username: ctx.account?.ref.username ?? null,
    };
  }
}

/**
 * The one handler table behind every IPC channel. The Electron wiring (register.ts) and the
 * e2e harness both dispatch into exactly this object, so tests exercise what the app runs.
 */
import type { Handlers } from '../../shared/ipc';
import { chartSeries } from '../analyst/chart';
import { ExportService } from '../analyst/exports/service';
import { projectGeoPackageFile, projectLayers, projectLayersExtent } from '../analyst/layers';
import { mapView, projectExtent } from '../analyst/map';
import { SummaryKeeper } from '../analyst/summaryKeeper';
import { forget, forgetPassword, loginAndUse, logout } from '../auth';
import { openDocument, saveDocument, type DocumentDeps } from '../documents/documents';
import { projectIllustration, seriesImagesOf, seriesObjects } from '../documents/projectFiles';
import { AppError } from '../errors';
import { attachMedia, getMedia, removeMedia } from '../media/photos';
import { resolveConflict } from '../observations/conflicts';
import { discardChange } from '../observations/discard';
import { refreshObservation } from '../observations/refresh';
import { ObservationService } from '../observations/service';
import type { MainCoreOptions } from '../platform/options';
import { refreshProjects, refreshProjectsOrOffline } from '../projects';
import type { Session } from '../session';
import { getIndicatorDef, listDocuments, listIndicators, projectIndicatorCodes } from '../store/indicators';
import { getProject, listProjects } from '../store/projects';
import { SyncEngine, type EngineOptions } from '../sync/engine';

export interface Services {
  /** Resolves when the start-up reachability check is over (auth.status waits for it). */
  ready: Promise<void>;
  observations: ObservationService;
  sync: SyncEngine;
  summaries: SummaryKeeper;
  exports: ExportService;
  close(): Promise<void>;
}

export function createServices(ctx: Session, options: MainCoreOptions, engineOptions: EngineOptions): Services {
  // auth.status waits for this check, so it must be quick even when the network swallows packets.
  const ready = ctx.token
    ? refreshProjects(ctx, undefined, 5_000).catch(() => {
        // Offline or expired at start: recorded by the client; the store still answers.
      })
    : Promise.resolve();
  const sync = new SyncEngine(ctx, options.settings, engineOptions);
  // A session restored at start: catch up with the server once it answers.
  if (ctx.token && engineOptions.autoSync) void ready.then(() => (ctx.online ? sync.start() : undefined));
  const exports = new ExportService({
    db: () => ctx.requireStore().db,
    saveDialog: (o) => options.saveDialog(o),
    emit: (progress) => ctx.emit('export.progress', progress),
  });
  return {
    ready,
    observations: new ObservationService(ctx, () => ctx.account?.ref.username ?? null),
    sync,
    summaries: new SummaryKeeper(),
    exports,
    close: async () => {
      await exports.cancelAll();
      await sync.close();
    },
  };
}

export function createHandlers(ctx: Session, services: Services, options: MainCoreOptions): Handlers {
  const obs = services.observations;
  const documents = (): DocumentDeps => ({
    store: ctx.requireStore(),
    client: () => ctx.client(),
    openPath: options.openPath,
    saveAs: options.saveAs,
    ...(options.openExternal ? { openExternal: options.openExternal } : {}),
  });
  /** A photo change is a local change like an edit: the UI is told. */
  const photoChanged = <T extends { indicatorCode: string }>(detail: T): T => {
    ctx.emit('observations.changed', { indicatorCodes: [detail.indicatorCode] });
    return detail;
  };
  return {
    auth: {
      login: async (args) => {
        // The login may switch stores: no sync may be writing to the one being closed.
        services.sync.cancel();
        await services.sync.idle();
        await services.exports.cancelAll();
        await loginAndUse(ctx, options.settings, args);
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
      forgetPassword: async () => forgetPassword(ctx),
    },
    account: {
      forget: async ({ force }) => {
        services.sync.cancel();
        await services.sync.idle();
        await services.exports.cancelAll();
        return forget(ctx, options.settings, force);
      },
    },
    projects: {
      list: async () => (ctx.account ? listProjects(ctx.account.db) : []),
      refresh: () => refreshProjectsOrOffline(ctx),
      illustration: async ({ projectKey }) => projectIllustration(ctx.requireStore(), projectKey),
      layers: async ({ projectKey }) => {
        const store = ctx.requireStore();
        requireProject(store.db, projectKey);
        return projectLayers(projectGeoPackageFile(store, projectKey));
      },
      extent: async ({ projectKey }) => {
        const store = ctx.requireStore();
        requireProject(store.db, projectKey);
        return projectExtent(
          store.db,
          projectIndicatorCodes(store.db, projectKey),
          projectLayersExtent(projectGeoPackageFile(store, projectKey)),
          getProject(store.db, projectKey)?.extent ?? null,
        );
      },
    },
    chart: {
      series: async (args) => {
        const db = ctx.requireStore().db;
        return chartSeries(db, services.summaries, getIndicatorDef(db, args.indicatorCode), args);
      },
    },
    map: {
      view: async (args) => {
        const db = ctx.requireStore().db;
        return mapView(db, services.summaries, getIndicatorDef(db, args.indicatorCode), args);
      },
    },
    exports: {
      start: (args) => services.exports.start(args),
      cancel: async ({ id }) => services.exports.cancel(id),
    },
    indicators: {
      list: async ({ projectKey }) => listIndicators(ctx.requireStore().db, projectKey),
      get: async ({ indicatorCode }) => {
        const db = ctx.requireStore().db;
        getIndicatorDef(db, indicatorCode);
        return listIndicators(db, null, indicatorCode)[0]!;
      },
      images: async ({ indicatorCode }) => seriesImagesOf(ctx.requireStore(), indicatorCode),
      objects: async ({ indicatorCode }) => seriesObjects(ctx.requireStore(), indicatorCode),
    },
    documents: {
      list: async ({ indicatorCode }) => listDocuments(ctx.requireStore().db, indicatorCode),
      open: ({ uuid }) => openDocument(documents(), uuid),
      save: ({ uuid }) => saveDocument(documents(), uuid),
    },
    observations: {
      list: async (args) => obs.list(args),
      count: async ({ indicatorCode, filter }) => obs.count(indicatorCode, filter),
      get: async ({ uuid }) => obs.get(uuid),
      refresh: ({ uuid }) => refreshObservation(ctx, ctx.kind, uuid),
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
      attach: async ({ uuid, dataBase64 }) => photoChanged(attachMedia(ctx.requireStore(), uuid, dataBase64, ctx.kind)),
      remove: async ({ uuid }) => photoChanged(removeMedia(ctx.requireStore(), uuid)),
      get: ({ uuid }) => getMedia(ctx.requireStore(), () => ctx.client(), uuid),
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
      set: async ({ syncIntervalMinutes, language, basemap }) => {
        if (syncIntervalMinutes !== undefined) {
          options.settings.set('syncIntervalMinutes', syncIntervalMinutes);
          services.sync.scheduleInterval();
        }
        if (language !== undefined) options.settings.set('language', language);
        if (basemap !== undefined) options.settings.set('basemap', basemap);
        return settings();
      },
    },
  };

  function requireProject(db: Parameters<typeof getProject>[0], projectKey: string): void {
    if (!getProject(db, projectKey)) {
      throw new AppError('not_found', `Unknown project "${projectKey}". Refresh the projects first.`, 'projectKey');
    }
  }

  function settings() {
    return {
      deviceId: ctx.deviceId,
      syncIntervalMinutes: options.settings.get('syncIntervalMinutes') ?? 15,
      dataDir: options.dataDir,
      appVersion: options.appVersion,
      logFile: options.logFile ?? null,
      serverUrl: ctx.account?.ref.serverUrl ?? null,
      username: ctx.account?.ref.username ?? null,
      serverKind: ctx.account ? ctx.kind : null,
      language: options.settings.get('language') ?? 'system',
      basemap: options.settings.get('basemap') ?? false,
      systemLanguages: options.systemLanguages?.() ?? [],
    };
  }
}

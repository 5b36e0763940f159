/**
 * The main process minus Electron: everything the handlers need, built from injected
 * platform services. src/main/index.ts builds it with Electron's safeStorage/electron-store;
 * tests and the e2e harness build it with plain-Node equivalents.
 *
 * (Interface fixed by the foundation commit; the implementation is filled in by the main-process work.)
 */
import type { Handlers, IpcEvents } from '../shared/ipc';
import { MainContext } from './context';
import { createDispatcher, type Dispatch } from './ipc/dispatch';
import { createHandlers, createServices } from './ipc/handlers';
import type { SyncHooks } from './sync/steps';

/** OS-backed encryption for the session token (Electron safeStorage). */
export interface SecretStore {
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

export interface Settings {
  /** Generated once at first start, never changed. */
  deviceId: string;
  /** Automatic sync interval in minutes; 0 = off. */
  syncIntervalMinutes: number;
  /** The account last logged in (its store is opened at start, for offline work); null after "forget". */
  currentAccount?: { serverUrl: string; username: string } | null;
}

export interface SettingsStore {
  get<K extends keyof Settings>(key: K): Settings[K] | undefined;
  set<K extends keyof Settings>(key: K, value: Settings[K]): void;
}

export interface MainCoreOptions {
  /** Folder for the SQLite stores, media and document caches (Electron: app.getPath('userData')). */
  dataDir: string;
  /** Null when the OS has no secret store: the session is then kept in memory only. */
  secrets: SecretStore | null;
  settings: SettingsStore;
  emit<E extends keyof IpcEvents>(event: E, payload: IpcEvents[E]): void;
  /**
   * Opens a file with the OS (Electron: shell.openPath). Only ever given paths main produced, of
   * contents on the viewer allow-list (src/main/sync/doctype.ts).
   */
  openPath(path: string): Promise<void>;
  /**
   * Asks the user where to save a copy of `sourcePath` (Electron: a save dialog), copies it there
   * and returns that path; null when the user cancelled.
   */
  saveAs(defaultName: string, sourcePath: string): Promise<string | null>;
  appVersion: string;
  /** The main process's log file, shown in Settings/About; null when there is none. */
  logFile?: string | null;
  /** Pre-filled server URL (e.g. `npm run demo`), reported by auth.status before any login. */
  defaultServerUrl?: string;
  /** Automatic sync (interval, reconnect, backoff retries). Default true; tests turn it off to drive syncs themselves. */
  autoSync?: boolean;
  /** Test seam: called at exact points of a sync (e.g. to simulate a crash there). */
  syncHooks?: SyncHooks;
}

export interface MainCore {
  handlers: Handlers;
  dispatch: Dispatch;
  close(): Promise<void>;
}

export async function createMainCore(options: MainCoreOptions): Promise<MainCore> {
  const ctx = MainContext.create(options);
  const services = createServices(ctx, { autoSync: options.autoSync ?? true, hooks: options.syncHooks ?? {} });
  const handlers = createHandlers(ctx, services);
  return {
    handlers,
    dispatch: createDispatcher(handlers),
    close: async () => {
      await services.close();
      ctx.closeAccount();
    },
  };
}

/**
 * What the platform gives the main process: everything Electron provides (the secret store,
 * settings, dialogs, the OS viewer) behind small interfaces, so the rest of main runs under plain
 * Node. src/main/index.ts fills them with Electron's services; tests with plain-Node stand-ins.
 */
import type { IpcEvents, LanguagePreference } from '../../shared/ipc';
import type { Db } from '../store/db';
import type { SyncHooks } from '../sync/hooks';

/** OS-backed encryption for the session token (Electron safeStorage). */
export interface SecretStore {
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

export interface Settings {
  /** Generated once at first start (platform/device.ts), never changed. */
  deviceId?: string;
  /** Automatic sync interval in minutes; 0 = off. */
  syncIntervalMinutes: number;
  /** The user interface language; 'system' (the default) follows `MainCoreOptions.systemLanguages`. */
  language?: LanguagePreference;
  /** The online basemap is shown on maps (off by default: the app works offline). */
  basemap?: boolean;
  /** Origins of plain-http servers on other computers the user accepted (platform/links.ts). */
  insecureServers?: string[];
  /** The account last logged in (its store is opened at start, for offline work); null after "forget". */
  currentAccount?: { serverUrl: string; username: string } | null;
}

export interface SettingsStore {
  get<K extends keyof Settings>(key: K): Settings[K] | undefined;
  set<K extends keyof Settings>(key: K, value: Settings[K]): void;
}

export interface SaveDialogOptions {
  title: string;
  /** Suggested file name (the dialog opens in the user's documents folder). */
  defaultName: string;
  filters: { name: string; extensions: string[] }[];
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
   * contents on the viewer allow-list (src/main/documents/doctype.ts).
   */
  openPath(path: string): Promise<void>;
  /**
   * Asks the user where to save a copy of `sourcePath` (Electron: a save dialog), copies it there
   * and returns that path; null when the user cancelled.
   */
  saveAs(defaultName: string, sourcePath: string): Promise<string | null>;
  /**
   * Asks the user where main should write a new file (Electron: dialog.showSaveDialog): the chosen
   * path, or null when the user cancelled. Main writes exports only to paths chosen this way.
   */
  saveDialog(options: SaveDialogOptions): Promise<string | null>;
  /**
   * Opens a web page in the user's browser (Electron: shell.openExternal). Only ever given links of
   * documents main checked: https, or the server's own origin (src/main/documents/documents.ts).
   */
  openExternal?(url: string): Promise<void>;
  appVersion: string;
  /** The main process's log file, shown in Settings/About; null when there is none. */
  logFile?: string | null;
  /** The OS's preferred languages, most preferred first (Electron: app.getPreferredSystemLanguages()). */
  systemLanguages?: () => string[];
  /** Pre-filled server URL (e.g. `npm run demo`), reported by auth.status before any login. */
  defaultServerUrl?: string;
  /** Automatic sync (interval, reconnect, backoff retries). Default true; tests turn it off to drive syncs themselves. */
  autoSync?: boolean;
  /** Test seam: called at exact points of a sync (e.g. to simulate a crash there). */
  syncHooks?: SyncHooks;
  /** Test seam: called with each account store's connection as it opens (e.g. to cap its size). */
  storeOpened?: (db: Db) => void;
}

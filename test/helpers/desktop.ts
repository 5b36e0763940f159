/**
 * A desktop "device" for tests: the real main core (handler table, SQLite store, sync engine) over
 * a temp data folder, with plain-Node stand-ins for what only Electron provides: safeStorage →
 * AES-GCM with a key kept beside the data (or none: memory-only sessions), electron-store → a
 * JSON file, shell.openPath → a log, the save dialog → a copy into `<dataDir>/saved/` (the name
 * the dialog would offer) and a log. `gobs` is the same typed bridge the renderer gets.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceIdOf } from '../../src/main/platform/device';
import { Session } from '../../src/main/session';
import { SyncEngine, type EngineOptions } from '../../src/main/sync/engine';
import {
  createMainCore,
  type MainCore,
  type MainCoreOptions,
  type SaveDialogOptions,
  type SecretStore,
  type Settings,
  type SettingsStore,
} from '../../src/main/core';
import { buildBridge } from '../../src/shared/bridge';
import type { GobsApi, IpcEvents } from '../../src/shared/ipc';

export function aesSecretStore(keyFile: string): SecretStore {
  if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32));
  const key = readFileSync(keyFile);
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** electron-store's behaviour that matters here: values survive a restart. */
export function jsonFileSettings(file: string): SettingsStore {
  const read = (): Partial<Settings> =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Settings>) : {};
  return {
    get: (key) => read()[key],
    set: (key, value) => writeFileSync(file, JSON.stringify({ ...read(), [key]: value })),
  };
}

export interface TestDesktop {
  core: MainCore;
  gobs: GobsApi;
  dataDir: string;
  events: { event: keyof IpcEvents; payload: unknown }[];
  openedPaths: string[];
  /** Web pages handed to the browser (document links). */
  openedUrls: string[];
  /** Every save dialog: the name it offered, the file it copied and where the copy went. */
  saved: { defaultName: string; sourcePath: string; savedTo: string }[];
  /** Every save dialog main opened for a file it writes (exports), in order. */
  savePrompts: SaveDialogOptions[];
  /**
   * What the user answers to those dialogs: a path, or null (cancelled). Default: the suggested
   * name in `<dataDir>/exports/`.
   */
  exportTo: (options: SaveDialogOptions) => string | null;
  /** Closes the core and starts a new one over the same data (an app restart). */
  restart(): Promise<TestDesktop>;
  /** Closes the core (data kept unless `remove`). */
  close(remove?: boolean): Promise<void>;
}

export interface TestDesktopOptions {
  dataDir?: string;
  /** 'aes' (default): sessions survive a restart; 'none': no OS secret store, memory only. */
  secrets?: 'aes' | 'none';
  autoSync?: boolean;
  defaultServerUrl?: string;
  syncHooks?: MainCoreOptions['syncHooks'];
  storeOpened?: MainCoreOptions['storeOpened'];
  /** What the OS reports as its preferred languages; default British English, as the e2e browser's locale. */
  systemLanguages?: string[];
}

/** The options createTestDesktop gives createMainCore (also used by child-process fixtures). */
export function testCoreOptions(
  dataDir: string,
  options: TestDesktopOptions,
  emit: MainCoreOptions['emit'] = () => undefined,
  openPath: MainCoreOptions['openPath'] = async () => undefined,
  saveAs: MainCoreOptions['saveAs'] = saveIntoDataDir(dataDir),
  saveDialog: MainCoreOptions['saveDialog'] = async (o) => exportIntoDataDir(dataDir)(o),
  openExternal: MainCoreOptions['openExternal'] = async () => undefined,
): MainCoreOptions {
  return {
    dataDir,
    secrets: options.secrets === 'none' ? null : aesSecretStore(join(dataDir, 'test-secret.key')),
    settings: jsonFileSettings(join(dataDir, 'settings.json')),
    emit,
    openPath,
    saveAs,
    saveDialog,
    openExternal,
    appVersion: '0.0.0-test',
    logFile: join(dataDir, 'logs', 'main.log'),
    autoSync: options.autoSync ?? false,
    ...(options.syncHooks ? { syncHooks: options.syncHooks } : {}),
    ...(options.storeOpened ? { storeOpened: options.storeOpened } : {}),
    systemLanguages: () => options.systemLanguages ?? ['en-GB'],
    ...(options.defaultServerUrl ? { defaultServerUrl: options.defaultServerUrl } : {}),
  };
}

/** The save dialog as a user who accepts the offered name: the copy lands in `<dataDir>/saved/`. */
export function saveIntoDataDir(dataDir: string, log?: TestDesktop['saved']): MainCoreOptions['saveAs'] {
  return async (defaultName, sourcePath) => {
    const dir = join(dataDir, 'saved');
    mkdirSync(dir, { recursive: true });
    const savedTo = join(dir, defaultName);
    copyFileSync(sourcePath, savedTo);
    log?.push({ defaultName, sourcePath, savedTo });
    return savedTo;
  };
}

/** The export save dialog as a user who accepts the offered name: `<dataDir>/exports/<name>`. */
export function exportIntoDataDir(dataDir: string): (options: SaveDialogOptions) => string {
  return (options) => {
    mkdirSync(join(dataDir, 'exports'), { recursive: true });
    return join(dataDir, 'exports', options.defaultName);
  };
}

export async function createTestDesktop(options: TestDesktopOptions = {}): Promise<TestDesktop> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gobs-desktop-'));
  const events: TestDesktop['events'] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const openedPaths: string[] = [];
  const openedUrls: string[] = [];
  const saved: TestDesktop['saved'] = [];
  const savePrompts: SaveDialogOptions[] = [];
  // Assigned below, once the desktop exists: the dialog asks it at call time.
  let answer: TestDesktop['exportTo'] = exportIntoDataDir(dataDir);
  const coreOptions = testCoreOptions(
    dataDir,
    options,
    (event, payload) => {
      events.push({ event, payload });
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    async (path) => void openedPaths.push(path),
    saveIntoDataDir(dataDir, saved),
    async (o) => {
      savePrompts.push(o);
      return answer(o);
    },
    async (url) => void openedUrls.push(url),
  );
  const core = await createMainCore(coreOptions);
  const gobs = buildBridge({
    invoke: (channel, args) => core.dispatch(channel, args),
    subscribe: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  });
  let closed = false;
  const desktop: TestDesktop = {
    core,
    gobs,
    dataDir,
    events,
    openedPaths,
    openedUrls,
    saved,
    savePrompts,
    get exportTo() {
      return answer;
    },
    set exportTo(f) {
      answer = f;
    },
    async restart() {
      await desktop.close();
      return createTestDesktop({ ...options, dataDir });
    },
    async close(remove = false) {
      if (!closed) await core.close();
      closed = true;
      if (remove) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return desktop;
}

/**
 * The sync engine alone over a data folder (as the main core builds it), with options the core does
 * not expose (batch sizes, hooks): for child processes that sync and may be killed.
 */
export function openSyncEngine(
  dataDir: string,
  engine: EngineOptions,
  emit: MainCoreOptions['emit'] = () => undefined,
): { engine: SyncEngine; close(): Promise<void> } {
  const options = testCoreOptions(dataDir, {}, emit);
  const session = Session.open(options, deviceIdOf(options.settings));
  const sync = new SyncEngine(session, options.settings, engine);
  return {
    engine: sync,
    close: async () => {
      await sync.close();
      session.closeAccount();
    },
  };
}

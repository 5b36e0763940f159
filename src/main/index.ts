/**
 * Electron entry: the thin layer that binds the plain-Node core (core.ts) to Electron's
 * window, IPC, secret storage, dialogs and shell. Every decision lives in plain-Node modules
 * (platform/startup.ts, platform/log.ts, platform/appProtocol.ts, ipc/sender.ts); this file only
 * wires them to Electron.
 */
import { app, BrowserWindow, dialog, shell, type MessageBoxOptions } from 'electron';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMainCore, type MainCore } from './core';
import { createElectronSettings } from './electron/settings';
import { createSecretStore } from './electron/secrets';
import { registerIpc, sendEvent, trustedSender } from './ipc/register';
import { captureConsole, createLogger } from './platform/log';
import { createFatalHandler, startWithRecovery, type FailureChoice, type FailureDialog } from './platform/startup';
import {
  createMainWindow,
  hardenSession,
  lockDownContents,
  registerAppScheme,
  rendererUrl,
  serveAppProtocol,
} from './window';

let mainWindow: BrowserWindow | null = null;
let core: MainCore | null = null;

const logger = createLogger({ dir: join(app.getPath('userData'), 'logs'), console: !app.isPackaged });
captureConsole(logger);
logger.info(`G-Obs Desktop ${app.getVersion()} (Electron ${process.versions['electron']}, ${process.platform})`);

async function ask(d: FailureDialog): Promise<FailureChoice> {
  // Message boxes need a ready app; before that only the (blocking) error box exists.
  if (!app.isReady()) {
    dialog.showErrorBox(d.title, `${d.message}\n\n${d.detail}`);
    return 'quit';
  }
  const options: MessageBoxOptions = {
    type: 'error',
    title: d.title,
    message: d.message,
    detail: d.detail,
    buttons: d.labels,
    defaultId: 0,
    cancelId: Math.max(0, d.choices.indexOf('quit')),
    noLink: true,
  };
  const { response } = mainWindow
    ? await dialog.showMessageBox(mainWindow, options)
    : await dialog.showMessageBox(options);
  return d.choices[response] ?? 'quit';
}

async function inform(message: string, detail: string): Promise<void> {
  await dialog.showMessageBox({ type: 'info', title: 'G-Obs Desktop', message, detail, buttons: ['OK'] });
}

const fatal = createFatalHandler({
  ask,
  restart: () => {
    app.relaunch();
    app.exit(0);
  },
  quit: () => app.exit(1),
  log: logger,
});
process.on('uncaughtException', (err) => void fatal(err));
process.on('unhandledRejection', (reason) => void fatal(reason));

registerAppScheme();
app.enableSandbox();

let hasLock = app.requestSingleInstanceLock();
if (!hasLock) {
  // A second instance would open the same SQLite store: hand over to the first one.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, () => core?.serverUrl() ?? null));

  app
    .whenReady()
    .then(async () => {
      const settings = createElectronSettings();
      const basemap = () => settings.get('basemap') === true;
      serveAppProtocol(basemap);
      hardenSession(basemap);
      core = await startWithRecovery({
        start: async () =>
          createMainCore({
            dataDir: join(app.getPath('userData'), 'data'),
            secrets: createSecretStore(),
            settings,
            emit: (event, payload) => sendEvent(mainWindow?.webContents ?? null, event, payload),
            openPath: async (path) => {
              const error = await shell.openPath(path);
              if (error) throw new Error(error);
            },
            openExternal: (url) => shell.openExternal(url),
            saveAs: async (defaultName, sourcePath) => {
              const options = { defaultPath: join(app.getPath('downloads'), defaultName) };
              const { canceled, filePath } = mainWindow
                ? await dialog.showSaveDialog(mainWindow, options)
                : await dialog.showSaveDialog(options);
              if (canceled || !filePath) return null;
              await copyFile(sourcePath, filePath);
              return filePath;
            },
            saveDialog: async ({ title, defaultName, filters }) => {
              const options = {
                title,
                defaultPath: join(app.getPath('documents'), defaultName),
                filters,
                properties: ['createDirectory', 'showOverwriteConfirmation'] as (
                  'createDirectory' | 'showOverwriteConfirmation'
                )[],
              };
              const { canceled, filePath } = mainWindow
                ? await dialog.showSaveDialog(mainWindow, options)
                : await dialog.showSaveDialog(options);
              return canceled || !filePath ? null : filePath;
            },
            appVersion: app.getVersion(),
            logFile: logger.file,
            // The OS's ordered list (with regions, for date formats); getLocale() is the fallback Chromium itself uses.
            systemLanguages: () => {
              const preferred = app.getPreferredSystemLanguages();
              return preferred.length > 0 ? preferred : [app.getLocale()];
            },
            // `npm run demo` points the Connect screen at the demo server it started.
            ...(process.env['GOBS_SERVER_URL'] ? { defaultServerUrl: process.env['GOBS_SERVER_URL'] } : {}),
          }),
        ask,
        inform,
        releaseLock: () => {
          if (hasLock) app.releaseSingleInstanceLock();
          hasLock = false;
        },
        acquireLock: () => (hasLock = hasLock || app.requestSingleInstanceLock()),
        log: logger,
      });
      if (!core) {
        app.quit();
        return;
      }
      registerIpc(
        core.dispatch,
        trustedSender(() => mainWindow?.webContents ?? null, rendererUrl),
      );
      mainWindow = createMainWindow();
      mainWindow.on('closed', () => (mainWindow = null));

      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
      });
    })
    .catch((err: unknown) => fatal(err));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !core) return;
    // Let a running sync batch commit and close the store cleanly before exiting.
    event.preventDefault();
    closing = true;
    void core.close().finally(() => app.quit());
  });
}

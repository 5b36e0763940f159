/**
 * Electron entry: the thin layer that binds the plain-Node core (core.ts) to Electron's
 * window, IPC, secret storage and shell. Everything testable lives elsewhere.
 */
import { app, BrowserWindow, dialog, shell } from 'electron';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMainCore, type MainCore } from './core';
import { createElectronSettings } from './electron/settings';
import { createSecretStore } from './electron/secrets';
import { registerIpc, sendEvent, trustedSender } from './ipc/register';
import { createMainWindow, hardenSession, lockDownContents, rendererUrl } from './window';

let mainWindow: BrowserWindow | null = null;
let core: MainCore | null = null;

app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // A second instance would open the same SQLite store: hand over to the first one.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));

  void app.whenReady().then(async () => {
    hardenSession();
    core = await createMainCore({
      dataDir: join(app.getPath('userData'), 'data'),
      secrets: createSecretStore(),
      settings: createElectronSettings(),
      emit: (event, payload) => sendEvent(mainWindow?.webContents ?? null, event, payload),
      openPath: async (path) => {
        const error = await shell.openPath(path);
        if (error) throw new Error(error);
      },
      saveAs: async (defaultName, sourcePath) => {
        const options = { defaultPath: join(app.getPath('downloads'), defaultName) };
        const { canceled, filePath } = mainWindow
          ? await dialog.showSaveDialog(mainWindow, options)
          : await dialog.showSaveDialog(options);
        if (canceled || !filePath) return null;
        await copyFile(sourcePath, filePath);
        return filePath;
      },
      appVersion: app.getVersion(),
      // `npm run demo` points the Connect screen at the demo server it started.
      ...(process.env['GOBS_SERVER_URL'] ? { defaultServerUrl: process.env['GOBS_SERVER_URL'] } : {}),
    });
    registerIpc(
      core.dispatch,
      trustedSender(() => mainWindow?.webContents ?? null, rendererUrl),
    );
    mainWindow = createMainWindow();
    mainWindow.on('closed', () => (mainWindow = null));

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
    });
  });

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

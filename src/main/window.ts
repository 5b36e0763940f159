import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAppUrl } from './ipc/sender';
import { externalLinkAllowed } from './platform/links';
import { app, BrowserWindow, protocol, session, shell, type WebContents } from 'electron';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  contentSecurityPolicy,
  handleAppRequest,
} from './platform/appProtocol';

/**
 * The app's only window. Secure defaults: isolated, sandboxed renderer without Node, loaded from
 * the app's own origin (app://gobs, see platform/appProtocol.ts) rather than file://; no
 * navigation, no new windows, no permissions; a CSP header on top of the page's own meta tag.
 */
// The main bundle is an ES module: no __dirname.
const here = dirname(fileURLToPath(import.meta.url));

function devServerUrl(): string | null {
  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  return devUrl && !app.isPackaged ? devUrl : null;
}

export function rendererUrl(): string {
  return devServerUrl() ?? APP_ENTRY_URL;
}

/** Before app ready: app:// is a standard, secure origin (so it has an origin, storage and fetch). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
}

/** After app ready: app:// serves the built renderer folder and nothing else. */
export function serveAppProtocol(basemap: () => boolean): void {
  const rendererDir = join(here, '../renderer');
  protocol.handle(APP_SCHEME, (request) =>
    handleAppRequest(request, rendererDir, () => contentSecurityPolicy({ basemap: basemap() })),
  );
}

/** `basemap`: whether the user enabled the online basemap (read for every response). */
export function hardenSession(basemap: () => boolean): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        // The dev server (`npm run dev`) needs React refresh's inline preamble; never in a build.
        'Content-Security-Policy': [
          devServerUrl()
            ? contentSecurityPolicy({ basemap: basemap() }).replace(
                "script-src 'self'",
                "script-src 'self' 'unsafe-inline'",
              )
            : contentSecurityPolicy({ basemap: basemap() }),
        ],
      },
    });
  });
}

/** `serverUrl`: the connected server's address, whose own http links may open in the browser too. */
export function lockDownContents(contents: WebContents, serverUrl: () => string | null): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, rendererUrl())) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Web links (help, a document of type url) go to the user's browser, never into the app, and only
    // over https or to the connected server itself: never file:, custom schemes or plain http elsewhere.
    if (externalLinkAllowed(url, serverUrl())) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'G-Obs Desktop',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      // A middle click would open a link in a new window before setWindowOpenHandler could say no.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(rendererUrl());
  return win;
}

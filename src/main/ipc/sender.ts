/**
 * Who may call the IPC handlers: only the main frame of the app's own window, showing the
 * app's own page. Pure functions (no Electron import) so the rule is unit-tested.
 */

/**
 * True when `url` is the app's page: the entry page of the app origin (`app://gobs/index.html`,
 * any hash route or query), or any page of the dev server. A custom scheme's URL.origin is the
 * opaque "null" for every such URL, so scheme, host and path are compared instead.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let u: URL;
  let app: URL;
  try {
    u = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'http:' || app.protocol === 'https:') return u.origin === app.origin;
  return (
    u.protocol === app.protocol &&
    u.host === app.host &&
    u.username === '' &&
    u.password === '' &&
    (u.pathname === app.pathname || (u.pathname === '/' && app.pathname === '/index.html'))
  );
}

export interface SenderEvent<Contents, Frame> {
  sender: Contents;
  senderFrame: (Frame & { url: string }) | null;
}

export function isTrustedSender<Contents extends { mainFrame: unknown }, Frame>(
  event: SenderEvent<Contents, Frame>,
  appContents: Contents | null,
  appUrl: string,
): boolean {
  const frame = event.senderFrame;
  return (
    appContents !== null &&
    event.sender === appContents &&
    frame !== null &&
    frame === appContents.mainFrame &&
    isAppUrl(frame.url, appUrl)
  );
}

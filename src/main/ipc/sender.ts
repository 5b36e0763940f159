/**
 * Who may call the IPC handlers: only the main frame of the app's own window, showing the
 * app's own page. Pure functions (no Electron import) so the rule is unit-tested.
 */

/** True when `url` is the app's page: the built file itself, or any page of the dev server. */
export function isAppUrl(url: string, appUrl: string): boolean {
  if (appUrl.startsWith('file://')) return url.split(/[?#]/)[0] === appUrl;
  try {
    return new URL(url).origin === new URL(appUrl).origin;
  } catch {
    return false;
  }
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

import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { channelNames, IPC_PREFIX, type IpcEvents } from '../../shared/ipc';
import type { Envelope } from '../../shared/errors';
import type { Dispatch } from './dispatch';
import { isTrustedSender } from './sender';

export const EVENT_CHANNEL = `${IPC_PREFIX}event`;

/**
 * One ipcMain handler per contract channel, all through the same dispatcher. A call is
 * served only when it comes from the main frame of the app's own window showing the app's
 * own page: anything else (an iframe, a navigated-away page, another window) is refused.
 */
export function registerIpc(dispatch: Dispatch, isTrusted: (event: IpcMainInvokeEvent) => boolean): () => void {
  const names = channelNames();
  for (const name of names) {
    ipcMain.handle(IPC_PREFIX + name, async (event, args: unknown): Promise<Envelope<unknown>> => {
      if (!isTrusted(event)) {
        return { ok: false, error: { code: 'forbidden', message: 'This window may not use G-Obs.' } };
      }
      return dispatch(name, args);
    });
  }
  return () => names.forEach((name) => ipcMain.removeHandler(IPC_PREFIX + name));
}

export function trustedSender(getContents: () => WebContents | null, appUrl: () => string) {
  return (event: IpcMainInvokeEvent): boolean => isTrustedSender(event, getContents(), appUrl());
}

export function sendEvent<E extends keyof IpcEvents>(
  contents: WebContents | null,
  event: E,
  payload: IpcEvents[E],
): void {
  if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, { event, payload });
}

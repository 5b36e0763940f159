/**
 * The only thing the renderer gets: `window.gobs`, built from the IPC contract. No
 * ipcRenderer, no generic invoke, no Node.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildBridge } from '../shared/bridge';
import { IPC_PREFIX } from '../shared/ipc';
import type { Envelope } from '../shared/errors';

const EVENT_CHANNEL = `${IPC_PREFIX}event`;

const gobs = buildBridge({
  invoke: (channel, args) => ipcRenderer.invoke(IPC_PREFIX + channel, args) as Promise<Envelope<unknown>>,
  subscribe: (event, listener) => {
    const onMessage = (_e: IpcRendererEvent, message: { event: string; payload: unknown }) => {
      if (message?.event === event) listener(message.payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, onMessage);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, onMessage);
    };
  },
});

contextBridge.exposeInMainWorld('gobs', gobs);

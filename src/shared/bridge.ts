/**
 * Builds the `window.gobs` object from the contract, given a transport. Preload passes
 * `ipcRenderer.invoke`; the e2e harness passes a function that reaches the real main-process
 * handlers. Only named methods are exposed: there is no generic `invoke(channel)`.
 */
import { channelNames, IPC_EVENTS, type GobsApi, type IpcEvents } from './ipc';
import type { Envelope } from './errors';

export interface Transport {
  invoke(channel: string, args: unknown): Promise<Envelope<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

export function buildBridge(transport: Transport): GobsApi {
  const api: Record<string, unknown> = {};
  for (const name of channelNames()) {
    const [ns, method] = name.split('.') as [string, string];
    const target = (api[ns] ??= {}) as Record<string, unknown>;
    target[method] = async (args?: unknown) => {
      const envelope = await transport.invoke(name, args);
      if (envelope.ok) return envelope.value;
      // A plain object, so it survives contextBridge with its code and field.
      throw { ...envelope.error };
    };
  }
  api.on = <E extends keyof IpcEvents>(event: E, listener: (payload: IpcEvents[E]) => void) => {
    if (!(IPC_EVENTS as readonly string[]).includes(event)) throw new Error(`Unknown event ${event}`);
    return transport.subscribe(event, listener as (payload: unknown) => void);
  };
  return api as GobsApi;
}

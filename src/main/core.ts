/**
 * The main process minus Electron: everything the handlers need, built from injected
 * platform services. src/main/index.ts builds it with Electron's safeStorage/electron-store;
 * tests and the e2e harness build it with plain-Node equivalents.
 */
import type { Handlers } from '../shared/ipc';
import { createDispatcher, type Dispatch } from './ipc/dispatch';
import { createHandlers, createServices } from './ipc/handlers';
import { deviceIdOf } from './platform/device';
import type { MainCoreOptions } from './platform/options';
import { Session } from './session';

export type { MainCoreOptions, SaveDialogOptions, SecretStore, Settings, SettingsStore } from './platform/options';

export interface MainCore {
  handlers: Handlers;
  dispatch: Dispatch;
  /** The connected server's address (links to its own origin may open in the browser). */
  serverUrl(): string | null;
  close(): Promise<void>;
}

export async function createMainCore(options: MainCoreOptions): Promise<MainCore> {
  const session = Session.open(options, deviceIdOf(options.settings));
  const services = createServices(session, options, {
    autoSync: options.autoSync ?? true,
    hooks: options.syncHooks ?? {},
  });
  const handlers = createHandlers(session, services, options);
  return {
    handlers,
    dispatch: createDispatcher(handlers),
    serverUrl: () => session.account?.ref.serverUrl ?? null,
    close: async () => {
      await services.close();
      session.closeAccount();
    },
  };
}

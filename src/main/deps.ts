/**
 * The narrow dependencies main's modules take instead of the whole session: each names what it
 * uses (the account's store, the server, connectivity, events), so a module's reach is visible in
 * its signature and a test can give it just that. `Session` (session.ts) provides all of them.
 */
import type { IpcEvents } from '../shared/ipc';
import type { ServerClient } from './remote/types';
import type { AccountStore } from './store/account';

export interface Events {
  emit<E extends keyof IpcEvents>(event: E, payload: IpcEvents[E]): void;
}

/** The store of the account in use. */
export interface StoreAccess {
  readonly account: AccountStore | null;
  /** Throws `unauthorized` when no account is open. */
  requireStore(): AccountStore;
}

/** The server of the account in use. */
export interface RemoteAccess {
  /** Whether a session token is held (a request can be made). */
  readonly loggedIn: boolean;
  /** Throws `unauthorized` without a session. */
  client(): ServerClient;
}

/** Reachability as learnt from real traffic. */
export interface Connectivity {
  readonly online: boolean;
  onOnlineChange(listener: (online: boolean) => void): () => void;
}

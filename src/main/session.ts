/**
 * The session main holds for the renderer: the account in use (its store and its server client),
 * the session token and what we last learnt about reachability. Only the account lifecycle
 * (auth.ts) switches accounts; other modules see it through the narrow interfaces of deps.ts.
 */
import type { AuthStatus, IpcEvents } from '../shared/ipc';
import type { Connectivity, Events, RemoteAccess, StoreAccess } from './deps';
import { AppError } from './errors';
import { insecureOrigin } from './platform/links';
import type { MainCoreOptions } from './platform/options';
import { createClient } from './remote';
import type { ServerClient } from './remote/types';
import {
  loadSessionToken,
  openAccountStore,
  saveSessionToken,
  type AccountRef,
  type AccountStore,
} from './store/account';
import { optimize } from './store/db';

type SessionPlatform = Pick<
  MainCoreOptions,
  'dataDir' | 'secrets' | 'settings' | 'emit' | 'defaultServerUrl' | 'storeOpened'
>;

export class Session implements StoreAccess, RemoteAccess, Connectivity, Events {
  account: AccountStore | null = null;
  /** The session token, in memory; persisted (encrypted) only when a SecretStore exists. */
  token: string | null = null;
  online = false;
  sessionExpired = false;
  private remote: ServerClient | null = null;
  private readonly listeners = new Set<(online: boolean) => void>();

  private constructor(
    private readonly platform: SessionPlatform,
    readonly deviceId: string,
  ) {}

  /** The session at start: the account last used is opened (for offline work), with its saved token. */
  static open(platform: SessionPlatform, deviceId: string): Session {
    const session = new Session(platform, deviceId);
    const current = platform.settings.get('currentAccount');
    if (current) session.useAccount(current);
    return session;
  }

  get loggedIn(): boolean {
    return this.token !== null;
  }

  emit<E extends keyof IpcEvents>(event: E, payload: IpcEvents[E]): void {
    try {
      this.platform.emit(event, payload);
    } catch (err) {
      console.error(`Could not emit ${event}`, err);
    }
  }

  /** Opens (or switches to) the store of an account and loads its saved session, if any. */
  useAccount(ref: AccountRef): AccountStore {
    if (this.account && !sameAccount(ref, this.account.ref)) this.closeAccount();
    if (!this.account) {
      this.account = openAccountStore(this.platform.dataDir, ref);
      this.platform.storeOpened?.(this.account.db);
      this.remote = null;
      this.token = null;
      const saved = loadSessionToken(this.account.db);
      if (saved && this.platform.secrets) {
        try {
          this.token = this.platform.secrets.decrypt(saved);
        } catch {
          // The OS key changed (new machine, reset keychain): the user logs in again.
          saveSessionToken(this.account.db, null);
        }
      }
    }
    return this.account;
  }

  closeAccount(): void {
    if (this.account?.db.open) {
      try {
        optimize(this.account.db);
      } catch {
        // never block closing on it
      }
    }
    this.account?.db.close();
    this.account = null;
    this.remote = null;
    this.token = null;
  }

  setToken(token: string | null): void {
    this.token = token;
    this.remote = null;
    if (!this.account) return;
    const secrets = this.platform.secrets;
    saveSessionToken(this.account.db, token && secrets ? secrets.encrypt(token) : null);
  }

  requireStore(): AccountStore {
    if (!this.account) throw new AppError('unauthorized', 'Log in to a G-Obs server first.');
    return this.account;
  }

  /** The server client of the current account; requires a session. */
  client(): ServerClient {
    const account = this.requireStore();
    if (!this.token) throw new AppError('unauthorized', 'Log in again to reach the server.');
    this.remote ??= createClient('gobs-sync', {
      baseUrl: account.ref.serverUrl,
      deviceId: this.deviceId,
      token: this.token,
      onOutcome: (o) => this.recordOutcome(o),
    });
    return this.remote;
  }

  recordOutcome(outcome: 'ok' | 'offline' | 'unauthorized'): void {
    const wasOnline = this.online;
    const wasExpired = this.sessionExpired;
    this.online = outcome !== 'offline';
    if (outcome === 'unauthorized' && this.token) {
      // Keep the account and all its data; only the session is gone.
      this.sessionExpired = true;
      this.setToken(null);
    }
    if (wasOnline !== this.online) for (const l of this.listeners) l(this.online);
    if (wasOnline !== this.online || wasExpired !== this.sessionExpired) this.emit('auth.changed', this.status());
  }

  onOnlineChange(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): AuthStatus {
    return {
      serverUrl: this.account?.ref.serverUrl ?? this.platform.defaultServerUrl ?? null,
      username: this.account?.ref.username ?? null,
      deviceId: this.deviceId,
      loggedIn: this.token !== null,
      online: this.online,
      sessionPersisted: this.platform.secrets !== null,
      sessionExpired: this.sessionExpired,
      insecure: this.account ? insecureOrigin(this.account.ref.serverUrl) !== null : false,
    };
  }
}

function sameAccount(a: AccountRef, b: AccountRef): boolean {
  return a.serverUrl === b.serverUrl && a.username === b.username;
}

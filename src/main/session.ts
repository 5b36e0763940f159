/**
 * The session main holds for the renderer: the account in use (its store and its server client),
 * the session token and what we last learnt about reachability. Only the account lifecycle
 * (auth.ts) switches accounts; other modules see it through the narrow interfaces of deps.ts.
 */
import type { AuthStatus, IpcEvents, ServerKind } from '../shared/ipc';
import type { Connectivity, Events, RemoteAccess, StoreAccess } from './deps';
import { AppError } from './errors';
import { insecureOrigin } from './platform/links';
import type { MainCoreOptions } from './platform/options';
import { PasswordVault } from './platform/passwords';
import { createClient, loginAgain } from './remote';
import type { SeriesEntry } from './remote/lizmap/map';
import type { ServerClient } from './remote/types';
import {
  accountKey,
  loadServerKind,
  loadSessionToken,
  openAccountStore,
  saveServerKind,
  saveSessionToken,
  type AccountRef,
  type AccountStore,
} from './store/account';
import { optimize } from './store/db';
import { getIndicatorDef } from './store/indicators';
import { heldSeriesOf } from './store/observations';

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
  /** The kind of server the account is on (stored with the account, so the app starts offline too). */
  kind: ServerKind | null = null;
  private remote: ServerClient | null = null;
  private readonly listeners = new Set<(online: boolean) => void>();
  readonly passwords: PasswordVault;

  private constructor(
    private readonly platform: SessionPlatform,
    readonly deviceId: string,
  ) {
    this.passwords = new PasswordVault(platform.dataDir, platform.secrets);
  }

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
      this.kind = loadServerKind(this.account.db);
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
    this.kind = null;
    this.remote = null;
    this.token = null;
  }

  /** Records which kind of server the account in use is on (at login). */
  setKind(kind: ServerKind): void {
    if (!this.account) return;
    saveServerKind(this.account.db, kind);
    if (this.kind !== kind) this.remote = null;
    this.kind = kind;
  }

  /** The name the account's remembered password is kept under. */
  private get passwordKey(): string | null {
    return this.account ? accountKey(this.account.ref) : null;
  }

  /** Keeps the password in the OS secret store (or forgets it), as the user chose at login. */
  rememberPassword(password: string | null): void {
    const key = this.passwordKey;
    if (!key) return;
    if (password === null) this.passwords.forget(key);
    else this.passwords.save(key, password);
  }

  get passwordRemembered(): boolean {
    const key = this.passwordKey;
    return key !== null && this.passwords.has(key);
  }

  /**
   * Logs in again with the remembered password when the server ended the session: the new token,
   * or null (nothing remembered, or the server no longer takes it: then it is forgotten). The
   * client in use keeps going with the new token.
   */
  private async renew(): Promise<string | null> {
    const account = this.account;
    const key = this.passwordKey;
    const password = key ? this.passwords.load(key) : null;
    if (!account || !key || !password) return null;
    let token: string;
    try {
      token = await loginAgain(
        this.kind ?? 'gobs-sync',
        account.ref.serverUrl,
        account.ref.username,
        password,
        this.deviceId,
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_credentials') {
        this.passwords.forget(key);
        return null;
      }
      throw err;
    }
    if (this.account !== account) return null;
    this.token = token;
    const secrets = this.platform.secrets;
    saveSessionToken(account.db, secrets ? secrets.encrypt(token) : null);
    return token;
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
    this.remote ??= createClient(
      this.kind ?? 'gobs-sync',
      {
        baseUrl: account.ref.serverUrl,
        deviceId: this.deviceId,
        token: this.token,
        onOutcome: (o) => this.recordOutcome(o),
        renew: () => this.renew(),
      },
      {
        login: account.ref.username,
        seriesInfo: (key) => seriesEntry(account, key),
        heldIn: (uuid) => (account.db.open ? heldSeriesOf(account.db, uuid) : null),
      },
    );
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
      serverKind: this.account ? this.kind : null,
      passwordRemembered: this.passwordRemembered,
    };
  }
}

/** A Lizmap series as the store knows it (for its client: URLs and positional values). */
function seriesEntry(account: AccountStore, key: string): SeriesEntry | null {
  if (!account.db.open) return null;
  try {
    const def = getIndicatorDef(account.db, key);
    if (!def.series) return null;
    return {
      key,
      id: def.series.id,
      projectKey: def.series.projectKey,
      indicatorCode: def.serverCode,
      layerCode: def.layerCode,
      dateFormat: def.dateFormat,
      dimensions: def.dimensions,
    };
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') return null;
    throw err;
  }
}

function sameAccount(a: AccountRef, b: AccountRef): boolean {
  return a.serverUrl === b.serverUrl && a.username === b.username;
}

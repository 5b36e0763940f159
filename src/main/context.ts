/**
 * The state main holds for the renderer: the device id, the account in use (its store and its
 * HTTP client), the session token and what we last learnt about reachability. Handlers and the
 * sync engine read it; only the auth handlers switch accounts.
 */
import { randomUUID } from 'node:crypto';
import type { AuthStatus, IpcEvents } from '../shared/ipc';
import type { MainCoreOptions } from './core';
import { AppError } from './errors';
import {
  loadSessionToken,
  openAccountStore,
  saveSessionToken,
  type AccountRef,
  type AccountStore,
} from './store/account';
import { HttpClient } from './sync/http';

export class MainContext {
  account: AccountStore | null = null;
  /** The session token, in memory; persisted (encrypted) only when a SecretStore exists. */
  token: string | null = null;
  online = false;
  sessionExpired = false;
  private client: HttpClient | null = null;
  private readonly listeners = new Set<(online: boolean) => void>();

  private constructor(
    readonly options: MainCoreOptions,
    readonly deviceId: string,
  ) {}

  static create(options: MainCoreOptions): MainContext {
    let deviceId = options.settings.get('deviceId');
    if (!deviceId) {
      deviceId = randomUUID();
      options.settings.set('deviceId', deviceId);
    }
    const ctx = new MainContext(options, deviceId);
    const current = options.settings.get('currentAccount');
    if (current) ctx.useAccount(current);
    return ctx;
  }

  emit<E extends keyof IpcEvents>(event: E, payload: IpcEvents[E]): void {
    try {
      this.options.emit(event, payload);
    } catch (err) {
      console.error(`Could not emit ${event}`, err);
    }
  }

  /** Opens (or switches to) the store of an account and loads its saved session, if any. */
  useAccount(ref: AccountRef): AccountStore {
    if (this.account && !sameAccount(ref, this.account.ref)) this.closeAccount();
    if (!this.account) {
      this.account = openAccountStore(this.options.dataDir, ref);
      this.client = null;
      this.token = null;
      const saved = loadSessionToken(this.account.db);
      if (saved && this.options.secrets) {
        try {
          this.token = this.options.secrets.decrypt(saved);
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
        // SQLite's advice for long-lived connections: refresh planner statistics where they matter.
        this.account.db.pragma('optimize');
      } catch {
        // never block closing on it
      }
    }
    this.account?.db.close();
    this.account = null;
    this.client = null;
    this.token = null;
  }

  setToken(token: string | null): void {
    this.token = token;
    if (this.client) this.client.token = token;
    if (!this.account) return;
    const secrets = this.options.secrets;
    saveSessionToken(this.account.db, token && secrets ? secrets.encrypt(token) : null);
  }

  requireStore(): AccountStore {
    if (!this.account) throw new AppError('unauthorized', 'Log in to a G-Obs server first.');
    return this.account;
  }

  /** The HTTP client of the current account; requires a session. */
  http(): HttpClient {
    const account = this.requireStore();
    if (!this.token) throw new AppError('unauthorized', 'Log in again to reach the server.');
    this.client ??= new HttpClient({
      baseUrl: account.ref.serverUrl,
      deviceId: this.deviceId,
      token: this.token,
      onOutcome: (o) => this.recordOutcome(o),
    });
    return this.client;
  }

  recordOutcome(outcome: 'ok' | 'offline' | 'unauthorized'): void {
    const wasOnline = this.online;
    const wasExpired = this.sessionExpired;
    if (outcome === 'offline') this.online = false;
    else this.online = true;
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
      serverUrl: this.account?.ref.serverUrl ?? this.options.defaultServerUrl ?? null,
      username: this.account?.ref.username ?? null,
      deviceId: this.deviceId,
      loggedIn: this.token !== null,
      online: this.online,
      sessionPersisted: this.options.secrets !== null,
      sessionExpired: this.sessionExpired,
    };
  }
}

function sameAccount(a: AccountRef, b: AccountRef): boolean {
  return a.serverUrl === b.serverUrl && a.username === b.username;
}

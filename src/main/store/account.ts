/**
 * One store per server + user, so switching accounts never mixes data: each account has its
 * own folder holding the SQLite file, the attached media and the document cache.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerKind } from '../../shared/constants';
import { openStore, type Db } from './db';

export interface AccountRef {
  serverUrl: string;
  username: string;
}

export interface AccountStore {
  readonly ref: AccountRef;
  readonly key: string;
  readonly dir: string;
  readonly mediaDir: string;
  readonly documentsDir: string;
  readonly db: Db;
}

export function accountKey(ref: AccountRef): string {
  return createHash('sha256').update(`${ref.serverUrl}\n${ref.username.toLowerCase()}`).digest('hex').slice(0, 24);
}

export function accountDir(dataDir: string, ref: AccountRef): string {
  return join(dataDir, 'accounts', accountKey(ref));
}

/**
 * An account's store could not be opened (written by a newer version, corrupt, disk full...). It
 * names the account folder so start-up can offer to move it aside; the message is the cause's.
 */
export class StoreOpenError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly dir: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'StoreOpenError';
    this.code = (cause as { code?: unknown } | null)?.code as string | undefined;
  }
}

export function openAccountStore(dataDir: string, ref: AccountRef): AccountStore {
  const key = accountKey(ref);
  const dir = join(dataDir, 'accounts', key);
  const mediaDir = join(dir, 'media');
  const documentsDir = join(dir, 'documents');
  try {
    mkdirSync(mediaDir, { recursive: true });
    mkdirSync(documentsDir, { recursive: true });
    const db = openStore(join(dir, 'store.sqlite'));
    try {
      db.prepare(
        `INSERT INTO account (id, server_url, username) VALUES (1, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      ).run(ref.serverUrl, ref.username);
    } catch (err) {
      db.close();
      throw err;
    }
    return { ref, key, dir, mediaDir, documentsDir, db };
  } catch (err) {
    throw new StoreOpenError(dir, err);
  }
}

export function removeAccountFiles(store: AccountStore): void {
  rmSync(store.dir, { recursive: true, force: true });
}

export function saveSessionToken(db: Db, encrypted: Buffer | null): void {
  db.prepare('UPDATE account SET session_token = ?, last_login_at = coalesce(?, last_login_at) WHERE id = 1').run(
    encrypted,
    encrypted ? new Date().toISOString() : null,
  );
}

export function loadSessionToken(db: Db): Buffer | null {
  const row = db.prepare('SELECT session_token FROM account WHERE id = 1').get() as
    { session_token: Buffer | null } | undefined;
  return row?.session_token ?? null;
}

/** Which kind of server the account is on (set at login, read when the app starts offline). */
export function saveServerKind(db: Db, kind: ServerKind): void {
  db.prepare('UPDATE account SET server_kind = ? WHERE id = 1').run(kind);
}

export function loadServerKind(db: Db): ServerKind {
  const row = db.prepare('SELECT server_kind FROM account WHERE id = 1').get() as
    { server_kind: ServerKind } | undefined;
  return row?.server_kind ?? 'gobs-sync';
}

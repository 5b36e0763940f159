/**
 * Log in, log out, forget: the account lifecycle. The password is only ever sent to the server;
 * the token is kept as the session decides (encrypted on disk, or in memory only).
 */
import type { AuthStatus, LoginArgs } from '../shared/ipc';
import { AppError } from './errors';
import { insecureOrigin } from './platform/links';
import type { SettingsStore } from './platform/options';
import { connect } from './remote';
import type { Session } from './session';
import { removeAccountFiles } from './store/account';
import { pendingCount } from './store/statements';

export async function loginAndUse(ctx: Session, settings: SettingsStore, args: LoginArgs): Promise<AuthStatus> {
  // Before anything is sent: a password must not cross the network in clear unless the user said so.
  const insecure = insecureOrigin(args.serverUrl);
  const accepted = settings.get('insecureServers') ?? [];
  if (insecure && !accepted.includes(insecure) && !args.allowInsecure) {
    throw new AppError(
      'insecure_connection',
      `${insecure} is not encrypted (http): your password and your data would travel in clear. Confirm to connect anyway.`,
      'serverUrl',
    );
  }
  const { kind, baseUrl, token } = await connect(args.serverUrl, args.username, args.password, ctx.deviceId);
  if (insecure && !accepted.includes(insecure)) settings.set('insecureServers', [...accepted, insecure]);
  const ref = { serverUrl: baseUrl, username: args.username.trim() };
  ctx.useAccount(ref);
  ctx.setKind(kind);
  ctx.setToken(token);
  // Only ever in the OS secret store, and only when the user asked for it (and there is one).
  ctx.rememberPassword(args.rememberPassword && ctx.passwords.available ? args.password : null);
  settings.set('currentAccount', ref);
  ctx.sessionExpired = false;
  ctx.recordOutcome('ok');
  const status = ctx.status();
  ctx.emit('auth.changed', status);
  return status;
}

/** Ends the server session (best effort when offline) and forgets the token; local data stays. */
export async function logout(ctx: Session): Promise<AuthStatus> {
  if (ctx.account && ctx.token) {
    try {
      await ctx.client().logout();
    } catch (err) {
      // Offline: the token is dropped here anyway and expires on the server by itself.
      if (!(err instanceof AppError)) throw err;
    }
  }
  ctx.setToken(null);
  // Logging out means not being logged in again by the app.
  ctx.rememberPassword(null);
  ctx.sessionExpired = false;
  const status = ctx.status();
  ctx.emit('auth.changed', status);
  return status;
}

/** Forgets the remembered password; the session goes on until the server ends it. */
export function forgetPassword(ctx: Session): AuthStatus {
  ctx.rememberPassword(null);
  const status = ctx.status();
  ctx.emit('auth.changed', status);
  return status;
}

export function countUnsynced(ctx: Session): number {
  const db = ctx.account?.db;
  if (!db) return 0;
  return pendingCount(db);
}

/** Deletes the account's local store. Refuses while changes wait to be sent, unless forced. */
export async function forget(ctx: Session, settings: SettingsStore, force: boolean): Promise<AuthStatus> {
  const account = ctx.account;
  if (!account) return ctx.status();
  const pending = countUnsynced(ctx);
  if (pending > 0 && !force) {
    throw new AppError(
      'conflict',
      `${pending} change${pending === 1 ? ' has' : 's have'} not been sent to the server yet. Sync first, or confirm to delete them.`,
    );
  }
  if (ctx.token) await logout(ctx);
  ctx.rememberPassword(null);
  ctx.closeAccount();
  removeAccountFiles(account);
  settings.set('currentAccount', null);
  ctx.sessionExpired = false;
  ctx.online = false;
  const status = ctx.status();
  ctx.emit('auth.changed', status);
  return status;
}

/**
 * Log in, log out, forget: the account lifecycle. The password is only ever sent to the server;
 * the token is kept as MainContext decides (encrypted on disk, or in memory only).
 */
import { LoginResult } from '../shared/api';
import type { AuthStatus, LoginArgs } from '../shared/ipc';
import type { MainContext } from './context';
import { AppError } from './errors';
import { pendingCount } from './store/statements';
import { removeAccountFiles } from './store/account';
import { HttpClient, mapNetworkError } from './sync/http';

export function normaliseServerUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** Tries the URL as typed, then with `/api` appended, so users may type the server's address. */
export async function login(ctx: MainContext, args: LoginArgs): Promise<{ baseUrl: string; token: string }> {
  const typed = normaliseServerUrl(args.serverUrl);
  const candidates = /\/api$/i.test(typed) ? [typed] : [typed, `${typed}/api`];
  let lastError: AppError | null = null;
  for (const baseUrl of candidates) {
    const client = new HttpClient({ baseUrl, deviceId: ctx.deviceId, timeoutMs: 15_000 });
    let res;
    try {
      res = await client.raw('post', '/user/login', {
        body: { username: args.username, password: args.password },
        accept: [400, 401, 403, 404, 405],
      });
    } catch (err) {
      throw err instanceof AppError ? err : mapNetworkError(err, baseUrl);
    }
    if (res.status === 404 || res.status === 405) {
      lastError = new AppError('bad_server', `No G-Obs server answers at ${typed}. Check the address.`, 'serverUrl');
      continue;
    }
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new AppError('invalid_credentials', 'Invalid username or password.', 'password');
    }
    const parsed = LoginResult.safeParse(res.data);
    if (!parsed.success) {
      lastError = new AppError('bad_server', `The server at ${typed} does not look like a G-Obs server.`, 'serverUrl');
      continue;
    }
    return { baseUrl, token: parsed.data.token };
  }
  throw lastError ?? new AppError('bad_server', `No G-Obs server answers at ${typed}.`, 'serverUrl');
}

export async function loginAndUse(ctx: MainContext, args: LoginArgs): Promise<AuthStatus> {
  const { baseUrl, token } = await login(ctx, args);
  const ref = { serverUrl: baseUrl, username: args.username.trim() };
  ctx.useAccount(ref);
  ctx.setToken(token);
  ctx.options.settings.set('currentAccount', ref);
  ctx.sessionExpired = false;
  ctx.recordOutcome('ok');
  const status = ctx.status();
  ctx.emit('auth.changed', status);
  return status;
}

/** Ends the server session (best effort when offline) and forgets the token; local data stays. */
export async function logout(ctx: MainContext): Promise<AuthStatus> {
  if (ctx.account && ctx.token) {
    try {
      await ctx.http().raw('get', '/user/logout', { accept: [401] });
    } catch (err) {
      // Offline: the token is dropped here anyway and expires on the server by itself.
      if (!(err instanceof AppError)) throw err;
    }
  }
  ctx.setToken(null);
  ctx.sessionExpired = false;
  const status = ctx.status();
  ctx.emit('auth.changed', status);
  return status;
}

export function countUnsynced(ctx: MainContext): number {
  const db = ctx.account?.db;
  if (!db) return 0;
  return pendingCount(db);
}

/** Deletes the account's local store. Refuses while changes wait to be sent, unless forced. */
export async function forget(ctx: MainContext, force: boolean): Promise<AuthStatus> {
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
  ctx.closeAccount();
  removeAccountFiles(account);
  ctx.options.settings.set('currentAccount', null);
  ctx.sessionExpired = false;
  ctx.online = false;
  const status = ctx.status();
  ctx.emit('auth.changed', status);
  return status;
}

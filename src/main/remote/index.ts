/**
 * The kinds of server the desktop speaks to, and how a login finds which one answers at an
 * address. Adding a kind: implement `ServerClient` (types.ts), give it a `login` here, and list it
 * in `KINDS` (docs/ARCHITECTURE.md, "A second kind of server").
 */
import { LoginResult } from '../../shared/api';
import { AppError } from '../errors';
import { GobsClient } from './gobs';
import { HttpClient, mapNetworkError, type HttpOptions } from './http';
import type { ServerClient, ServerKind } from './types';

export interface Connection {
  kind: ServerKind;
  /** The API base URL the client talks to (e.g. the typed address plus /api). */
  baseUrl: string;
  token: string;
}

export function createClient(kind: ServerKind, options: HttpOptions): ServerClient {
  switch (kind) {
    case 'gobs-sync':
      return new GobsClient(new HttpClient(options));
  }
}

export function normaliseServerUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/**
 * Logs in to our sync server. Tries the URL as typed, then with `/api` appended, so users may type
 * the server's address. Returns null when no G-Obs sync API answers there (another kind may).
 */
async function loginGobs(
  typed: string,
  username: string,
  password: string,
  deviceId: string,
): Promise<Connection | AppError> {
  const candidates = /\/api$/i.test(typed) ? [typed] : [typed, `${typed}/api`];
  let lastError: AppError | null = null;
  for (const baseUrl of candidates) {
    const client = new HttpClient({ baseUrl, deviceId, timeoutMs: 15_000 });
    let res;
    try {
      res = await client.raw('post', '/user/login', {
        body: { username, password },
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
    return { kind: 'gobs-sync', baseUrl, token: parsed.data.token };
  }
  return lastError ?? new AppError('bad_server', `No G-Obs server answers at ${typed}.`, 'serverUrl');
}

const KINDS: ((
  typed: string,
  username: string,
  password: string,
  deviceId: string,
) => Promise<Connection | AppError>)[] = [loginGobs];

/** Finds the kind of G-Obs server at the address and logs in; precise errors when none answers. */
export async function connect(
  serverUrl: string,
  username: string,
  password: string,
  deviceId: string,
): Promise<Connection> {
  const typed = normaliseServerUrl(serverUrl);
  let lastError: AppError | null = null;
  for (const login of KINDS) {
    const outcome = await login(typed, username, password, deviceId);
    if (!(outcome instanceof AppError)) return outcome;
    lastError = outcome;
  }
  throw lastError ?? new AppError('bad_server', `No G-Obs server answers at ${typed}.`, 'serverUrl');
}

/**
 * The kinds of server the desktop speaks to, and how a login finds which one answers at an
 * address. Adding a kind: implement `ServerClient` (types.ts), give it a login here, and probe for
 * it in `connect` (docs/ARCHITECTURE.md, "A second kind of server").
 */
import { LoginResult } from '../../shared/api';
import { AppError } from '../errors';
import { GobsClient } from './gobs';
import { HttpClient, mapNetworkError, ServerError, type HttpOptions } from './http';
import { LizmapClient, lizmapSessionRefused, type LizmapClientOptions } from './lizmap/client';
import { LizmapLogin } from './lizmap/wire';
import type { ServerClient, ServerKind } from './types';

export interface Connection {
  kind: ServerKind;
  /** The API base URL the client talks to (e.g. the typed address plus /api, or …/gobsapi.php). */
  baseUrl: string;
  token: string;
}

export function createClient(
  kind: ServerKind,
  options: HttpOptions,
  lizmap: LizmapClientOptions = { login: '' },
): ServerClient {
  switch (kind) {
    case 'gobs-sync':
      return new GobsClient(new HttpClient(options));
    case 'lizmap-gobs':
      return new LizmapClient(
        new HttpClient({ ...options, auth: 'bearer', sendDeviceId: false, sessionRefused: lizmapSessionRefused }),
        lizmap,
      );
  }
}

export function normaliseServerUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/**
 * Logs in to our sync server. Tries the URL as typed, then with `/api` appended, so users may type
 * the server's address. Returns an error when no G-Obs sync API answers there (another kind may).
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

/** What answers at an address on Lizmap's side: its G-Obs module, a Lizmap without it, or neither. */
type LizmapProbe = { kind: 'gobs'; baseUrl: string } | { kind: 'lizmap-only' } | { kind: 'none' };

const PROBE_TIMEOUT_MS = 15_000;

/** A GET without credentials; the JSON object it answers with, or null (other status, not JSON). */
async function probeJson(typed: string, url: string): Promise<Record<string, unknown> | null> {
  // HttpClient: a kept-alive connection closed meanwhile is retried, and failures name the address typed.
  const http = new HttpClient({ baseUrl: typed, deviceId: '', sendDeviceId: false, timeoutMs: PROBE_TIMEOUT_MS });
  let data: unknown;
  try {
    data = (await http.raw('get', url, {})).data;
  } catch (err) {
    if (err instanceof ServerError) return null;
    throw err;
  }
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
}

const isLizmapMetadata = (data: Record<string, unknown> | null) =>
  data !== null && typeof data['info'] === 'object' && data['info'] !== null;

/**
 * Lizmap's G-Obs module answers `gobsapi.php/lizmap/metadata` with Lizmap's metadata; Lizmap
 * itself answers `index.php/view/app/metadata`. Users may type the site, its index.php or the
 * module's entry point.
 */
async function probeLizmap(typed: string): Promise<LizmapProbe> {
  const site = typed.replace(/\/gobsapi\.php$/i, '').replace(/\/index\.php(\/.*)?$/i, '');
  const baseUrl = `${site}/gobsapi.php`;
  if (isLizmapMetadata(await probeJson(typed, `${baseUrl}/lizmap/metadata`))) return { kind: 'gobs', baseUrl };
  if (isLizmapMetadata(await probeJson(typed, `${site}/index.php/view/app/metadata`))) return { kind: 'lizmap-only' };
  return { kind: 'none' };
}

/** Logs in to a Lizmap G-Obs server with HTTP Basic (the password never goes in a URL). */
export async function loginLizmap(baseUrl: string, username: string, password: string): Promise<string> {
  const http = new HttpClient({ baseUrl, deviceId: '', timeoutMs: 15_000, sendDeviceId: false });
  const basic = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  const res = await http.raw('get', '/user/login', {
    headers: { Authorization: `Basic ${basic}` },
    accept: [400, 401, 403],
  });
  if (res.status !== 200) throw new AppError('invalid_credentials', 'Invalid username or password.', 'password');
  const parsed = LizmapLogin.safeParse(res.data);
  if (!parsed.success) {
    throw new AppError('bad_server', `The G-Obs module at ${baseUrl} answered the login unexpectedly.`, 'serverUrl');
  }
  return parsed.data.token;
}

/** Logs in again at a known address of a known kind (a remembered password renewing a session). */
export async function loginAgain(
  kind: ServerKind,
  baseUrl: string,
  username: string,
  password: string,
  deviceId: string,
): Promise<string> {
  if (kind === 'lizmap-gobs') return loginLizmap(baseUrl, username, password);
  const http = new HttpClient({ baseUrl, deviceId, timeoutMs: 15_000 });
  const res = await http.raw('post', '/user/login', { body: { username, password }, accept: [400, 401, 403] });
  const parsed = LoginResult.safeParse(res.data);
  if (res.status !== 200 || !parsed.success) {
    throw new AppError('invalid_credentials', 'Invalid username or password.', 'password');
  }
  return parsed.data.token;
}

/** Finds the kind of G-Obs server at the address and logs in; precise errors when none answers. */
export async function connect(
  serverUrl: string,
  username: string,
  password: string,
  deviceId: string,
): Promise<Connection> {
  const typed = normaliseServerUrl(serverUrl);
  let lizmap: LizmapProbe;
  try {
    lizmap = await probeLizmap(typed);
  } catch (err) {
    throw err instanceof AppError ? err : mapNetworkError(err, typed);
  }
  if (lizmap.kind === 'gobs') {
    return {
      kind: 'lizmap-gobs',
      baseUrl: lizmap.baseUrl,
      token: await loginLizmap(lizmap.baseUrl, username, password),
    };
  }
  const ours = await loginGobs(typed, username, password, deviceId);
  if (!(ours instanceof AppError)) return ours;
  if (lizmap.kind === 'lizmap-only') {
    throw new AppError(
      'bad_server',
      `${typed} is a Lizmap server without the G-Obs module (gobsapi.php does not answer). Ask its administrator to install the module.`,
      'serverUrl',
    );
  }
  throw ours;
}

/**
 * The HTTP client of one account: axios with the session (as the design's cookie) and the
 * device UUID on every request, and every failure mapped to an AppError the UI understands.
 * Server bodies are validated with the shared zod schemas before anything trusts them.
 */
import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import { z } from 'zod';
import { ApiResponse, DEVICE_HEADER, SESSION_COOKIE } from '../../shared/api';
import { AppError } from '../errors';

/** File transfers (photos, documents) may take minutes on field connections. */
export const TRANSFER_TIMEOUT_MS = 5 * 60_000;

export interface HttpOptions {
  baseUrl: string;
  deviceId: string;
  token?: string | null;
  timeoutMs?: number;
  /** Told the outcome of every request: reachability and session validity are tracked from real traffic. */
  onOutcome?: (outcome: 'ok' | 'offline' | 'unauthorized') => void;
  /** How the token travels: our server's session cookie (the design's), or `Authorization: Bearer` (Lizmap). */
  auth?: 'cookie' | 'bearer';
  /** Whether the device UUID goes with every request (our protocol needs it; a Lizmap server does not). */
  sendDeviceId?: boolean;
  /**
   * Which 401 answers mean the session is over (default: every one, as on our server). A Lizmap
   * server also answers 401 for "not the author" and "outside your area".
   */
  sessionRefused?: (res: AxiosResponse) => boolean;
  /**
   * Logs in again with the password the OS secret store keeps (when the user chose so) and returns
   * the new token, or null; a request refused for its session is then sent once more.
   */
  renew?: () => Promise<string | null>;
}

export interface RequestOptions<S extends z.ZodType> {
  schema: S;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Statuses returned to the caller instead of thrown (e.g. 409 for conflicts). */
  accept?: readonly number[];
  responseType?: 'json' | 'arraybuffer';
  /** Overrides the client's timeout (e.g. a quick reachability check at start). */
  timeoutMs?: number;
}

export interface HttpResult<T> {
  status: number;
  data: T;
  headers: Record<string, string | undefined>;
}

/** Error carrying the raw server answer, for callers that need more than the message (400 per-item errors). */
export class ServerError extends AppError {
  constructor(
    code: ConstructorParameters<typeof AppError>[0],
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(code, message);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);

export class HttpClient {
  private readonly ax: AxiosInstance;
  token: string | null;

  constructor(readonly options: HttpOptions) {
    this.token = options.token ?? null;
    this.ax = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? 30_000,
      validateStatus: () => true,
      maxRedirects: 0,
      // Large pull batches and media are bounded by the server; this only stops a runaway peer.
      maxContentLength: 64 * 1024 * 1024,
      maxBodyLength: 64 * 1024 * 1024,
      transitional: { clarifyTimeoutError: true },
    });
  }

  async request<S extends z.ZodType>(
    method: Method,
    path: string,
    opts: RequestOptions<S>,
  ): Promise<HttpResult<z.infer<S>>> {
    const res = await this.raw(method, path, opts);
    const parsed = opts.schema.safeParse(res.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        'bad_server',
        `The server sent an unexpected answer to ${method.toUpperCase()} ${path} (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}).`,
      );
    }
    return { status: res.status, data: parsed.data, headers: normaliseHeaders(res) };
  }

  /** Like request() but without body validation (binary downloads, multipart uploads). */
  async raw(
    method: Method,
    path: string,
    opts: Omit<RequestOptions<z.ZodType>, 'schema'> & { schema?: unknown },
  ): Promise<AxiosResponse> {
    // A link to another site (a document, an illustration) says nothing of our server or our
    // session: its answers neither end the session nor change whether the server is reachable.
    const ours = isOurs(path, this.options.baseUrl);
    const sessionOver = (r: AxiosResponse) => ours && r.status === 401 && (this.options.sessionRefused?.(r) ?? true);
    let res = await this.exchange(method, path, opts);
    if (sessionOver(res) && this.options.renew) {
      // The session ended and the user let the OS keep the password: log in again, send once more.
      const token = await this.renewOnce();
      if (token) res = await this.exchange(method, path, opts);
    }
    const stillRefused = sessionOver(res);
    if (ours) {
      if (stillRefused) this.options.onOutcome?.('unauthorized');
      else if (res.status === 502 || res.status === 503 || res.status === 504) this.options.onOutcome?.('offline');
      // A 429 or a 500 comes from the server itself: it is reachable (the status line says so), while
      // the request is retried later like a lost connection (statusError).
      else this.options.onOutcome?.('ok');
    }
    if (res.status >= 200 && res.status < 300) return res;
    if (opts.accept?.includes(res.status)) return res;
    if (!ours) {
      // Another site's refusal or trouble is about that file alone: the sync goes on without it.
      const site = new URL(path).origin;
      if (res.status === 401 || res.status === 403)
        throw new ServerError(
          'forbidden',
          `${site} refused access to this file (${res.status}).`,
          res.status,
          res.data,
        );
      throw new ServerError(
        'not_found',
        `${site} answered ${res.status} for this file; it is tried again at the next sync.`,
        res.status,
        res.data,
      );
    }
    if (res.status === 401 && !stillRefused) {
      // A refusal that is not about the session (a Lizmap server: "not the author", "outside your area").
      throw new ServerError('forbidden', serverMessage(res.data) ?? 'The server does not allow this.', 401, res.data);
    }
    throw statusError(res);
  }

  private renewing: Promise<string | null> | null = null;

  /** Requests refused together share one new login. */
  private renewOnce(): Promise<string | null> {
    const renew = this.options.renew;
    if (!renew) return Promise.resolve(null);
    this.renewing ??= renew()
      .then((token) => {
        if (token) this.token = token;
        return token;
      })
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }

  /** One request and its answer, whatever the status; network failures are mapped (and reported). */
  private async exchange(
    method: Method,
    path: string,
    opts: Omit<RequestOptions<z.ZodType>, 'schema'>,
  ): Promise<AxiosResponse> {
    const headers: Record<string, string> = {
      ...(this.options.sendDeviceId === false ? {} : { [DEVICE_HEADER]: this.options.deviceId }),
      Accept: 'application/json',
      ...opts.headers,
    };
    // Absolute URLs (document and media links) get the session only on the server's own origin.
    if (this.token && isOurs(path, this.options.baseUrl)) {
      if (this.options.auth === 'bearer') headers['Authorization'] = `Bearer ${this.token}`;
      else headers.Cookie = `${SESSION_COOKIE}=${this.token}`;
    }
    const send = () =>
      this.ax.request({
        method,
        url: path,
        params: opts.query,
        data: opts.body,
        headers,
        signal: opts.signal,
        responseType: opts.responseType ?? 'json',
        ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
      });
    try {
      try {
        return await send();
      } catch (err) {
        // A kept-alive connection the server closed meanwhile (e.g. it restarted) fails at once on
        // reuse; like browsers, retry such a request once on a fresh connection. Every request of
        // the protocol is safe to repeat (pushes are idempotent by uuid, updates carry their base).
        if (!isStaleSocket(err)) throw err;
        return await send();
      }
    } catch (err) {
      const mapped = mapNetworkError(err, this.options.baseUrl);
      if (mapped.code !== 'offline') throw mapped;
      if (isOurs(path, this.options.baseUrl)) {
        this.options.onOutcome?.('offline');
        throw mapped;
      }
      // Another site down (a document's host): a missing file, not a reason to stop syncing.
      throw new AppError(
        'not_found',
        `${new URL(path).origin} cannot be reached; the file is tried again at the next sync.`,
      );
    }
  }
}

function isStaleSocket(err: unknown): boolean {
  const e = err as { code?: string; request?: { reusedSocket?: boolean } };
  return (e.code === 'ECONNRESET' || e.code === 'EPIPE') && e.request?.reusedSocket === true;
}

/** A path of the server, or an absolute link on its origin (not another site's). */
function isOurs(path: string, baseUrl: string): boolean {
  return !/^https?:\/\//i.test(path) || sameOrigin(path, baseUrl);
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function normaliseHeaders(res: AxiosResponse): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(res.headers ?? {})) out[k.toLowerCase()] = v == null ? undefined : String(v);
  return out;
}

export function mapNetworkError(err: unknown, baseUrl: string): AppError {
  if (axios.isCancel(err) || (err instanceof Error && (err.name === 'CanceledError' || err.name === 'AbortError'))) {
    return new AppError('cancelled', 'Cancelled.');
  }
  const code = (err as { code?: string }).code;
  if (code && (NETWORK_CODES.has(code) || code.startsWith('E'))) {
    return new AppError('offline', `The server at ${baseUrl} cannot be reached (${code}).`);
  }
  return new AppError('offline', `The server at ${baseUrl} cannot be reached.`);
}

function serverMessage(data: unknown): string | null {
  let body = data;
  if (Buffer.isBuffer(body)) {
    try {
      body = JSON.parse(body.toString('utf8'));
    } catch {
      return null;
    }
  }
  const parsed = ApiResponse.safeParse(body);
  if (parsed.success) return parsed.data.message;
  // A Lizmap G-Obs server writes `status` where ours writes `type`.
  const lizmap = ApiResponse.omit({ type: true }).extend({ status: z.string() }).safeParse(body);
  return lizmap.success ? lizmap.data.message : null;
}

export function statusError(res: AxiosResponse): ServerError {
  const msg = serverMessage(res.data);
  const s = res.status;
  if (s === 401) return new ServerError('unauthorized', 'Your session has expired: please log in again.', s, res.data);
  if (s === 403)
    return new ServerError('forbidden', msg ?? 'You are not allowed to do this on the server.', s, res.data);
  if (s === 404) return new ServerError('not_found', msg ?? 'Not found on the server.', s, res.data);
  if (s === 409) return new ServerError('conflict', msg ?? 'The server holds a different version.', s, res.data);
  if (s === 400 || s === 413 || s === 422)
    return new ServerError('rejected', msg ?? `The server refused the request (${s}).`, s, res.data);
  // Temporary by nature (a database restarting, an overloaded server, a gateway before it, a rate
  // limit): retried later like a lost connection, never reported as a broken server.
  if (s === 429 || s === 500 || s === 502 || s === 503 || s === 504)
    return new ServerError(
      'offline',
      `The server is temporarily unavailable (${s}${msg ? `: ${msg}` : ''}); try again later.`,
      s,
      res.data,
    );
  return new ServerError('bad_server', msg ?? `The server answered with an unexpected status ${s}.`, s, res.data);
}

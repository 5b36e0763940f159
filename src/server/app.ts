import Fastify, { type FastifyInstance, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import http from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { DEVICE_HEADER, MEDIA_MAX_BYTES, SESSION_COOKIE } from '../shared/api.js';
import { type Db } from './db/types.js';
import { isDatabaseUnavailable } from './db/errors.js';
import { findSession, DEFAULT_SESSION_TTL_MS } from './auth/sessions.js';
import { DbLoginThrottle, LoginThrottle, type ThrottleOptions } from './auth/throttle.js';
import { type ServerContext } from './context.js';
import { HttpError, apiError } from './errors.js';
import { type LogOptions, loggerOptions, redactUrl } from './logging.js';
import { loadSecret } from './secret.js';
import { purge } from './admin/purge.js';
import { parseDeviceUuid } from './protocol/devices.js';
import { userRoutes } from './routes/user.js';
import { projectRoutes } from './routes/project.js';
import { indicatorRoutes } from './routes/indicator.js';
import { observationRoutes } from './routes/observation.js';
import { mediaRoutes } from './routes/media.js';
import { syncRoutes } from './routes/sync.js';

export interface BuildServerOptions {
  db: Db;
  /** Key signing sync tokens; read from (or created in) the database when omitted. */
  secret?: string;
  /**
   * The API's public base URL (…/api) as clients reach it, e.g. behind a TLS proxy: links in answers
   * are built from it, and an https one makes the session cookie Secure. Without it, links use the
   * address the server listens on.
   */
  publicUrl?: string;
  /**
   * Fastify's trustProxy: which proxies' X-Forwarded-For/-Proto to believe (client address for
   * login throttling, https for the cookie). Off by default: those headers are the client's to forge.
   */
  trustProxy?: boolean | string | string[] | number;
  sessionTtlMs?: number;
  /** Request logging (pino): false/absent = none. */
  logger?: boolean | LogOptions;
  /** Called once per answered request with "METHOD url status time" (serve --trace). */
  trace?: (line: string) => void;
  /** Largest JSON body; 1000 observations fit comfortably. */
  bodyLimit?: number;
  /** Failed-login throttling settings (tests shorten or clock them). */
  loginThrottle?: Partial<ThrottleOptions>;
  /** Purge expired sessions and stale sync batches this often while listening (serve: hourly). */
  purgeEveryMs?: number;
}

export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;
/** Seconds a client should wait before retrying while the database is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildServer(opts: BuildServerOptions): Promise<FastifyInstance> {
  const publicBase = opts.publicUrl ? normalisePublicUrl(opts.publicUrl) : null;
  const logger = opts.logger ? loggerOptions(opts.logger === true ? {} : opts.logger) : false;
  const app = Fastify({
    logger,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Device UUIDs and tokens travel in headers; keep them small.
    routerOptions: { maxParamLength: 200 },
    trustProxy: opts.trustProxy ?? false,
    // Answered by the closing hook below, in the ApiResponse shape.
    return503OnClosing: false,
    frameworkErrors: (err, _request, reply: FastifyReply) => {
      void reply
        .code(400)
        .send(apiError(err.code === 'FST_ERR_BAD_URL' ? 'Malformed URL (bad percent-encoding)' : 'Bad request'));
    },
    clientErrorHandler: (err, socket) => answerClientError(err, socket as Socket),
  });
  const ctx: ServerContext = {
    db: opts.db,
    secret: opts.secret ?? (await loadSecret(opts.db)),
    sessionTtlMs: opts.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
    apiBase: () => publicBase ?? listeningBase(app.server.address()),
  };
  // PGlite has one process per data folder; on PostgreSQL every process shares the counters.
  const throttle =
    opts.db.engine === 'postgres'
      ? new DbLoginThrottle(opts.db, opts.loginThrottle)
      : new LoginThrottle(opts.loginThrottle);
  // Only the origin the public URL names, or else the one the browser says it is talking to, may
  // write with the session cookie.
  const ownOrigin = (request: FastifyRequest) =>
    publicBase ? new URL(publicBase).origin : normaliseOrigin(`${request.protocol}://${request.host}`);
  const secureCookie = (request: FastifyRequest) =>
    publicBase ? publicBase.startsWith('https:') : request.protocol === 'https';

  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: MEDIA_MAX_BYTES, files: 1, fields: 10, parts: 20 } });

  // The route table, for the OpenAPI contract test and for operators (`GET` + `HEAD` pairs collapse).
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
  });
  app.decorate('gobsRoutes', routes);
  const trace = opts.trace;
  if (trace) {
    app.addHook('onResponse', async (request, reply) => {
      trace(`${request.method} ${redactUrl(request.url)} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`);
    });
  }
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('Connection', 'close');
    throw new HttpError(503, 'The server is shutting down; try again shortly', {}, { 'Retry-After': '1' });
  });
  if (opts.purgeEveryMs) schedulePurge(app, ctx.db, opts.purgeEveryMs);
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('sessionFrom', null);
  app.decorateRequest('deviceUuid', null);

  app.setErrorHandler((err: FastifyError | HttpError | Error, request, reply) => {
    if (err instanceof HttpError) {
      for (const [name, value] of Object.entries(err.headers)) reply.header(name, value);
      return reply.code(err.statusCode).send(apiError(err.message, err.extra));
    }
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ err }, 'database unavailable');
      reply.header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
      return reply.code(503).send(apiError('The database is unavailable; try again shortly'));
    }
    // Data errors from the database (class 22: bad encoding, NUL bytes, out-of-range values) are
    // the client's input reaching SQL; validation should catch them first, this is the safety net.
    const sqlState = (err as { code?: unknown }).code;
    if (typeof sqlState === 'string' && /^22[0-9A-Z]{3}$/.test(sqlState)) {
      return reply.code(400).send(apiError('Invalid value in request'));
    }
    const status = (err as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply.code(status).send(apiError(clientMessage(err as FastifyError)));
    }
    request.log.error(err);
    return reply.code(500).send(apiError('Internal server error'));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(apiError(`Route ${request.method} ${request.url.split('?')[0]} not found`));
  });

  await app.register(
    async (api) => {
      api.addHook('onRequest', async (request) => {
        if (request.routeOptions.config?.public) return;
        const fromBearer = bearer(request.headers.authorization);
        const token = fromBearer ?? request.cookies[SESSION_COOKIE] ?? null;
        const user = token ? await findSession(ctx.db, token) : null;
        if (!user) throw new HttpError(401, 'Access token is missing or invalid');
        request.user = user;
        request.sessionToken = token;
        request.sessionFrom = fromBearer ? 'bearer' : 'cookie';
        // A browser sends the cookie along with requests other sites make it send; only a bearer
        // token proves the caller chose this server. Non-browser clients send no Origin.
        if (request.sessionFrom === 'cookie' && UNSAFE_METHODS.has(request.method)) {
          const from = requestOrigin(request);
          if (from !== null && from !== ownOrigin(request)) {
            throw new HttpError(403, `Cross-origin request refused: ${from} may not write with this server's cookie`);
          }
        }
        // Checked on every route; the device is registered only by a valid pull or write.
        request.deviceUuid = parseDeviceUuid(request.headers[DEVICE_HEADER.toLowerCase()]);
      });
      await userRoutes(api, ctx, { throttle, secureCookie });
      await projectRoutes(api, ctx);
      await indicatorRoutes(api, ctx);
      await syncRoutes(api, ctx);
      await observationRoutes(api, ctx);
      await mediaRoutes(api, ctx);
    },
    { prefix: '/api' },
  );
  return app;
}

/** Purges at start and then every `everyMs` until the server closes; a failure is logged and retried next time. */
function schedulePurge(app: FastifyInstance, db: Db, everyMs: number): void {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= purge(db)
      .then((r) => {
        if (r.sessions || r.batches || r.files)
          app.log.info({ purged: r }, 'purged expired sessions, stale sync batches, unreferenced files');
      })
      .catch((err: unknown) => app.log.warn({ err }, 'purge failed; will retry'))
      .finally(() => {
        running = null;
      });
  };
  app.addHook('onListen', async () => {
    run();
    timer = setInterval(run, everyMs);
    timer.unref();
  });
  app.addHook('preClose', async () => {
    if (timer) clearInterval(timer);
    await running;
  });
}

/** Checks and normalises --public-url: an absolute http(s) URL, without query or fragment. */
export function normalisePublicUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`invalid public URL ${raw}: expected an absolute URL such as https://gobs.example.org/api`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username) {
    throw new Error(`invalid public URL ${raw}: expected http(s)://host[:port]/path without query, fragment or user`);
  }
  return url.toString().replace(/\/+$/, '');
}

function listeningBase(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') return 'http://localhost/api';
  const host = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}/api`;
}

/** The Origin header, else the Referer's origin; null when neither is sent; 'null' or garbage stays foreign. */
function requestOrigin(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== '') return normaliseOrigin(origin);
  const referer = request.headers.referer;
  if (typeof referer === 'string' && referer !== '') return normaliseOrigin(referer);
  return null;
}

/** scheme://host[:port] in its canonical form (lower case, default port dropped); 'null' when not a URL. */
function normaliseOrigin(url: string): string {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? 'null' : origin;
  } catch {
    return 'null';
  }
}

function bearer(header: string | undefined): string | null {
  const m = header?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1] ?? null;
}

function clientMessage(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return `Invalid JSON body: ${err.message}`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return 'Request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type';
    default:
      return err.message;
  }
}

/**
 * Errors the HTTP parser meets before a request exists (oversized headers, malformed request lines,
 * bad Content-Length): answered in the ApiResponse shape too, then the connection is closed.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request timed out']
        : [400, 'Malformed HTTP request'];
  const body = JSON.stringify(apiError(message));
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fs from 'node:fs';
import { MEDIA_MAX_BYTES, SESSION_COOKIE } from '../shared/api.js';
import { type Db } from './db/types.js';
import { findSession, DEFAULT_SESSION_TTL_MS } from './auth/sessions.js';
import { type ServerContext } from './context.js';
import { HttpError, apiError } from './errors.js';
import { loadSecret } from './secret.js';
import { deviceUuid, touchDevice } from './protocol/devices.js';
import { userRoutes } from './routes/user.js';
import { projectRoutes } from './routes/project.js';
import { indicatorRoutes } from './routes/indicator.js';
import { observationRoutes } from './routes/observation.js';
import { mediaRoutes } from './routes/media.js';

export interface BuildServerOptions {
  db: Db;
  mediaDir: string;
  /** Key signing sync tokens; read from (or created in) the database when omitted. */
  secret?: string;
  publicUrl?: string;
  sessionTtlMs?: number;
  logger?: boolean;
  /** Called once per answered request with "METHOD url status time" (serve --trace). */
  trace?: (line: string) => void;
  /** Largest JSON body; 1000 observations fit comfortably. */
  bodyLimit?: number;
}

export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;

export async function buildServer(opts: BuildServerOptions): Promise<FastifyInstance> {
  fs.mkdirSync(opts.mediaDir, { recursive: true });
  const ctx: ServerContext = {
    db: opts.db,
    mediaDir: opts.mediaDir,
    secret: opts.secret ?? (await loadSecret(opts.db)),
    sessionTtlMs: opts.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
    ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
  };
  const app = Fastify({
    logger: opts.logger ? { level: 'info' } : false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Device UUIDs and tokens travel in headers; keep them small.
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
  });

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
      trace(`${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`);
    });
  }
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('device', null);

  app.setErrorHandler((err: FastifyError | HttpError | Error, request, reply) => {
    if (err instanceof HttpError) {
      return reply.code(err.statusCode).send(apiError(err.message, err.extra));
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
        const token = bearer(request.headers.authorization) ?? request.cookies[SESSION_COOKIE] ?? null;
        const user = token ? await findSession(ctx.db, token) : null;
        if (!user) throw new HttpError(401, 'Access token is missing or invalid');
        request.user = user;
        request.sessionToken = token;
        // Devices are registered (and their last use noted) on first sight, on any route.
        const device = deviceUuid(request);
        if (device) request.device = { uuid: device, id: await touchDevice(ctx.db, device, user.id) };
      });
      await userRoutes(api, ctx);
      await projectRoutes(api, ctx);
      await indicatorRoutes(api, ctx);
      await observationRoutes(api, ctx);
      await mediaRoutes(api, ctx);
    },
    { prefix: '/api' },
  );
  return app;
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

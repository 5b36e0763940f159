/** The pull routes: HTTP parsing and headers around the device protocol (protocol/pull.ts). */
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  ACK_HEADER,
  PULL_DEFAULT_LIMIT,
  PULL_MAX_LIMIT,
  REMAINING_HEADER,
  SYNC_TOKEN_HEADER,
} from '../../shared/api.js';
import { type ServerContext, requireUser } from '../context.js';
import { indicatorAccess } from '../access.js';
import { badRequest } from '../errors.js';
import { touchDevice } from '../protocol/devices.js';
import { dumpDeletions, dumpObservations } from '../protocol/dump.js';
import { pullDeletionBatch, pullObservationBatch } from '../protocol/pull.js';
import { readToken, type TokenPayload } from '../protocol/tokens.js';

type PullRequest = FastifyRequest<{ Params: { code: string }; Querystring: { limit?: string } }>;

function parseLimit(raw: unknown): number {
  if (raw === undefined || raw === '') return PULL_DEFAULT_LIMIT;
  const n = typeof raw === 'string' && /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > PULL_MAX_LIMIT)
    throw badRequest(`limit must be an integer from 1 to ${PULL_MAX_LIMIT}`);
  return n;
}

function ackHeader(request: FastifyRequest): string | null {
  const raw = request.headers[ACK_HEADER.toLowerCase()];
  const v = Array.isArray(raw) ? raw[0] : raw;
  return v ? v : null;
}

async function pull(ctx: ServerContext, request: PullRequest, reply: FastifyReply, kind: TokenPayload['k']) {
  const user = requireUser(request);
  const access = await indicatorAccess(ctx.db, user.id, request.params.code);
  const limit = parseLimit(request.query.limit);
  reply.header('content-type', 'application/json; charset=utf-8');
  const deviceUuid = request.deviceUuid;
  if (!deviceUuid) {
    return reply.send(kind === 'observations' ? dumpObservations(ctx, access.id) : dumpDeletions(ctx, access.id));
  }
  const rawAck = ackHeader(request);
  const ack = rawAck ? readToken(ctx.secret, rawAck, { device: deviceUuid, indicator: access.id, kind }) : null;
  // Registered only now that the request is known to be valid.
  const deviceRowId = await touchDevice(ctx.db, deviceUuid, user.id);
  const args = { deviceUuid, deviceRowId, indicatorId: access.id, limit, ack };
  const result = kind === 'observations' ? await pullObservationBatch(ctx, args) : await pullDeletionBatch(ctx, args);
  reply.header(SYNC_TOKEN_HEADER, result.token);
  reply.header(REMAINING_HEADER, String(result.remaining));
  return reply.send(JSON.stringify(result.items));
}

export async function syncRoutes(app: FastifyInstance, ctx: ServerContext) {
  app.get<{ Params: { code: string }; Querystring: { limit?: string } }>(
    '/indicator/:code/observations',
    (request, reply) => pull(ctx, request, reply, 'observations'),
  );
  app.get<{ Params: { code: string }; Querystring: { limit?: string } }>(
    '/indicator/:code/deletedObservations',
    (request, reply) => pull(ctx, request, reply, 'deletions'),
  );
}

import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { PUSH_MAX_ITEMS, UUID_PATTERN, WRITE_ID_HEADER, WriteStatusRequest } from '../../shared/api.js';
import { type ServerContext, requireUser } from '../context.js';
import { indicatorAccess } from '../access.js';
import { apiSuccess, badRequest, notFound } from '../errors.js';
import { deleteFile } from '../db/files.js';
import { findObservation, rowsToObservations } from '../observations/read.js';
import {
  type Writer,
  committedWrites,
  deleteObservation,
  observationNotFound,
  pushObservations,
  updateObservation,
} from '../observations/write.js';

type IdParams = { Params: { id: string } };

function writeId(request: FastifyRequest): string | null {
  const raw = request.headers[WRITE_ID_HEADER.toLowerCase()];
  if (raw === undefined || raw === '') return null;
  const value = (Array.isArray(raw) ? raw[0]! : raw).trim();
  if (!UUID_PATTERN.test(value)) throw badRequest(`Invalid ${WRITE_ID_HEADER} header: expected a UUID`);
  return value.toLowerCase();
}

export async function writer(ctx: ServerContext, request: FastifyRequest): Promise<Writer> {
  const user = requireUser(request);
  return { user, deviceUuid: request.deviceUuid, writeId: writeId(request) };
}

/** The optional `import` query parameter of deletions and media changes: the version the change is based on. */
export function baseImportQuery(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1) throw badRequest('import must be a positive integer');
  return Number(raw);
}

export async function observationRoutes(app: FastifyInstance, ctx: ServerContext) {
  app.post('/observation/observations', async (request) => {
    const body = request.body;
    if (!Array.isArray(body)) throw badRequest('Body must be a JSON array of observations');
    if (body.length < 1 || body.length > PUSH_MAX_ITEMS)
      throw badRequest(`Send 1 to ${PUSH_MAX_ITEMS} observations per request`);
    return pushObservations(ctx, await writer(ctx, request), body);
  });

  app.post('/observation', async (request) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw badRequest('Body must be one observation object');
    return pushObservations(ctx, await writer(ctx, request), [body]);
  });

  app.put('/observation/observations', async (request) =>
    updateObservation(ctx, await writer(ctx, request), request.body),
  );

  app.post('/observation/writeStatus', async (request) => {
    const parsed = WriteStatusRequest.safeParse(request.body);
    if (!parsed.success) throw badRequest('Body must be {"write_ids": [1 to 1000 UUIDs]}');
    return { committed: await committedWrites(ctx, requireUser(request), parsed.data.write_ids) };
  });

  app.get<IdParams>('/observation/:id', async (request) => {
    const row = await findObservation(ctx.db, request.params.id);
    if (!row) throw await observationNotFound(ctx.db, requireUser(request), request.params.id);
    await indicatorAccess(ctx.db, requireUser(request).id, row.indicator).catch(() => {
      throw notFound(`Observation ${request.params.id} not found`);
    });
    return (await rowsToObservations(ctx.db, ctx.apiBase(), [row]))[0];
  });

  app.delete<IdParams & { Querystring: { import?: string } }>('/observation/:id', async (request) => {
    const baseImport = baseImportQuery(request.query.import);
    const w = await writer(ctx, request);
    const { uuid, mediaFile } = await deleteObservation(ctx, w, request.params.id, baseImport);
    await deleteFile(ctx.db, mediaFile);
    return apiSuccess(`Observation ${uuid} deleted`, { uuid });
  });
}

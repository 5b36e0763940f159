import { type FastifyInstance, type FastifyRequest } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { PUSH_MAX_ITEMS } from '../../shared/api.js';
import { type ServerContext, requestDevice, requireUser } from '../context.js';
import { indicatorAccess } from '../access.js';
import { apiSuccess, badRequest, notFound } from '../errors.js';
import { findObservation, rowsToObservations } from '../observations/read.js';
import { type Writer, deleteObservation, pushObservations, updateObservation } from '../observations/write.js';

type IdParams = { Params: { id: string } };

export async function writer(ctx: ServerContext, request: FastifyRequest): Promise<Writer> {
  const user = requireUser(request);
  return { user, deviceId: requestDevice(request)?.id ?? null };
}

export async function observationRoutes(app: FastifyInstance, ctx: ServerContext) {
  app.post('/observation/observations', async (request) => {
    const body = request.body;
    if (!Array.isArray(body)) throw badRequest('Body must be a JSON array of observations');
    if (body.length < 1 || body.length > PUSH_MAX_ITEMS)
      throw badRequest(`Send 1 to ${PUSH_MAX_ITEMS} observations per request`);
    return pushObservations(ctx, request, await writer(ctx, request), body);
  });

  app.post('/observation', async (request) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw badRequest('Body must be one observation object');
    return pushObservations(ctx, request, await writer(ctx, request), [body]);
  });

  app.put('/observation/observations', async (request) =>
    updateObservation(ctx, request, await writer(ctx, request), request.body),
  );

  app.get<IdParams>('/observation/:id', async (request) => {
    const row = await findObservation(ctx.db, request.params.id);
    if (!row) throw notFound(`Observation ${request.params.id} not found`);
    await indicatorAccess(ctx.db, requireUser(request).id, row.indicator).catch(() => {
      throw notFound(`Observation ${request.params.id} not found`);
    });
    return (await rowsToObservations(ctx.db, ctx, request, [row]))[0];
  });

  app.delete<IdParams & { Querystring: { import?: string } }>('/observation/:id', async (request) => {
    const raw = request.query.import;
    let baseImport: number | null = null;
    if (raw !== undefined) {
      if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1) throw badRequest('import must be a positive integer');
      baseImport = Number(raw);
    }
    const w = await writer(ctx, request);
    const { uuid, mediaFile } = await deleteObservation(ctx, request, w, request.params.id, baseImport);
    if (mediaFile) fs.rmSync(path.join(ctx.mediaDir, 'observations', mediaFile), { force: true });
    return apiSuccess(`Observation ${uuid} deleted`, { uuid });
  });
}

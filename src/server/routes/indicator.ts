import { type FastifyInstance } from 'fastify';
import { UUID_PATTERN } from '../../shared/api.js';
import { type ServerContext, requireUser } from '../context.js';
import { indicatorAccess } from '../access.js';
import { notFound } from '../errors.js';
import { findFile } from '../db/files.js';
import { getIndicator, listDocuments } from '../observations/indicators.js';

type CodeParams = { Params: { code: string } };

export async function indicatorRoutes(app: FastifyInstance, ctx: ServerContext) {
  app.get<CodeParams>('/indicator/:code', async (request) => {
    const access = await indicatorAccess(ctx.db, requireUser(request).id, request.params.code);
    return getIndicator(ctx, access.id);
  });

  app.get<CodeParams>('/indicator/:code/documents', async (request) => {
    const access = await indicatorAccess(ctx.db, requireUser(request).id, request.params.code);
    return listDocuments(ctx, access.id);
  });

  app.get<{ Params: { uuid: string } }>('/document/:uuid', async (request, reply) => {
    const { uuid } = request.params;
    if (!UUID_PATTERN.test(uuid)) throw notFound(`Document ${uuid} not found`);
    const rows = await ctx.db.query<{ code: string; file_name: string; mime_type: string; label: string }>(
      `SELECT i.code, d.file_name, d.mime_type, d.label FROM document d JOIN indicator i ON i.id = d.indicator_id WHERE d.uuid = $1`,
      [uuid],
    );
    const doc = rows[0];
    if (!doc) throw notFound(`Document ${uuid} not found`);
    // Same visibility as its indicator: 404 rather than 403 so ids of other projects do not leak.
    await indicatorAccess(ctx.db, requireUser(request).id, doc.code).catch(() => {
      throw notFound(`Document ${uuid} not found`);
    });
    const file = await findFile(ctx.db, doc.file_name);
    if (!file) throw notFound(`File of document ${uuid} is missing`);
    reply.header('Content-Type', doc.mime_type);
    reply.header('Content-Length', String(file.size));
    reply.header('Content-Disposition', `inline; filename="${doc.file_name}"`);
    reply.header('X-Content-Type-Options', 'nosniff');
    return reply.send(file.stream());
  });
}

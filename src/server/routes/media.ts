import { type FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { type ServerContext, requireUser } from '../context.js';
import { indicatorAccess } from '../access.js';
import { HttpError, apiSuccess, badRequest, notFound } from '../errors.js';
import { sniffImage } from '../../shared/images.js';
import { findObservation } from '../observations/read.js';
import { checkCanChange, setMedia } from '../observations/write.js';
import { deleteFile, findFile, putFile } from '../db/files.js';
import { baseImportQuery, writer } from './observation.js';

type IdParams = { Params: { id: string } };
type WriteParams = IdParams & { Querystring: { import?: string } };

export async function mediaRoutes(app: FastifyInstance, ctx: ServerContext) {
  // Stored before the observation names it and removed once it no longer does; a crash in between
  // leaves only an unreferenced file, which the purge removes.
  const remove = (name: string | null) => deleteFile(ctx.db, name);

  app.post<WriteParams>('/observation/:id/uploadMedia', async (request) => {
    if (!request.isMultipart())
      throw new HttpError(415, 'Send the media as multipart/form-data with the file in field mediaFile');
    const w = await writer(ctx, request);
    const baseImport = baseImportQuery(request.query.import);
    // Refuse before reading any bytes when the caller may not change the observation (or it changed since).
    await checkCanChange(ctx, w.user, request.params.id, baseImport);
    let bytes: Buffer | null = null;
    try {
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        if (part.fieldname !== 'mediaFile') {
          await part.toBuffer().catch(() => undefined);
          throw badRequest(`Unexpected file field ${part.fieldname}; the file goes in field mediaFile`);
        }
        bytes = await part.toBuffer(); // throws 413 beyond the multipart fileSize limit
      }
    } catch (err) {
      throw multipartError(err);
    }
    if (!bytes || bytes.length === 0) throw badRequest('Missing file in field mediaFile');
    const kind = sniffImage(bytes);
    if (!kind) throw new HttpError(415, 'Media must be a JPEG, PNG, GIF or WebP image (recognised from its content)');
    // The stored name comes from the server only; the client's file name is never used.
    const name = `${randomBytes(16).toString('hex')}${kind.ext}`;
    await putFile(ctx.db, name, kind.mime, bytes);
    try {
      const r = await setMedia(ctx, w, request.params.id, name, baseImport);
      await remove(r.previous);
      return apiSuccess('Media uploaded', { observation: r.observation });
    } catch (err) {
      await remove(name).catch(() => undefined); // the purge gets it otherwise
      throw err;
    }
  });

  app.delete<WriteParams>('/observation/:id/deleteMedia', async (request) => {
    const w = await writer(ctx, request);
    const r = await setMedia(ctx, w, request.params.id, null, baseImportQuery(request.query.import), (row) => {
      if (!row.media_file) throw notFound(`Observation ${request.params.id} has no media`);
    });
    await remove(r.previous);
    return apiSuccess('Media deleted', { observation: r.observation });
  });

  app.get<IdParams>('/observation/:id/media', async (request, reply) => {
    const row = await findObservation(ctx.db, request.params.id);
    if (!row) throw notFound(`Observation ${request.params.id} not found`);
    await indicatorAccess(ctx.db, requireUser(request).id, row.indicator).catch(() => {
      throw notFound(`Observation ${request.params.id} not found`);
    });
    if (!row.media_file) throw notFound(`Observation ${request.params.id} has no media`);
    const file = await findFile(ctx.db, row.media_file);
    if (!file) throw notFound(`Media of observation ${request.params.id} is missing`);
    reply.header('Content-Type', file.mimeType);
    reply.header('Content-Length', String(file.size));
    reply.header('X-Content-Type-Options', 'nosniff');
    return reply.send(file.stream());
  });
}

/**
 * What reading a multipart body can throw: our own 4xx and the plugin's limits (413) pass; the
 * parser's complaints about the body itself (no boundary, truncated, malformed part headers) are
 * the client's mistake, a 400.
 */
function multipartError(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return err;
  if ((err as { code?: unknown }).code === 'ECONNRESET') return err; // the client went away
  return badRequest(`Malformed multipart body: ${(err as Error).message ?? 'unreadable'}`);
}

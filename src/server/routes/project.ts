import { type FastifyInstance } from 'fastify';
import { GEOPACKAGE_MIME } from '../../shared/api.js';
import { type ServerContext, requireUser } from '../context.js';
import { notFound } from '../errors.js';
import { listUserProjects, projectGeopackageFile } from '../access.js';
import { findFile } from '../db/files.js';
import { listProjectIndicators } from '../observations/indicators.js';

export async function projectRoutes(app: FastifyInstance, ctx: ServerContext) {
  app.get<{ Params: { projectKey: string } }>('/project/:projectKey', async (request) => {
    const projects = await listUserProjects(ctx.db, requireUser(request).id, ctx.apiBase(), request.params.projectKey);
    if (!projects[0]) throw notFound(`Project ${request.params.projectKey} not found`);
    return projects[0];
  });

  app.get<{ Params: { projectKey: string } }>('/project/:projectKey/indicators', async (request) => {
    const user = requireUser(request);
    const projects = await listUserProjects(ctx.db, user.id, ctx.apiBase(), request.params.projectKey);
    if (!projects[0]) throw notFound(`Project ${request.params.projectKey} not found`);
    return listProjectIndicators(ctx, request.params.projectKey);
  });

  // The file name changes whenever an administrator replaces the GeoPackage, so it is the ETag:
  // a desktop that holds the current copy gets a 304 instead of the whole file on every sync.
  app.get<{ Params: { projectKey: string } }>('/project/:projectKey/geopackage', async (request, reply) => {
    const key = request.params.projectKey;
    const name = await projectGeopackageFile(ctx.db, requireUser(request).id, key);
    const etag = `"${name}"`;
    reply.header('ETag', etag);
    reply.header('Cache-Control', 'private, no-cache');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    const file = await findFile(ctx.db, name);
    if (!file) throw notFound(`The GeoPackage of project ${key} is missing`);
    reply.header('Content-Type', GEOPACKAGE_MIME);
    reply.header('Content-Length', String(file.size));
    reply.header('Content-Disposition', `attachment; filename="${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.gpkg"`);
    reply.header('X-Content-Type-Options', 'nosniff');
    return reply.send(file.stream());
  });
}

import { type FastifyInstance } from 'fastify';
import { type ServerContext, requireUser } from '../context.js';
import { notFound } from '../errors.js';
import { listUserProjects } from '../access.js';
import { listProjectIndicators } from '../observations/indicators.js';

export async function projectRoutes(app: FastifyInstance, ctx: ServerContext) {
  app.get<{ Params: { projectKey: string } }>('/project/:projectKey', async (request) => {
    const projects = await listUserProjects(ctx.db, requireUser(request).id, request.params.projectKey);
    if (!projects[0]) throw notFound(`Project ${request.params.projectKey} not found`);
    return projects[0];
  });

  app.get<{ Params: { projectKey: string } }>('/project/:projectKey/indicators', async (request) => {
    const user = requireUser(request);
    const projects = await listUserProjects(ctx.db, user.id, request.params.projectKey);
    if (!projects[0]) throw notFound(`Project ${request.params.projectKey} not found`);
    return listProjectIndicators(ctx, request.params.projectKey);
  });
}

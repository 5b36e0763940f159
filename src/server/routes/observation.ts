import { type FastifyInstance } from 'fastify';
import { type ServerContext } from '../context.js';

export async function observationRoutes(_app: FastifyInstance, _ctx: ServerContext) {}

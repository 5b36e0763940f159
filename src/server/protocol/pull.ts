import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type ServerContext } from '../context.js';
import { HttpError } from '../errors.js';

export async function pullObservations(_ctx: ServerContext, _request: FastifyRequest, _reply: FastifyReply): Promise<unknown> {
  throw new HttpError(404, 'not yet');
}
export async function pullDeletions(_ctx: ServerContext, _request: FastifyRequest, _reply: FastifyReply): Promise<unknown> {
  throw new HttpError(404, 'not yet');
}

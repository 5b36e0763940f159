import { type FastifyRequest } from 'fastify';
import { type Db } from './db/types.js';
import { type SessionUser } from './auth/sessions.js';

export interface ServerContext {
  db: Db;
  /** Signs sync tokens. */
  secret: string;
  /** Folder holding media and document files under server-generated names. */
  mediaDir: string;
  sessionTtlMs: number;
  /** Absolute API base URL (…/api) for links in responses; derived from the request when unset. */
  publicUrl?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route answers without a session (login only). */
    public?: boolean;
  }
  interface FastifyInstance {
    gobsRoutes: { method: string; url: string }[];
  }
  interface FastifyRequest {
    user: SessionUser | null;
    sessionToken: string | null;
    /** The `deviceId` header's device: registered by the auth hook. */
    device: { uuid: string; id: number } | null;
  }
}

export function apiBase(ctx: ServerContext, request: FastifyRequest): string {
  if (ctx.publicUrl) return ctx.publicUrl.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}/api`;
}

/** The request's device, or null without a deviceId header. */
export function requestDevice(request: FastifyRequest): { uuid: string; id: number } | null {
  return request.device;
}

export function requireUser(request: FastifyRequest): SessionUser {
  // The onRequest hook has already refused requests without a session.
  if (!request.user) throw new Error('route reached without a session');
  return request.user;
}

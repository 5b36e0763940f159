import { type FastifyRequest } from 'fastify';
import { type Db } from './db/types.js';
import { type SessionUser } from './auth/sessions.js';

export interface ServerContext {
  db: Db;
  /** Signs sync tokens. */
  secret: string;
  sessionTtlMs: number;
  /**
   * Absolute API base URL (…/api) for links in answers (media and document URLs): the configured
   * public URL, else the address the server listens on. Never taken from a request, whose Host
   * header the client chooses.
   */
  apiBase(): string;
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
    /** How the session came: a browser-style cookie is subject to the cross-origin check. */
    sessionFrom: 'cookie' | 'bearer' | null;
    /** The `deviceId` header (a device UUID, lower case), checked by the auth hook; not yet registered. */
    deviceUuid: string | null;
  }
}

export function requireUser(request: FastifyRequest): SessionUser {
  // The onRequest hook has already refused requests without a session.
  if (!request.user) throw new Error('route reached without a session');
  return request.user;
}

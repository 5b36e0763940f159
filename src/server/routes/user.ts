import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { LoginBody, SESSION_COOKIE } from '../../shared/api.js';
import { type ServerContext, requireUser } from '../context.js';
import { createSession, revokeSession } from '../auth/sessions.js';
import { DUMMY_HASH, verifyPassword } from '../auth/passwords.js';
import { type Throttle } from '../auth/throttle.js';
import { HttpError, apiSuccess, badRequest } from '../errors.js';
import { listUserProjects } from '../access.js';

const INVALID_LOGIN = 'Invalid username/password supplied';

export interface UserRouteOptions {
  throttle: Throttle;
  /** Whether the session cookie gets `Secure` (the public URL, or the request, is https). */
  secureCookie(request: FastifyRequest): boolean;
}

export async function userRoutes(app: FastifyInstance, ctx: ServerContext, opts: UserRouteOptions) {
  const cookieOptions = (request: FastifyRequest) =>
    ({ httpOnly: true, sameSite: 'strict', path: '/', secure: opts.secureCookie(request) }) as const;

  const login = async (input: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const parsed = LoginBody.safeParse(input ?? {});
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join('.') || 'body';
      throw badRequest(`${INVALID_LOGIN}: ${field} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
    }
    const { username, password } = parsed.data;
    // Counted as a failure from here until it succeeds, so that parallel guesses see each other.
    const waitMs = await opts.throttle.begin(username, request.ip);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new HttpError(
        429,
        `Too many failed logins; try again in ${seconds} s`,
        {},
        { 'Retry-After': String(seconds) },
      );
    }
    let user: { id: number; password_hash: string } | undefined;
    let ok: boolean;
    try {
      user = (
        await ctx.db.query<{ id: number; password_hash: string }>(
          'SELECT id, password_hash FROM app_user WHERE login = $1',
          [username],
        )
      )[0];
      // An unknown login costs the same scrypt run as a wrong password.
      ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    } catch (err) {
      await opts.throttle.cancel(username, request.ip);
      throw err;
    }
    if (!user || !ok) throw new HttpError(400, INVALID_LOGIN);
    await opts.throttle.succeeded(username, request.ip);
    const token = await createSession(ctx.db, user.id, ctx.sessionTtlMs);
    reply.setCookie(SESSION_COOKIE, token, cookieOptions(request));
    return { token };
  };

  app.get('/user/login', { config: { public: true } }, (request, reply) => login(request.query, request, reply));
  app.post('/user/login', { config: { public: true } }, (request, reply) => login(request.body, request, reply));

  const logout = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.sessionToken) await revokeSession(ctx.db, request.sessionToken);
    reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
    return apiSuccess('User successfully logged out');
  };
  // GET as in the 2020 API; POST for clients that keep state-changing requests off GET.
  app.get('/user/logout', logout);
  app.post('/user/logout', logout);

  app.get('/user/projects', async (request) => listUserProjects(ctx.db, requireUser(request).id, ctx.apiBase()));
}

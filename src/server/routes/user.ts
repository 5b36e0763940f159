import { type FastifyInstance, type FastifyReply } from 'fastify';
import { LoginBody, SESSION_COOKIE } from '../../shared/api.js';
import { type ServerContext, requireUser } from '../context.js';
import { createSession, revokeSession } from '../auth/sessions.js';
import { DUMMY_HASH, verifyPassword } from '../auth/passwords.js';
import { HttpError, apiSuccess, badRequest } from '../errors.js';
import { listUserProjects } from '../access.js';

const INVALID_LOGIN = 'Invalid username/password supplied';

export async function userRoutes(app: FastifyInstance, ctx: ServerContext) {
  const login = async (input: unknown, reply: FastifyReply) => {
    const parsed = LoginBody.safeParse(input ?? {});
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join('.') || 'body';
      throw badRequest(`${INVALID_LOGIN}: ${field} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
    }
    const rows = await ctx.db.query<{ id: number; password_hash: string }>(
      'SELECT id, password_hash FROM app_user WHERE login = $1',
      [parsed.data.username],
    );
    const user = rows[0];
    const ok = await verifyPassword(parsed.data.password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) throw new HttpError(400, INVALID_LOGIN);
    const token = await createSession(ctx.db, user.id, ctx.sessionTtlMs);
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/' });
    return { token };
  };

  app.get('/user/login', { config: { public: true } }, (request, reply) => login(request.query, reply));
  app.post('/user/login', { config: { public: true } }, (request, reply) => login(request.body, reply));

  app.get('/user/logout', async (request, reply) => {
    if (request.sessionToken) await revokeSession(ctx.db, request.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return apiSuccess('User successfully logged out');
  });

  app.get('/user/projects', async (request) => listUserProjects(ctx.db, requireUser(request).id));
}

/**
 * Request logging (Fastify's pino logger). Nothing secret reaches a log line: request lines carry the
 * path with the values of secret-looking query parameters replaced (GET /user/login takes the
 * password in the query), never headers or bodies; and should anything log them, pino's `redact`
 * censors passwords, tokens, cookies and the Authorization header.
 */
import { type FastifyServerOptions } from 'fastify';

export const REDACTED = '[Redacted]';

// Matched against decoded parameter names: `pass%77ord` is the `password` the login reads.
const SECRET_PARAM = /pass|token|secret|auth|session|cookie|key/i;

/** The URL with the values of secret-looking query parameters replaced; kept whole otherwise. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name: string;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        return `${rawName}=${REDACTED}`; // undecodable: cannot tell, so hide
      }
      return eq >= 0 && SECRET_PARAM.test(name) ? `${rawName}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

export interface LogOptions {
  level?: string;
  /** Where log lines go (default stdout). */
  stream?: { write(line: string): unknown };
}

const censored = ['authorization', 'cookie', 'set-cookie', 'x-gobs-ack', 'x-gobs-sync-token'];

export function loggerOptions(opts: LogOptions): NonNullable<FastifyServerOptions['logger']> {
  return {
    level: opts.level ?? 'info',
    ...(opts.stream ? { stream: opts.stream } : {}),
    redact: {
      paths: [
        ...censored.map((h) => `req.headers["${h}"]`),
        ...censored.map((h) => `res.headers["${h}"]`),
        'headers.authorization',
        'headers.cookie',
        'password',
        'token',
        '*.password',
        '*.token',
        'body.password',
        'req.body',
        'req.query.password',
      ],
      censor: REDACTED,
    },
    serializers: {
      req(req: { method?: string; url?: string; ip?: string; socket?: { remoteAddress?: string } }) {
        return {
          method: req.method,
          url: redactUrl(req.url ?? ''),
          remoteAddress: req.ip ?? req.socket?.remoteAddress,
        };
      },
    },
  };
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest, forbidden } from '../errors.js';

/**
 * Sync tokens name a sent batch: base64url(JSON payload) "." base64url(HMAC-SHA256). The payload
 * binds the batch to its device, indicator and kind, so a token cannot be replayed elsewhere.
 */
export interface TokenPayload {
  b: number; // sync_batch id; 0 = an empty batch (nothing to record)
  d: string; // device uuid
  i: number; // indicator id
  k: 'observations' | 'deletions';
}

const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

export function makeToken(secret: string, p: TokenPayload): string {
  const payload = Buffer.from(JSON.stringify(p)).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

export function readToken(
  secret: string,
  token: string,
  expect: { device: string; indicator: number; kind: TokenPayload['k'] },
): TokenPayload {
  const m = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  if (!m) throw badRequest('Malformed X-Gobs-Ack token');
  const expected = Buffer.from(sign(secret, m[1]!));
  const given = Buffer.from(m[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw badRequest('Invalid X-Gobs-Ack token');
  let p: TokenPayload;
  try {
    p = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as TokenPayload;
  } catch {
    throw badRequest('Malformed X-Gobs-Ack token');
  }
  if (p.d !== expect.device) throw forbidden('X-Gobs-Ack token belongs to another device');
  if (p.i !== expect.indicator || p.k !== expect.kind)
    throw badRequest(`X-Gobs-Ack token is not for ${expect.kind} of this indicator`);
  return p;
}

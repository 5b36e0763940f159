import { describe, expect, it } from 'vitest';
import { makeToken, readToken } from '../../../src/server/protocol/tokens.js';
import { HttpError } from '../../../src/server/errors.js';

const D = '847bd592-0bc5-84d7-bf79-ae40fa544557';
const expectStatus = (fn: () => unknown, status: number) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).statusCode).toBe(status);
    return;
  }
  throw new Error('did not throw');
};

describe('sync tokens', () => {
  const t = makeToken('secret', { b: 12, d: D, i: 3, k: 'observations' });
  it('round-trips', () =>
    expect(readToken('secret', t, { device: D, indicator: 3, kind: 'observations' })).toEqual({
      b: 12,
      d: D,
      i: 3,
      k: 'observations',
    }));
  it('is 403 for another device', () =>
    expectStatus(
      () => readToken('secret', t, { device: D.replace('8', '9'), indicator: 3, kind: 'observations' }),
      403,
    ));
  it('is 400 for another indicator or kind', () => {
    expectStatus(() => readToken('secret', t, { device: D, indicator: 4, kind: 'observations' }), 400);
    expectStatus(() => readToken('secret', t, { device: D, indicator: 3, kind: 'deletions' }), 400);
  });
  it('is 400 when signed with another key, altered or malformed', () => {
    expectStatus(() => readToken('other', t, { device: D, indicator: 3, kind: 'observations' }), 400);
    const [p, s] = t.split('.') as [string, string];
    const altered = Buffer.from(JSON.stringify({ b: 13, d: D, i: 3, k: 'observations' })).toString('base64url');
    expectStatus(() => readToken('secret', `${altered}.${s}`, { device: D, indicator: 3, kind: 'observations' }), 400);
    for (const bad of ['', 'x', `${p}.`, `${p}.${s}x`, `${p}!.${s}`])
      expectStatus(() => readToken('secret', bad, { device: D, indicator: 3, kind: 'observations' }), 400);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE, LoginThrottle, delayAfter } from '../../../src/server/auth/throttle.js';

function clocked() {
  let t = 1_000_000;
  const throttle = new LoginThrottle({ now: () => t });
  return { throttle, advance: (ms: number) => (t += ms) };
}

/** Fails `n` times, each time waiting out any delay first, as a patient attacker does. */
function failPatiently(c: ReturnType<typeof clocked>, user: string, address: string, n: number): number {
  let waited = 0;
  for (let k = 0; k < n; k++) {
    const wait = c.throttle.retryAfterMs(user, address);
    c.advance(wait);
    waited += wait;
    c.throttle.attempt(user, address);
  }
  return waited;
}

describe('login throttling', () => {
  it('lets a few failures through, then doubles the delay up to its cap', () => {
    const rule = { free: 5, baseDelayMs: 1000, maxDelayMs: 8000 };
    expect([0, 5, 6, 7, 8, 9, 10, 50].map((n) => delayAfter(rule, n))).toEqual([
      0, 0, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it('slows one address guessing one account, for up to 15 minutes', () => {
    const c = clocked();
    failPatiently(c, 'ann', '10.0.0.1', 5);
    expect(c.throttle.retryAfterMs('ann', '10.0.0.1')).toBe(0);
    c.throttle.attempt('ann', '10.0.0.1');
    expect(c.throttle.retryAfterMs('ann', '10.0.0.1')).toBe(1000);
    failPatiently(c, 'ann', '10.0.0.1', 40);
    expect(c.throttle.retryAfterMs('ann', '10.0.0.1')).toBe(DEFAULT_THROTTLE.userAddress.maxDelayMs);
  });

  it('counts case variants of a login as one account', () => {
    const c = clocked();
    failPatiently(c, 'Ann', '10.0.0.1', 6);
    expect(c.throttle.retryAfterMs('ANN', '10.0.0.1')).toBeGreaterThan(0);
  });

  it('does not lock the account out for long from other addresses, however many attackers fail', () => {
    const c = clocked();
    for (let k = 0; k < 500; k++) failPatiently(c, 'ann', `10.0.${k >> 8}.${k & 255}`, 3);
    // The user's own address has no failures: only the short per-account cap applies to it.
    expect(c.throttle.retryAfterMs('ann', '192.168.1.5')).toBeLessThanOrEqual(DEFAULT_THROTTLE.user.maxDelayMs);
    expect(c.throttle.retryAfterMs('ann', '192.168.1.5')).toBeGreaterThan(0);
    c.advance(DEFAULT_THROTTLE.user.maxDelayMs);
    expect(c.throttle.retryAfterMs('ann', '192.168.1.5')).toBe(0);
    // A success clears the account's counter for everyone.
    c.throttle.attempt('ann', '192.168.1.5');
    c.throttle.succeeded('ann', '192.168.1.5');
    expect(c.throttle.retryAfterMs('ann', '192.168.1.6')).toBe(0);
  });

  it('slows an address spraying many accounts', () => {
    const c = clocked();
    for (let k = 0; k < 31; k++) c.throttle.attempt(`user${k}`, '10.9.9.9');
    expect(c.throttle.retryAfterMs('someone-else', '10.9.9.9')).toBeGreaterThan(0);
    expect(c.throttle.retryAfterMs('someone-else', '10.9.9.8')).toBe(0);
  });

  it('counts an attempt before its password is checked, so parallel guesses see each other', () => {
    const c = clocked();
    for (let k = 0; k < 10; k++) c.throttle.attempt('ann', '10.0.0.1'); // ten in flight, none judged yet
    expect(c.throttle.retryAfterMs('ann', '10.0.0.1')).toBeGreaterThan(0);
  });

  it('forgets after a quiet hour, and takes back attempts that could not be judged', () => {
    const c = clocked();
    failPatiently(c, 'ann', '10.0.0.1', 8);
    expect(c.throttle.retryAfterMs('ann', '10.0.0.1')).toBeGreaterThan(0);
    c.advance(DEFAULT_THROTTLE.forgetAfterMs + 1);
    expect(c.throttle.retryAfterMs('ann', '10.0.0.1')).toBe(0);
    for (let k = 0; k < 6; k++) c.throttle.attempt('bob', '10.0.0.1');
    c.throttle.cancel('bob', '10.0.0.1');
    expect(c.throttle.retryAfterMs('bob', '10.0.0.1')).toBe(0);
  });

  it('keeps at most maxEntries counters', () => {
    let t = 0;
    const throttle = new LoginThrottle({ now: () => t++, maxEntries: 100 });
    for (let k = 0; k < 1000; k++) throttle.attempt(`u${k}`, `a${k}`);
    expect((throttle as unknown as { counters: Map<string, unknown> }).counters.size).toBeLessThanOrEqual(100);
  });
});

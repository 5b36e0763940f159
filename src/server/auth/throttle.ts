/**
 * Failed-login throttling, in process. Three counters per attempt, each with a few free failures and
 * then a delay that doubles with every further failure:
 *
 * - user+address: one client guessing one account is slowed down fast and for long (cap 15 min);
 * - address: one client spraying many accounts (cap 15 min);
 * - user: many clients on one account (a distributed guess). Its cap is short (1 min) so that
 *   nobody can lock a user out for long by failing on purpose; the two counters above, which the
 *   user's own address does not share with an attacker, carry the long delays.
 *
 * An attempt counts before its password is checked, so parallel guesses see each other; a success
 * takes its attempt back and clears the user's counters. A counter is forgotten after a quiet
 * period. Attempts refused while throttled cost nothing (no scrypt) and are not counted.
 */

export interface ThrottleRule {
  /** Failures allowed before any delay. */
  free: number;
  /** Delay after the first failure beyond `free`; doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ThrottleOptions {
  userAddress: ThrottleRule;
  address: ThrottleRule;
  user: ThrottleRule;
  /** A counter without a failure for this long is forgotten. */
  forgetAfterMs: number;
  /** Bound on remembered counters (memory); the least recently failed are dropped first. */
  maxEntries: number;
  now: () => number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  userAddress: { free: 5, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000 },
  address: { free: 30, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000 },
  user: { free: 10, baseDelayMs: 1_000, maxDelayMs: 60_000 },
  forgetAfterMs: 60 * 60_000,
  maxEntries: 100_000,
  now: () => Date.now(),
};

interface Counter {
  failures: number;
  lastAt: number;
}

export function delayAfter(rule: ThrottleRule, failures: number): number {
  if (failures <= rule.free) return 0;
  return Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** Math.min(failures - rule.free - 1, 40));
}

export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();
  readonly options: ThrottleOptions;

  constructor(options: Partial<ThrottleOptions> = {}) {
    this.options = { ...DEFAULT_THROTTLE, ...options };
  }

  private keys(
    user: string,
    address: string,
  ): [[string, ThrottleRule], [string, ThrottleRule], [string, ThrottleRule]] {
    // Logins are case-sensitive, but variants of one name must not multiply an attacker's allowance.
    const u = user.normalize('NFC').toLowerCase();
    return [
      [`ua\u0000${u}\u0000${address}`, this.options.userAddress],
      [`a\u0000${address}`, this.options.address],
      [`u\u0000${u}`, this.options.user],
    ];
  }

  private get(key: string, now: number): Counter | undefined {
    const c = this.counters.get(key);
    if (c && now - c.lastAt > this.options.forgetAfterMs) {
      this.counters.delete(key);
      return undefined;
    }
    return c;
  }

  /** Milliseconds to wait before this user may try again from this address; 0 = go ahead. */
  retryAfterMs(user: string, address: string): number {
    const now = this.options.now();
    let wait = 0;
    for (const [key, rule] of this.keys(user, address)) {
      const c = this.get(key, now);
      if (c) wait = Math.max(wait, c.lastAt + delayAfter(rule, c.failures) - now);
    }
    return Math.max(0, wait);
  }

  /** Counts an attempt as failed until `succeeded` takes it back. */
  attempt(user: string, address: string): void {
    const now = this.options.now();
    for (const [key] of this.keys(user, address)) {
      const c = this.get(key, now) ?? { failures: 0, lastAt: now };
      c.failures++;
      c.lastAt = now;
      // Re-inserting keeps the map ordered by last failure, oldest first, for eviction.
      this.counters.delete(key);
      this.counters.set(key, c);
    }
    while (this.counters.size > this.options.maxEntries) {
      this.counters.delete(this.counters.keys().next().value!);
    }
  }

  /** Takes an attempt back that could not be judged (the database failed). */
  cancel(user: string, address: string): void {
    for (const [key] of this.keys(user, address)) {
      const c = this.counters.get(key);
      if (c) c.failures = Math.max(0, c.failures - 1);
    }
  }

  succeeded(user: string, address: string): void {
    const [userAddress, addr, u] = this.keys(user, address);
    this.counters.delete(userAddress[0]);
    this.counters.delete(u[0]);
    const a = this.counters.get(addr[0]);
    if (a) a.failures = Math.max(0, a.failures - 1);
  }
}

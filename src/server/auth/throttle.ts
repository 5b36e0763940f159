/**
 * Failed-login throttling. Three counters per attempt, each with a few free failures and
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
 *
 * Two keepers of the counters: in process (LoginThrottle: PGlite, where one process owns the data)
 * and in the database (DbLoginThrottle: PostgreSQL, shared by every server process on it).
 */
import { type Db } from '../db/types.js';

/** What the login route needs from a throttle. */
export interface Throttle {
  /** 0 when the attempt may go ahead (it is then counted as failed until `succeeded`); else ms to wait. */
  begin(user: string, address: string): Promise<number>;
  /** Takes an attempt back that could not be judged (the database failed). */
  cancel(user: string, address: string): Promise<void>;
  succeeded(user: string, address: string): Promise<void>;
}

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

/** The three counters of an attempt: user+address, address, user. */
function throttleKeys(
  options: ThrottleOptions,
  user: string,
  address: string,
): [[string, ThrottleRule], [string, ThrottleRule], [string, ThrottleRule]] {
  // Logins are case-sensitive, but variants of one name must not multiply an attacker's allowance.
  const u = user.normalize('NFC').toLowerCase();
  return [
    [`ua\u0000${u}\u0000${address}`, options.userAddress],
    [`a\u0000${address}`, options.address],
    [`u\u0000${u}`, options.user],
  ];
}

export class LoginThrottle implements Throttle {
  private readonly counters = new Map<string, Counter>();
  readonly options: ThrottleOptions;

  constructor(options: Partial<ThrottleOptions> = {}) {
    this.options = { ...DEFAULT_THROTTLE, ...options };
  }

  private keys(user: string, address: string) {
    return throttleKeys(this.options, user, address);
  }

  begin(user: string, address: string): Promise<number> {
    const wait = this.retryAfterMs(user, address);
    if (wait === 0) this.attempt(user, address);
    return Promise.resolve(wait);
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
  cancel(user: string, address: string): Promise<void> {
    for (const [key] of this.keys(user, address)) {
      const c = this.counters.get(key);
      if (c) c.failures = Math.max(0, c.failures - 1);
    }
    return Promise.resolve();
  }

  succeeded(user: string, address: string): Promise<void> {
    const [userAddress, addr, u] = this.keys(user, address);
    this.counters.delete(userAddress[0]);
    this.counters.delete(u[0]);
    const a = this.counters.get(addr[0]);
    if (a) a.failures = Math.max(0, a.failures - 1);
    return Promise.resolve();
  }
}

/**
 * The same counters in the database, for several server processes. An attempt locks its three
 * counter rows while it decides and counts, so parallel guesses on any process see each other.
 */
export class DbLoginThrottle implements Throttle {
  readonly options: ThrottleOptions;

  /** PostgreSQL text cannot hold the NUL separators: the same parts as a JSON array. */
  private keys(user: string, address: string): ReturnType<typeof throttleKeys> {
    const [ua, a, u] = throttleKeys(this.options, user, address);
    const enc = ([k, rule]: [string, ThrottleRule]): [string, ThrottleRule] => [
      JSON.stringify(k.split('\u0000')),
      rule,
    ];
    return [enc(ua), enc(a), enc(u)];
  }

  constructor(
    private readonly db: Db,
    options: Partial<ThrottleOptions> = {},
  ) {
    this.options = { ...DEFAULT_THROTTLE, ...options };
  }

  begin(user: string, address: string): Promise<number> {
    const keys = this.keys(user, address);
    const now = this.options.now();
    const forget = this.options.forgetAfterMs;
    return this.db.tx(async (q) => {
      const names = keys.map(([k]) => k);
      await q.query(
        `INSERT INTO login_failure (key, failures, last_at_ms) SELECT unnest($1::text[]), 0, $2 ON CONFLICT DO NOTHING`,
        [names, now],
      );
      const rows = await q.query<{ key: string; failures: number; last_at_ms: number }>(
        'SELECT key, failures, last_at_ms FROM login_failure WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE',
        [names],
      );
      let wait = 0;
      for (const [key, rule] of keys) {
        const c = rows.find((r) => r.key === key);
        if (c && now - c.last_at_ms <= forget) wait = Math.max(wait, c.last_at_ms + delayAfter(rule, c.failures) - now);
      }
      if (wait > 0) return wait;
      await q.query(
        `UPDATE login_failure SET failures = CASE WHEN $2 - last_at_ms > $3 THEN 1 ELSE failures + 1 END, last_at_ms = $2
          WHERE key = ANY($1::text[])`,
        [names, now, forget],
      );
      return 0;
    });
  }

  async cancel(user: string, address: string): Promise<void> {
    const names = this.keys(user, address).map(([k]) => k);
    await this.db.query('UPDATE login_failure SET failures = greatest(0, failures - 1) WHERE key = ANY($1::text[])', [
      names,
    ]);
  }

  async succeeded(user: string, address: string): Promise<void> {
    const [userAddress, addr, u] = this.keys(user, address);
    await this.db.tx(async (q) => {
      await q.query('DELETE FROM login_failure WHERE key = ANY($1::text[])', [[userAddress[0], u[0]]]);
      await q.query('UPDATE login_failure SET failures = greatest(0, failures - 1) WHERE key = $1', [addr[0]]);
    });
  }
}

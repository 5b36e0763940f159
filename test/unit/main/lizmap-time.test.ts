/**
 * The Lizmap client's bound of the server's clock (remote/lizmap/time.ts): whatever the server's
 * zone, however its times are rounded to the second and its Date header truncated, the wall time
 * it is said to have passed never lies ahead of its real clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServerClock, passed, wallMs, wallText } from '../../../src/main/remote/lizmap/time';

/** A server-local time as the module lists it: PostgreSQL's `timestamp(0)` rounds to the second. */
const rounded = (ms: number) => wallText(Math.round(ms / 1000) * 1000);
/** An HTTP Date header: UTC, truncated to the second. */
const header = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toUTCString();

describe('ServerClock', () => {
  it('never says the server passed a time its clock had not reached', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -12 * 3600, max: 14 * 3600 }).map((s) => s * 1000), // the server's zone offset
        fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), // when the write happened (UTC)
        fc.integer({ min: 0, max: 5_000 }), // how long after it the answer was sent
        fc.integer({ min: 0, max: 600_000 }), // how long after that the later answer was sent
        (offset, writtenAt, lag, later) => {
          const clock = new ServerClock();
          clock.learn(rounded(writtenAt + offset), header(writtenAt + lag));
          const sentAt = writtenAt + lag + later;
          const said = clock.nowAtLeast(header(sentAt));
          expect(said).not.toBeNull();
          expect(wallMs(said!)!).toBeLessThanOrEqual(sentAt + offset);
        },
      ),
    );
  });

  it('reads a listed time, rounded by the server to the second, as one its clock had passed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), (at) => {
        // The server writes at `at` (its wall clock) and lists the row rounded: a later look at its
        // clock, truncated to the second as every cursor is, is never before what the row gave.
        expect(wallMs(passed(rounded(at))!)!).toBeLessThanOrEqual(Math.floor(at / 1000) * 1000);
      }),
    );
    expect(passed('2025-05-21T08:00:06.000000')).toBe('2025-05-21 08:00:05');
    expect(passed('2025-05-21T08:00:06.700000')).toBe('2025-05-21 08:00:06');
    expect(passed(null)).toBeNull();
  });

  it('knows nothing before a server time was seen, or without a Date header', () => {
    const clock = new ServerClock();
    expect(clock.nowAtLeast('Wed, 21 May 2025 08:00:00 GMT')).toBeNull();
    clock.learn('2025-05-21 20:00:00', undefined);
    expect(clock.nowAtLeast('Wed, 21 May 2025 08:00:00 GMT')).toBeNull();
    clock.learn('2025-05-21 20:00:00', 'Wed, 21 May 2025 08:00:00 GMT');
    expect(clock.nowAtLeast(undefined)).toBeNull();
    // Auckland in winter is 12 hours ahead; the bound trails by the daylight-saving margin and the rounding.
    const said = wallMs(clock.nowAtLeast('Wed, 21 May 2025 09:00:00 GMT')!)!;
    expect(said).toBeLessThanOrEqual(wallMs('2025-05-21 21:00:00')!);
    expect(said).toBeGreaterThanOrEqual(wallMs('2025-05-21 19:59:58')!);
  });
});

/**
 * The stand-in's server time. Everything the server does with time reads it: the HTTP `Date`
 * header, token lifetimes, created_at/updated_at and the deletion log (through the database,
 * see sql/schema.sql), the editing window and the default requestSyncDate.
 *
 * It runs (real elapsed time is added) unless frozen, so two writes a moment apart get different
 * updated_at values as on a real server. The module's headers and columns are in server-local time
 * without a zone: `local()` renders an instant in the stand-in's time zone.
 */
export interface StandinClock {
  /** The current server instant. */
  now(): Date;
  /** The current server time as the module writes it: `YYYY-MM-DD HH:MM:SS`, server-local. */
  local(): string;
  /** Jumps to an instant (ISO string with a zone, or a Date); the clock keeps running from there unless frozen. */
  set(instant: string | Date): void;
  /** Moves the clock by this many seconds (negative goes back). */
  advance(seconds: number): void;
  /** Stops the clock where it is (it still moves with set/advance). */
  freeze(): void;
  /** Lets it run again from where it is. */
  resume(): void;
}

export function createClock(start: string | Date, timeZone: string, running = true): StandinClock {
  let base = toInstant(start).getTime();
  let since = performance.now();
  let ticking = running;
  const current = () => base + (ticking ? performance.now() - since : 0);
  const rebase = (ms: number) => {
    base = ms;
    since = performance.now();
  };
  return {
    now: () => new Date(Math.floor(current())),
    local: () => formatLocal(new Date(Math.floor(current())), timeZone),
    set: (instant) => rebase(toInstant(instant).getTime()),
    advance: (seconds) => rebase(current() + seconds * 1000),
    freeze: () => {
      rebase(current());
      ticking = false;
    },
    resume: () => {
      rebase(current());
      ticking = true;
    },
  };
}

function toInstant(value: string | Date): Date {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new Error(`not an instant: ${String(value)}`);
  if (typeof value === 'string' && !/(Z|[+-]\d\d:?\d\d)$/.test(value)) {
    throw new Error(`give the instant with its zone (Z or ±hh:mm): ${value}`);
  }
  return d;
}

/** `YYYY-MM-DD HH:MM:SS` of an instant in a time zone (what PHP's date() prints on the server). */
export function formatLocal(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/**
 * PHP's `DateTime::createFromFormat('Y-m-d H:i:s', $s)` followed by `format(...) == $s`: the exact
 * shape, and a date that exists (2025-02-30 is refused because it would print as 03-02).
 */
export function isValidSyncDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (h > 23 || mi > 59 || s > 59) return false;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

/**
 * The values of `date` and `timestamp` dimensions (a Lizmap G-Obs server's types): wall-clock
 * texts with no time zone, stored and sent as 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM:SS'. One rule for
 * the form, main and the Lizmap client, so what the form accepts is what main stores and sends.
 */

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** 'YYYY-MM-DD' (a 'T…' or ' …' time part is not a date) → the same text, or null when not a real day. */
export function normaliseDateValue(raw: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  if (!m) return null;
  return validDate(Number(m[1]), Number(m[2]), Number(m[3])) ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/**
 * 'YYYY-MM-DD HH:MM[:SS]' (or with 'T', fractions of a second dropped) → 'YYYY-MM-DD HH:MM:SS',
 * or null when it is not a real moment. A time zone is refused: these are wall-clock times.
 */
export function normaliseTimestampValue(raw: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(raw.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00'] = m as unknown as [string, string, string, string, string, string, string?];
  if (!validDate(Number(y), Number(mo), Number(d)) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
}

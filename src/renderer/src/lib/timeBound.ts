/** A filter bound: 'YYYY', 'YYYY-MM', 'YYYY-MM-DD', optionally ' HH', ':MM', ':SS' — each part in range. */
export function isTimeBound(text: string): boolean {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[ T](\d{2})(?::(\d{2})(?::(\d{2}))?)?)?)?)?$/.exec(text.trim());
  if (!m) return false;
  const [, , mo, d, h, mi, s] = m;
  const within = (v: string | undefined, lo: number, hi: number) =>
    v === undefined || (Number(v) >= lo && Number(v) <= hi);
  return within(mo, 1, 12) && within(d, 1, 31) && within(h, 0, 23) && within(mi, 0, 59) && within(s, 0, 59);
}

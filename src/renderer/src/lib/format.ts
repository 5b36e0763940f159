import { strings } from '../i18n/strings';

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return strings.common.never;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** "3 min ago" for recent times, a date otherwise. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return strings.common.never;
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const minutes = Math.floor((now - t) / 60_000);
  if (minutes < 1) return strings.time.justNow;
  if (minutes < 60) return strings.time.minutesAgo(minutes);
  if (minutes < 24 * 60) return strings.time.hoursAgo(Math.floor(minutes / 60));
  return formatDateTime(iso);
}

/** "https://gobs.example.org/api" → "gobs.example.org" for compact display. */
export function hostOf(url: string | null | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Every date, time and number the user reads or types goes through here, so the whole app follows
 * one rule: the active locale's conventions (lib: react-intl, i.e. the browser's Intl).
 *
 * - Observation timestamps are wall-clock times stored as 'YYYY-MM-DD HH:MM:SS' with no zone: they
 *   are shown at the indicator's precision and never shifted to the computer's time zone.
 * - Instants (last change, last sync) are shown in the computer's time zone, at minute precision.
 * - The timestamp input displays exactly what the table shows and parses it back (and ISO too).
 */
import type { FormatNumberOptions } from 'react-intl';
import { activeLocale, currentIntl, t, type MessageId } from '../i18n';
import type { DateFormat, Dimension, DimensionValue } from '../../../shared/ipc';
import { normaliseTimestamp, PRECISION_PARTS } from '../../../shared/timestamp';

const DATE_PARTS: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };
const TIME_PARTS: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };

/** What each precision shows: hours come with ':00' so '14:00' reads as a time in every locale. */
const PRECISION: Record<DateFormat, Intl.DateTimeFormatOptions> = {
  year: { year: 'numeric' },
  month: { year: 'numeric', month: '2-digit' },
  day: DATE_PARTS,
  hour: { ...DATE_PARTS, ...TIME_PARTS },
  minute: { ...DATE_PARTS, ...TIME_PARTS },
  second: { ...DATE_PARTS, ...TIME_PARTS, second: '2-digit' },
};

const PREFIX_LENGTH: Record<DateFormat, number> = { year: 4, month: 7, day: 10, hour: 13, minute: 16, second: 19 };
const STORED = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[ T](\d{2})(?::(\d{2})(?::(\d{2}))?)?)?)?)?/;

/** 'YYYY-MM-DD HH:MM:SS' (or a prefix of it) → the same wall-clock time as a UTC Date. */
function wallClock(ts: string): Date | null {
  const m = STORED.exec(ts.trim());
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00'] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  return Number.isNaN(date.getTime()) ? null : date;
}

function stored(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** An observation's time at the indicator's precision: '17/05/2024 14:00' in French for 'minute'. */
export function formatTimestamp(ts: string, precision: DateFormat): string {
  // What is finer than the precision is not shown, not even as an hour's minutes.
  const date = wallClock(ts.trim().replace('T', ' ').slice(0, PREFIX_LENGTH[precision]));
  if (!date) return ts;
  return currentIntl().formatDate(date, { ...PRECISION[precision], timeZone: 'UTC' });
}

/** A moment (last change, last sync) in this computer's time zone. */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return t('common.never');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return currentIntl().formatDate(d, PRECISION.minute);
}

/** "5 minutes ago" / "il y a 5 minutes" (or "in 2 minutes") within a day, the moment itself beyond. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return t('common.never');
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return iso;
  const seconds = Math.round((time - now) / 1000);
  const abs = Math.abs(seconds);
  const intl = currentIntl();
  if (abs < 60) return seconds > 0 ? intl.formatRelativeTime(seconds, 'second') : t('time.justNow');
  if (abs < 3600) return intl.formatRelativeTime(Math.trunc(seconds / 60), 'minute');
  if (abs < 86_400) return intl.formatRelativeTime(Math.trunc(seconds / 3600), 'hour');
  return formatInstant(iso);
}

/**
 * formatRelative for something that has happened (a last sync): the clock a view re-renders by
 * ticks only now and then, so a moment newer than its last tick is "just now", never "in 20 seconds".
 */
export function formatSince(iso: string | null | undefined, now = Date.now()): string {
  return formatRelative(iso, Math.max(now, Date.now()));
}

export function formatNumber(n: number, options?: FormatNumberOptions): string {
  return currentIntl().formatNumber(n, options);
}

/** 'a, b and c' / 'a, b et c'. */
export function formatList(items: readonly string[]): string {
  return currentIntl().formatList(items, { type: 'conjunction' });
}

/** The locale's decimal separator ('.' or ','). */
function decimalSeparator(): string {
  return (
    currentIntl()
      .formatNumberToParts(1.5)
      .find((p) => p.type === 'decimal')?.value ?? '.'
  );
}

/**
 * A number as a text input shows it: every digit kept (the shortest form that reads back to the
 * same number), the locale's decimal separator, no grouping. parseNumber reads it back.
 */
export function formatNumberInput(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  return String(n).replace('.', decimalSeparator());
}

/**
 * A number typed by the user: '12.5' and '12,5' both mean twelve and a half (comma decimals are
 * common in French and in spreadsheets); spaces grouping thousands ('1 234,5') are dropped.
 */
export function parseNumber(raw: string): number | null {
  const text = raw
    .trim()
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(',', '.');
  if (!/^[-+−]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
  const n = Number(text.replace('−', '-'));
  return Number.isFinite(n) ? n : null;
}

export function formatValue(value: DimensionValue | undefined, dimension: Dimension): string {
  if (value === null || value === undefined || value === '') return t('common.none');
  if (dimension.type === 'boolean')
    return value === true ? t('observation.yes') : value === false ? t('observation.no') : String(value);
  if (typeof value === 'number')
    return dimension.type === 'integer' ? formatNumber(value) : formatNumber(value, { maximumFractionDigits: 6 });
  return String(value);
}

export function formatLocation(
  x: number | null | undefined,
  y: number | null | undefined,
  wkt?: string | null,
): string {
  if (x === null || x === undefined || y === null || y === undefined) return t('common.none');
  const digits = { minimumFractionDigits: 5, maximumFractionDigits: 5, useGrouping: false } as const;
  const point = t('format.coordinates', { x: formatNumber(x, digits), y: formatNumber(y, digits) });
  const kind = wkt
    ?.trim()
    .match(/^[A-Za-z]+/)?.[0]
    ?.toUpperCase();
  return kind && kind !== 'POINT' ? `${kind} · ${point}` : point;
}

// ---- the timestamp input ----------------------------------------------------------------------

type NumericPart = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';
const SAMPLE = new Date(Date.UTC(2024, 10, 23, 15, 45, 56));

/** The order in which the active locale writes the parts of a time at this precision. */
function partsOrder(precision: DateFormat): { numeric: NumericPart[]; dayPeriod: boolean } {
  const parts = currentIntl()
    .formatters.getDateTimeFormat(activeLocale().locale, { ...PRECISION[precision], timeZone: 'UTC' })
    .formatToParts(SAMPLE);
  const numeric = parts
    .map((p) => p.type)
    .filter((type): type is NumericPart => ['year', 'month', 'day', 'hour', 'minute', 'second'].includes(type));
  return { numeric, dayPeriod: parts.some((p) => p.type === 'dayPeriod') };
}

/** What to type, in the user's language: 'DD/MM/YYYY, hh:mm' or 'JJ/MM/AAAA hh:mm'. */
export function timestampPattern(precision: DateFormat): string {
  return currentIntl()
    .formatters.getDateTimeFormat(activeLocale().locale, { ...PRECISION[precision], timeZone: 'UTC' })
    .formatToParts(SAMPLE)
    .map((p) => (p.type === 'literal' ? p.value : t(`datePattern.${p.type}` as MessageId)))
    .join('');
}

/** The day-period strings of the active locale ('AM', 'PM'; 'a.m.' …), lower-cased, for parsing. */
function dayPeriods(): { am: string; pm: string } {
  const f = currentIntl().formatters.getDateTimeFormat(activeLocale().locale, {
    hour: 'numeric',
    hour12: true,
    timeZone: 'UTC',
  });
  const period = (h: number) =>
    f
      .formatToParts(new Date(Date.UTC(2024, 0, 1, h)))
      .find((p) => p.type === 'dayPeriod')
      ?.value.toLowerCase() ?? '';
  return { am: period(9), pm: period(21) };
}

/** Stored timestamp → what the input shows (the same text the table shows). */
export function toTimestampInput(ts: string, precision: DateFormat): string {
  return formatTimestamp(ts, precision);
}

/** Now, on this computer's clock, as the input shows it (new observations start at the current time). */
export function nowTimestampInput(precision: DateFormat, now = new Date()): string {
  return formatTimestamp(stored(new Date(now.getTime() - now.getTimezoneOffset() * 60_000)), precision);
}

/** The parts read from the input, checked and truncated to the precision by the shared timestamp rule. */
function truncate(parts: number[], precision: DateFormat): string | null {
  const [y, mo = 1, d = 1, h = 0, mi = 0, s = 0] = parts;
  const two = (n: number) => String(n).padStart(2, '0');
  const text = `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)} ${two(h)}:${two(mi)}:${two(s)}`;
  const r = normaliseTimestamp(text, precision, 'truncate');
  return 'timestamp' in r ? r.timestamp : null;
}

/**
 * The input's text → the full 'YYYY-MM-DD HH:MM:SS' main stores, or null when it is not a valid
 * time. Reads what toTimestampInput shows in the active locale (numbers in the locale's order,
 * AM/PM where the locale uses it; time parts after the hour may be left out) and ISO forms
 * ('2024-05-17', '2024-05-17T14:00', '2024-05-17 14:00:00'), which are unambiguous everywhere.
 */
export function parseTimestamp(text: string, precision: DateFormat): string | null {
  const v = text.trim();
  if (v === '') return null;
  // ISO forms, the wire's own, are read by the shared rule; only the minutes and seconds of a
  // minute or second indicator may be left out, as in the locale's form.
  const iso = normaliseTimestamp(v, precision, 'truncate');
  if ('timestamp' in iso) return iso.timestamp;
  const needed = Math.min(PRECISION_PARTS[precision], 4);
  if (iso.problem === 'precision') {
    const upToHour = /^(\d{4}-\d{2}-\d{2})[ T](\d{2})(?::(\d{2}))?$/.exec(v);
    if (!upToHour || PRECISION_PARTS[precision] <= 4) return null;
    const padded = normaliseTimestamp(`${upToHour[1]} ${upToHour[2]}:${upToHour[3] ?? '00'}:00`, precision, 'truncate');
    return 'timestamp' in padded ? padded.timestamp : null;
  }
  if (iso.problem !== 'format') return null;
  const { numeric, dayPeriod } = partsOrder(precision);
  const numbers = v.match(/\d+/g)?.map(Number) ?? [];
  const byPart = new Map<NumericPart, number>();
  numeric.forEach((part, i) => {
    if (numbers[i] !== undefined) byPart.set(part, numbers[i]!);
  });
  const dateParts: NumericPart[] = (['year', 'month', 'day'] as const).slice(0, Math.min(needed, 3));
  if (numbers.length > numeric.length || dateParts.some((p) => !byPart.has(p))) return null;
  if (needed === 4 && !byPart.has('hour')) return null;
  let hour = byPart.get('hour') ?? 0;
  if (dayPeriod && byPart.has('hour')) {
    const lower = v.toLowerCase();
    const { am, pm } = dayPeriods();
    const isPm = (pm !== '' && lower.includes(pm)) || /\bp\.?\s?m\.?/.test(lower);
    const isAm = (am !== '' && lower.includes(am)) || /\ba\.?\s?m\.?/.test(lower);
    if (hour > 12 || hour === 0) {
      if (isAm || isPm) return null;
    } else if (isPm) hour = hour === 12 ? 12 : hour + 12;
    else if (isAm) hour = hour === 12 ? 0 : hour;
    else return null;
  }
  const year = byPart.get('year')!;
  if (year < 1000) return null;
  return truncate(
    [
      year,
      byPart.get('month') ?? 1,
      byPart.get('day') ?? 1,
      hour,
      byPart.get('minute') ?? 0,
      byPart.get('second') ?? 0,
    ],
    precision,
  );
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

/** Epoch seconds of a wall-clock time read as UTC (the chart's axis) → the stored text. */
export function epochToStored(seconds: number): string {
  return stored(new Date(seconds * 1000));
}

/** A tick of the chart's time axis, as detailed as the visible span needs. */
export function formatChartTick(seconds: number, spanSeconds: number): string {
  const day = 86_400;
  const options: Intl.DateTimeFormatOptions =
    spanSeconds > 3 * 365 * day
      ? { year: 'numeric' }
      : spanSeconds > 90 * day
        ? { year: 'numeric', month: 'short' }
        : spanSeconds > 3 * day
          ? { day: 'numeric', month: 'short' }
          : spanSeconds > day / 2
            ? { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }
            : { hour: '2-digit', minute: '2-digit' };
  return currentIntl().formatDate(new Date(seconds * 1000), { ...options, timeZone: 'UTC' });
}

/** A chart bucket's width: '1 hour', '7 jours', '3 months'. */
export function formatBucket(b: { unit: 'second' | 'month'; size: number }): string {
  const long = (n: number, unit: string) =>
    currentIntl().formatNumber(n, { style: 'unit', unit, unitDisplay: 'long' } as FormatNumberOptions);
  if (b.unit === 'month') return b.size % 12 === 0 ? long(b.size / 12, 'year') : long(b.size, 'month');
  if (b.size % 604_800 === 0) return long(b.size / 604_800, 'week');
  if (b.size % 86_400 === 0) return long(b.size / 86_400, 'day');
  if (b.size % 3600 === 0) return long(b.size / 3600, 'hour');
  if (b.size % 60 === 0) return long(b.size / 60, 'minute');
  return long(b.size, 'second');
}

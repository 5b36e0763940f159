/**
 * One rule for dates and numbers: what the table shows is what the form shows and reads back,
 * in every locale, and the stored form never changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { activate, resolveLocale } from '../../../src/renderer/src/i18n';
import {
  epochToStored,
  formatBucket,
  formatChartTick,
  formatLocation,
  formatNumberInput,
  formatRelative,
  formatSince,
  formatTimestamp,
  formatValue,
  parseNumber,
  parseTimestamp,
  timestampPattern,
  toTimestampInput,
} from '../../../src/renderer/src/lib/format';
import type { DateFormat, Dimension } from '../../../src/shared/ipc';

const PRECISIONS: DateFormat[] = ['year', 'month', 'day', 'hour', 'minute', 'second'];
const LOCALES = [
  { language: 'fr', locale: 'fr-FR' },
  { language: 'fr', locale: 'fr-CA' },
  { language: 'en', locale: 'en-GB' },
  { language: 'en', locale: 'en-US' },
] as const;

afterEach(() => activate({ language: 'en', locale: 'en-GB' }));

describe('the language and locale', () => {
  it('follows the first system language it has, keeping the system region for formats', () => {
    expect(resolveLocale('system', ['de-DE', 'fr-CA', 'en-US'])).toEqual({ language: 'fr', locale: 'fr-CA' });
    expect(resolveLocale('system', ['en_US'])).toEqual({ language: 'en', locale: 'en-US' });
    expect(resolveLocale('system', ['de-DE'])).toEqual({ language: 'en', locale: 'en-GB' });
    expect(resolveLocale('system', [])).toEqual({ language: 'en', locale: 'en-GB' });
    expect(resolveLocale('fr', ['en-US'])).toEqual({ language: 'fr', locale: 'fr-FR' });
    expect(resolveLocale('en', ['fr-FR', 'en-AU'])).toEqual({ language: 'en', locale: 'en-AU' });
  });
});

describe('timestamps', () => {
  const ts = '2024-05-17 14:05:09';

  it('shows an observation time at the indicator precision in the locale, never shifted by a time zone', () => {
    activate({ language: 'fr', locale: 'fr-FR' });
    expect(PRECISIONS.map((p) => formatTimestamp(ts, p))).toEqual([
      '2024',
      '05/2024',
      '17/05/2024',
      '17/05/2024 14:00',
      '17/05/2024 14:05',
      '17/05/2024 14:05:09',
    ]);
    expect(timestampPattern('minute')).toBe('JJ/MM/AAAA hh:mm');
    activate({ language: 'en', locale: 'en-GB' });
    expect(formatTimestamp(ts, 'minute')).toBe('17/05/2024, 14:05');
    expect(timestampPattern('day')).toBe('DD/MM/YYYY');
    activate({ language: 'en', locale: 'en-US' });
    expect(formatTimestamp(ts, 'minute')).toMatch(/^05\/17\/2024, 02:05[ \u202f]PM$/);
    expect(timestampPattern('minute')).toMatch(/^MM\/DD\/YYYY, hh:mm[ \u202f]AM\/PM$/);
  });

  it('reads back what it shows, at every precision in every locale (property, seeded)', () => {
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
    const seed = Number(env?.['SEED'] ?? Date.now() % 1_000_000);
    console.log(`format.test timestamp round trip seed=${seed} (SEED=${seed} to replay)`);
    let state = seed;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    for (let i = 0; i < 400; i++) {
      const date = new Date(
        Date.UTC(1900 + Math.floor(random() * 200), 0, 1) + Math.floor(random() * 366 * 86_400_000),
      );
      const stored = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(
        date.getUTCHours(),
      )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
      const locale = LOCALES[i % LOCALES.length]!;
      const precision = PRECISIONS[Math.floor(random() * PRECISIONS.length)]!;
      activate(locale);
      const shown = toTimestampInput(stored, precision);
      const keep = { year: 4, month: 7, day: 10, hour: 13, minute: 16, second: 19 }[precision];
      const expected = stored.slice(0, keep) + '0000-01-01 00:00:00'.slice(keep);
      expect(parseTimestamp(shown, precision), `${locale.locale} ${precision} ${stored} shown as ${shown}`).toBe(
        expected,
      );
      // Showing is idempotent: the stored value read back shows the same text.
      expect(toTimestampInput(expected, precision)).toBe(shown);
    }
  });

  it('also reads ISO forms and French habits, and refuses what is not a time', () => {
    activate({ language: 'fr', locale: 'fr-FR' });
    expect(parseTimestamp('2024-05-17', 'day')).toBe('2024-05-17 00:00:00');
    expect(parseTimestamp('2024-05-17T14:00', 'minute')).toBe('2024-05-17 14:00:00');
    expect(parseTimestamp('17/05/2024 14h', 'hour')).toBe('2024-05-17 14:00:00');
    expect(parseTimestamp('17/05/2024 14:30', 'hour')).toBe('2024-05-17 14:00:00');
    expect(parseTimestamp('17/5/2024', 'day')).toBe('2024-05-17 00:00:00');
    for (const bad of ['', 'hier', '31/02/2024', '17/13/2024', '17/05/2024 25:00', '2024-13-01', '17/05', '17/05/24'])
      expect(parseTimestamp(bad, 'minute'), bad).toBeNull();
    expect(parseTimestamp('17/05/2024', 'minute')).toBeNull(); // the time is part of a minute-precision value
    activate({ language: 'en', locale: 'en-US' });
    expect(parseTimestamp('5/17/2024, 2:05 PM', 'minute')).toBe('2024-05-17 14:05:00');
    expect(parseTimestamp('5/17/2024, 12:05 am', 'minute')).toBe('2024-05-17 00:05:00');
    expect(parseTimestamp('5/17/2024, 14:05', 'minute')).toBe('2024-05-17 14:05:00');
    expect(parseTimestamp('5/17/2024, 2:05', 'minute')).toBeNull(); // morning or afternoon?
    expect(parseTimestamp('17/05/2024', 'day')).toBeNull(); // month 17
  });
});

describe('numbers', () => {
  const real: Dimension = { code: 'rain', name: 'Rain', type: 'real', unit: 'mm' } as Dimension;
  const integer: Dimension = { code: 'n', name: 'Count', type: 'integer', unit: null } as Dimension;

  it('shows values with the locale separators and reads back what an input shows', () => {
    activate({ language: 'fr', locale: 'fr-FR' });
    expect(formatValue(1234567.125, real)).toBe('1\u202f234\u202f567,125');
    expect(formatValue(1234, integer)).toBe('1\u202f234');
    expect(formatValue(true, { ...integer, type: 'boolean' } as Dimension)).toBe('Oui');
    expect(formatLocation(3.45, 43.12)).toBe('3,45000\u202f; 43,12000');
    for (const n of [0, -0.5, 12.5, 1234567.125, 1e-7, 43.123456789]) expect(parseNumber(formatNumberInput(n))).toBe(n);
    expect(formatNumberInput(12.5)).toBe('12,5');
    expect(parseNumber('1 234,5')).toBe(1234.5);
    expect(parseNumber('12.5')).toBe(12.5);
    expect(parseNumber('1,2,3')).toBeNull();
    activate({ language: 'en', locale: 'en-GB' });
    expect(formatValue(1234567.125, real)).toBe('1,234,567.125');
    expect(formatLocation(3.45, 43.12, 'LINESTRING(3 43, 4 44)')).toBe('LINESTRING · 3.45000, 43.12000');
  });
});

describe('relative times', () => {
  const now = Date.UTC(2024, 4, 17, 12, 0, 0);
  const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();

  it('says how long ago, or in how long, in the language', () => {
    activate({ language: 'fr', locale: 'fr-FR' });
    expect(formatRelative(at(-20), now)).toBe('à l’instant');
    expect(formatRelative(at(-5 * 60), now)).toBe('il y a 5 minutes');
    expect(formatRelative(at(-3 * 3600), now)).toBe('il y a 3 heures');
    expect(formatRelative(at(120), now)).toBe('dans 2 minutes');
    expect(formatRelative(null, now)).toBe('jamais');
    activate({ language: 'en', locale: 'en-GB' });
    expect(formatRelative(at(-60), now)).toBe('1 minute ago');
    expect(formatRelative(at(30), now)).toBe('in 30 seconds');
  });

  it('a sync newer than the view’s last clock tick happened just now, not in the future', () => {
    activate({ language: 'en', locale: 'en-GB' });
    const tick = Date.now() - 25_000; // the view's clock ticks every 30 s
    expect(formatSince(new Date(Date.now() - 1000).toISOString(), tick)).toBe('just now');
    expect(formatSince(new Date(Date.now() - 5 * 60_000).toISOString(), tick)).toBe('5 minutes ago');
    expect(formatSince(null, tick)).toBe('never');
  });
});

describe('chart times and periods', () => {
  it('epoch seconds of the chart go back to the stored wall-clock text', () => {
    expect(epochToStored(Date.UTC(2024, 2, 31, 23, 59, 59) / 1000)).toBe('2024-03-31 23:59:59');
    expect(epochToStored(0)).toBe('1970-01-01 00:00:00');
  });

  it('periods are named in the language, with plurals', () => {
    expect(formatBucket({ unit: 'second', size: 3600 })).toBe('1 hour');
    expect(formatBucket({ unit: 'second', size: 43_200 })).toBe('12 hours');
    expect(formatBucket({ unit: 'second', size: 604_800 })).toBe('1 week');
    expect(formatBucket({ unit: 'month', size: 3 })).toBe('3 months');
    expect(formatBucket({ unit: 'month', size: 24 })).toBe('2 years');
    activate({ language: 'fr', locale: 'fr-FR' });
    // CLDR's spaces (no-break or not) between the number and the unit, read as spaces.
    const plain = (b: Parameters<typeof formatBucket>[0]) => formatBucket(b).replace(/\s/g, ' ');
    expect(plain({ unit: 'second', size: 86_400 * 2 })).toBe('2 jours');
    expect(plain({ unit: 'second', size: 600 })).toBe('10 minutes');
    expect(plain({ unit: 'month', size: 1 })).toBe('1 mois');
  });

  it('axis ticks are as detailed as the span needs, in the wall clock (no time zone shift)', () => {
    const t = Date.UTC(2024, 6, 14, 23, 30) / 1000;
    expect(formatChartTick(t, 10 * 365 * 86_400)).toBe('2024');
    expect(formatChartTick(t, 400 * 86_400)).toBe('Jul 2024');
    expect(formatChartTick(t, 10 * 86_400)).toBe('14 Jul');
    expect(formatChartTick(t, 3600)).toBe('23:30');
    activate({ language: 'fr', locale: 'fr-FR' });
    expect(formatChartTick(t, 400 * 86_400)).toBe('juil. 2024');
  });
});

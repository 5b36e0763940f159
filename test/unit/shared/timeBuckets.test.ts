import { describe, expect, it } from 'vitest';
import {
  alignedToDays,
  alignedToHours,
  boundToEpoch,
  bucketStart,
  BUCKET_WIDTHS,
  chooseBucketWidth,
  epochToTimestamp,
  nextBucketStart,
  timestampToEpoch,
} from '../../../src/shared/timeBuckets';

const t = (s: string) => timestampToEpoch(s);

describe('chart time buckets', () => {
  it('reads and writes wall-clock timestamps as UTC epoch seconds', () => {
    expect(t('1970-01-01 00:00:00')).toBe(0);
    expect(t('2024-02-29 23:59:59')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59) / 1000);
    expect(epochToTimestamp(t('2024-02-29 23:59:59'))).toBe('2024-02-29 23:59:59');
    expect(Number.isNaN(t('nope'))).toBe(true);
    expect(epochToTimestamp(t('0050-06-01 00:00:00'))).toBe('0050-06-01 00:00:00');
  });

  it('filter bounds cover the whole period a prefix names', () => {
    expect(boundToEpoch('2024', 'from')).toBe(t('2024-01-01 00:00:00'));
    expect(boundToEpoch('2024', 'to')).toBe(t('2024-12-31 23:59:59'));
    expect(boundToEpoch('2024-02', 'to')).toBe(t('2024-02-29 23:59:59'));
    expect(boundToEpoch('2024-12', 'to')).toBe(t('2024-12-31 23:59:59'));
    expect(boundToEpoch('2024-05-03', 'to')).toBe(t('2024-05-03 23:59:59'));
    expect(boundToEpoch('2024-05-03T10', 'to')).toBe(t('2024-05-03 10:59:59'));
    expect(boundToEpoch('2024-05-03 10:30', 'to')).toBe(t('2024-05-03 10:30:59'));
    expect(boundToEpoch('2024-05-03 10:30:15', 'to')).toBe(t('2024-05-03 10:30:15'));
    expect(boundToEpoch('2024-05-03 10:30', 'from')).toBe(t('2024-05-03 10:30:00'));
  });

  it('chooses the smallest round width giving at most two buckets per pixel', () => {
    const from = t('2020-01-01 00:00:00');
    // one day on 1000 px: 86400 s / 2000 buckets = 43.2 s → 1 minute
    expect(chooseBucketWidth(from, from + 86_399, 1000)).toEqual({ unit: 'second', size: 60 });
    // five years on 1000 px: ≈ 21.9 h per bucket → 1 day
    expect(chooseBucketWidth(from, t('2024-12-31 23:59:59'), 1000)).toEqual({ unit: 'second', size: 86_400 });
    // 38 years on 800 px → 1 month
    expect(chooseBucketWidth(from, t('2057-12-31 23:59:59'), 800)).toEqual({ unit: 'month', size: 1 });
    // a single instant still gets a width
    expect(chooseBucketWidth(from, from, 1000)).toEqual({ unit: 'second', size: 1 });
    for (const px of [1, 50, 333, 1000, 4000]) {
      const span = 400 * 86_400;
      const w = chooseBucketWidth(from, from + span, px);
      const n = Math.ceil(span / (w.unit === 'second' ? w.size : w.size * 28 * 86_400));
      expect(n, `${px} px`).toBeLessThanOrEqual(Math.max(2 * px * 1.1, 40));
      const smaller =
        BUCKET_WIDTHS[BUCKET_WIDTHS.indexOf(BUCKET_WIDTHS.find((x) => x.unit === w.unit && x.size === w.size)!) - 1];
      if (smaller && smaller.unit === 'second') expect(span / smaller.size).toBeGreaterThan(2 * px);
    }
  });

  it('aligns buckets: days at midnight, weeks on Mondays, months and quarters on the calendar', () => {
    const x = t('2024-05-15 13:45:10');
    expect(epochToTimestamp(bucketStart({ unit: 'second', size: 3600 }, x))).toBe('2024-05-15 13:00:00');
    expect(epochToTimestamp(bucketStart({ unit: 'second', size: 86_400 }, x))).toBe('2024-05-15 00:00:00');
    expect(epochToTimestamp(bucketStart({ unit: 'second', size: 7 * 86_400 }, x))).toBe('2024-05-13 00:00:00');
    expect(epochToTimestamp(bucketStart({ unit: 'month', size: 1 }, x))).toBe('2024-05-01 00:00:00');
    expect(epochToTimestamp(bucketStart({ unit: 'month', size: 3 }, x))).toBe('2024-04-01 00:00:00');
    expect(epochToTimestamp(bucketStart({ unit: 'month', size: 120 }, x))).toBe('2020-01-01 00:00:00');
    expect(epochToTimestamp(nextBucketStart({ unit: 'month', size: 3 }, t('2024-10-01 00:00:00')))).toBe(
      '2025-01-01 00:00:00',
    );
    expect(epochToTimestamp(bucketStart({ unit: 'second', size: 3600 }, t('1969-12-31 23:30:00')))).toBe(
      '1969-12-31 23:00:00',
    );
    expect(alignedToHours({ unit: 'second', size: 1800 })).toBe(false);
    expect(alignedToHours({ unit: 'second', size: 7200 })).toBe(true);
    expect(alignedToHours({ unit: 'month', size: 1 })).toBe(true);
    expect(alignedToDays({ unit: 'second', size: 7 * 86_400 })).toBe(true);
    expect(alignedToDays({ unit: 'second', size: 12 * 3600 })).toBe(false);
    expect(alignedToDays({ unit: 'month', size: 3 })).toBe(true);
  });
});

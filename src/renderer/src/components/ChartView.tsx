/**
 * The filtered set over time. Main reduces it to about two buckets per pixel (`chart.series`), so
 * whatever the set's size the chart receives a few thousand points: numeric dimensions as their
 * mean per bucket (one scale per unit), and below them counts per bucket (observations, trues of
 * each boolean, non-empty texts). Hover shows the time and values; dragging a range sets the
 * shared time filter; clicking a bucket that holds one observation opens it.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { t } from '../i18n';
import { epochToStored, formatBucket, formatChartTick, formatNumber, formatTimestamp } from '../lib/format';
import { ErrorBanner } from './ErrorBanner';
import { toGobsError } from '../lib/errors';
import type { ChartData, DateFormat, IndicatorSummary, ObservationFilter } from '../../../shared/ipc';
import type { BucketWidth } from '../../../shared/timeBuckets';
import type { GobsError } from '../../../shared/errors';

interface Props {
  indicator: IndicatorSummary;
  filter: ObservationFilter;
  /** A range dragged on the chart: the new time filter (stored timestamps, inclusive). */
  onRange(from: string, to: string): void;
  onOpen(uuid: string): void;
}

const COLOURS = ['#1f6fb2', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d'];
const AXIS = { stroke: '#5b6675', grid: { stroke: '#e6e9ed', width: 1 }, ticks: { stroke: '#d9dee4', width: 1 } };

/** The precision a bucket's start is shown at. */
function bucketPrecision(b: BucketWidth): DateFormat {
  if (b.unit === 'month') return b.size % 12 === 0 ? 'year' : 'month';
  if (b.size >= 86_400) return 'day';
  if (b.size >= 3600) return 'hour';
  if (b.size >= 60) return 'minute';
  return 'second';
}

export function ChartView({ indicator, filter, onRange, onOpen }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const numericEl = useRef<HTMLDivElement>(null);
  const countsEl = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [data, setData] = useState<ChartData>();
  const [error, setError] = useState<GobsError>();
  const [loading, setLoading] = useState(true);
  const handlers = useRef({ onRange, onOpen });
  handlers.current = { onRange, onOpen };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      const w = Math.floor(entry?.contentRect.width ?? 0);
      // Refetch only for a real change of size: a scrollbar appearing must not reload the chart.
      setWidth((prev) => (Math.abs(prev - w) > 24 ? w : prev));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (width < 50) return;
    let stale = false;
    setLoading(true);
    window.gobs.chart
      .series({ indicatorCode: indicator.code, filter, pixels: Math.min(10_000, Math.max(10, width - 120)) })
      .then(
        (d) => {
          if (stale) return;
          setError(undefined);
          setData(d);
        },
        (err: unknown) => !stale && setError(toGobsError(err)),
      )
      .finally(() => !stale && setLoading(false));
    return () => {
      stale = true;
    };
  }, [indicator.code, filter, width]);

  useEffect(() => {
    if (!data || data.times.length === 0 || width < 50) return;
    const precision = bucketPrecision(data.bucket);
    const xSeries: uPlot.Series = {
      label: t('chart.time'),
      value: (_u, v) => (v == null ? '' : formatTimestamp(epochToStored(v), precision)),
    };
    const span = (data.to ?? 0) - (data.from ?? 0);
    const xAxis: uPlot.Axis = {
      ...AXIS,
      values: (_u, splits) => splits.map((v) => formatChartTick(v, span)),
      space: 80,
    };
    const plots: uPlot[] = [];
    let selecting = false;
    const common = (height: number): Partial<uPlot.Options> => ({
      width: width - 2,
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      cursor: {
        sync: { key: `chart-${indicator.code}` },
        drag: { x: true, y: false, setScale: false },
      },
      legend: { live: true },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            selecting = true;
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            handlers.current.onRange(epochToStored(Math.floor(from)), epochToStored(Math.ceil(to)));
          },
        ],
        ready: [
          (u) => {
            u.over.addEventListener('click', () => {
              if (selecting) {
                selecting = false;
                return;
              }
              const idx = u.cursor.idx;
              const uuid = idx == null ? null : data.uuids[idx];
              if (uuid) handlers.current.onOpen(uuid);
            });
          },
        ],
      },
    });

    // Numeric dimensions: one scale per unit; the first two units get an axis.
    const units: string[] = [];
    for (const s of data.numeric) {
      const key = s.unit ?? `:${s.code}`;
      if (!units.includes(key)) units.push(key);
    }
    if (numericEl.current && data.numeric.length > 0) {
      const n = data.numeric.length;
      const withUnit = (v: number, unit: string | null) => (unit ? `${formatNumber(v)} ${unit}` : formatNumber(v));
      // Each dimension's mean per bucket as a line, inside a band from its smallest to its largest
      // value: a peak within a bucket still shows, whatever the set's size.
      const series: uPlot.Series[] = [
        xSeries,
        ...data.numeric.map<uPlot.Series>((s, i) => ({
          label: s.unit ? `${s.name} (${s.unit})` : s.name,
          scale: s.unit ?? `:${s.code}`,
          stroke: COLOURS[i % COLOURS.length],
          width: 1.5,
          spanGaps: false,
          value: (_u, v, _si, idx) => {
            if (v == null) return '—';
            const lo = idx == null ? null : s.min[idx];
            const hi = idx == null ? null : s.max[idx];
            if (lo == null || hi == null || lo === hi) return withUnit(v, s.unit);
            return t('chart.meanRange', {
              mean: withUnit(v, s.unit),
              min: formatNumber(lo),
              max: withUnit(hi, s.unit),
            });
          },
        })),
        ...data.numeric.flatMap<uPlot.Series>((s, i) =>
          (['max', 'min'] as const).map((edge) => ({
            label: `${s.name} ${edge}`,
            class: 'chart-range',
            scale: s.unit ?? `:${s.code}`,
            stroke: `${COLOURS[i % COLOURS.length]}40`,
            width: 0.5,
            spanGaps: false,
            points: { show: false },
          })),
        ),
      ];
      const bands: uPlot.Band[] = data.numeric.map((s, i) => ({
        series: [1 + n + 2 * i, 1 + n + 2 * i + 1],
        fill: `${COLOURS[i % COLOURS.length]}1f`,
      }));
      const axes: uPlot.Axis[] = [
        xAxis,
        ...units.slice(0, 2).map<uPlot.Axis>((unit, i) => ({
          ...AXIS,
          scale: unit,
          side: i === 0 ? 3 : 1,
          label: unit.startsWith(':') ? undefined : unit,
          values: (_u, splits) => splits.map((v) => formatNumber(v)),
          grid: { show: i === 0, stroke: '#e6e9ed', width: 1 },
        })),
      ];
      plots.push(
        new uPlot(
          { ...common(260), series, axes, bands, scales: { x: { time: true } } } as uPlot.Options,
          [
            data.times,
            ...data.numeric.map((s) => s.mean),
            ...data.numeric.flatMap((s) => [s.max, s.min]),
          ] as uPlot.AlignedData,
          numericEl.current,
        ),
      );
    }

    if (countsEl.current) {
      const countSeries: { label: string; values: number[] }[] = [
        { label: t('chart.observations'), values: data.counts },
        ...data.booleans.map((b) => ({ label: t('chart.trues', { name: b.name }), values: b.trues })),
        ...data.texts.map((s) => ({ label: t('chart.nonEmpty', { name: s.name }), values: s.nonEmpty })),
      ];
      const series: uPlot.Series[] = [
        xSeries,
        ...countSeries.map<uPlot.Series>((s, i) => ({
          label: s.label,
          scale: 'count',
          stroke: i === 0 ? '#5b6675' : COLOURS[(i + data.numeric.length) % COLOURS.length],
          fill: i === 0 ? 'rgba(91, 102, 117, 0.25)' : undefined,
          width: i === 0 ? 0 : 1.5,
          paths: i === 0 ? uPlot.paths.bars!({ size: [0.9, 40], align: 1 }) : undefined,
          points: { show: i !== 0 && data.times.length < 200 },
          value: (_u, v) => (v == null ? '—' : formatNumber(v)),
        })),
      ];
      plots.push(
        new uPlot(
          {
            ...common(data.numeric.length > 0 ? 150 : 300),
            series,
            axes: [
              xAxis,
              {
                ...AXIS,
                scale: 'count',
                side: 3,
                label: t('chart.perPeriod'),
                values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? formatNumber(v) : '')),
              },
            ],
            scales: { x: { time: true }, count: { range: (_u, _min, max) => [0, Math.max(1, max * 1.05)] } },
          } as uPlot.Options,
          [data.times, ...countSeries.map((s) => s.values)] as uPlot.AlignedData,
          countsEl.current,
        ),
      );
    }
    return () => {
      for (const p of plots) p.destroy();
    };
  }, [data, width, indicator.code]);

  const empty = data && data.times.length === 0;
  return (
    <div className="chart-view" ref={box} data-total={data?.total ?? ''} data-buckets={data?.times.length ?? ''}>
      {error && <ErrorBanner error={error} />}
      {data && !empty && (
        <p className="small muted chart-caption" role="status">
          {t('chart.caption', {
            count: data.total,
            buckets: data.times.length,
            width: formatBucket(data.bucket),
          })}
          {' · '}
          {t('chart.hint')}
        </p>
      )}
      {empty && <p className="muted chart-empty">{t('chart.empty')}</p>}
      {!data && loading && <p className="muted">{t('common.loading')}</p>}
      <div
        ref={numericEl}
        className="chart-plot"
        role="img"
        aria-label={t('chart.numericLabel')}
        hidden={!data || empty || data.numeric.length === 0}
      />
      <div
        ref={countsEl}
        className="chart-plot"
        role="img"
        aria-label={t('chart.countsLabel')}
        hidden={!data || empty}
      />
    </div>
  );
}

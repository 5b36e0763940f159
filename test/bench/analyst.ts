/**
 * The analyst's desk at scale: N realistic observations (test/helpers/seedAnalyst.ts: 200 stations
 * over five years, points, lines, polygons) in a real store, read through the real channels.
 *
 *   npx tsx test/bench/analyst.ts [rows=1000000] [--json]
 *
 * Measures: time to the first chart data and the first map data (cold: the summary is built by
 * that call; warm: later calls), filtered variants, the export rate of each format over the whole
 * set with the process's peak RSS during it (VmHWM, reset before each export), and what migration
 * 8's triggers and index add to each pulled row (applyPulled, 2,000 per transaction as the engine
 * does). Wall and CPU time are both given: this machine is shared, CPU time is what the work costs.
 * --json prints the rows as one JSON line at the end (npm run bench, item 8, runs it so).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAccountStore } from '../../src/main/store/account';
import { openStore } from '../../src/main/store/db';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { beginSummary, buildSummaryChunk, completeSummary, hourChunks } from '../../src/main/store/summaries';
import { applyPulled } from '../../src/main/store/sync';
import type { Observation as WireObservation } from '../../src/shared/api';
import type { ExportFormat, ExportProgress, GobsApi } from '../../src/shared/ipc';
import { createTestDesktop } from '../helpers/desktop';
import { seedAnalystAccount, seedWaterObservations, stations } from '../helpers/seedAnalyst';
import { procMemory, resetPeak } from './lib/procs';
import { findChromium } from '../harness/chromium';
import { launchApp } from '../harness/app';
import { createDevice } from '../harness/device';
import { median, type Row } from './lib/report';

const args = process.argv.slice(2);
const json = args.includes('--json');
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const log = (s: string) => process.stderr.write(`[analyst] ${s}\n`);
const rows: Row[] = [];
const IND = 'water_quality';

function add(measure: string, value: number, unit: string, note?: string): void {
  rows.push({ item: '8', measure, engine: 'sqlite', value, unit, ...(note ? { note } : {}) });
  log(
    `${measure}: ${unit === 'ms' ? value.toFixed(1) : value.toFixed(unit === 'rows/s' ? 0 : 2)} ${unit}${note ? ` (${note})` : ''}`,
  );
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  const cpu = process.cpuUsage(c);
  return { value, ms: performance.now() - t, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * Time from clicking the Chart (Map) tab of the Indicator page to the chart (map) drawn with its
 * data, in the built renderer in Chromium over the real main core: what the user waits for. The
 * summaries are already built by the measures above (their cold cost is reported there); the
 * times include loading uPlot or MapLibre on first use, the IPC round trip and the drawing.
 */
async function renderInBrowser(dir: string): Promise<void> {
  const browser = findChromium();
  if (!browser) {
    log("browser render measures skipped: no Chromium (install Debian's chromium or set GOBS_CHROMIUM)");
    return;
  }
  const device = await createDevice({ dataDir: dir });
  const app = await launchApp(device, browser);
  try {
    const page = app.page;
    await page.getByRole('button', { name: 'Work offline as tester' }).click();
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await page.goto(`${app.url}#/p/water/i/${IND}`);
    await page.getByRole('tab', { name: 'Chart' }).waitFor();
    let t0 = performance.now();
    await page.getByRole('tab', { name: 'Chart' }).click();
    await page.waitForFunction(
      () => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
        const el = doc.querySelector('.chart-view') as { dataset: { buckets?: string } } | null;
        return Number(el?.dataset.buckets) > 0 && Boolean(doc.querySelector('.chart-view .uplot canvas'));
      },
      undefined,
      { timeout: 120_000, polling: 'raf' },
    );
    const chartMs = performance.now() - t0;
    const buckets = await page.locator('.chart-view').getAttribute('data-buckets');
    add(`first chart drawn in the browser, ${n.toLocaleString('en')} obs`, chartMs, 'ms', `${buckets} buckets`);
    t0 = performance.now();
    await page.getByRole('tab', { name: 'Map' }).click();
    await page.waitForFunction(
      () => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
        const el = doc.querySelector('.map-canvas') as {
          dataset: { mode?: string };
          getAttribute(name: string): string | null;
          maplibre?: { loaded(): boolean };
        } | null;
        return Boolean(el?.dataset.mode && el.getAttribute('aria-busy') === 'false' && el.maplibre?.loaded());
      },
      undefined,
      { timeout: 120_000, polling: 'raf' },
    );
    const mapMs = performance.now() - t0;
    const mode = await page.locator('.map-canvas').getAttribute('data-mode');
    add(`first map drawn in the browser, ${n.toLocaleString('en')} obs`, mapMs, 'ms', `${mode}, SwiftShader WebGL`);
    // The same calls from the page, timed there: what of the above is main and the bridge, not drawing.
    const roundTrips = await page.evaluate(async (indicatorCode) => {
      const gobs = (globalThis as unknown as { gobs: GobsApi }).gobs;
      const t1 = performance.now();
      await gobs.chart.series({ indicatorCode, pixels: 1000 });
      const t2 = performance.now();
      await gobs.map.view({ indicatorCode, bbox: [-6, 41, 10, 52], zoom: 5, dimension: 'temperature' });
      return { chart: t2 - t1, map: performance.now() - t2 };
    }, IND);
    add('chart data from the page (bridge round trip, warm)', roundTrips.chart, 'ms');
    add('map data from the page (bridge round trip, warm)', roundTrips.map, 'ms');
    if (app.pageErrors.length) log(`page errors: ${app.pageErrors.join(' | ')}`);
  } finally {
    await app.close();
    // Keeps the folder: the measures after this one write into it.
    await device.desktop.close(false);
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'gobs-bench-analyst-'));
try {
  const ref = seedAnalystAccount(dataDir);
  let t = performance.now();
  seedWaterObservations(dataDir, ref, n, {
    stations: 200,
    years: 5,
    onProgress: (done) => done % 200_000 === 0 && log(`seeded ${done}`),
  });
  {
    const store = openAccountStore(dataDir, ref);
    // As the end of a sync does: planner statistics.
    store.db.pragma('optimize');
    store.db.close();
  }
  log(`seeded ${n} observations in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  let d = await createTestDesktop({ dataDir });

  // ---- chart ----
  const chartArgs = { indicatorCode: IND, pixels: 1000 };
  const cold = await timed(() => d.gobs.chart.series(chartArgs));
  add(
    `first chart data, ${n.toLocaleString('en')} obs, cold (builds the hourly summary)`,
    cold.ms,
    'ms',
    `CPU ${cold.cpuMs.toFixed(0)} ms, ${cold.value.times.length} buckets of ${cold.value.bucket.size} ${cold.value.bucket.unit}`,
  );
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) warm.push((await timed(() => d.gobs.chart.series(chartArgs))).ms);
  add('chart data, whole set, warm (median of 5)', median(warm), 'ms');
  const year = await timed(() =>
    d.gobs.chart.series({ ...chartArgs, filter: { from: '2022-03-15 10:30', to: '2023-03-15', states: ['synced'] } }),
  );
  add('chart data, one year cut mid-hour + state filter', year.ms, 'ms', `${year.value.total} obs`);
  const text = await timed(() => d.gobs.chart.series({ ...chartArgs, filter: { text: 'clear' } }));
  add(
    'chart data, text filter (reads the rows)',
    text.ms,
    'ms',
    `CPU ${text.cpuMs.toFixed(0)} ms, ${text.value.total} obs`,
  );
  const day = await timed(() =>
    d.gobs.chart.series({ ...chartArgs, filter: { from: '2023-06-01', to: '2023-06-07' } }),
  );
  add('chart data, one week, 10-minute buckets (reads the rows)', day.ms, 'ms', `${day.value.total} obs`);

  // ---- map ----
  const france: [number, number, number, number] = [-6, 41, 10, 52];
  const mapArgs = { indicatorCode: IND, bbox: france, zoom: 5, dimension: 'temperature' };
  const mapCold = await timed(() => d.gobs.map.view(mapArgs));
  add(
    'first map data, France at zoom 5, cold (builds the cell summary)',
    mapCold.ms,
    'ms',
    `CPU ${mapCold.cpuMs.toFixed(0)} ms, ${mapCold.value.clusters.length} clusters`,
  );
  const mapWarm: number[] = [];
  for (let i = 0; i < 5; i++) mapWarm.push((await timed(() => d.gobs.map.view({ ...mapArgs, zoom: 5 + i }))).ms);
  add('map data, zoom 5-9, warm (median of 5)', median(mapWarm), 'ms');
  const mapTime = await timed(() => d.gobs.map.view({ ...mapArgs, filter: { from: '2022', to: '2022' } }));
  add(
    'map data, France, one-year filter (reads the rows)',
    mapTime.ms,
    'ms',
    `CPU ${mapTime.cpuMs.toFixed(0)} ms, ${mapTime.value.total} obs`,
  );
  const site = stations(200)[17]!;
  const deep = await timed(() =>
    d.gobs.map.view({
      ...mapArgs,
      zoom: 12,
      bbox: [site.x - 0.1, site.y - 0.07, site.x + 0.1, site.y + 0.07],
      filter: { from: '2023' },
    }),
  );
  add('map data, zoom 12 around a station, time filter', deep.ms, 'ms', `${deep.value.mode}, ${deep.value.total} obs`);

  // ---- exports ----
  for (const format of ['csv', 'geojson', 'gpkg'] as ExportFormat[]) {
    const idle = procMemory(process.pid).rssMb;
    const reset = resetPeak(process.pid);
    const run = await timed(async () => {
      const started = await d.gobs.exports.start({ indicatorCode: IND, format });
      return new Promise<ExportProgress>((resolve) => {
        const off = d.gobs.on('export.progress', (p) => {
          if (p.id === started!.id && p.state !== 'running') {
            off();
            resolve(p);
          }
        });
      });
    });
    if (run.value.state !== 'done')
      throw new Error(`export ${format}: ${run.value.state} ${run.value.error?.message ?? ''}`);
    const peak = procMemory(process.pid).hwmMb;
    const size = statSync(run.value.file).size / 2 ** 20;
    add(
      `export ${format}, ${run.value.done.toLocaleString('en')} obs`,
      run.value.done / (run.ms / 1000),
      'rows/s',
      `${(run.ms / 1000).toFixed(1)} s, CPU ${(run.cpuMs / 1000).toFixed(1)} s, ${size.toFixed(0)} MB`,
    );
    add(
      `peak RSS during the ${format} export, above idle`,
      peak - idle,
      'MB',
      reset ? `idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB` : 'peak counter could not be reset',
    );
    rmSync(run.value.file, { force: true });
  }
  await d.close();

  // ---- the views drawn in a real browser (Debian Chromium, WebGL in software) ----
  await renderInBrowser(dataDir);

  // ---- what migration 8 adds to a pulled row ----
  const prefill = Math.min(100_000, Math.max(10_000, Math.floor(n / 10)));
  const pulled = 20_000;
  const sites = stations(200);
  const wire = (i: number): WireObservation => {
    const s = sites[i % sites.length]!;
    const ts = new Date(Date.UTC(2021, 0, 1) + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
    return {
      id: i + 1,
      uuid: randomUUID(),
      indicator: IND,
      import: 1,
      timestamp: ts,
      x: s.x,
      y: s.y,
      wkt: s.wkt ?? `POINT (${s.x} ${s.y})`,
      values: [
        { name: 'temperature', type: 'real', value: (i % 300) / 10 },
        { name: 'ph', type: 'real', value: 7 },
        { name: 'level', type: 'integer', value: i % 500 },
        { name: 'flooded', type: 'boolean', value: i % 7 === 0 },
        { name: 'note', type: 'string', value: i % 9 === 0 ? 'clear' : '' },
      ],
      media_url: null,
      author: 'alice',
      created_at: '2024-01-01T00:00:00.000Z',
      updated_at: '2024-01-01T00:00:00.000Z',
    };
  };
  // The summaries' triggers are migration 8; the store's later migrations (the pulled row's own
  // columns) are in every variant, so only the triggers' cost differs.
  const variants: [string, number, boolean][] = [
    ['without the summaries (before)', 7, false],
    ['summaries not built', 8, false],
    ['both summaries built', 8, true],
  ];
  const perRow: Record<string, number> = {};
  for (const [name, version, built] of variants) {
    const file = join(dataDir, `pull-${version}-${built}.sqlite`);
    const db = openStore(
      file,
      MIGRATIONS.filter((m) => m.version !== 8 || version >= 8),
    );
    const apply = (from: number, count: number) => {
      for (let b = from; b < from + count; b += 2000) {
        db.transaction(() => {
          for (let i = b; i < Math.min(from + count, b + 2000); i++) applyPulled(db, wire(i));
        })();
      }
    };
    apply(0, prefill);
    if (built) {
      for (const kind of ['series', 'place'] as const) {
        beginSummary(db, IND, kind);
        for (const c of hourChunks(db, IND, 20_000)) buildSummaryChunk(db, IND, kind, c);
        completeSummary(db, IND, kind);
      }
    }
    const c = process.cpuUsage();
    t = performance.now();
    apply(prefill, pulled);
    const cpu = process.cpuUsage(c);
    perRow[name] = (cpu.user + cpu.system) / pulled;
    add(
      `pulled row, ${name}`,
      perRow[name]!,
      'µs CPU',
      `${(((performance.now() - t) * 1000) / pulled).toFixed(0)} µs wall, ${pulled} rows into ${prefill}`,
    );
    db.close();
  }
  d = undefined as never;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
if (json) console.log(JSON.stringify(rows));

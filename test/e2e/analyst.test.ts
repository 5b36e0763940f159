/**
 * The analyst's desk in a real browser over a real store: the Indicator page's table, chart and map
 * show one filtered set (a range dragged on the chart filters the table and the map), the map draws
 * in WebGL (SwiftShader) with clusters, features and the project's GeoPackage layers, the export
 * dialog writes a file GDAL reads back, the observation form's mini-map sets the point, and the
 * online basemap is allowed by the CSP only once enabled. Every new view is photographed in English
 * and in French (test-output/screenshots/analyst-*.png).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumOrSkip } from '../harness/chromium';
import { launchApp } from '../harness/app';
import { createDevice, type Device } from '../harness/device';
import { useHooks } from '../harness/suite';
import { expectVisible } from '../harness/ui';
import { seedAnalystAccount, seededGeoPackagePath, seedWaterObservations } from '../helpers/seedAnalyst';
import { hasGdal, ogrinfo } from '../helpers/gdal';
import { BASEMAP } from '../../src/shared/basemap';
import type { ObservationDetail } from '../../src/shared/ipc';
import type { Envelope } from '../../src/shared/errors';

// Page-side globals; this file is compiled for Node.
declare const document: { querySelector(s: string): unknown };
interface PageMap {
  getZoom(): number;
  project(p: [number, number]): { x: number; y: number };
  queryRenderedFeatures(options: { layers: string[] }): {
    geometry: { coordinates: [number, number] };
    properties: Record<string, unknown>;
  }[];
  loaded(): boolean;
}

const browser = chromiumOrSkip();
/** This machine is shared and draws WebGL in software: give the page time. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000 });
/** Above the map's 5,000-feature bound at the project's extent: the overview is clustered. */
const N = 8000;
const ISO = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
/** A 1×1 PNG: what the basemap's tile server answers here (there is no internet in CI). */
const TILE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe.skipIf(!browser)("the analyst's desk: chart, map, exports, mini-map", () => {
  let device: Device | undefined;
  let dataDir = '';
  const fauna: ObservationDetail[] = [];
  const { app } = useHooks(
    async () => {
      dataDir = join((await import('node:os')).tmpdir(), `gobs-e2e-analyst-${process.pid}-${Date.now().toString(36)}`);
      mkdirSync(dataDir, { recursive: true });
      const ref = seedAnalystAccount(dataDir);
      seedWaterObservations(dataDir, ref, N, { stations: 60, years: 2, start: '2024-01-01 00:00:00' });
      if (hasGdal) writeProjectLayers(seededGeoPackagePath(dataDir, ref));
      device = await createDevice({ dataDir });
      // A few observations made through main's own channel: one per day, so each is a chart point.
      for (const [day, count] of [
        ['2025-03-02', 3],
        ['2025-03-05', 8],
        ['2025-03-09', 5],
        ['2025-03-14', 12],
      ] as const) {
        const answer = (await device.dispatch('observations.create', {
          indicatorCode: 'fauna',
          timestamp: day,
          values: { species: 'heron', count, adult: count > 4 },
          x: 1.44 + count / 100,
          y: 43.6,
        })) as Envelope<ObservationDetail>;
        if (!answer.ok) throw new Error(answer.error.message);
        fauna.push(answer.value);
      }
      const opened = await launchApp(device, browser!);
      await opened.page.route(`${BASEMAP.origin}/**`, (route) =>
        route.fulfill({ status: 200, contentType: 'image/png', body: TILE }),
      );
      await opened.page.getByRole('button', { name: 'Work offline as tester' }).click();
      await expectVisible(opened.page.getByRole('heading', { name: 'Projects', level: 1 }));
      return opened;
    },
    async () => {
      await device?.close();
    },
  );

  const page = (): Page => app.page;
  const openIndicator = async (label: string) => {
    await page().goto(`${app.url}#/p/water`);
    await page()
      .getByRole('link', { name: `Open indicator ${label}` })
      .click();
    await expectVisible(page().getByRole('heading', { name: label, level: 1 }));
    // Each test starts from the whole set (the page remembers the filters of the session).
    const clear = page().getByRole('button', { name: 'Clear filters' });
    if (await clear.isEnabled()) await clear.click();
  };
  const status = () => page().locator('.obs-toolbar [role=status]');
  const countOf = async (text: string) => Number(/([\d,\u202f\u00a0 ]+)/.exec(text)![1]!.replace(/[^\d]/g, ''));

  it('the chart draws the whole set, shows time and values on hover, and a drag filters table and map', async () => {
    await openIndicator('Water quality');
    await page().getByRole('tab', { name: 'Chart' }).click();
    const chart = page().locator('.chart-view');
    await page().waitForFunction(() => {
      const el = document.querySelector('.chart-view') as { dataset: { buckets?: string } } | null;
      return Number(el?.dataset.buckets) > 0;
    });
    expect(Number(await chart.getAttribute('data-total'))).toBe(await countOf(await status().innerText()));
    const buckets = Number(await chart.getAttribute('data-buckets'));
    // Reduced in main: about two buckets per pixel at most, never the 8,000 observations.
    expect(buckets).toBeGreaterThan(50);
    expect(buckets).toBeLessThan(3000);
    await expect(page().locator('.chart-view .uplot').count()).resolves.toBe(2);
    await expectVisible(page().getByText('Temperature (°C)').first());

    // Hover: the legend shows the bucket's time at its precision and the values with their units.
    const over = page().locator('.chart-view .u-over').first();
    const box = (await over.boundingBox())!;
    await page().mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    const legendTime = page().locator('.chart-view .u-legend').first().locator('.u-series').first().locator('.u-value');
    await poll(() => legendTime.innerText()).toMatch(/\d{2}\/\d{2}\/\d{4}/);
    await poll(() => page().locator('.chart-view .u-legend').first().innerText()).toMatch(/\d °C/);
    // A period of many observations: their mean, and the band from the smallest to the largest.
    await poll(() => page().locator('.chart-view .u-legend').first().innerText()).toMatch(
      /°C \(from -?[\d.,]+ to -?[\d.,]+ °C\)/,
    );
    await expect(
      page().locator('.chart-view .u-legend').first().locator('.chart-range').first().isVisible(),
    ).resolves.toBe(false);
    await app.screenshot('analyst-chart-en');

    // Drag a range: it becomes the time filter of every view.
    await page().mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page().mouse.down();
    await page().mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 8 });
    await page().mouse.up();
    const from = page().getByLabel('From');
    const to = page().getByLabel('To', { exact: true });
    await poll(() => from.inputValue()).toMatch(ISO);
    expect(await to.inputValue()).toMatch(ISO);
    expect((await from.inputValue()) < (await to.inputValue())).toBe(true);
    await poll(() => status().innerText()).toMatch(/ of [\d,]+ observations/);
    const filtered = await countOf(await status().innerText());
    expect(filtered).toBeGreaterThan(100);
    expect(filtered).toBeLessThan(N);
    await poll(async () => Number(await chart.getAttribute('data-total'))).toBe(filtered);

    await page().getByRole('tab', { name: 'Table' }).click();
    const grid = page().getByRole('grid', { name: 'Observations' });
    await poll(() => grid.getAttribute('aria-rowcount')).toBe(String(filtered + 1));

    await page().getByRole('tab', { name: 'Map' }).click();
    await waitForMap(page());
    // The whole project is in view: the map counts the same filtered set.
    expect(Number(await page().locator('.map-canvas').getAttribute('data-total'))).toBe(filtered);

    await page().getByRole('button', { name: 'Clear filters' }).click();
    await poll(() => status().innerText()).toBe('8,000 observations');
  });

  it('clicking a chart point that is one observation opens it', async () => {
    await openIndicator('Fauna count');
    await page().getByRole('tab', { name: 'Chart' }).click();
    await page().waitForFunction(() => {
      const el = document.querySelector('.chart-view') as { dataset: { buckets?: string } } | null;
      return Number(el?.dataset.buckets) === 4;
    });
    await app.screenshot('analyst-chart-counts-en');
    const over = page().locator('.chart-view .u-over').first();
    const box = (await over.boundingBox())!;
    // The cursor snaps to the nearest bucket: the left edge is the first observation's day.
    await page().mouse.click(box.x + 2, box.y + box.height / 2);
    await page().waitForURL(new RegExp(`${fauna[0]!.uuid}$`));
    await expectVisible(page().getByRole('heading', { name: /Observation/, level: 1 }));
  });

  it('the map clusters the dense overview, colours by a dimension with a legend, and opens a feature', async () => {
    await openIndicator('Water quality');
    await page().getByRole('tab', { name: 'Map' }).click();
    await waitForMap(page());
    const canvas = page().locator('.map-canvas');
    expect(await canvas.getAttribute('data-mode')).toBe('clusters');
    expect(Number(await canvas.getAttribute('data-total'))).toBe(N);
    const legend = page().getByRole('complementary', { name: 'Map legend' });
    expect(await legend.getByLabel('Colour by').inputValue()).toBe('temperature');
    await poll(() => legend.locator('.ramp-labels').innerText()).toMatch(/°C[\s\S]*°C/);
    if (hasGdal) {
      await expectVisible(legend.getByRole('checkbox', { name: 'Départements' }));
      await expectVisible(legend.getByRole('checkbox', { name: 'Rivers' }));
    }
    await expectVisible(page().locator('.map-cluster-label').first());
    await app.screenshot('analyst-map-en');

    // Colour by a boolean: the legend lists its values.
    await legend.getByLabel('Colour by').selectOption('flooded');
    await expectVisible(legend.getByText('No value'));
    await expectVisible(legend.getByText('Yes', { exact: true }));
    await waitForMap(page());

    // Clicking a group zooms in until the observations themselves are drawn; clicking one opens it.
    for (let i = 0; i < 6 && (await canvas.getAttribute('data-mode')) !== 'features'; i++) {
      // The group nearest the middle, once the latest data is drawn (a new colouring redraws them).
      // A group of one is the observation itself: clicking it opens it, so it is not a group to zoom into.
      const nearestCluster = () =>
        canvas.evaluate((el) => {
          const map = (el as unknown as { maplibre: PageMap }).maplibre;
          const size = el as unknown as { clientWidth: number; clientHeight: number };
          const mid = { x: size.clientWidth / 2, y: size.clientHeight / 2 };
          const at = map
            .queryRenderedFeatures({ layers: ['clusters'] })
            .filter((h) => Number(h.properties['count']) > 1)
            .map((h) => map.project(h.geometry.coordinates));
          at.sort((a, c) => Math.hypot(a.x - mid.x, a.y - mid.y) - Math.hypot(c.x - mid.x, c.y - mid.y));
          return at[0] ?? null;
        });
      const target = await until(nearestCluster);
      const b = (await canvas.boundingBox())!;
      const zoom = await canvas.evaluate((el) => (el as unknown as { maplibre: PageMap }).maplibre.getZoom());
      await page().mouse.click(b.x + target.x, b.y + target.y);
      await page().waitForFunction((z) => {
        const el = document.querySelector('.map-canvas') as { maplibre: PageMap } | null;
        return Boolean(el && el.maplibre.getZoom() > z + 1 && el.maplibre.loaded());
      }, zoom);
      await waitForMap(page());
    }
    expect(await canvas.getAttribute('data-mode')).toBe('features');
    const point = await canvas.evaluate((el) => {
      const map = (el as unknown as { maplibre: PageMap }).maplibre;
      const size = el as unknown as { clientWidth: number; clientHeight: number };
      // A vertex of whatever was drawn (the point itself, or a corner of a line or an outline),
      // the one nearest the middle: well inside the map, away from its controls.
      const vertices = map.queryRenderedFeatures({ layers: ['obs-point', 'obs-line'] }).map((hit) => {
        let c: unknown = hit.geometry.coordinates;
        while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
        return map.project(c as [number, number]);
      });
      const mid = { x: size.clientWidth / 2, y: size.clientHeight / 2 };
      vertices.sort((a, b) => Math.hypot(a.x - mid.x, a.y - mid.y) - Math.hypot(b.x - mid.x, b.y - mid.y));
      return vertices[0] ?? null;
    });
    expect(point).not.toBeNull();
    await app.screenshot('analyst-map-features-en');
    const b = (await canvas.boundingBox())!;
    await page().mouse.click(b.x + point!.x, b.y + point!.y);
    await page().waitForURL(/#\/p\/water\/i\/water_quality\/o\/[0-9a-f-]{36}$/);
  });

  it('exports the filtered set through the dialog: a GeoPackage GDAL reads, and a cancelled save writes nothing', async () => {
    await openIndicator('Water quality');
    const answer = (await device!.dispatch('observations.count', {
      indicatorCode: 'water_quality',
      filter: { text: 'alice' },
    })) as Envelope<number>;
    const filtered = answer.ok ? answer.value : NaN;
    expect(filtered).toBeGreaterThan(100);
    await page().getByLabel('Search').fill('alice');
    await poll(() => status().innerText()).toMatch(new RegExp(`^${filtered.toLocaleString('en')} of `));

    await page().getByRole('button', { name: 'Export…' }).click();
    const dialog = page().getByRole('dialog', { name: 'Export observations' });
    await expectVisible(dialog);
    await expectVisible(dialog.getByText(`The ${filtered.toLocaleString('en')} observations matching`));
    await app.screenshot('analyst-export-en');

    // The user cancels the save dialog: back to the choice, no file.
    device!.desktop.exportTo = () => null;
    await dialog.getByRole('button', { name: 'Choose file and export' }).click();
    await expectVisible(dialog.getByRole('button', { name: 'Choose file and export' }));
    expect(existsSync(join(dataDir, 'exports'))).toBe(false);

    device!.desktop.exportTo = (o) => {
      mkdirSync(join(dataDir, 'exports'), { recursive: true });
      return join(dataDir, 'exports', o.defaultName);
    };
    await dialog.getByLabel(/GeoPackage/).check();
    await dialog.getByRole('button', { name: 'Choose file and export' }).click();
    await expectVisible(dialog.getByText(`${filtered.toLocaleString('en')} observations exported to`), 60_000);
    await app.screenshot('analyst-export-done-en');
    const files = readdirSync(join(dataDir, 'exports'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.gpkg$/);
    if (hasGdal) {
      const [layer] = ogrinfo(join(dataDir, 'exports', files[0]!));
      expect(layer!.featureCount).toBe(filtered);
    }
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page().getByRole('button', { name: 'Clear filters' }).click();
  });

  it("the form's mini-map sets the point: longitude/latitude, or the WKT through the shared rule", async () => {
    await openIndicator('Water quality');
    await page().getByRole('link', { name: 'New observation' }).click();
    const map = page().getByRole('region', { name: 'Location map' });
    await expectVisible(map);
    await page().waitForFunction(() => {
      const el = document.querySelector('.location-map') as { maplibre?: PageMap } | null;
      return Boolean(el?.maplibre?.loaded());
    });
    const b = (await map.boundingBox())!;
    await page().mouse.click(b.x + b.width / 2, b.y + b.height / 2);
    const lon = page().getByLabel(/^Longitude/);
    const lat = page().getByLabel(/^Latitude/);
    await poll(() => lon.inputValue()).toMatch(/^-?\d+\.\d+$/);
    const x = Number(await lon.inputValue());
    const y = Number(await lat.inputValue());
    // Framed on the project: the stations are in France.
    expect(x).toBeGreaterThan(-6);
    expect(x).toBeLessThan(10);
    expect(y).toBeGreaterThan(41);
    expect(y).toBeLessThan(52);
    // Dragging the point moves it: east and south.
    const pin = map.locator('.maplibregl-marker');
    const p = (await pin.boundingBox())!;
    await page().mouse.move(p.x + p.width / 2, p.y + p.height / 2);
    await page().mouse.down();
    await page().mouse.move(p.x + p.width / 2 + 80, p.y + p.height / 2 + 40, { steps: 10 });
    await page().mouse.up();
    await poll(async () => Number(await lon.inputValue())).toBeGreaterThan(x);
    expect(Number(await lat.inputValue())).toBeLessThan(y);
    await page().mouse.click(b.x + b.width / 2, b.y + b.height / 2);
    await app.screenshot('analyst-form-map-en', { fullPage: true });

    await page().getByRole('radio', { name: 'WKT geometry' }).check();
    await page().mouse.click(b.x + b.width / 4, b.y + b.height / 4);
    const wkt = page().getByRole('textbox', { name: /^WKT/ });
    await poll(() => wkt.inputValue()).toMatch(/^POINT\(-?\d+(\.\d+)? -?\d+(\.\d+)?\)$/);
    const [, wx, wy] = /^POINT\((\S+) (\S+)\)$/.exec(await wkt.inputValue())!;
    expect(Number(wx)).toBeLessThan(x);
    expect(Number(wy)).toBeGreaterThan(y);
    // A polygon is not replaced by a click.
    const polygon = 'POLYGON((1 43, 2 43, 2 44, 1 44, 1 43))';
    await wkt.fill(polygon);
    await page().mouse.click(b.x + b.width / 2, b.y + b.height / 2);
    expect(await wkt.inputValue()).toBe(polygon);
    await page().getByRole('button', { name: 'Cancel' }).click();
    const discard = page().getByRole('button', { name: /Discard|Leave/ });
    if (await discard.count()) await discard.first().click();
  });

  it('the online basemap is off and blocked by the CSP until enabled in Settings, then credited', async () => {
    const fetchTile = () =>
      page().evaluate(
        (url) =>
          fetch(url).then(
            () => 'loaded',
            () => 'blocked',
          ),
        `${BASEMAP.origin}/0/0/0.png`,
      );
    expect(await fetchTile()).toBe('blocked');
    await page().goto(`${app.url}#/settings`);
    const box = page().getByRole('checkbox', { name: 'Show an online basemap (OpenStreetMap)' });
    expect(await box.isChecked()).toBe(false);
    await app.screenshot('analyst-settings-map-en', { fullPage: true });
    await Promise.all([page().waitForEvent('load'), box.click()]);
    await expect
      .poll(() =>
        page()
          .getByRole('checkbox', { name: /online basemap/ })
          .isChecked(),
      )
      .toBe(true);
    expect(await fetchTile()).toBe('loaded');
    await openIndicator('Water quality');
    await page().getByRole('tab', { name: 'Map' }).click();
    await waitForMap(page());
    await expectVisible(page().getByRole('link', { name: BASEMAP.attribution }));
    // Back off for the French pass.
    await page().goto(`${app.url}#/settings`);
    await Promise.all([
      page().waitForEvent('load'),
      page()
        .getByRole('checkbox', { name: /online basemap/ })
        .click(),
    ]);
    await poll(() => fetchTile()).toBe('blocked');
  });

  it('every new view in French', async () => {
    await page().goto(`${app.url}#/settings`);
    await page().getByLabel('Interface language').selectOption('fr');
    await expectVisible(page().getByRole('heading', { name: 'Paramètres', level: 1 }));
    await page().goto(`${app.url}#/p/water`);
    await page().getByRole('link', { name: 'Ouvrir l’indicateur Water quality' }).click();
    await page().getByRole('tab', { name: 'Graphique' }).click();
    await page().waitForFunction(() => {
      const el = document.querySelector('.chart-view') as { dataset: { buckets?: string } } | null;
      return Number(el?.dataset.buckets) > 0;
    });
    await expectVisible(page().getByText(/observations en [\d\u202f]+ périodes de/));
    const over = page().locator('.chart-view .u-over').first();
    const box = (await over.boundingBox())!;
    await page().mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await poll(() => page().locator('.chart-view .u-legend').first().innerText()).toMatch(/\d,\d °C/);
    await app.screenshot('analyst-chart-fr');
    await page().getByRole('tab', { name: 'Carte' }).click();
    await waitForMap(page());
    await expectVisible(page().getByText('Couleur selon'));
    await expectVisible(page().getByText(/observations visibles, en/));
    await app.screenshot('analyst-map-fr');
    await page().getByRole('button', { name: 'Exporter…' }).click();
    const exportFr = page().getByRole('dialog', { name: 'Exporter les observations' });
    await expectVisible(exportFr);
    await app.screenshot('analyst-export-fr');
    // The OS save dialog speaks French too (its strings come from the same catalogue); cancelled here.
    const asked: { title?: string; filters?: { name: string }[] }[] = [];
    device!.desktop.exportTo = (o) => {
      asked.push(o);
      return null;
    };
    await exportFr.getByRole('button', { name: 'Choisir le fichier et exporter' }).click();
    await expectVisible(exportFr.getByRole('button', { name: 'Choisir le fichier et exporter' }));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ title: 'Exporter les observations', filters: [{ name: 'CSV (tableurs)' }] });
    await page().getByRole('button', { name: 'Fermer' }).click();
    await page().getByRole('link', { name: 'Nouvelle observation' }).click();
    await expectVisible(page().getByRole('region', { name: 'Carte de localisation' }));
    await page().waitForFunction(() => {
      const el = document.querySelector('.location-map') as { maplibre?: PageMap } | null;
      return Boolean(el?.maplibre?.loaded());
    });
    await app.screenshot('analyst-form-map-fr', { fullPage: true });
    await page().goto(`${app.url}#/settings`);
    await expectVisible(page().getByRole('checkbox', { name: /fond de carte en ligne/ }));
    await app.screenshot('analyst-settings-map-fr', { fullPage: true });
    // The only errors: the tile fetches this suite made while the CSP forbade them.
    expect(app.pageErrors.filter((e) => !e.includes(BASEMAP.origin))).toEqual([]);
  });
});

/** Waits until the map has its data from main and has drawn it. */
/** The first non-null answer of `fn`, asked again until the page has drawn what it looks for. */
async function until<T>(fn: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await fn();
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the page never drew what was looked for');
}

async function waitForMap(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const el = document.querySelector('.map-canvas') as { dataset: { mode?: string }; maplibre?: PageMap } | null;
      const busy = (el as { getAttribute(n: string): string | null } | null)?.getAttribute('aria-busy');
      return Boolean(el?.dataset.mode && busy === 'false' && el.maplibre?.loaded());
    },
    undefined,
    { timeout: 30_000 },
  );
}

/** The project's reference layers, written by GDAL as a server's GeoPackage would be. */
function writeProjectLayers(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const write = (name: string, features: object[]) => {
    const src = join(dirname(file), `${name}.geojson`);
    writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features }));
    execFileSync('ogr2ogr', ['-f', 'GPKG', '-update', '-append', file, src, '-nln', name], { stdio: 'pipe' });
  };
  write('Départements', [
    {
      type: 'Feature',
      properties: { name: 'Sud-Ouest' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [-1.8, 42.5],
            [3.5, 42.5],
            [3.5, 46.0],
            [-1.8, 46.0],
            [-1.8, 42.5],
          ],
        ],
      },
    },
  ]);
  write('Rivers', [
    {
      type: 'Feature',
      properties: { name: 'Garonne' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [0.7, 42.8],
          [1.44, 43.6],
          [0.6, 44.2],
          [-0.57, 44.84],
        ],
      },
    },
  ]);
}

/**
 * The founding design's example flow, through the UI: log in, choose a project, open an indicator,
 * see its documents and observations; the server goes away; create two observations (not sent);
 * the server comes back; sync (progress bar, then synced); the server holds each exactly once;
 * log out, log in, sync: nothing new. Real renderer, real main handlers and SQLite, real server.
 */
import { describe, expect, it } from 'vitest';
import { chromiumOrSkip } from '../harness/chromium';
import { useServerApp } from '../harness/suite';
import { ApiClient } from '../harness/api';
import { expectHidden, expectVisible, labelOf } from '../harness/ui';
import { startGateway, type Gateway } from '../harness/gateway';
import { startDemoServer, DEMO, E2E_PROJECT } from '../harness/server';
import type { IndicatorSummary, ProjectSummary } from '../../src/shared/ipc';

const browser = chromiumOrSkip();

describe.skipIf(!browser)('design example flow through the UI', () => {
  let proxy: Gateway;
  let project: ProjectSummary;
  let indicator: IndicatorSummary;
  let serverCountBefore = 0;
  const created: string[] = [];

  // The server is reached through a gateway the tests can cut: it writes the gateway's address in links.
  const { app, device, server } = useServerApp(browser!, {
    server: async () => {
      proxy = await startGateway();
      const started = await startDemoServer({ publicUrl: proxy.baseUrl });
      proxy.setTarget(started.baseUrl);
      return started;
    },
    cleanup: () => proxy?.close(),
  });

  const page = () => app.page;

  it('logs in and chooses a project: its indicators arrive with a first sync', async () => {
    await page().getByLabel('Server URL').fill(proxy.baseUrl);
    await page().getByLabel('Username').fill(DEMO.username);
    await page().getByLabel('Password').fill(DEMO.password);
    await page().getByRole('button', { name: 'Log in' }).click();
    await expectVisible(page().getByRole('heading', { name: 'Projects', level: 1 }));

    // The Projects page refreshes the list from the server as it opens.
    await expect
      .poll(async () => (await device.desktop.gobs.projects.list()).some((p) => p.key === E2E_PROJECT))
      .toBe(true);
    project = (await device.desktop.gobs.projects.list()).find((p) => p.key === E2E_PROJECT)!;
    await page()
      .getByRole('link', { name: `Open ${project.label}` })
      .click();
    await expectVisible(page().getByRole('heading', { name: project.label, level: 1 }));
    // Never synced: the project page fetches it at once; when done, the indicators are listed.
    const table = page().getByRole('table', { name: 'Indicators of this project' });
    await expectVisible(table, 60_000);
    await expectVisible(page().getByText(/^Last sync /), 60_000);
    const indicators = await device.desktop.gobs.indicators.list({ projectKey: project.key });
    expect(indicators.length).toBeGreaterThan(0);
    for (const i of indicators) await expectVisible(table.getByRole('link', { name: `Open indicator ${i.label}` }));
    // The richest indicator (most dimensions) with documents makes the best form test.
    indicator = [...indicators].sort(
      (a, b) => b.documentCount - a.documentCount || b.dimensions.length - a.dimensions.length,
    )[0]!;
    await app.screenshot('project');
  });

  it('opens the indicator: documents (opened from the cache) and observations', async () => {
    await page()
      .getByRole('link', { name: `Open indicator ${indicator.label}` })
      .click();
    await expectVisible(page().getByRole('heading', { name: indicator.label, level: 1 }));
    const total = (await device.desktop.gobs.indicators.get({ indicatorCode: indicator.code })).observationCount;
    expect(total).toBeGreaterThan(0);
    await expectVisible(page().getByText(new RegExp(`^${total.toLocaleString('en')} observations$`)));
    await expectVisible(page().getByRole('grid', { name: 'Observations' }).locator('.vt-body [role=row]').first());

    const docs = await device.desktop.gobs.documents.list({ indicatorCode: indicator.code });
    expect(docs.length).toBeGreaterThan(0);
    const docList = page().getByRole('list', { name: 'Documents' });
    for (const d of docs) await expectVisible(docList.getByRole('button', { name: `Open ${d.label}` }));
    const opened = device.desktop.openedPaths.length;
    await docList.getByRole('button', { name: `Open ${docs[0]!.label}` }).click();
    await expect.poll(() => device.desktop.openedPaths.length).toBe(opened + 1);
    expect(device.desktop.openedPaths.at(-1)!.startsWith(device.desktop.dataDir)).toBe(true);
    await expectVisible(docList.getByText('Available offline').first());
    await app.screenshot('indicator');
  });

  it('works offline: the server stops, two observations are created and shown as not sent', async () => {
    const client = await ApiClient.login(server.baseUrl, DEMO.username, DEMO.password);
    serverCountBefore = (await client.allObservations(indicator.code)).length;
    await server.stop();

    // The cached document still opens.
    const opened = device.desktop.openedPaths.length;
    const docs = await device.desktop.gobs.documents.list({ indicatorCode: indicator.code });
    await page()
      .getByRole('list', { name: 'Documents' })
      .getByRole('button', { name: `Open ${docs[0]!.label}` })
      .click();
    await expect.poll(() => device.desktop.openedPaths.length).toBe(opened + 1);

    for (const n of [1, 2]) {
      await page().getByRole('link', { name: 'New observation' }).click();
      await expectVisible(page().getByRole('heading', { name: `New observation · ${indicator.label}` }));
      await fillObservation(n);
      if (n === 1) await app.screenshot('observation-form');
      await page().getByRole('button', { name: 'Save', exact: true }).click();
      await expectVisible(page().getByText('Saved on this computer. Not sent yet'));
      await expectVisible(page().getByRole('heading', { name: indicator.label, level: 1 }));
    }
    await page().getByLabel('Sync state').selectOption({ label: 'Not sent' });
    const grid = page().getByRole('grid', { name: 'Observations' });
    await expectVisible(page().getByText(/^2 of [\d,]+ observations$/));
    expect(await grid.locator('.vt-body [role=row]').count()).toBe(2);
    expect(await grid.getByText('Not sent').count()).toBe(2);
    await expectVisible(page().getByRole('contentinfo', { name: 'Status' }).getByText('2 changes waiting'));
    await app.screenshot('indicator-not-sent');
    const local = await device.desktop.gobs.observations.list({
      indicatorCode: indicator.code,
      filter: { states: ['local'] },
    });
    created.push(...local.rows.map((r) => r.uuid));
    expect(created).toHaveLength(2);
  });

  it('syncs when the server is back: a real progress bar, then everything synced', async () => {
    await server.restart();
    // Slow the server's answers down so the progress of the pull is there to be seen (and checked).
    proxy.slowDown(/\/observations/, 700);
    await page().getByRole('link', { name: project.label }).click();
    await page().getByRole('button', { name: 'Sync now' }).click();
    const bar = page().getByRole('progressbar', { name: 'Sync progress' });
    await expectVisible(bar);
    expect(await bar.getAttribute('aria-valuetext')).toMatch(/\S/);
    await expectVisible(page().getByRole('button', { name: 'Cancel sync' }));
    await app.screenshot('project-syncing');
    await expectHidden(bar, 60_000);
    proxy.clear();
    await expectVisible(page().getByText('Nothing waiting to be sent'));
    await expectVisible(page().getByText(/^2 sent · \d+ received/));
    await expectVisible(page().getByRole('contentinfo', { name: 'Status' }).getByText('All changes sent'));

    await page()
      .getByRole('link', { name: `Open indicator ${indicator.label}` })
      .click();
    await page().getByLabel('Sync state').selectOption({ label: 'Not sent' });
    await expectVisible(page().getByText('No observation matches.'));
    for (const uuid of created) expect((await device.desktop.gobs.observations.get({ uuid })).state).toBe('synced');
    await app.screenshot('indicator-synced');
  });

  it('the server holds each new observation exactly once', async () => {
    const client = await ApiClient.login(server.baseUrl, DEMO.username, DEMO.password);
    const all = await client.allObservations(indicator.code);
    expect(all.length).toBe(serverCountBefore + 2);
    for (const uuid of created) expect(all.filter((o) => o.uuid === uuid)).toHaveLength(1);
  });

  it('logs out, logs in, syncs: nothing new arrives and nothing is sent again', async () => {
    await page().getByRole('button', { name: 'Log out' }).click();
    await expectVisible(page().getByRole('heading', { name: 'Connect to a G-Obs server' }));
    await page().getByLabel('Password').fill(DEMO.password);
    await page().getByRole('button', { name: 'Log in' }).click();
    await page()
      .getByRole('link', { name: `Open ${project.label}` })
      .click();

    const before = await device.desktop.gobs.indicators.list({ projectKey: project.key });
    proxy.log.length = 0;
    await page().getByRole('button', { name: 'Sync now' }).click();
    await expectVisible(page().getByRole('button', { name: 'Sync now' }), 60_000);
    await expect.poll(async () => (await device.desktop.gobs.sync.status()).state).toBe('idle');
    // What the user reads, and what the engine counted: nothing either way.
    await expectVisible(page().getByText('0 sent · 0 received'));
    expect((await device.desktop.gobs.sync.status()).lastResult).toEqual({ sent: 0, received: 0, deleted: 0 });
    const after = await device.desktop.gobs.indicators.list({ projectKey: project.key });
    expect(after.map((i) => [i.code, i.observationCount])).toEqual(before.map((i) => [i.code, i.observationCount]));
    // Nothing pushed: no write request reached the server.
    expect(proxy.log.filter((r) => r.method !== 'GET')).toEqual([]);
    const client = await ApiClient.login(server.baseUrl, DEMO.username, DEMO.password);
    expect((await client.allObservations(indicator.code)).length).toBe(serverCountBefore + 2);
    expect(app.pageErrors).toEqual([]);
  });

  it('a running sync can be cancelled from the sync bar', async () => {
    proxy.slowDown(/\/observations/, 3_000);
    await page().getByRole('button', { name: 'Sync now' }).click();
    await expectVisible(page().getByRole('progressbar', { name: 'Sync progress' }));
    await page().getByRole('button', { name: 'Cancel sync' }).click();
    await expectVisible(page().getByRole('button', { name: 'Sync now' }), 30_000);
    await expectHidden(page().getByRole('progressbar', { name: 'Sync progress' }));
    const status = await device.desktop.gobs.sync.status();
    expect(status.state).not.toBe('syncing');
    expect(status.lastError?.code).toBe('cancelled');
    await expectVisible(page().getByText('The last sync was cancelled; what it had finished is kept.'));
    proxy.clear();
    await app.screenshot('project-sync-cancelled');
  });

  /** Fills every dimension with a valid value of its type, and a location. */
  async function fillObservation(n: number): Promise<void> {
    const form = page().locator('form');
    for (const d of indicator.dimensions) {
      const input = form.getByLabel(labelOf(d));
      if (d.type === 'boolean') await input.selectOption({ label: n % 2 ? 'Yes' : 'No' });
      else if (d.type === 'integer') await input.fill(String(10 + n));
      else if (d.type === 'real') await input.fill(`${n}.5`);
      else await input.fill(`e2e offline ${n}`);
    }
    await form.getByLabel('Longitude').fill(`3.${n}`);
    await form.getByLabel('Latitude').fill(`43.${n}`);
  }
});

/**
 * The app on a Lizmap G-Obs server, through the UI: connect at the site's address (found to be
 * Lizmap, said so in Settings and on the project), browse a series, enter observations with typed
 * inputs and on a shared object, sync them, see someone else's and an out-of-window observation
 * read only with the reason, and a refused edit with the server's message. Real renderer in
 * Debian Chromium, real main core, the Lizmap stand-in on PostgreSQL + PostGIS.
 */
import { describe, expect, it } from 'vitest';
import { chromiumOrSkip } from '../harness/chromium';
import { launchApp } from '../harness/app';
import { useHooks } from '../harness/suite';
import { createDevice, type Device } from '../harness/device';
import { expectVisible } from '../harness/ui';
import {
  CITIES,
  FIXTURE_USERS,
  type LizmapStandin,
  lizmapStandinAvailable,
  OBSERVATIONS,
  PROJECTS,
  SERIES,
  type StandinClient,
  startLizmapStandin,
} from '../standins/lizmap/index.js';
import { KEYS } from '../integration/main/lizmap-support';

const browser = chromiumOrSkip();
const available = lizmapStandinAvailable();

type ServerObs = {
  uuid: string;
  values: unknown[];
  wkt: string;
  start_timestamp: string;
  end_timestamp: string | null;
};

describe.skipIf(!browser || !available)('a Lizmap G-Obs server through the UI', () => {
  let lizmap: LizmapStandin;
  let writer: StandinClient;
  let device: Device;
  const { app } = useHooks(
    async () => {
      lizmap = await startLizmapStandin();
      writer = await lizmap.asUser('writer');
      device = await createDevice();
      return launchApp(device, browser!);
    },
    async () => {
      await device?.close();
      await lizmap?.close();
    },
  );

  const page = () => app.page;
  const seriesUrl = (key: string) => `${app.url}#/p/${encodeURIComponent(PROJECTS.a)}/i/${encodeURIComponent(key)}`;
  const label = async (key: string) => (await device.desktop.gobs.indicators.get({ indicatorCode: key })).label;
  /** Syncs from the project page: a project never synced starts by itself when opened. */
  const syncNow = async (first = false) => {
    const before = (await device.desktop.gobs.sync.status()).lastSyncAt;
    await page().goto(`${app.url}#/p/${encodeURIComponent(PROJECTS.a)}`);
    if (!first) await page().getByRole('button', { name: 'Sync now' }).click();
    await expect
      .poll(
        async () => {
          const s = await device.desktop.gobs.sync.status();
          return s.state === 'idle' && s.lastSyncAt !== before;
        },
        { timeout: 60_000 },
      )
      .toBe(true);
  };
  const localRows = async (key: string) =>
    (await device.desktop.gobs.observations.list({ indicatorCode: key, filter: { states: ['local'] } })).rows;

  it('connects at the Lizmap site’s address and says what kind of server it is', async () => {
    await expectVisible(page().getByRole('heading', { name: 'Connect to a G-Obs server' }));
    await page().getByLabel('Server URL').fill(lizmap.origin);
    await page().getByLabel('Username').fill(FIXTURE_USERS.writer.login);
    await page().getByLabel('Password').fill(FIXTURE_USERS.writer.password);
    await page()
      .getByRole('checkbox', { name: /Stay signed in/ })
      .check();
    await app.screenshot('lizmap-connect');
    await page().getByRole('button', { name: 'Log in' }).click();
    await expectVisible(page().getByRole('heading', { name: 'GobsAPI test project a' }));
    expect(await device.desktop.gobs.auth.status()).toMatchObject({
      serverKind: 'lizmap-gobs',
      serverUrl: lizmap.baseUrl,
      passwordRemembered: true,
    });
    await syncNow(true);
    await expectVisible(page().getByRole('table', { name: 'Indicators of this project' }));
    await expectVisible(page().getByTestId('server-kind-note'));
    expect(await page().getByTestId('server-kind-note').textContent()).toMatch(/compares the times of changes/);
    await app.screenshot('lizmap-project');
    await page().goto(`${app.url}#/settings`);
    await expectVisible(page().getByTestId('server-kind'));
    expect(await page().getByTestId('server-kind').textContent()).toMatch(/^Lizmap with the G-Obs module.*no totals/);
    await app.screenshot('lizmap-settings');
  });

  it('browses a series: its observations, its dimensions, a link document opened in the browser', async () => {
    await page().goto(seriesUrl(KEYS.hikers));
    await expectVisible(page().getByRole('heading', { name: await label(KEYS.hikers) }));
    await expectVisible(page().getByText('Opens in your web browser'));
    await page()
      .getByRole('button', { name: /Hiking rules/ })
      .click();
    await expect.poll(() => device.desktop.openedUrls).toEqual(['https://www.example.org/park/hiking-rules']);
    await app.screenshot('lizmap-series');
  });

  it('enters an observation with date, time, yes/no, number and text values, and sends it', async () => {
    await page().goto(`${seriesUrl(KEYS.river)}/new`);
    await expectVisible(page().getByRole('heading', { name: `New observation · ${await label(KEYS.river)}` }));
    await page().getByLabel('Time', { exact: true }).fill('01/06/2025');
    await page().getByLabel('End (optional)').fill('02/06/2025');
    await page()
      .getByLabel(/^Inspection date/)
      .fill('2025-05-30');
    await page()
      .getByLabel(/^Sampling time/)
      .fill('2025-05-30T14:05:09');
    await page()
      .getByLabel(/^Dry river bed/)
      .selectOption('false');
    await page()
      .getByLabel(/^Turbidity/)
      .fill('3.5');
    await page().getByLabel(/^Note/).fill('Clear water,\nbanks mown');
    await page().getByLabel('Longitude (°)').fill('-3.70');
    await page().getByLabel('Latitude (°)').fill('48.5');
    await app.screenshot('lizmap-typed-form');
    await page().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByText('Saved on this computer. Not sent yet'));
    const [row] = await localRows(KEYS.river);
    expect(row!.values).toEqual({
      inspected_on: '2025-05-30',
      sampled_at: '2025-05-30 14:05:09',
      dry: false,
      turbidity: 3.5,
      note: 'Clear water,\nbanks mown',
    });
    await syncNow();
    const server = (await writer.getObservation(SERIES.riverInspection, row!.uuid)).body as ServerObs;
    expect(server.values).toEqual(['2025-05-30', '2025-05-30 14:05:09', false, 3.5, 'Clear water,\nbanks mown']);
    expect(server).toMatchObject({ start_timestamp: '2025-06-01 00:00:00', end_timestamp: '2025-06-02 00:00:00' });

    // Edited through the form: read again from the server, sent back, its place unchanged.
    lizmap.clock.advance(5);
    await page().goto(`${seriesUrl(KEYS.river)}/o/${row!.uuid}`);
    await expectVisible(page().getByLabel(/^Turbidity/));
    expect(
      await page()
        .getByLabel(/^Sampling time/)
        .inputValue(),
    ).toBe('2025-05-30T14:05:09');
    await page()
      .getByLabel(/^Turbidity/)
      .fill('4.25');
    await page().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByText('Saved on this computer. Not sent yet'));
    await syncNow();
    const edited = (await writer.getObservation(SERIES.riverInspection, row!.uuid)).body as ServerObs;
    expect(edited.values).toEqual(['2025-05-30', '2025-05-30 14:05:09', false, 4.25, 'Clear water,\nbanks mown']);
    expect(edited.wkt).toBe(server.wkt);
    expect(edited.end_timestamp).toBe('2025-06-02 00:00:00');
  });

  it('places an observation on a city picked from the project’s layer', async () => {
    await page().goto(`${seriesUrl(KEYS.population)}/new`);
    await expectVisible(page().getByRole('heading', { name: `New observation · ${await label(KEYS.population)}` }));
    await expect.poll(() => page().getByLabel('Place').locator('option').count()).toBe(8);
    await page().getByLabel('Time', { exact: true }).fill('2022');
    await page()
      .getByLabel(/^Population/)
      .fill('1200');
    await page().getByLabel('Place').selectOption(CITIES.berrien);
    await app.screenshot('lizmap-object-picker');
    await page().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByText('Saved on this computer. Not sent yet'));
    const [row] = await localRows(KEYS.population);
    expect(row).toMatchObject({ objectId: CITIES.berrien });
    await syncNow();
    const server = (await writer.getObservation(SERIES.population, row!.uuid)).body as ServerObs;
    expect(server.values).toEqual([1200]);
    expect(server.wkt).toMatch(/^MULTIPOLYGON/);
    // Once on the server its place is fixed.
    await page().goto(`${seriesUrl(KEYS.population)}/o/${row!.uuid}`);
    await expectVisible(page().getByText(/place of an observation already on the server cannot change/));
    expect(await page().getByLabel('Place').isDisabled()).toBe(true);
  });

  it('shows someone else’s observation read only, with the reason', async () => {
    await page().goto(`${seriesUrl(KEYS.hikers)}/o/${OBSERVATIONS.johnHike()}`);
    await expectVisible(page().getByTestId('read-only'));
    expect(await page().getByTestId('read-only').textContent()).toMatch(/only its author can change it/);
    expect(await page().getByRole('button', { name: 'Save', exact: true }).count()).toBe(0);
    expect(
      await page()
        .getByLabel(/^Altitude/)
        .isDisabled(),
    ).toBe(true);
    await app.screenshot('lizmap-read-only-author');
  });

  it('keeps the server’s message for an edit refused past the editing window, read only from then on', async () => {
    // Edited offline, while the device still believed it editable (the list does not tell the window).
    const uuid = OBSERVATIONS.manualPluviometry(1, 3);
    const row = await device.desktop.gobs.observations.get({ uuid });
    await device.desktop.gobs.observations.update({
      uuid,
      timestamp: row.timestamp,
      x: row.x,
      y: row.y,
      values: { pluviometry: 9.5 },
    });
    await syncNow();
    expect((await device.desktop.gobs.observations.get({ uuid })).state).toBe('rejected');
    await page().goto(`${seriesUrl(KEYS.manualPluviometry)}/o/${uuid}`);
    await expectVisible(
      page()
        .getByRole('alert')
        .filter({ hasText: /older than the delay defined/ }),
    );
    await expectVisible(page().getByTestId('read-only'));
    expect(await page().getByTestId('read-only').textContent()).toMatch(/editing window\) has passed/);
    await app.screenshot('lizmap-refused-edit');
    // Giving up the change brings the server's version back.
    await page().getByRole('button', { name: 'Discard my change' }).click();
    await page().getByRole('dialog').getByRole('button', { name: 'Discard my change' }).click();
    await expect.poll(async () => (await device.desktop.gobs.observations.get({ uuid })).state).toBe('synced');
    expect(app.pageErrors).toEqual([]);
  });
});

/**
 * A refused observation, fixed and re-sent. The indicator gains a dimension on the server after
 * an observation was entered here: the push is refused with the server's message, the app shows
 * it (state, sync bar, the field itself), the user fills the new field, and the next sync is accepted.
 */
import { describe, expect, it } from 'vitest';
import { chromiumOrSkip } from '../harness/chromium';
import { useServerApp } from '../harness/suite';
import { ApiClient } from '../harness/api';
import { expectVisible } from '../harness/ui';
import { syncDemoProject, DEMO, E2E_PROJECT } from '../harness/server';
import type { IndicatorSummary } from '../../src/shared/ipc';

const browser = chromiumOrSkip();

describe.skipIf(!browser)('a refused observation is fixed and re-sent', () => {
  let indicator: IndicatorSummary;
  let uuid: string;

  const { app, device, server } = useServerApp(browser!, {
    prepare: async (device, server) => {
      const gobs = await syncDemoProject(device, server);
      const indicators = await gobs.indicators.list({ projectKey: E2E_PROJECT });
      // The simplest form: the indicator with the fewest dimensions, all of them numbers.
      indicator = [...indicators]
        .filter((i) => i.dimensions.every((d) => d.type === 'real' || d.type === 'integer'))
        .sort((a, b) => a.dimensions.length - b.dimensions.length)[0]!;
    },
  });

  const page = () => app.page;
  const indicatorUrl = () => `${app.url}#/p/${encodeURIComponent(E2E_PROJECT)}/i/${encodeURIComponent(indicator.code)}`;

  it('an observation entered here is refused by the server after its indicator changed', async () => {
    await page().goto(`${indicatorUrl()}/new`);
    await expectVisible(page().getByRole('heading', { name: `New observation · ${indicator.label}` }));
    for (const d of indicator.dimensions)
      await page()
        .getByLabel(new RegExp(`^${d.name}`))
        .fill('7');
    await page().getByLabel('Longitude (°)').fill('3.7');
    await page().getByLabel('Latitude (°)').fill('43.6');
    await page().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByText('Saved on this computer. Not sent yet'));
    uuid = (
      await device.desktop.gobs.observations.list({ indicatorCode: indicator.code, filter: { states: ['local'] } })
    ).rows[0]!.uuid;

    // Meanwhile an administrator adds a required dimension to the indicator on the server.
    await server.db.query(
      `INSERT INTO dimension (indicator_id, position, code, name, type, unit)
       SELECT id, 1000, 'observer', 'Observer', 'string', NULL FROM indicator WHERE code = $1`,
      [indicator.code],
    );
    await server.db.query('UPDATE indicator SET updated_at = now() WHERE code = $1', [indicator.code]);

    await page().goto(`${app.url}#/p/${encodeURIComponent(E2E_PROJECT)}`);
    await page().getByRole('button', { name: 'Sync now' }).click();
    await expect
      .poll(async () => (await device.desktop.gobs.observations.get({ uuid })).state, { timeout: 60_000 })
      .toBe('rejected');
    // The sync bar lists the refusal; the indicator row counts it.
    const alert = page().getByRole('alert').filter({ hasText: 'Last errors' });
    await expectVisible(alert.getByText(`Observation ${uuid} refused by the server: `));
    await expectVisible(page().getByRole('table', { name: 'Indicators of this project' }).getByText('1 refused'));
    await app.screenshot('project-refused');
  });

  it('the table and the form show the refusal with the server’s message, on the field concerned', async () => {
    const detail = await device.desktop.gobs.observations.get({ uuid });
    expect(detail.error).toBeTruthy();
    // From the project page's notice straight to the indicator's refused observations.
    await page()
      .getByRole('link', { name: `Show the refused observations of ${indicator.label}` })
      .click();
    await expectVisible(page().getByRole('heading', { name: indicator.label, level: 1 }));
    expect(await page().getByLabel('Sync state').inputValue()).toBe('rejected');
    await expectVisible(page().getByText(/^1 of [\d,]+ observations$/));
    const grid = page().getByRole('grid', { name: 'Observations' });
    await expectVisible(grid.getByText('Refused'));
    await grid.getByRole('row').filter({ hasText: 'Refused' }).getByRole('link').click();
    expect(detail.errorField).toBe('values.observer');
    await expectVisible(
      page()
        .getByRole('alert')
        .filter({ hasText: `Refused by the server: Observer: ${detail.error}` }),
    );
    // The new dimension is in the form now (the sync refreshed the indicator), with the server's message under it.
    const observer = page().getByLabel('Observer', { exact: true });
    await expectVisible(observer);
    expect(await observer.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await observer.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))!;
    expect(await page().locator(`[id="${errorId}"]`).textContent()).toBe(`Server: ${detail.error}`);
    await app.screenshot('observation-refused');
  });

  it('fixed and saved, it is sent again and accepted', async () => {
    await page().getByLabel('Observer', { exact: true }).fill('Ann');
    await page().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByText('Saved on this computer. Not sent yet'));
    expect((await device.desktop.gobs.observations.get({ uuid })).state).not.toBe('rejected');

    await page().goto(`${app.url}#/p/${encodeURIComponent(E2E_PROJECT)}`);
    await page().getByRole('button', { name: 'Sync now' }).click();
    await expect
      .poll(async () => (await device.desktop.gobs.observations.get({ uuid })).state, { timeout: 60_000 })
      .toBe('synced');
    await expectVisible(page().getByText('Nothing waiting to be sent'));
    const client = await ApiClient.login(server.baseUrl, DEMO.username, DEMO.password);
    const onServer = (await client.allObservations(indicator.code)).filter((o) => o.uuid === uuid);
    expect(onServer).toHaveLength(1);
    expect(onServer[0]!.values.find((v) => v.name === 'observer')?.value).toBe('Ann');
  });

  it('a refused observation can also be given up: Discard my change removes one never accepted', async () => {
    await page().goto(`${indicatorUrl()}/new`);
    for (const d of indicator.dimensions)
      await page()
        .getByLabel(new RegExp(`^${d.name}`))
        .fill('3');
    await page().getByLabel('Observer', { exact: true }).fill('Bob');
    await page().getByRole('radio', { name: 'WKT geometry' }).check();
    await page()
      .getByLabel('WKT', { exact: true })
      .fill('POLYGON((3.6 43.6, 3.7 43.6, 3.7 43.7, 3.6 43.65, 3.6 43.6))');
    await page().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByText('Saved on this computer. Not sent yet'));
    const local = (
      await device.desktop.gobs.observations.list({ indicatorCode: indicator.code, filter: { states: ['local'] } })
    ).rows;
    expect(local).toHaveLength(1);
    const refused = local[0]!.uuid;
    // The desktop and the server share their rules, so only a change on the server makes it refuse:
    // an administrator turns the first dimension into a yes/no one.
    const first = indicator.dimensions[0]!;
    await server.db.query(
      `UPDATE dimension SET type = 'boolean' WHERE code = $1 AND indicator_id = (SELECT id FROM indicator WHERE code = $2)`,
      [first.code, indicator.code],
    );
    await server.db.query('UPDATE indicator SET updated_at = now() WHERE code = $1', [indicator.code]);
    await device.desktop.gobs.sync.start({ projectKey: E2E_PROJECT });
    const detail = await device.desktop.gobs.observations.get({ uuid: refused });
    expect(detail.state).toBe('rejected');
    expect(detail.errorField).toBe(`values.${first.code}`);

    await page().goto(`${indicatorUrl()}/o/${refused}`);
    await expectVisible(
      page()
        .getByRole('alert')
        .filter({ hasText: `Refused by the server: ${first.name}:` }),
    );
    await page().getByRole('button', { name: 'Discard my change' }).click();
    const dialog = page().getByRole('dialog', { name: 'Discard your change to this observation?' });
    await expectVisible(dialog.getByText('It was never accepted by the server, so it is removed from this computer.'));
    await dialog.getByRole('button', { name: 'Discard my change' }).click();
    await expectVisible(page().getByText('The observation was removed from this computer.'));
    await expectVisible(page().getByRole('heading', { name: indicator.label, level: 1 }));
    await expect(device.desktop.gobs.observations.get({ uuid: refused })).rejects.toMatchObject({ code: 'not_found' });
    expect(app.pageErrors).toEqual([]);
  });
});

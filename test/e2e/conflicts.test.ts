/**
 * Edit conflicts made by a second device through the API, resolved in the Conflicts screen both
 * ways: "keep mine" re-sends ours on top of the server's version, "take the server's" adopts it.
 */
import { describe, expect, it } from 'vitest';
import { chromiumOrSkip } from '../harness/chromium';
import { useServerApp } from '../harness/suite';
import { ApiClient } from '../harness/api';
import { expectHidden, expectVisible, labelOf } from '../harness/ui';
import { syncDemoProject, DEMO, E2E_PROJECT } from '../harness/server';
import type { Dimension, IndicatorSummary, ObservationDetail } from '../../src/shared/ipc';

const browser = chromiumOrSkip();

describe.skipIf(!browser)('conflicts: side by side, keep mine or take the server’s', () => {
  let indicator: IndicatorSummary;
  let dim: Dimension;
  let projectKey: string;
  let mineKept: ObservationDetail;
  let theirsTaken: ObservationDetail;
  let deletedThere: ObservationDetail;
  let other: ApiClient;

  const valueFor = (who: string, n: number) =>
    dim.type === 'string'
      ? `${who} ${n}`
      : dim.type === 'integer'
        ? who === 'mine'
          ? 100 + n
          : 200 + n
        : who === 'mine'
          ? 100.25 + n
          : 200.75 + n;

  const { app, device } = useServerApp(browser!, {
    prepare: async (device, server) => {
      projectKey = E2E_PROJECT;
      const gobs = await syncDemoProject(device, server);
      const indicators = await gobs.indicators.list({ projectKey });
      indicator = indicators.find((i) => i.dimensions.some((d) => d.type !== 'boolean'))!;
      dim = indicator.dimensions.find((d) => d.type !== 'boolean')!;

      // Two observations of ours, on the server.
      const base = (n: number) => ({
        indicatorCode: indicator.code,
        timestamp: `2024-0${n}-15 10:00:00`,
        x: 3.5 + n,
        y: 43.5,
        values: Object.fromEntries(
          indicator.dimensions.map((d) => [
            d.code,
            d.type === 'boolean' ? true : d.type === 'string' ? `base ${n}` : n,
          ]),
        ),
      });
      const a = await gobs.observations.create(base(1));
      const b = await gobs.observations.create(base(2));
      const c = await gobs.observations.create(base(3));
      await gobs.sync.start({ projectKey });
      expect((await gobs.observations.get({ uuid: a.uuid })).state).toBe('synced');

      // A second device of the same user edits both on the server...
      other = await ApiClient.login(server.baseUrl, DEMO.username, DEMO.password);
      for (const [o, n] of [
        [a, 1],
        [b, 2],
      ] as const)
        await other.update(await other.observation(o.uuid), { [dim.code]: valueFor('theirs', n) });
      expect((await other.request('DELETE', `/observation/${c.uuid}`)).status).toBe(200);
      // ...while this device edits them too, offline from the server's point of view.
      for (const [o, n] of [
        [a, 1],
        [b, 2],
        [c, 3],
      ] as const) {
        const cur = await gobs.observations.get({ uuid: o.uuid });
        await gobs.observations.update({
          uuid: o.uuid,
          timestamp: cur.timestamp,
          x: cur.x,
          y: cur.y,
          wkt: cur.wkt,
          values: { ...cur.values, [dim.code]: valueFor('mine', n) },
        });
      }
      mineKept = a;
      theirsTaken = b;
      deletedThere = c;
    },
  });

  it('a sync turns all three into conflicts, counted in the top bar', async () => {
    const page = app.page;
    await expectVisible(page.getByRole('heading', { name: 'Projects', level: 1 }));
    const label = (await device.desktop.gobs.projects.list()).find((p) => p.key === projectKey)!.label;
    await page.getByRole('link', { name: `Open ${label}` }).click();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expectVisible(
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Conflicts.*3 conflicts to resolve$/ }),
      60_000,
    );
    expect((await device.desktop.gobs.observations.get({ uuid: mineKept.uuid })).state).toBe('conflict');
    await app.screenshot('project-with-conflicts');
  });

  it('shows mine and the server’s side by side with the differing field highlighted', async () => {
    const page = app.page;
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Conflicts/ })
      .click();
    await expectVisible(page.getByRole('heading', { name: 'Conflicts', level: 1 }));
    const cards = page.getByRole('article');
    expect(await cards.count()).toBe(3);
    for (const [o, n] of [
      [mineKept, 1],
      [theirsTaken, 2],
    ] as const) {
      const card = cards.filter({ hasText: o.uuid });
      const row = card.getByRole('row', { name: new RegExp(`^${dim.name}`) });
      await expectVisible(row);
      expect(await row.getAttribute('class')).toContain('is-different');
      await expectVisible(row.getByText('differs'));
      const cells = row.getByRole('cell');
      expect(await cells.nth(0).textContent()).toContain(
        String(valueFor('mine', n)).replace(/^(\d+)\.(\d+)$/, '$1.$2'),
      );
      expect(await cells.nth(1).textContent()).toContain(String(valueFor('theirs', n)));
      // Fields that agree are not flagged.
      const timeRow = card.getByRole('row', { name: /^Time/ });
      expect((await timeRow.getAttribute('class')) ?? '').not.toContain('is-different');
      expect(await timeRow.getByText('differs').count()).toBe(0);
    }
    await app.screenshot('conflicts', { fullPage: true });
  });

  it('keep mine: the server ends up with my value after the next sync', async () => {
    const page = app.page;
    const card = page.getByRole('article').filter({ hasText: mineKept.uuid });
    await card.getByRole('button', { name: /^Keep mine for / }).click();
    await expectVisible(page.getByText('Kept your version: it will be sent at the next sync.'));
    await expectHidden(card);
    expect(await page.getByRole('article').count()).toBe(2);
    await device.desktop.gobs.sync.start({ projectKey });
    const onServer = await other.observation(mineKept.uuid);
    expect(onServer.values.find((v) => v.name === dim.code)?.value).toBe(valueFor('mine', 1));
    expect((await device.desktop.gobs.observations.get({ uuid: mineKept.uuid })).state).toBe('synced');
  });

  it('deleted on the server meanwhile: accepting the deletion removes it here too', async () => {
    const page = app.page;
    const card = page.getByRole('article').filter({ hasText: deletedThere.uuid });
    await expectVisible(card.getByText('The server deleted this observation while you changed it.', { exact: false }));
    await card.getByRole('button', { name: /^Accept the server's deletion of / }).click();
    await expectVisible(page.getByText('Deletion accepted: the observation is removed from this computer.'));
    await expectHidden(card);
    await expect(device.desktop.gobs.observations.get({ uuid: deletedThere.uuid })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('take the server’s: the device adopts the server version, nothing is sent', async () => {
    const page = app.page;
    const card = page.getByRole('article').filter({ hasText: theirsTaken.uuid });
    await card.getByRole('button', { name: /^Take the server's version for / }).click();
    await expectVisible(page.getByText('No conflict. Everything you changed agrees with the server.'));
    await expectHidden(
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /conflicts to resolve/ }),
    );
    const local = await device.desktop.gobs.observations.get({ uuid: theirsTaken.uuid });
    expect(local.state).toBe('synced');
    expect(local.values[dim.code]).toBe(valueFor('theirs', 2));
    const onServer = await other.observation(theirsTaken.uuid);
    expect(onServer.values.find((v) => v.name === dim.code)?.value).toBe(valueFor('theirs', 2));
    // The edit form shows the adopted value.
    await page.goto(
      `${app.url}#/p/${encodeURIComponent(projectKey)}/i/${encodeURIComponent(indicator.code)}/o/${theirsTaken.uuid}`,
    );
    await expectVisible(page.getByLabel(labelOf(dim)));
    expect(await page.getByLabel(labelOf(dim)).inputValue()).toBe(String(valueFor('theirs', 2)));
    expect(app.pageErrors).toEqual([]);
  });
});

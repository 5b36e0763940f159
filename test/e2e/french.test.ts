/**
 * The app in French: chosen in Settings (persisted by main), then every main screen — projects,
 * project, indicator table, observation form, conflicts — in French with French dates and numbers;
 * the form reads a French date and a decimal comma back into the stored format.
 * Screenshots: test-output/screenshots/*-fr.png.
 */
import { describe, expect, it } from 'vitest';
import { chromiumOrSkip } from '../harness/chromium';
import { ApiClient } from '../harness/api';
import { expectVisible } from '../harness/ui';
import { syncDemoProject, DEMO, E2E_PROJECT } from '../harness/server';
import { useServerApp } from '../harness/suite';
import type { GobsApi } from '../../src/shared/ipc';

// Page-side globals; this file is compiled for Node.
declare const document: { body: { innerText: string }; documentElement: { lang: string } };

const browser = chromiumOrSkip();
/** French groups thousands with a narrow no-break space. */
const NNBSP = '\u202f';

describe.skipIf(!browser)('the app in French', () => {
  let gobs: GobsApi;
  let projectLabel: string;
  let conflictUuid: string;
  const pluvio = 'pluviometry';

  const { app } = useServerApp(browser!, {
    prepare: async (device, server) => {
      gobs = await syncDemoProject(device, server);
      projectLabel = (await gobs.projects.list()).find((p) => p.key === E2E_PROJECT)!.label;

      // One conflict: the same rainfall changed here and, meanwhile, by another device on the server.
      const mine = await gobs.observations.create({
        indicatorCode: pluvio,
        timestamp: '2024-03-15 10:00:00',
        x: 3.7,
        y: 43.9,
        values: { rain: 1.5 },
      });
      await gobs.sync.start({ projectKey: E2E_PROJECT });
      const other = await ApiClient.login(server.baseUrl, DEMO.username, DEMO.password);
      await other.update(await other.observation(mine.uuid), { rain: 2.25 });
      const cur = await gobs.observations.get({ uuid: mine.uuid });
      await gobs.observations.update({
        uuid: cur.uuid,
        timestamp: cur.timestamp,
        x: cur.x,
        y: cur.y,
        wkt: cur.wkt,
        values: { rain: 1234.5 },
      });
      await gobs.sync.start({ projectKey: E2E_PROJECT });
      expect((await gobs.observations.get({ uuid: mine.uuid })).state).toBe('conflict');
      conflictUuid = mine.uuid;
    },
  });

  const page = () => app.page;
  const noLoading = () => page().waitForFunction(() => !document.body.innerText.match(/Loading…|Chargement…/));

  it('starts in the system language (English here) and switches to French in Settings, persisted by main', async () => {
    await expectVisible(page().getByRole('heading', { name: 'Projects', level: 1 }));
    await page().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const select = page().getByRole('combobox', { name: 'Interface language' });
    expect(await select.inputValue()).toBe('system');
    expect(await select.locator('option:checked').textContent()).toBe('System (English)');
    await select.selectOption('fr');
    await expectVisible(page().getByRole('heading', { name: 'Paramètres', level: 1 }));
    expect((await gobs.settings.get()).language).toBe('fr');
    expect(await page().evaluate(() => document.documentElement.lang)).toBe('fr-FR');
    // Main keeps it: a restart of the window opens in French.
    await page().reload();
    await expectVisible(page().getByRole('heading', { name: 'Paramètres', level: 1 }));
    await expectVisible(page().getByText('Synchronisation automatique toutes les (minutes)'));
    expect(await page().getByRole('combobox', { name: 'Langue de l’interface' }).inputValue()).toBe('fr');
    // A bad interval is refused in French, next to the field.
    const interval = page().getByLabel('Synchronisation automatique toutes les (minutes)');
    await interval.fill('5000');
    await page().getByRole('button', { name: 'Enregistrer les paramètres' }).click();
    await expectVisible(page().getByText('Saisissez un nombre entier de minutes entre 0 et 1' + NNBSP + '440.'));
    await interval.fill('15');
    await noLoading();
    await app.screenshot('settings-fr');
  });

  it('projects: the list, its counts and relative times in French', async () => {
    await page().getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Projets' }).click();
    await expectVisible(page().getByRole('heading', { name: 'Projets', level: 1 }));
    const list = page().getByRole('main');
    await expectVisible(list.getByText('Dernière synchronisation', { exact: true }));
    await expectVisible(list.getByText(/^(à l’instant|il y a \d+ minutes?)$/).first());
    await expectVisible(list.getByText(/^\d+ modifications?$/).first());
    await expectVisible(page().getByRole('link', { name: `Ouvrir ${projectLabel}` }));
    // The status line and the top bar too.
    const status = page().getByRole('contentinfo', { name: 'État' });
    await expectVisible(status.getByText('En ligne', { exact: true }));
    await expectVisible(page().getByText('1 conflit à résoudre').first());
    await noLoading();
    await app.screenshot('projects-fr');
  });

  it('project: indicators with French column names and grouped counts', async () => {
    await page()
      .getByRole('link', { name: `Ouvrir ${projectLabel}` })
      .click();
    await expectVisible(page().getByRole('heading', { name: projectLabel, level: 1 }));
    const table = page().getByRole('table', { name: 'Indicateurs de ce projet' });
    for (const header of ['Indicateur', 'Catégorie', 'Dimensions', 'Observations', 'En attente'])
      await expectVisible(table.getByRole('columnheader', { name: header }));
    const count = (await gobs.indicators.get({ indicatorCode: pluvio })).observationCount;
    expect(count).toBeGreaterThan(999);
    const grouped = new Intl.NumberFormat('fr-FR').format(count);
    expect(grouped).toContain(NNBSP);
    await expectVisible(table.getByText(grouped, { exact: true }));
    await expectVisible(page().getByRole('button', { name: 'Synchroniser' }));
    await expectVisible(page().getByText('1 conflit', { exact: true }));
    await noLoading();
    await app.screenshot('project-fr');
  });

  it('indicator: the table shows dates at the indicator precision and decimal commas', async () => {
    await page().getByRole('link', { name: 'Ouvrir l’indicateur Hourly pluviometry' }).click();
    await expectVisible(page().getByRole('heading', { name: 'Hourly pluviometry', level: 1, exact: true }));
    await expectVisible(page().getByText('Précision temporelle\u00a0: heure'));
    await expectVisible(page().getByRole('link', { name: 'Nouvelle observation' }));
    const total = (await gobs.indicators.get({ indicatorCode: pluvio })).observationCount;
    await expectVisible(page().getByText(`${new Intl.NumberFormat('fr-FR').format(total)} observations`));
    const grid = page().getByRole('grid', { name: 'Observations' });
    await expectVisible(grid.getByRole('columnheader', { name: /Date/ }));
    // Our conflicting row, found by the search box: French date at hour precision, French number.
    await page().getByRole('searchbox', { name: 'Rechercher' }).fill(conflictUuid);
    await expectVisible(page().getByText(`1 sur ${new Intl.NumberFormat('fr-FR').format(total)} observations`));
    await expectVisible(grid.getByText('15/03/2024 10:00', { exact: true }));
    await expectVisible(grid.getByText(`1${NNBSP}234,5`, { exact: true }));
    await expectVisible(grid.getByText('Conflit', { exact: true }));
    await page().getByRole('searchbox', { name: 'Rechercher' }).fill('');
    await expectVisible(
      page().getByText(`${new Intl.NumberFormat('fr-FR').format(total)} observations`, { exact: true }),
    );
    await expectVisible(grid.getByText(/^\d{2}\/\d{2}\/\d{4} \d{2}:00$/).nth(3));
    await noLoading();
    await app.screenshot('indicator-fr');
  });

  it('observation form: French labels, a French date and a decimal comma read back exactly', async () => {
    await page().getByRole('link', { name: 'Nouvelle observation' }).click();
    await expectVisible(page().getByRole('heading', { name: 'Nouvelle observation · Hourly pluviometry' }));
    const time = page().getByLabel('Date', { exact: true });
    expect(await time.inputValue()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:00$/);
    await expectVisible(page().getByText('Précision\u00a0: heure · JJ/MM/AAAA hh:mm'));
    // Nothing filled: the summary counts in French and lists the fields.
    await page()
      .getByLabel(/^Rainfall/)
      .fill('');
    await page().getByLabel('Longitude (°)').fill('');
    await page().getByRole('button', { name: 'Enregistrer' }).click();
    await expectVisible(page().getByText(/^3 champs à vérifier\u00a0: Rainfall, Longitude et Latitude\.$/));
    await time.fill('17/05/2024 14:00');
    await page()
      .getByLabel(/^Rainfall/)
      .fill('12,5');
    await page().getByLabel('Longitude (°)').fill('3,71');
    await page().getByLabel('Latitude (°)').fill('43,9');
    await app.screenshot('observation-form-fr');
    await page().getByRole('button', { name: 'Enregistrer' }).click();
    await expectVisible(page().getByText('Enregistrée sur cet ordinateur. Pas encore envoyée', { exact: false }));
    const created = (
      await gobs.observations.list({ indicatorCode: pluvio, filter: { states: ['local'] }, limit: 5 })
    ).rows.find((r) => r.values['rain'] === 12.5)!;
    expect(created).toMatchObject({ timestamp: '2024-05-17 14:00:00', x: 3.71, y: 43.9 });
    // Opened again, it shows what it stored the way the table does.
    await page().goto(`${app.url}#/p/${E2E_PROJECT}/i/${pluvio}/o/${created.uuid}`);
    await expectVisible(page().getByRole('heading', { name: 'Observation · Hourly pluviometry' }));
    expect(await page().getByLabel('Date', { exact: true }).inputValue()).toBe('17/05/2024 14:00');
    expect(
      await page()
        .getByLabel(/^Rainfall/)
        .inputValue(),
    ).toBe('12,5');
    await expectVisible(page().getByText('Non envoyée', { exact: true }).first());
    await noLoading();
    await app.screenshot('observation-fr', { fullPage: true });
  });

  it('conflicts: both versions side by side, in French', async () => {
    await page()
      .getByRole('navigation', { name: 'Principal' })
      .getByRole('link', { name: /^Conflits/ })
      .click();
    await expectVisible(page().getByRole('heading', { name: 'Conflits', level: 1 }));
    const card = page().getByRole('article', { name: /Hourly pluviometry · 15\/03\/2024 10:00/ });
    await expectVisible(card);
    await expectVisible(card.getByRole('columnheader', { name: 'La mienne (cet ordinateur)' }));
    await expectVisible(card.getByText(`1${NNBSP}234,5`, { exact: true }));
    await expectVisible(card.getByText('2,25', { exact: true }));
    await expectVisible(card.getByRole('button', { name: /^Garder ma version de / }));
    await expectVisible(card.getByRole('button', { name: /^Prendre la version du serveur de / }));
    await noLoading();
    await app.screenshot('conflicts-fr', { fullPage: true });
    expect(app.pageErrors).toEqual([]);
  });

  it('back to the system language: English again, everywhere', async () => {
    await page().getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Paramètres' }).click();
    await page().getByRole('combobox', { name: 'Langue de l’interface' }).selectOption('system');
    await expectVisible(page().getByRole('heading', { name: 'Settings', level: 1 }));
    expect((await gobs.settings.get()).language).toBe('system');
    await page()
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Conflicts/ })
      .click();
    await expectVisible(page().getByRole('article', { name: /Hourly pluviometry · 15\/03\/2024, 10:00/ }));
    expect(app.pageErrors).toEqual([]);
  });
});

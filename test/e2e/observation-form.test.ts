/**
 * The observation form on its own (offline, over a store a sync would have left): inputs generated
 * from each dimension's type, inline errors naming the field, nothing stored until valid; save
 * offline ("not sent"), edit, photo attach/preview/replace/remove, delete with confirmation and undo.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { insertSynced } from '../helpers/seedStore';
import { chromiumOrSkip } from '../harness/chromium';
import { useOfflineApp } from '../harness/offline-app';
import { expectHidden, expectVisible } from '../harness/ui';
import type { Locator } from 'playwright-core';

const browser = chromiumOrSkip();

// 1×1 PNGs (red and blue): real images, recognised from their bytes.
const RED_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);
const BLUE_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYPgPAAEDAQAIicLsAAAAAElFTkSuQmCC',
  'base64',
);

describe.skipIf(!browser)('observation form', () => {
  const suite = useOfflineApp(browser!, 'form');
  let createdUuid: string;

  const page = () => suite.app.page;
  const form = () => page().locator('form.obs-form');
  /** The inline error tied to a control through aria-describedby. */
  async function errorOf(control: Locator): Promise<string> {
    const ids = ((await control.getAttribute('aria-describedby')) ?? '')
      .split(' ')
      .filter((id) => id.endsWith('-error'));
    if (ids.length === 0) return '';
    return (await page().locator(`[id="${ids[0]}"]`).textContent()) ?? '';
  }
  const count = (indicatorCode: string) => suite.device.desktop.gobs.observations.count({ indicatorCode });

  it('refuses an empty form, naming every field, and stores nothing', async () => {
    await page().goto(`${suite.app.url}#/p/water/i/fauna/new`);
    await expectVisible(page().getByRole('heading', { name: 'New observation · Fauna count' }));
    // Day precision: pre-filled with today, written as the table writes dates (the browser's en-GB locale).
    expect(await form().getByLabel('Time').inputValue()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    await expectVisible(page().getByText('Precision: day · DD/MM/YYYY'));
    expect(
      await form()
        .getByLabel('Adult')
        .evaluate((el) => el.tagName),
    ).toBe('SELECT');

    await form().getByRole('button', { name: 'Save', exact: true }).click();
    // An empty text is a value (as main and the server have it); numbers, yes/no and the place are not.
    await expectVisible(page().getByText('4 fields need attention: Count, Adult, Longitude and Latitude.'));
    for (const label of ['Count (individuals)', 'Adult', 'Longitude (°)', 'Latitude (°)']) {
      const control = form().getByLabel(label, { exact: true });
      expect(await control.getAttribute('aria-invalid'), label).toBe('true');
      expect(await errorOf(control), label).toBe('Required.');
    }
    expect(await form().getByLabel('Species', { exact: true }).getAttribute('aria-invalid')).not.toBe('true');
    // Focus goes to the first field to fix (on the next frame: the error messages are laid out first).
    await expect
      .poll(
        () =>
          form()
            .getByLabel('Count (individuals)', { exact: true })
            .evaluate((el) => el === el.ownerDocument.activeElement),
        { timeout: 5000 },
      )
      .toBe(true);
    expect(await count('fauna')).toBe(0);
    await suite.app.screenshot('form-required');
  });

  it('checks each value against its dimension type and the location ranges', async () => {
    await form().getByLabel('Species', { exact: true }).fill('Grey heron');
    await form().getByLabel('Count (individuals)').fill('3.5');
    await form().getByLabel('Adult').selectOption({ label: 'Yes' });
    await form().getByLabel('Longitude (°)').fill('200');
    await form().getByLabel('Latitude (°)').fill('north');
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByText('3 fields need attention: Count, Longitude and Latitude.'));
    expect(await errorOf(form().getByLabel('Count (individuals)'))).toBe('Enter a whole number.');
    expect(await errorOf(form().getByLabel('Longitude (°)'))).toBe('Longitude must be a number between -180 and 180.');
    expect(await errorOf(form().getByLabel('Latitude (°)'))).toBe('Latitude must be a number between -90 and 90.');
    expect(await errorOf(form().getByLabel('Species', { exact: true }))).toBe('');
    expect(await count('fauna')).toBe(0);
    await suite.app.screenshot('form-type-errors');
  });

  it('takes a WKT geometry instead, checked by the same rule as main and the server', async () => {
    await form().getByLabel('Count (individuals)').fill('3');
    await form().getByRole('radio', { name: 'WKT geometry' }).check();
    const wkt = form().getByLabel('WKT', { exact: true });
    await wkt.fill('CIRCLE(3 43, 2)');
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByText('1 field needs attention: WKT.'));
    expect(await errorOf(wkt)).toBe('Enter a WKT geometry such as POINT(3.45 43.12).');
    const refusals: [string, string][] = [
      ['POINT(300 43.4)', 'WKT coordinates must be longitude/latitude within range.'],
      [
        'GEOMETRYCOLLECTION(POINT(3 43))',
        'GEOMETRYCOLLECTION is not accepted: use MULTIPOINT, MULTILINESTRING or MULTIPOLYGON.',
      ],
      ['POLYGON((3 43, 3.1 43, 3.1 43.1, 3 43.05))', 'Close each polygon ring: its last point must repeat the first.'],
    ];
    for (const [text, message] of refusals) {
      await wkt.fill(text);
      await form().getByRole('button', { name: 'Save', exact: true }).click();
      await expect.poll(() => errorOf(wkt)).toBe(message);
      expect(await wkt.getAttribute('aria-invalid')).toBe('true');
    }
    expect(await count('fauna')).toBe(0);
  });

  it('saves offline and shows the observation as not sent', async () => {
    await form().getByLabel('WKT', { exact: true }).fill('POINT(3.6 43.4)');
    await form().getByLabel('Time').fill('2024-05-17');
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByText('Saved on this computer. Not sent yet'));
    await expectVisible(page().getByRole('heading', { name: 'Fauna count', level: 1, exact: true }));
    const row = page().getByRole('grid', { name: 'Observations' }).getByRole('row').filter({ hasText: 'Grey heron' });
    await expectVisible(row);
    for (const text of ['17/05/2024', 'Grey heron', '3', 'Yes', '3.60000, 43.40000', 'Not sent'])
      await expectVisible(row.getByText(text, { exact: true }));
    const list = await suite.device.desktop.gobs.observations.list({ indicatorCode: 'fauna' });
    expect(list.rows).toHaveLength(1);
    const [o] = list.rows;
    expect(o).toMatchObject({
      state: 'local',
      timestamp: '2024-05-17 00:00:00',
      values: { species: 'Grey heron', count: 3, adult: true },
    });
    createdUuid = o!.uuid;
    await suite.app.screenshot('indicator-new-row');
  });

  it('never drops unsaved input silently: leaving asks first; Ctrl+S saves', async () => {
    await page().goto(`${suite.app.url}#/p/water/i/fauna/new`);
    await form().getByLabel('Species', { exact: true }).fill('Kingfisher');
    await page().getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Fauna count' }).click();
    const dialog = page().getByRole('dialog', { name: 'Discard your changes?' });
    await expectVisible(dialog);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await form().getByLabel('Species', { exact: true }).inputValue()).toBe('Kingfisher');
    // The keyboard shortcut submits (here into the form's own checks: the rest is missing).
    await form().getByLabel('Species', { exact: true }).press('Control+s');
    await expectVisible(page().getByText(/^4 fields need attention/));
    await form().getByRole('button', { name: 'Cancel' }).click();
    await dialog.getByRole('button', { name: 'Discard changes' }).click();
    await expectVisible(page().getByRole('heading', { name: 'Fauna count', level: 1, exact: true }));
    expect(await count('fauna')).toBe(1);
  });

  it('accepts a decimal comma for a real value and the hour precision of pluviometry', async () => {
    await page().goto(`${suite.app.url}#/p/water/i/pluviometry/new`);
    await expectVisible(page().getByRole('heading', { name: 'New observation · Hourly pluviometry' }));
    await form().getByLabel('Rain (mm)').fill('a lot');
    await form().getByLabel('Longitude (°)').fill('3,25');
    await form().getByLabel('Latitude (°)').fill('43.5');
    await form().getByLabel('Time').fill('2024-05-17T14:00');
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    expect(await errorOf(form().getByLabel('Rain (mm)'))).toBe('Enter a number, for example 12.5.');
    await form().getByLabel('Rain (mm)').fill('12,5');
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByRole('heading', { name: 'Hourly pluviometry', level: 1, exact: true }));
    const [o] = (await suite.device.desktop.gobs.observations.list({ indicatorCode: 'pluviometry' })).rows;
    expect(o).toMatchObject({
      values: { rain: 12.5 },
      x: 3.25,
      y: 43.5,
      timestamp: '2024-05-17 14:00:00',
      state: 'local',
    });
  });

  it('edits: the form is pre-filled and the change is kept as not sent', async () => {
    await page().goto(`${suite.app.url}#/p/water/i/fauna/o/${createdUuid}`);
    await expectVisible(page().getByRole('heading', { name: 'Observation · Fauna count' }));
    expect(await form().getByLabel('Species', { exact: true }).inputValue()).toBe('Grey heron');
    expect(await form().getByLabel('Count (individuals)').inputValue()).toBe('3');
    expect(await form().getByLabel('Adult').inputValue()).toBe('true');
    // A POINT comes back as coordinates.
    expect(await form().getByRole('radio', { name: 'Coordinates' }).isChecked()).toBe(true);
    expect(Number(await form().getByLabel('Longitude (°)').inputValue())).toBeCloseTo(3.6);
    expect(Number(await form().getByLabel('Latitude (°)').inputValue())).toBeCloseTo(43.4);
    await form().getByLabel('Count (individuals)').fill('4');
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByRole('heading', { name: 'Fauna count', level: 1, exact: true }));
    const o = await suite.device.desktop.gobs.observations.get({ uuid: createdUuid });
    expect(o.values['count']).toBe(4);
    expect(o.state).toBe('local');
  });

  it('an edit keeps the fields the user did not touch, even a time finer than the indicator precision', async () => {
    const uuid = randomUUID();
    insertSynced(suite.device.desktop.dataDir, {
      uuid,
      indicator: 'pluviometry',
      timestamp: '2024-03-01 05:37:00',
      x: 3.5,
      y: 43.5,
      values: { rain: 2.5 },
    });
    await page().goto(`${suite.app.url}#/p/water/i/pluviometry/o/${uuid}`);
    await expectVisible(page().getByRole('heading', { name: 'Observation · Hourly pluviometry' }));
    await form().getByLabel('Rain (mm)').fill('3');
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByRole('heading', { name: 'Hourly pluviometry', level: 1, exact: true }));
    expect(await suite.device.desktop.gobs.observations.get({ uuid })).toMatchObject({
      timestamp: '2024-03-01 05:37:00',
      values: { rain: 3 },
      x: 3.5,
      y: 43.5,
      state: 'modified',
    });
  });

  it('attaches a photo (preview before saving), replaces it and removes it', async () => {
    await page().goto(`${suite.app.url}#/p/water/i/fauna/o/${createdUuid}`);
    const photo = page().getByRole('group', { name: 'Photo' });
    await expectVisible(photo.getByText('No photo'));
    await photo.getByLabel('Attach photo').setInputFiles({ name: 'heron.png', mimeType: 'image/png', buffer: RED_PNG });
    await expectVisible(photo.getByRole('img', { name: 'Photo of this observation' }));
    await expectVisible(photo.getByText('heron.png will be attached when you save.'));
    await suite.app.screenshot('form-photo');
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByRole('heading', { name: 'Fauna count', level: 1, exact: true }));
    expect((await suite.device.desktop.gobs.observations.get({ uuid: createdUuid })).hasMedia).toBe(true);
    const stored = await suite.device.desktop.gobs.media.get({ uuid: createdUuid });
    expect(Buffer.from(stored!.dataUrl.split(',')[1]!, 'base64').equals(RED_PNG)).toBe(true);

    // Reopen: the stored photo is shown; replace it.
    await page().goto(`${suite.app.url}#/p/water/i/fauna/o/${createdUuid}`);
    await expectVisible(photo.getByRole('img', { name: 'Photo of this observation' }));
    await expectVisible(photo.getByText('Attached here; sent with the observation at the next sync.'));
    await photo
      .getByLabel('Replace photo')
      .setInputFiles({ name: 'heron2.png', mimeType: 'image/png', buffer: BLUE_PNG });
    // The file is read (its first bytes checked) before the form takes it.
    await expectVisible(photo.getByText('heron2.png will be attached when you save.'));
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByRole('heading', { name: 'Fauna count', level: 1, exact: true }));
    const replaced = await suite.device.desktop.gobs.media.get({ uuid: createdUuid });
    expect(Buffer.from(replaced!.dataUrl.split(',')[1]!, 'base64').equals(BLUE_PNG)).toBe(true);

    // A file that is not an image is refused before anything is sent.
    await page().goto(`${suite.app.url}#/p/water/i/fauna/o/${createdUuid}`);
    await expectVisible(photo.getByRole('img', { name: 'Photo of this observation' }));
    await photo
      .getByLabel('Replace photo')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expectVisible(photo.getByText('Choose an image file (JPEG, PNG, GIF or WebP).'));

    await photo.getByRole('button', { name: 'Remove photo' }).click();
    await expectVisible(photo.getByText('The photo will be removed when you save.'));
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page().getByRole('heading', { name: 'Fauna count', level: 1, exact: true }));
    expect((await suite.device.desktop.gobs.observations.get({ uuid: createdUuid })).hasMedia).toBe(false);
  });

  it('deletes after confirmation, and Undo brings it back', async () => {
    await page().goto(`${suite.app.url}#/p/water/i/fauna/o/${createdUuid}`);
    await form().getByRole('button', { name: 'Delete observation' }).click();
    const dialog = page().getByRole('dialog', { name: 'Delete this observation?' });
    await expectVisible(dialog);
    await suite.app.screenshot('form-delete-confirm');
    // Cancelling keeps it.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expectHidden(dialog);
    expect((await suite.device.desktop.gobs.observations.get({ uuid: createdUuid })).state).toBe('local');

    await form().getByRole('button', { name: 'Delete observation' }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    const toast = page().getByRole('status').filter({ hasText: 'Observation deleted.' });
    await expectVisible(toast);
    await expectVisible(page().getByRole('heading', { name: 'Fauna count', level: 1, exact: true }));
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expectVisible(page().getByText('Observation restored.'));
    expect((await suite.device.desktop.gobs.observations.get({ uuid: createdUuid })).state).toBe('local');
  });

  it('a deletion not undone at once stays undoable from the observation until synced', async () => {
    await page().goto(`${suite.app.url}#/p/water/i/fauna/o/${createdUuid}`);
    await form().getByRole('button', { name: 'Delete observation' }).click();
    await page().getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await expectVisible(page().getByRole('heading', { name: 'Fauna count', level: 1, exact: true }));
    const deleted = await suite.device.desktop.gobs.observations.get({ uuid: createdUuid }).catch(() => null);
    expect(deleted?.state).toBe('deleted');
    await expectVisible(page().getByRole('grid', { name: 'Observations' }).getByText('Deleting'));
    await page().goto(`${suite.app.url}#/p/water/i/fauna/o/${createdUuid}`);
    await page().getByRole('button', { name: 'Restore observation' }).click();
    await expectVisible(page().getByText('Observation restored.'));
    expect((await suite.device.desktop.gobs.observations.get({ uuid: createdUuid })).state).toBe('local');
    expect(suite.app.pageErrors).toEqual([]);
  });
});

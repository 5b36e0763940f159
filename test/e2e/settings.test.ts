/**
 * Settings / About (server, user, device UUID, data folder, sync interval, version), the top-bar
 * navigation by keyboard, and the always-visible status line.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumOrSkip } from '../harness/chromium';
import { useOfflineApp } from '../harness/offline-app';
import { expectVisible } from '../harness/ui';

// Page-side predicate; this file is compiled for Node.
declare const document: { body: { innerText: string } };

const browser = chromiumOrSkip();

describe.skipIf(!browser)('settings, navigation and status line', () => {
  const suite = useOfflineApp(browser!, 'settings');

  /** The page has been drawn and the app has put focus on its title, as it does on every arrival. */
  const titleFocused = (name: string) =>
    expect
      .poll(
        () =>
          suite.app.page
            .getByRole('heading', { name, level: 1 })
            .evaluate((el) => el === el.ownerDocument.activeElement),
        { timeout: 5000 },
      )
      .toBe(true);

  const openSettings = async () => {
    await suite.app.page.goto(`${suite.app.url}#/settings`);
    await titleFocused('Settings');
  };

  it('reaches Settings from the top bar with the keyboard alone', async () => {
    const page = suite.app.page;
    const nav = page.getByRole('navigation', { name: 'Main' });
    // Until the app has moved focus to the arrival page's title (next frame, later on a loaded machine), a key
    // pressed now would start from where that move is about to take it.
    await titleFocused('Projects');
    await nav.getByRole('link', { name: 'Projects' }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(
      await nav.getByRole('link', { name: 'Settings' }).evaluate((el) => el === el.ownerDocument.activeElement),
    ).toBe(true);
    await page.keyboard.press('Enter');
    await expectVisible(page.getByRole('heading', { name: 'Settings', level: 1 }));
    // Focus moves to the new page's title; the active section is marked for assistive technology.
    await titleFocused('Settings');
    expect(await nav.getByRole('link', { name: 'Settings' }).getAttribute('aria-current')).toBe('page');
  });

  it('shows the account, device, data folder, version and log file', async () => {
    const page = suite.app.page;
    await openSettings();
    const s = await suite.device.desktop.gobs.settings.get();
    expect(s.logFile).toBe(join(suite.device.desktop.dataDir, 'logs', 'main.log'));
    for (const text of [s.serverUrl!, s.username!, s.deviceId, s.dataDir, s.appVersion, s.logFile!])
      await expectVisible(page.getByText(text, { exact: true }));
    expect(s.dataDir.startsWith(suite.device.desktop.dataDir)).toBe(true);
    await suite.app.screenshot('settings');
  });

  it('changes the automatic sync interval, refusing a bad value inline', async () => {
    const page = suite.app.page;
    await openSettings();
    const input = page.getByLabel('Automatic sync every (minutes)');
    await input.fill('often');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await input.fill('5000');
    await page.getByRole('button', { name: 'Save settings' }).click();
    // Beyond the limit (one day, which main enforces too), said under the field.
    await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
    expect((await suite.device.desktop.gobs.settings.get()).syncIntervalMinutes).not.toBe(5000);
    await input.fill('30');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expectVisible(page.getByText('Settings saved.'));
    expect((await suite.device.desktop.gobs.settings.get()).syncIntervalMinutes).toBe(30);
    expect(await input.getAttribute('aria-invalid')).toBe('false');
  });

  it('gives every control on every screen an accessible name', async () => {
    const page = suite.app.page;
    const uuid = (
      await suite.device.desktop.gobs.observations.create({
        indicatorCode: 'fauna',
        timestamp: '2024-05-01',
        x: 3,
        y: 43,
        values: { species: 'Heron', count: 2, adult: true },
      })
    ).uuid;
    const screens = [
      '#/projects',
      '#/p/water',
      '#/p/water/i/fauna',
      '#/p/water/i/fauna/new',
      `#/p/water/i/fauna/o/${uuid}`,
      '#/conflicts',
      '#/settings',
    ];
    for (const hash of screens) {
      await page.goto(`${suite.app.url}${hash}`);
      await expectVisible(page.locator('main h1'));
      await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
      const snapshot = await page.locator('body').ariaSnapshot();
      // An unnamed control shows in the ARIA snapshot as its bare role ("- button" with no name).
      const unnamed = snapshot
        .split('\n')
        .filter((line) =>
          /^\s*- (button|link|textbox|combobox|checkbox|radio|searchbox|spinbutton|grid|progressbar)(\s*\[[^\]]*\])?:?\s*$/.test(
            line,
          ),
        );
      expect(unnamed, `${hash}\n${snapshot}`).toEqual([]);
    }
  });

  it('keeps the status line on every page', async () => {
    const page = suite.app.page;
    for (const hash of ['#/projects', '#/p/water', '#/p/water/i/fauna', '#/conflicts', '#/settings']) {
      await page.goto(`${suite.app.url}${hash}`);
      const status = page.getByRole('contentinfo', { name: 'Status' });
      await expectVisible(status);
      await expectVisible(status.getByText('Offline', { exact: true }));
      await expectVisible(status.getByText('1 change waiting'));
      await expectVisible(status.getByText(/^Last sync /));
    }
    expect(suite.app.pageErrors).toEqual([]);
  });

  it('working offline, the sync bar offers to log in instead of failing a sync', async () => {
    const page = suite.app.page;
    await page.goto(`${suite.app.url}#/p/water`);
    await expectVisible(page.getByRole('heading', { name: 'Water', level: 1 }));
    expect(await page.getByRole('button', { name: 'Sync now' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Log in to sync' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Connect to a G-Obs server' }));
    expect(await page.getByLabel('Username').inputValue()).toBe('tester');
    expect(suite.app.pageErrors).toEqual([]);
  });
});

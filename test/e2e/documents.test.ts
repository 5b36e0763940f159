/**
 * The Indicator page's documents: a document whose content is a program, a script or a web page
 * is offered only as "Save…", with a warning saying what it is; a PDF is opened. Real renderer,
 * real main handlers and SQLite, real server serving documents added as `document add` does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumOrSkip } from '../harness/chromium';
import { useServerApp } from '../harness/suite';
import { expectVisible } from '../harness/ui';
import { syncDemoProject, E2E_PROJECT } from '../harness/server';
import { exe, SAFE, SCRIPTS } from '../helpers/documents';
import type { IndicatorSummary } from '../../src/shared/ipc';

const browser = chromiumOrSkip();

describe.skipIf(!browser)('documents that could run a program', () => {
  let indicator: IndicatorSummary;
  let files: string;

  const { app, device } = useServerApp(browser!, {
    prepare: async (device, server) => {
      files = mkdtempSync(join(tmpdir(), 'gobs-e2e-docs-'));
      const gobs = await syncDemoProject(device, server);
      indicator = (await gobs.indicators.list({ projectKey: E2E_PROJECT }))[0]!;
      for (const [name, content] of [
        ['Field report.exe', exe()],
        ['install.sh', SCRIPTS.sh],
        ['Station map.html', SCRIPTS.html],
        ['Gauge manual.pdf', SAFE.pdf()],
      ] as const) {
        const file = join(files, name);
        writeFileSync(file, content);
        await server.seed.document({ indicator: indicator.code, file, label: name, type: 'document' });
      }
      await gobs.sync.start({ projectKey: E2E_PROJECT });
    },
    cleanup: () => {
      if (files) rmSync(files, { recursive: true, force: true });
    },
  });

  it('offers "Save…" with a warning instead of "Open" for programs, scripts and web pages', async () => {
    const page = app.page;
    await expectVisible(page.getByRole('heading', { name: 'Projects', level: 1 }));
    await page.goto(`${app.url}#/p/${encodeURIComponent(E2E_PROJECT)}/i/${encodeURIComponent(indicator.code)}`);
    await expectVisible(page.getByRole('heading', { name: indicator.label, level: 1 }));
    const list = page.getByRole('list', { name: 'Documents' });

    for (const [label, what] of [
      ['Field report.exe', 'a Windows program'],
      ['install.sh', 'a script'],
      ['Station map.html', 'a web page'],
    ] as const) {
      const button = list.getByRole('button', { name: `Save ${label}…` });
      await expectVisible(button);
      expect(await list.getByRole('button', { name: `Open ${label}` }).count()).toBe(0);
      const item = list.getByRole('listitem').filter({ has: page.getByRole('button', { name: `Save ${label}…` }) });
      await expectVisible(
        item.getByRole('note').getByText(`This is ${what}: G-Obs does not open it`, { exact: false }),
      );
    }
    // A PDF is opened as before, with no warning.
    const pdf = list.getByRole('listitem').filter({ hasText: 'Gauge manual.pdf' });
    await expectVisible(pdf.getByRole('button', { name: 'Open Gauge manual.pdf' }));
    expect(await pdf.getByRole('note').count()).toBe(0);
    await app.screenshot('indicator-unsafe-documents', { fullPage: true });
  });

  it('saves a program through the save dialog and never opens it', async () => {
    const page = app.page;
    const list = page.getByRole('list', { name: 'Documents' });
    await list.getByRole('button', { name: 'Save Field report.exe…' }).click();
    await expect.poll(() => device.desktop.saved.length).toBe(1);
    const saved = device.desktop.saved[0]!;
    expect(saved.defaultName).toBe('Field report.exe');
    expect(readFileSync(saved.savedTo)).toEqual(exe());
    await expectVisible(page.getByText(`Saved to ${saved.savedTo}`));

    await list.getByRole('button', { name: 'Open Gauge manual.pdf' }).click();
    await expect.poll(() => device.desktop.openedPaths.length).toBe(1);
    expect(device.desktop.openedPaths[0]).toMatch(/\.pdf$/);
  });
});

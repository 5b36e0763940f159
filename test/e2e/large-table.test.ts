/**
 * 100,000 observations in the store: the indicator table opens, scrolls (wheel, scrollbar jump,
 * keyboard), sorts and filters, and the DOM only ever holds the rows in view. No server needed:
 * the data is in the device's SQLite store, as a previous sync would have left it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip } from '../harness/chromium';
import { useOfflineApp } from '../harness/offline-app';
import { expectVisible } from '../harness/ui';
import { seedObservations } from '../helpers/seedStore';

// The predicates below run in the page; this file is compiled for Node, so name the little DOM they use.
declare const document: {
  querySelector(selector: string): { scrollTop: number } | null;
  querySelectorAll(selector: string): ArrayLike<{ offsetHeight: number }>;
};

const browser = chromiumOrSkip();
const N = 100_000;
/** Far more than a screen of rows, far fewer than the data: what "virtualised" means here. */
const MAX_DOM_ROWS = 80;

describe.skipIf(!browser)('observation table with 100,000 rows', () => {
  const suite = useOfflineApp(browser!, 'large', (dataDir, account) => seedObservations(dataDir, account, N));

  beforeAll(async () => {
    await suite.app.page.getByRole('link', { name: 'Open Water' }).click();
    await suite.app.page.getByRole('link', { name: 'Open indicator Hourly pluviometry' }).click();
  });

  const grid = () => suite.app.page.getByRole('grid', { name: 'Observations' });
  const bodyRows = () => grid().locator('.vt-body [role=row]');
  const domRowCount = () => bodyRows().count();
  const rowIndexes = async () =>
    (await bodyRows().evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('aria-rowindex'))))).sort(
      (a, b) => a - b,
    );
  /**
   * Waits until the rows under the viewport are rendered with data: the row at the scroll
   * position exists (React caught up with the scroll) and no row still shows "Loading…".
   */
  const settled = () =>
    suite.app.page.waitForFunction(() => {
      const body = document.querySelector('.vt-body');
      const rows = document.querySelectorAll('.vt-body [role=row]');
      if (!body || rows.length === 0 || document.querySelectorAll('.vt-body .vt-placeholder').length > 0) return false;
      const rowHeight = rows[0]!.offsetHeight;
      const top = Math.floor(body.scrollTop / rowHeight) + 2;
      return Boolean(document.querySelector(`.vt-body [role=row][aria-rowindex="${top}"]`));
    });

  it('opens with the total count and only a screenful of rows in the DOM', async () => {
    await expectVisible(suite.app.page.getByText('100,000 observations'));
    await settled();
    expect(await grid().getAttribute('aria-rowcount')).toBe(String(N + 1));
    const count = await domRowCount();
    expect(count).toBeGreaterThan(5);
    expect(count).toBeLessThan(MAX_DOM_ROWS);
    // Newest first by default: the seed's last timestamp (3 rows per hour from 2020-01-01), hour
    // precision written the en-GB way (the browser's locale): 2023-10-20 21:00.
    expect(Math.floor((N - 1) / 3)).toBe(33_333);
    expect(await bodyRows().first().getByRole('gridcell').first().textContent()).toBe('20/10/2023, 21:00');
    await suite.app.screenshot('indicator-100k');
  });

  it('scrolls with the wheel, keeping the DOM small', async () => {
    await grid().locator('.vt-body').hover();
    for (let i = 0; i < 15; i++) await suite.app.page.mouse.wheel(0, 2_000);
    await suite.app.page.waitForFunction(() => (document.querySelector('.vt-body')?.scrollTop ?? 0) > 20_000);
    await settled();
    const indexes = await rowIndexes();
    expect(indexes[0]).toBeGreaterThan(500);
    expect(indexes.length).toBeLessThan(MAX_DOM_ROWS);
  });

  it('jumps to the middle and to the end (scrollbar drag) and shows real rows there', async () => {
    await grid()
      .locator('.vt-body')
      .evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await settled();
    const middle = await rowIndexes();
    expect(middle[0]).toBeGreaterThan(N / 2 - 100);
    expect(middle.at(-1)).toBeLessThan(N / 2 + 100);
    expect(middle.length).toBeLessThan(MAX_DOM_ROWS);
    await suite.app.screenshot('indicator-100k-middle');

    await grid()
      .locator('.vt-body')
      .evaluate((el) => (el.scrollTop = el.scrollHeight));
    await settled();
    const end = await rowIndexes();
    expect(end.at(-1)).toBe(N + 1);
    // Oldest last: the seed's first hour.
    expect(await bodyRows().last().getByRole('gridcell').first().textContent()).toBe('01/01/2020, 00:00');
  });

  it('moves through rows with the keyboard and opens one with Enter', async () => {
    await grid().focus();
    await suite.app.page.keyboard.press('Home');
    await settled();
    expect(await grid().locator('[role=row][aria-selected=true]').getAttribute('aria-rowindex')).toBe('2');
    await suite.app.page.keyboard.press('ArrowDown');
    await suite.app.page.keyboard.press('PageDown');
    const active = Number(await grid().locator('[role=row][aria-selected=true]').getAttribute('aria-rowindex'));
    expect(active).toBeGreaterThan(3);
    await suite.app.page.keyboard.press('Enter');
    await expectVisible(suite.app.page.getByRole('heading', { name: 'Observation · Hourly pluviometry' }));
    await suite.app.page.goBack();
    await expectVisible(grid());
  });

  it('sorts by a dimension both ways', async () => {
    await suite.app.page.getByRole('button', { name: 'Sort by Rain (mm)' }).click();
    await settled();
    expect(await suite.app.page.getByRole('columnheader', { name: /Rain/ }).getAttribute('aria-sort')).toBe(
      'ascending',
    );
    const firstAsc = await bodyRows().first().getByRole('gridcell').nth(1).textContent();
    await suite.app.page.getByRole('button', { name: /Rain \(mm\), sorted ascending/ }).click();
    await settled();
    expect(await suite.app.page.getByRole('columnheader', { name: /Rain/ }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    const firstDesc = await bodyRows().first().getByRole('gridcell').nth(1).textContent();
    expect(Number(firstAsc)).toBe(0);
    expect(Number(firstDesc)).toBeGreaterThan(Number(firstAsc));
    expect(await domRowCount()).toBeLessThan(MAX_DOM_ROWS);
  });

  it('filters by text, state and time range; counts follow', async () => {
    const page = suite.app.page;
    await page.getByRole('searchbox', { name: 'Search' }).fill('alice');
    await expectVisible(page.getByText(`${(N / 5).toLocaleString('en')} of 100,000 observations`));
    await settled();
    const authors = await bodyRows().evaluateAll((rows) => rows.map((r) => r.children[3]?.textContent));
    expect(new Set(authors)).toEqual(new Set(['alice']));
    await page.getByRole('searchbox', { name: 'Search' }).fill('');

    await page.getByLabel('Sync state').selectOption({ label: 'Not sent' });
    await expectVisible(page.getByText('No observation matches.'));
    expect(await domRowCount()).toBe(0);
    await page.getByLabel('Sync state').selectOption({ label: 'All states' });

    await page.getByLabel('From').fill('2020-01-02');
    await page.getByLabel('To').fill('2020-01-02');
    // One day = 24 hours × 3 observations.
    await expectVisible(page.getByText('72 of 100,000 observations'));
    await page.getByLabel('From').fill('2020-13');
    await expectVisible(page.getByText('YYYY-MM-DD, optionally with a time'));
    await suite.app.screenshot('indicator-filtered');
  });

  it('comes back from an observation to the same sort, filters and scroll position', async () => {
    const page = suite.app.page;
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('searchbox', { name: 'Search' }).fill('alice');
    await expectVisible(page.getByText(`${(N / 5).toLocaleString('en')} of 100,000 observations`));
    await page.getByRole('button', { name: 'Sort by Author' }).click();
    await grid()
      .locator('.vt-body')
      .evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await settled();
    const before = (await rowIndexes())[0]!;
    expect(before).toBeGreaterThan(1_000);
    const row = bodyRows().nth(5);
    const time = (await row.getByRole('link').textContent())!;
    await row.getByRole('link').click();
    await expectVisible(page.getByRole('heading', { name: 'Observation · Hourly pluviometry' }));
    // The form writes the time exactly as the table does.
    expect(await page.getByLabel('Time').inputValue()).toBe(time);
    await page.goBack();
    await expectVisible(page.getByText(`${(N / 5).toLocaleString('en')} of 100,000 observations`));
    expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('alice');
    expect(await page.getByRole('columnheader', { name: /Author/ }).getAttribute('aria-sort')).toBe('ascending');
    await settled();
    expect(Math.abs((await rowIndexes())[0]! - before)).toBeLessThan(20);
    expect(suite.app.pageErrors).toEqual([]);
  });
});

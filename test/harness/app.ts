/**
 * The desktop app in a real browser: the built renderer served over HTTP, opened in Debian
 * Chromium, with `window.gobs` installed from the same bridge preload uses and every call
 * forwarded to the device's real main-process dispatcher (validation included).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from './chromium';
import { bridgeInitScript, buildRenderer, releaseRenderer, ROOT } from './renderer-build';
import { serveStatic } from './static-server';
import { contentSecurityPolicy } from '../../src/main/platform/appProtocol';
import { jsonFileSettings } from '../helpers/desktop';
import type { Device, EventSink } from './device';

export const SCREENSHOT_DIR = resolve(ROOT, 'test-output/screenshots');
export const VIEWPORT = { width: 1280, height: 800 };

export interface App {
  page: Page;
  context: BrowserContext;
  url: string;
  /** Saves test-output/screenshots/<name>.png (the window as the user sees it, or the whole page). */
  screenshot(name: string, options?: { fullPage?: boolean }): Promise<string>;
  /** Errors the page logged or threw: a healthy run has none. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function launchApp(device: Device, executablePath: string): Promise<App> {
  const rendererDir = await buildRenderer();
  const [script, server, profile] = await Promise.all([
    bridgeInitScript(),
    // The header main sends, following the device's basemap setting as main does.
    serveStatic(rendererDir, () => {
      const settings = jsonFileSettings(join(device.desktop.dataDir, 'settings.json'));
      return contentSecurityPolicy({ basemap: settings.get('basemap') === true });
    }),
    mkdtemp(join(tmpdir(), 'gobs-e2e-chromium-')),
  ]);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  await context.exposeBinding('__gobsInvoke', (_source, channel: string, args: unknown) =>
    device.dispatch(channel, args),
  );
  await context.addInitScript({ content: script });

  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });

  const sink: EventSink = (event, payload) => {
    // Events during a reload have no page to land on; the app re-reads state on load anyway.
    page
      .evaluate(
        ([e, p]) => (globalThis as unknown as { __gobsEmit?: (e: string, p: unknown) => void }).__gobsEmit?.(e, p),
        [event, payload] as const,
      )
      .catch(() => {});
  };
  device.sinks.add(sink);

  await page.goto(server.url);
  await mkdir(SCREENSHOT_DIR, { recursive: true });

  return {
    page,
    context,
    url: server.url,
    pageErrors,
    async screenshot(name, options) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      if (options?.fullPage) {
        // The app scrolls inside <main>, not the document: grow the window to the content for the shot.
        const height = await page.evaluate(() => {
          const main = (
            globalThis as unknown as { document: { querySelector(s: string): { scrollHeight: number } | null } }
          ).document.querySelector('main');
          return (main?.scrollHeight ?? 0) + 48 + 28;
        });
        await page.setViewportSize({ width: VIEWPORT.width, height: Math.max(VIEWPORT.height, height) });
        await page.screenshot({ path });
        await page.setViewportSize(VIEWPORT);
        return path;
      }
      await page.screenshot({ path });
      return path;
    },
    async close() {
      device.sinks.delete(sink);
      await context.close();
      await server.close();
      await rm(profile, { recursive: true, force: true });
      await releaseRenderer();
    },
  };
}

/** For afterEach: keeps a screenshot of the page when a test failed, named after the test. */
export function screenshotOnFailure(getApp: () => App | undefined) {
  return async (ctx: { task: { name: string; result?: { state?: string } } }): Promise<void> => {
    const app = getApp();
    if (!app || ctx.task.result?.state !== 'fail') return;
    const name = `FAILED-${ctx.task.name.replace(/[^\w]+/g, '-').slice(0, 80)}`;
    await app.screenshot(name).catch(() => {});
  };
}

/**
 * Finding Debian's Chromium. The e2e suite never downloads a browser: when none is found it
 * says so loudly and skips, unless GOBS_REQUIRE_E2E=1 (CI), where a missing browser is a failure.
 */
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];

export function findChromium(): string | null {
  const fromEnv = process.env['GOBS_CHROMIUM'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export const e2eRequired = process.env['GOBS_REQUIRE_E2E'] === '1';

/** Decides once per suite file: returns the browser path, or null after warning (or throws in CI). */
export function chromiumOrSkip(): string | null {
  const path = findChromium();
  if (path) return path;
  const why =
    'no Chromium found (looked at ' +
    (process.env['GOBS_CHROMIUM'] ?? CANDIDATES.join(', ')) +
    '). Install Debian\'s "chromium" package or set GOBS_CHROMIUM.';
  if (e2eRequired) throw new Error(`E2E TESTS CANNOT RUN: ${why} GOBS_REQUIRE_E2E=1 makes this a failure.`);
  const message = `E2E TESTS SKIPPED: ${why}`;
  const bar = '!'.repeat(message.length + 8);
  console.warn(`\n${bar}\n!!! ${message} !!!\n${bar}\n`);
  return null;
}

/**
 * No GPU here: WebGL (the maps) runs in software through SwiftShader, which Chromium only offers
 * when asked for explicitly.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Builds the renderer once per test process (vite, same config as `npm run build:renderer`)
 * and the bridge script the harness injects into the page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
let rendererBuilt: Promise<string> | undefined;

/**
 * Builds into a folder of this test process's own: a concurrent `electron-vite build` or another
 * test run emptying out/renderer must not pull the files from under the browser.
 */
export function buildRenderer(): Promise<string> {
  rendererBuilt ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'gobs-e2e-renderer-'));
    await viteBuild({
      configFile: resolve(ROOT, 'vite.renderer.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    return outDir;
  })();
  return rendererBuilt;
}

/** Deletes this process's build (the next launch builds again). */
export async function releaseRenderer(): Promise<void> {
  const built = rendererBuilt;
  rendererBuilt = undefined;
  if (built) rmSync(await built, { recursive: true, force: true });
}

let bridgeScript: Promise<string> | undefined;

/**
 * The init script that installs `window.gobs` before the app's own scripts run: it is the real
 * src/shared/bridge.ts (what preload uses), given a transport over two Playwright bindings.
 */
export function bridgeInitScript(): Promise<string> {
  bridgeScript ??= esbuild({
    stdin: {
      contents: `
        import { buildBridge } from './src/shared/bridge';
        const listeners = new Map();
        const transport = {
          invoke: (channel, args) => window.__gobsInvoke(channel, args),
          subscribe(event, listener) {
            if (!listeners.has(event)) listeners.set(event, new Set());
            listeners.get(event).add(listener);
            return () => listeners.get(event).delete(listener);
          },
        };
        Object.defineProperty(window, '__gobsEmit', {
          value: (event, payload) => { for (const l of listeners.get(event) ?? []) l(payload); },
        });
        Object.defineProperty(window, 'gobs', { value: Object.freeze(buildBridge(transport)), enumerable: true });
      `,
      resolveDir: ROOT,
      loader: 'ts',
      sourcefile: 'harness-bridge.ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'warning',
  }).then((out) => out.outputFiles[0]!.text);
  return bridgeScript;
}

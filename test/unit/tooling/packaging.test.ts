/**
 * What the installers carry, checked from the packaging inputs with electron-builder's own code:
 * its configuration loader and schema, and the dependency collector it packs node_modules from.
 * The desktop ships only what its bundles load at run time (no fastify, pg or PGlite), every
 * package the built main bundle imports is shipped, and the Electron fuses are set.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../..');
const require = createRequire(import.meta.url);
const fromBuilder = createRequire(require.resolve('app-builder-lib/package.json'));

interface NodeModule {
  name: string;
  version: string;
  dir: string;
  dependencies?: NodeModule[];
}

/** The node_modules electron-builder would pack, as its npm collector computes them. */
async function shippedModules(): Promise<NodeModule[]> {
  const { NpmNodeModulesCollector } = fromBuilder('./out/node-module-collector/npmNodeModulesCollector.js') as {
    NpmNodeModulesCollector: new (
      dir: string,
      tmp: unknown,
    ) => {
      getNodeModules(o: { packageName: string }): Promise<{ nodeModules: NodeModule[] }>;
    };
  };
  const { TmpDir } = fromBuilder('temp-file') as { TmpDir: new (name: string) => { cleanup(): Promise<void> } };
  const tmp = new TmpDir('gobs-packaging-test');
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string };
    const collector = new NpmNodeModulesCollector(ROOT, tmp);
    return (await collector.getNodeModules({ packageName: pkg.name })).nodeModules;
  } finally {
    await tmp.cleanup();
  }
}

function flatten(mods: readonly NodeModule[]): NodeModule[] {
  return mods.flatMap((m) => [m, ...flatten(m.dependencies ?? [])]);
}

/** Packages a bundle loads at run time: bare specifiers of import/export-from/import()/require(). */
function runtimePackages(code: string): Set<string> {
  const specs = new Set<string>();
  const patterns = [
    /\bimport\s+(?:[\w*{}\s,$]+\s+from\s+)?["']([^"']+)["']/g,
    /\bexport\s+[\w*{}\s,$]+\s+from\s+["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) specs.add(m[1]!);
  const packages = new Set<string>();
  for (const s of specs) {
    if (s.startsWith('.') || s.startsWith('/') || s.startsWith('node:') || builtinModules.includes(s.split('/')[0]!))
      continue;
    packages.add(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
  }
  return packages;
}

const SERVER_ONLY = /^(fastify|@fastify\/.*|pg|pg-.*|@electric-sql\/.*|tsx|vite|vitest|electron-vite|typescript)$/;

let modules: NodeModule[];
let outDir: string;

beforeAll(async () => {
  modules = flatten(await shippedModules());
  // The bundles as `npm run dist` builds them, into a folder of our own.
  outDir = mkdtempSync(join(tmpdir(), 'gobs-out-'));
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', outDir],
    {
      cwd: ROOT,
      stdio: 'pipe',
    },
  );
}, 180_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the desktop installer', () => {
  it('carries none of the sync server, build or test packages', () => {
    const names = modules.map((m) => m.name);
    expect(names.filter((n) => SERVER_ONLY.test(n))).toEqual([]);
    for (const needed of ['better-sqlite3', 'axios', 'zod', 'electron-store', 'electron-log'])
      expect(names).toContain(needed);
    // Electron itself is the runtime, never a module inside the app.
    expect(names).not.toContain('electron');
  });

  it('carries every package the built main and preload bundles load at run time', () => {
    const shipped = new Set(modules.map((m) => m.name));
    const main = runtimePackages(readFileSync(join(outDir, 'main', 'index.js'), 'utf8'));
    expect(main.size).toBeGreaterThan(0);
    for (const p of main) if (p !== 'electron') expect(shipped, `main imports ${p}`).toContain(p);
    // The sandboxed preload may load nothing but electron: everything else is bundled into it.
    expect([...runtimePackages(readFileSync(join(outDir, 'preload', 'index.cjs'), 'utf8'))]).toEqual(['electron']);
  });

  it('ships the built app and package.json only, and native modules unpacked', async () => {
    const config = await loadConfig();
    // electron-builder normalises the list into file sets: [{ filter: [...] }].
    const files = (config['files'] as { filter: string[] }[]).flatMap((set) => set.filter);
    expect(files.filter((f) => !f.startsWith('!'))).toEqual([
      'out/main/**',
      'out/preload/**',
      'out/renderer/**',
      'package.json',
    ]);
    for (const excluded of ['!src/**', '!test/**', '!scripts/**', '!**/*.map']) expect(files).toContain(excluded);
    expect(config['asar']).toBe(true);
    expect(config['asarUnpack']).toContain('**/*.node');
  });

  it('flips the Electron fuses of the security checklist, in a configuration electron-builder accepts', async () => {
    const config = await loadConfig();
    expect(config['electronFuses']).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});

/** electron-builder.yml as electron-builder loads it, validated against its schema (throws if invalid). */
async function loadConfig(): Promise<Record<string, unknown>> {
  const { getConfig, validateConfiguration } = fromBuilder('./out/util/config/config.js') as {
    getConfig(dir: string): Promise<Record<string, unknown>>;
    validateConfiguration(c: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
  };
  const config = await getConfig(ROOT);
  await validateConfiguration(config, { isEnabled: false, add: () => undefined });
  return config;
}

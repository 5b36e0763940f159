/**
 * Electronegativity in lint: the real tool over a small app with a known anti-pattern finds it, an
 * unrecorded finding fails the review, a recorded one passes, a stale record fails; and the
 * project's own sources pass with the reviewed findings in electronegativity.json.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { reviewFindings, runElectronegativity } from '../../../scripts/electronegativity.mjs';

interface Issue {
  id: string;
  file: string;
  sample?: unknown;
}
interface Config {
  input: string;
  excludedChecks?: { check: string; reason: string }[];
  findings?: { check: string; file: string; match?: string; reason: string }[];
}
const review = reviewFindings as (
  issues: Issue[],
  config: Config,
) => { unrecorded: Issue[]; stale: unknown[]; unexplained: unknown[] };
const run = runElectronegativity as (
  input: string,
  version: string,
  excluded: string[],
) => Promise<{ issues: Issue[]; errors: unknown[] }>;

const ROOT = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'gobs-en-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('electronegativity review', { timeout: 60_000 }, () => {
  it('an unrecorded finding fails, a recorded one passes, a stale record fails', async () => {
    writeFileSync(
      join(dir, 'main.js'),
      "const { BrowserWindow } = require('electron');\n" +
        'const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });\n',
    );
    const { issues, errors } = await run(dir, '45.5.0', ['AvailableSecurityFixesGlobalCheck']);
    expect(errors).toEqual([]);
    const nodeIntegration = issues.filter((i) => i.id === 'NODE_INTEGRATION_JS_CHECK');
    expect(nodeIntegration.length).toBeGreaterThan(0);

    expect(review(issues, { input: dir }).unrecorded.length).toBe(issues.length);
    const all: Config = {
      input: dir,
      findings: [...new Set(issues.map((i) => `${i.id}\n${i.file}`))].map((k) => {
        const [check, file] = k.split('\n') as [string, string];
        return { check, file, reason: 'Accepted for this test fixture only, never in the app.' };
      }),
    };
    expect(review(issues, all)).toEqual({ unrecorded: [], stale: [], unexplained: [] });
    const withStale: Config = {
      ...all,
      findings: [...all.findings!, { check: 'PRELOAD_JS_CHECK', file: 'gone.js', reason: 'A finding that was fixed.' }],
    };
    expect(review(issues, withStale).stale).toHaveLength(1);
    const noReason: Config = { ...all, findings: all.findings!.map((f) => ({ ...f, reason: '' })) };
    expect(review(issues, noReason).unexplained.length).toBeGreaterThan(0);
  });

  it("the project's sources have only reviewed findings", async () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'electronegativity.json'), 'utf8')) as Config;
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const { issues, errors } = await run(
      join(ROOT, config.input),
      pkg.devDependencies['electron']!,
      (config.excludedChecks ?? []).map((e) => e.check),
    );
    expect(errors).toEqual([]);
    expect(review(issues, config)).toEqual({ unrecorded: [], stale: [], unexplained: [] });
    // What the app fixed stays fixed: no Node in the renderer, no auxclick, navigation limited.
    for (const id of [
      'NODE_INTEGRATION_JS_CHECK',
      'CONTEXT_ISOLATION_JS_CHECK',
      'SANDBOX_JS_CHECK',
      'AUXCLICK_JS_CHECK',
    ])
      expect(issues.map((i) => i.id)).not.toContain(id);
  });
});
